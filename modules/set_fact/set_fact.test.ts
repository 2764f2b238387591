import { test } from 'node:test';
import assert from 'node:assert/strict';
import setFact, { isValidVarName } from './index.js';
import { fakeContext } from '../../test/helpers/fake-context.js';
import { runModule } from '../../test/helpers/run-module.js';

test('returns ansible_facts; yes/no/true/false strings become booleans', async () => {
  const r = await runModule(setFact, { a: 1, b: 'yes', c: 'False', d: 'text', e: { k: [1] } }, fakeContext());
  assert.equal(r.status, 'ok');
  assert.deepEqual(r.result, { ansible_facts: { a: 1, b: true, c: false, d: 'text', e: { k: [1] } }, _ansible_facts_cacheable: false });
});

test('cacheable is a flag, not a fact', async () => {
  const r = await runModule(setFact, { x: 1, cacheable: true }, fakeContext());
  assert.deepEqual(r.result, { ansible_facts: { x: 1 }, _ansible_facts_cacheable: true });
});

test('invalid names and no keys fail with Ansible\'s messages', async () => {
  assert.match(String((await runModule(setFact, { '1x': 1 }, fakeContext())).msg), /The variable name '1x' is not valid/);
  assert.match(String((await runModule(setFact, { class: 1 }, fakeContext())).msg), /'class' is not valid/);
  assert.equal((await runModule(setFact, {}, fakeContext())).msg, 'No key/value pairs provided, at least one is required for this action to succeed');
  assert.ok(isValidVarName('_a1') && !isValidVarName('a-b') && !isValidVarName('None'));
});
