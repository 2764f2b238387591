import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TemplateError } from '../../src/index.js';
import debug from './index.js';
import { fakeContext } from '../../test/helpers/fake-context.js';
import { runModule } from '../../test/helpers/run-module.js';

test('msg defaults to Hello world!', async () => {
  const r = await runModule(debug, {}, fakeContext());
  assert.equal(r.status, 'ok');
  assert.deepEqual(r.result, { msg: 'Hello world!' });
  assert.deepEqual((await runModule(debug, { msg: ['a', 1] }, fakeContext())).result, { msg: ['a', 1] });
});

test('var evaluates an expression; undefined prints Ansible\'s marker', async () => {
  const ctx = fakeContext({ vars: { out: { stdout_lines: ['x', 'y'] } } });
  assert.deepEqual((await runModule(debug, { var: 'out.stdout_lines' }, ctx)).result, { 'out.stdout_lines': ['x', 'y'] });
  assert.deepEqual((await runModule(debug, { var: 'nope' }, ctx)).result, { nope: 'VARIABLE IS NOT DEFINED!' });
  // As Ansible 2.14: a computed number is shown as text, a bare variable keeps its type.
  const nums = fakeContext({ vars: { r: { rc: 1 }, port: 8080 } });
  assert.deepEqual((await runModule(debug, { var: 'r.rc' }, nums)).result, { 'r.rc': '1' });
  assert.deepEqual((await runModule(debug, { var: 'port' }, nums)).result, { port: 8080 });
  const v = await runModule(debug, { var: 'nope' }, fakeContext({ verbosity: 1 }));
  assert.match(String(v.result.nope), /^VARIABLE IS NOT DEFINED!: .*undefined/);
});

test('a missing attribute is "not defined" too, as Ansible\'s AnsibleUndefinedVariable', async () => {
  const ctx = fakeContext({ evaluate: () => { throw new TemplateError("'dict object' has no attribute 'stdout_lines'"); } });
  assert.deepEqual((await runModule(debug, { var: 'r.stdout_lines' }, ctx)).result, { 'r.stdout_lines': 'VARIABLE IS NOT DEFINED!' });
});

test('verbosity above the run\'s -v skips the task', async () => {
  const r = await runModule(debug, { msg: 'hi', verbosity: 2 }, fakeContext({ verbosity: 1 }));
  assert.equal(r.status, 'skipped');
  assert.equal(r.result.skipped_reason, 'Verbosity threshold not met.');
  assert.equal((await runModule(debug, { msg: 'hi', verbosity: 2 }, fakeContext({ verbosity: 2 }))).status, 'ok');
});

test('msg and var together fail', async () => {
  const r = await runModule(debug, { msg: 'a', var: 'b' }, fakeContext());
  assert.equal(r.msg, "'msg' and 'var' are incompatible options");
});

test('other template errors are not hidden as "not defined"', async () => {
  const ctx = fakeContext({ evaluate: () => { throw new Error('boom'); } });
  await assert.rejects(runModule(debug, { var: 'x' }, ctx), /boom/);
});
