import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import slurp from './index.js';
import { fakeContext } from '../../test/helpers/fake-context.js';
import { runModule } from '../../test/helpers/run-module.js';
import { createHarness, type Harness } from '../../test/helpers/module-harness.js';

test('error statuses map to Ansible messages', async () => {
  const ctx = (status: string) => fakeContext({ commands: [{ match: /.*/, result: { stdout: `${status}\n` } }] });
  assert.equal((await runModule(slurp, { src: '/x' }, ctx('ENOENT'))).msg, 'file not found: /x');
  assert.equal((await runModule(slurp, { src: '/x' }, ctx('EISDIR'))).msg, 'source is a directory and must be a file: /x');
  assert.equal((await runModule(slurp, { path: '/x' }, ctx('EACCES'))).msg, 'file is not readable: /x');
});

let h: Harness;
before(async () => { h = await createHarness(); });
after(async () => { await h.close(); });

test('slurp on the real host returns the bytes base64-encoded', async () => {
  const bytes = Buffer.from([0, 1, 2, 255, 10, 65]);
  const f = join(h.dir, 'blob');
  await writeFile(f, bytes);
  const r = await h.run(slurp, { src: f });
  assert.equal(r.status, 'ok');
  assert.deepEqual(r.result, { content: bytes.toString('base64'), source: f, encoding: 'base64' });
  const big = Buffer.alloc(100_000, 'abc');
  await writeFile(f, big);
  assert.equal((await h.run(slurp, { src: f })).result.content, big.toString('base64'));
  await mkdir(join(h.dir, 'd'));
  assert.equal((await h.run(slurp, { src: join(h.dir, 'd') })).status, 'failed');
  assert.equal((await h.run(slurp, { src: join(h.dir, 'none') })).msg, `file not found: ${join(h.dir, 'none')}`);
});
