import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { renderValue, renderTemplate, OMIT, removeOmitted, isTemplate } from '../../../src/template/index.js';

const vars = {
  n: 8080,
  f: 1.5,
  yes: true,
  list: [1, 'a', null],
  dict: { k: 'v', nested: { x: 1 } },
  nonev: null,
  liststr: '[1, 2]',
  truestr: 'True',
  name: 'web',
};

test('a lone {{ expr }} gives the native value, except computed numbers (text in Ansible 2.14)', () => {
  assert.equal(renderValue('{{ n }}', vars), 8080);
  assert.equal(renderValue('{{ f }}', vars), 1.5);
  assert.equal(renderValue('{{ yes }}', vars), true);
  assert.deepEqual(renderValue('{{ list }}', vars), [1, 'a', null]);
  assert.deepEqual(renderValue('{{ dict }}', vars), { k: 'v', nested: { x: 1 } });
  assert.equal(renderValue('{{ nonev }}', vars), null);
  assert.equal(renderValue('{{ 1 + 1 }}', vars), '2');
  assert.equal(renderValue('{{ n + 0.5 }}', vars), '8080.5');
  assert.deepEqual(renderValue("{{ [n, 'x'] }}", vars), [8080, 'x']);
  assert.deepEqual(renderValue("{{ {'a': n} }}", vars), { a: 8080 });
});

test('whitespace around the lone expression is allowed for native values', () => {
  assert.deepEqual(renderValue('  {{ list }}\n', vars), [1, 'a', null]);
  assert.equal(renderValue('{{n}}', vars), 8080);
  // a string result keeps the surrounding text
  assert.equal(renderValue('{{ name }}\n', vars), 'web\n');
});

test('mixed text renders to a string, None printing as nothing (Ansible)', () => {
  assert.equal(renderValue('port {{ n }}', vars), 'port 8080');
  assert.equal(renderValue('x{{ nonev }}y', vars), 'xy');
  assert.equal(renderValue('{{ yes }}/{{ list }}', vars), "True/[1, 'a', None]");
  assert.equal(renderValue('{{ dict }}!', vars), "{'k': 'v', 'nested': {'x': 1}}!");
});

test("text that reads as a Python literal becomes a value (Ansible's convert_data)", () => {
  assert.deepEqual(renderValue('[{{ n }}, 2]', vars), [8080, 2]);
  assert.deepEqual(renderValue('{{ liststr }}', vars), [1, 2]);
  assert.equal(renderValue('{{ truestr }}', vars), true);
  assert.deepEqual(renderValue("{'a': {{ n }}}", vars), { a: 8080 });
  // not a literal: stays text
  assert.equal(renderValue('[{{ name }}]', vars), '[web]');
  assert.equal(renderValue('[{{ n }}] done', vars), '[8080] done');
  // convertData: false keeps text
  assert.equal(renderValue('[{{ n }}, 2]', vars, { convertData: false }), '[8080, 2]');
});

test('to_json / to_yaml / string output stays text (STRING_TYPE_FILTERS)', () => {
  assert.equal(renderValue('{{ dict | to_json }}', vars), '{"k": "v", "nested": {"x": 1}}');
  assert.equal(renderValue('{{ list | string }}', vars), "[1, 'a', None]");
  // but a later filter drops that protection, as in Ansible
  assert.deepEqual(renderValue('{{ dict | to_json | trim }}', vars), { k: 'v', nested: { x: 1 } });
});

test('strings without template markers are returned as they are', () => {
  const s = 'no templates here { } %';
  assert.equal(renderValue(s, vars), s);
  assert.equal(isTemplate(s), false);
  assert.equal(isTemplate('a {{ b }}'), true);
  assert.equal(isTemplate('{% if x %}'), true);
  assert.equal(isTemplate('{# c #}'), true);
  fc.assert(
    fc.property(fc.string().filter((x) => !/\{[{%#]/.test(x)), (x) => renderValue(x, vars) === x),
  );
});

test('objects and arrays: values rendered recursively, keys untouched, input not mutated', () => {
  const raw = { '{{ name }}': '{{ n }}', list: ['{{ name }}', 3, { deep: 'a{{ n }}' }], keep: false };
  const copy = structuredClone(raw);
  const out = renderValue(raw, vars);
  assert.deepEqual(out, { '{{ name }}': 8080, list: ['web', 3, { deep: 'a8080' }], keep: false });
  assert.deepEqual(raw, copy);
  assert.notEqual(out, raw);
});

test('non-string scalars pass through', () => {
  assert.equal(renderValue(5, vars), 5);
  assert.equal(renderValue(true, vars), true);
  assert.equal(renderValue(null, vars), null);
  assert.equal(renderValue(undefined, vars), undefined);
});

test('a variable holding any JSON value comes back unchanged through {{ x }}', () => {
  const jsonish = fc.jsonValue().filter((v) => !JSON.stringify(v).includes('{{') && !JSON.stringify(v).includes('{%') && !JSON.stringify(v).includes('{#'));
  fc.assert(
    fc.property(jsonish, (v) => {
      // Strings that read as Python literals are converted by Ansible; leave them out.
      if (typeof v === 'string' && (/^[[{]/.test(v) || v === 'True' || v === 'False')) return true;
      const out = renderValue('{{ x }}', { x: v });
      assert.deepEqual(out, v);
      return true;
    }),
    { numRuns: 200 },
  );
});

test('omit renders to OMIT, with default(omit) too, and removeOmitted drops it', () => {
  assert.equal(renderValue('{{ omit }}', {}), OMIT);
  assert.equal(renderValue('{{ nope | default(omit) }}', {}), OMIT);
  assert.equal(renderValue('{{ n | default(omit) }}', vars), '8080');
  const args = renderValue({ mode: '{{ m | default(omit) }}', path: '/x', list: ['{{ omit }}', 'a'] }, {}) as Record<string, unknown>;
  assert.equal(args.mode, OMIT);
  assert.deepEqual(removeOmitted(args), { path: '/x', list: ['a'] });
  assert.match(OMIT, /^__omit_place_holder__[0-9a-f]{40}$/);
  // a variable named omit (the executor passes one) is used as is
  assert.equal(renderValue('{{ omit }}', { omit: OMIT }), OMIT);
});

test('trailing newlines of the template are kept in text output', () => {
  assert.equal(renderValue('a {{ n }}\n\n', vars), 'a 8080\n\n');
  assert.equal(renderValue('{% if yes %}x{% endif %}\n', vars), 'x\n');
  assert.equal(renderTemplate('{% if yes %}\nline\n{% endif %}\n', vars), 'line\n');
});
