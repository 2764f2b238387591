import { test } from 'node:test';
import assert from 'node:assert/strict';
import ping from './index.js';
import { fakeContext } from '../../test/helpers/fake-context.js';
import { runModule } from '../../test/helpers/run-module.js';
import { createHarness } from '../../test/helpers/module-harness.js';

test('ping runs a command on the host and returns pong (or data)', async () => {
  const ctx = fakeContext({ commands: [{ match: 'true', result: { rc: 0 } }] });
  const r = await runModule(ping, {}, ctx);
  assert.deepEqual(r.result, { ping: 'pong' });
  assert.deepEqual(ctx.runs.map((x) => x.command), ['true']);
  assert.deepEqual((await runModule(ping, { data: 'hi' }, ctx)).result, { ping: 'hi' });
});

test('data=crash raises', async () => {
  await assert.rejects(runModule(ping, { data: 'crash' }, fakeContext()), /boom/);
});

test('ping on the real local host', async () => {
  const h = await createHarness();
  try {
    const r = await h.run(ping, {});
    assert.equal(r.status, 'ok');
    assert.equal(r.result.ping, 'pong');
  } finally {
    await h.close();
  }
});
