/**
 * The two Python behaviours the INI parser leans on: shlex.split(comments=True) for host lines and
 * ast.literal_eval for values. Checked on known cases, then against Python itself on random input.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { literalEval, parseIniValue, shlexSplit, ShlexError } from '../../../src/inventory/index.js';
import { ansiblePython, NO_ANSIBLE, runAnsiblePython } from './ansible-oracle.js';

test('shlex: quotes, escapes and words', () => {
  assert.deepEqual(shlexSplit(`h1 a=1 b="x y" c='p q'`), ['h1', 'a=1', 'b=x y', 'c=p q']);
  assert.deepEqual(shlexSplit(`a=ab\\ cd`), ['a=ab cd']);
  // Inside double quotes a backslash only escapes " and \ ; elsewhere it is kept.
  assert.deepEqual(shlexSplit(`x="a\\"b\\\\c\\d"`), ['x=a"b\\c\\d']);
  // Inside single quotes nothing is escaped.
  assert.deepEqual(shlexSplit(`x='a\\b'`), ['x=a\\b']);
  // Quotes inside quotes survive (how a literal string is written: "'22'").
  assert.deepEqual(shlexSplit(`q="'22'"`), [`q='22'`]);
  assert.deepEqual(shlexSplit(`e="" f`), ['e=', 'f']);
  assert.deepEqual(shlexSplit(`''`), ['']);
});

test('shlex: # starts a comment even inside a word, ; does not', () => {
  assert.deepEqual(shlexSplit('host a=1 # note'), ['host', 'a=1']);
  assert.deepEqual(shlexSplit('host pass=ab#cd more=1'), ['host', 'pass=ab']);
  assert.deepEqual(shlexSplit(`host pass="ab#cd"`), ['host', 'pass=ab#cd']);
  assert.deepEqual(shlexSplit('host ; x'), ['host', ';', 'x']);
  assert.deepEqual(shlexSplit('host a=1 # note', false), ['host', 'a=1', '#', 'note']);
});

test('shlex: unclosed quote and trailing backslash throw', () => {
  assert.throws(() => shlexSplit('h1 "open'), (e: unknown) => e instanceof ShlexError && e.message === 'No closing quotation');
  assert.throws(() => shlexSplit("h1 'open"), ShlexError);
  assert.throws(() => shlexSplit('h1 a\\'), (e: unknown) => e instanceof ShlexError && e.message === 'No escaped character');
});

test('literal_eval: numbers', () => {
  const cases: Array<[string, unknown]> = [
    ['22', 22], ['-3', -3], ['+4', 4], ['0x1F', 31], ['-0x10', -16], ['0o17', 15], ['0b11', 3], ['1_000', 1000],
    ['1.5', 1.5], ['.5', 0.5], ['5.', 5], ['1e3', 1000], ['00', 0], ['-(1)', -1], [' 7', 7], ['\t7 ', 7],
  ];
  for (const [src, want] of cases) assert.deepEqual(literalEval(src), { ok: true, value: want }, src);
  for (const bad of ['010', '1_', '1__0', '0x', '1abc', '1.5.3', '--1', '-(-1)', '-True', '1j', '1+2j', '9007199254740993', 'inf', 'nan']) {
    assert.deepEqual(literalEval(bad), { ok: false }, bad);
  }
});

test('literal_eval: strings, names and containers', () => {
  const cases: Array<[string, unknown]> = [
    [`'x'`, 'x'], [`"x y"`, 'x y'], [`'a' "b"`, 'ab'], [`'''tri'''`, 'tri'], [`r'\\d'`, '\\d'], [`'\\d'`, '\\d'],
    [`'\\x41\\n\\t'`, 'A\n\t'], [`'\\u00e9'`, 'é'], [`u'x'`, 'x'], [`b'by'`, 'by'], [`'\\101'`, 'A'],
    ['True', true], ['False', false], ['None', null],
    ['[1, "a", True]', [1, 'a', true]], ['[1,]', [1]], ['[]', []], ['()', []], ['(1, 2)', [1, 2]], ['(1,)', [1]], ['(1)', 1],
    [`{'k': [1, {'z': None}]}`, { k: [1, { z: null }] }], ['{}', {}], ['{1: 2}', { 1: 2 }], ['set()', []], ['{1, 2, 1}', [1, 2]],
    ['True # a comment', true], ['[1, # c\n 2]', [1, 2]],
  ];
  for (const [src, want] of cases) assert.deepEqual(literalEval(src), { ok: true, value: want }, src);
  for (const bad of ['true', 'abc', 'a=b', "f'x'", `'a' b'c'`, `'open`, '[1, 2', '{[1]: 2}', 'x()', "'a'.upper()", '', '# only', '1 if 1 else 2', '...']) {
    assert.deepEqual(literalEval(bad), { ok: false }, bad);
  }
});

test('parseIniValue keeps what is not a literal as the raw string', () => {
  assert.equal(parseIniValue('hello # comment'), 'hello # comment');
  assert.equal(parseIniValue('x=y'), 'x=y');
  assert.equal(parseIniValue(''), '');
  assert.equal(parseIniValue('010'), '010');
  assert.equal(parseIniValue('22'), 22);
});

const python = ansiblePython();

test("shlex and INI values agree with Ansible's own code on random input", { skip: python ? false : NO_ANSIBLE }, () => {
  const shlexInputs = fc.sample(fc.string({ unit: fc.constantFrom('a', 'b', ' ', '"', "'", '\\', '#', '=', '\t') , maxLength: 14 }), { numRuns: 400, seed: 42 });
  const atoms = [
    '1', '-2', '0x1f', '1.5', '.5', '010', '00', '1_0', '1e', '1.', 'j', '_', "'s'", '"d"', "r'\\d'", "'\\x41'", "b'\\x41'",
    "'''", "'", '"', '\\', 'b', 'r', 'u', 'f', 'True', 'None', 'x', ' ', '\t', ',', ':', '(', ')', '[', ']', '{', '}', '#c', '-', '+',
  ];
  const literalInputs = fc.sample(fc.array(fc.constantFrom(...atoms), { maxLength: 7 }).map((a) => a.join('')), { numRuns: 3000, seed: 7 });
  const py = runAnsiblePython(
    `import shlex, ast
from ansible.plugins.inventory.ini import InventoryModule
def sh(s):
    try: return shlex.split(s, comments=True)
    except ValueError as e: return {'error': str(e)}
def lit(s):
    v = InventoryModule._parse_value(s)
    if isinstance(v, set):
        try: return {'set': sorted(json.dumps(x) for x in v)}
        except Exception: return {'raw': True}
    if isinstance(v, complex) or (isinstance(v, int) and abs(v) > 2**53) or v is Ellipsis: return {'raw': True}
    try:
        json.dumps(v, allow_nan=False)
    except Exception:
        return {'raw': True}
    return {'value': list(v) if isinstance(v, tuple) else v}
print(json.dumps({'shlex': [sh(s) for s in DATA['shlex']], 'lit': [lit(s) for s in DATA['lit']]}))`,
    { shlex: shlexInputs, lit: literalInputs },
  ) as { shlex: unknown[]; lit: Array<{ raw?: true; value?: unknown; set?: string[] }> };

  shlexInputs.forEach((s, i) => {
    let ours: unknown;
    try {
      ours = shlexSplit(s);
    } catch (e) {
      ours = { error: (e as Error).message };
    }
    assert.deepEqual(ours, py.shlex[i], `shlex ${JSON.stringify(s)}`);
  });
  literalInputs.forEach((s, i) => {
    const want = py.lit[i]!;
    const ours = parseIniValue(s);
    const what = `INI value ${JSON.stringify(s)}`;
    // Values with no JSON form (complex, huge ints, Ellipsis) stay the raw string here, by design.
    if (want.raw) assert.equal(ours, s, what);
    else if (want.set) {
      // A Python set has no order: compare members.
      assert.ok(Array.isArray(ours), `${what} should give a set`);
      assert.deepEqual((ours as unknown[]).map((x) => JSON.stringify(x)).sort(), [...want.set].map((x) => JSON.stringify(JSON.parse(x))).sort(), what);
    } else assert.deepEqual(JSON.parse(JSON.stringify(ours)), want.value, what);
  });
});
