// when / changed_when / failed_when / until. Every case below was run through ansible-core 2.14
// (`debug` with `when:`) and the outcome recorded here.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { evaluateCondition, evaluateConditions } from '../../../src/template/index.js';
import { TemplateError } from '../../../src/errors.js';

const vars = {
  sfalse: 'False',
  strue: 'True',
  sno: 'no',
  sempty: '',
  lst: [1],
  empty: [],
  nonev: null,
  d: { a: 1 },
  num: 10,
  zero: 0,
  snum: '10',
  x: 1,
  res: { rc: 0, stdout: 'foo\nbar', stdout_lines: ['foo', 'bar'], changed: false, failed: false },
};

const ANSIBLE: Array<[string | boolean | number, boolean | 'error']> = [
  ['sfalse', true], // a non-empty string is true, even "False"
  ['sno', true],
  ['sempty', false],
  ['{{ sfalse }}', false], // templated first: "False" becomes the bool False
  ['{{ strue }}', true],
  ['{{ sempty }}', false],
  ['lst', true],
  ['empty', false],
  ['{{ empty }}', false],
  ['{{ lst }}', true],
  ['nonev', false],
  ['{{ nonev }}', false],
  ['res.rc != 0', false],
  ['res.rc == 0', true],
  ["'foo' in res.stdout", true],
  ["'zzz' not in res.stdout", true],
  ['res is succeeded', true],
  ['res is changed', false],
  ['res.stdout_lines | length > 1', true],
  ['not res.changed', true],
  ['res.rc == 0 and res.stdout', true],
  ['x is defined', true],
  ['x is not defined', false],
  ['nope', 'error'],
  ['nope | default(false)', false],
  ['nope | default(true)', true],
  ['sno | bool', false],
  ['sfalse | bool', false],
  ["'yes' | bool", true],
  ['d.a == 1', true],
  ['d.zz is undefined', true],
  ['d.zz', 'error'],
  ["{{ 'no' }}", 'error'], // renders to "no", then evaluated as the expression `no`: undefined
  ['{{ 1 == 1 }}', true],
  ['num > 5', true],
  ['num', true],
  ['zero', false],
  ['True', true],
  ['False', false],
  [1, true],
  [0, false],
  ['snum > 5', 'error'], // '10' > 5: str and int do not compare
];

test('conditions behave as in Ansible', () => {
  for (const [cond, want] of ANSIBLE) {
    if (want === 'error') {
      assert.throws(() => evaluateCondition(cond, vars), TemplateError, String(cond));
    } else {
      assert.equal(evaluateCondition(cond, vars), want, String(cond));
    }
  }
});

test('booleans, empty and missing conditions', () => {
  assert.equal(evaluateCondition(true, {}), true);
  assert.equal(evaluateCondition(false, {}), false);
  assert.equal(evaluateCondition('', {}), true);
  assert.equal(evaluateCondition(null, {}), true);
});

test("a condition holding {{ }} gives Ansible's warning", () => {
  const warnings: string[] = [];
  evaluateCondition('{{ x == 1 }}', vars, { warn: (m) => warnings.push(m) });
  assert.deepEqual(warnings, ['conditional statements should not include jinja2 templating delimiters such as {{ }} or {% %}. Found: {{ x == 1 }}']);
  evaluateCondition('x == 1', vars, { warn: (m) => warnings.push(m) });
  assert.equal(warnings.length, 1);
});

test('a failing condition names itself and the cause, with the location', () => {
  const loc = { file: 'tasks/main.yml', line: 4 };
  assert.throws(
    () => evaluateCondition('result.rc != 0', {}, { location: loc }),
    (e: unknown) =>
      e instanceof TemplateError &&
      e.message === "The conditional check 'result.rc != 0' failed. The error was: 'result' is undefined" &&
      e.location === loc,
  );
});

test('multi-line conditions and lists of conditions (ANDed)', () => {
  assert.equal(evaluateCondition('x == 1 and\n  res.rc == 0\n', vars), true);
  assert.equal(evaluateConditions(['x == 1', 'res.rc == 0'], vars), true);
  assert.equal(evaluateConditions(['x == 1', 'res.rc == 1'], vars), false);
  assert.equal(evaluateConditions([], vars), true);
});

test('until-style conditions on a registered result', () => {
  const attempts = [{ rc: 1, stdout: '' }, { rc: 0, stdout: 'Ready' }];
  const done = attempts.map((r) => evaluateCondition("r.rc == 0 and 'Ready' in r.stdout", { r }));
  assert.deepEqual(done, [false, true]);
});
