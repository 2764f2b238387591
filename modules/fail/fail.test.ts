import { test } from 'node:test';
import assert from 'node:assert/strict';
import fail from './index.js';
import { fakeContext } from '../../test/helpers/fake-context.js';
import { runModule } from '../../test/helpers/run-module.js';

test('fails with the default or the given message', async () => {
  const d = await runModule(fail, {}, fakeContext());
  assert.equal(d.status, 'failed');
  assert.equal(d.msg, 'Failed as requested from task');
  assert.equal((await runModule(fail, { msg: 'stop here' }, fakeContext())).msg, 'stop here');
});
