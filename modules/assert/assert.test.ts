import { test } from 'node:test';
import assert from 'node:assert/strict';
import assertModule, { truthy } from './index.js';
import { fakeContext } from '../../test/helpers/fake-context.js';
import { runModule } from '../../test/helpers/run-module.js';

const ctx = () => fakeContext({ vars: { a: 1, empty: [], name: 'x' } });

test('all true: ok with the success message', async () => {
  const r = await runModule(assertModule, { that: ['a', 'name'] }, ctx());
  assert.equal(r.status, 'ok');
  assert.equal(r.result.msg, 'All assertions passed');
  assert.equal((await runModule(assertModule, { that: 'a', success_msg: 'fine' }, ctx())).result.msg, 'fine');
});

test('the first false condition fails with assertion and evaluated_to', async () => {
  const r = await runModule(assertModule, { that: ['a', 'empty', 'nope'] }, ctx());
  assert.equal(r.status, 'failed');
  assert.equal(r.msg, 'Assertion failed');
  assert.equal(r.result.assertion, 'empty');
  assert.equal(r.result.evaluated_to, false);
});

test('fail_msg and its alias msg', async () => {
  assert.equal((await runModule(assertModule, { that: 'empty', fail_msg: 'no!' }, ctx())).msg, 'no!');
  assert.equal((await runModule(assertModule, { that: 'empty', msg: 'no?' }, ctx())).msg, 'no?');
});

test('already-rendered booleans and True/False strings', async () => {
  assert.equal((await runModule(assertModule, { that: [true, 'True'] }, ctx())).status, 'ok');
  assert.equal((await runModule(assertModule, { that: 'False' }, ctx())).status, 'failed');
  assert.equal((await runModule(assertModule, { that: false }, ctx())).status, 'failed');
});

test('an undefined variable fails the conditional check', async () => {
  const r = await runModule(assertModule, { that: 'nope' }, ctx());
  assert.match(String(r.msg), /^The conditional check 'nope' failed\. The error was: .*undefined/);
});

test('truthiness follows Python', () => {
  assert.deepEqual([0, '', [], {}, null, false].map(truthy), [false, false, false, false, false, false]);
  assert.deepEqual([1, 'x', [0], { a: 1 }, true].map(truthy), [true, true, true, true, true]);
});
