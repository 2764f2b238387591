// lineinfile on the real local host (temp dir).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import lineinfile from './index.js';
import { createHarness, type Harness } from '../../test/helpers/module-harness.js';

let h: Harness;
before(async () => { h = await createHarness(); });
after(async () => { await h.close(); });

test('replace, then ok; check mode leaves the file', async () => {
  const f = join(h.dir, 'sysctl.conf');
  await writeFile(f, '# kernel\nnet.ipv4.ip_forward = 0\n');
  const args = { path: f, regexp: '^net\\.ipv4\\.ip_forward', line: 'net.ipv4.ip_forward = 1' };
  const check = await h.run(lineinfile, args, { checkMode: true, diffMode: true });
  assert.equal(check.status, 'changed');
  assert.equal(check.diff![0]!.after, '# kernel\nnet.ipv4.ip_forward = 1\n');
  assert.equal(await readFile(f, 'utf8'), '# kernel\nnet.ipv4.ip_forward = 0\n');
  const r = await h.run(lineinfile, args);
  assert.equal(r.status, 'changed');
  assert.equal(r.msg, 'line replaced');
  assert.equal(await readFile(f, 'utf8'), '# kernel\nnet.ipv4.ip_forward = 1\n');
  assert.equal((await h.run(lineinfile, args)).status, 'ok');
});

test('create with mode in a new directory, backup on change', async () => {
  const f = join(h.dir, 'new', 'hosts');
  const r = await h.run(lineinfile, { path: f, line: '10.0.0.1 m1', create: true, mode: '0600' });
  assert.equal(r.status, 'changed');
  assert.equal(await readFile(f, 'utf8'), '10.0.0.1 m1\n');
  assert.equal(((await stat(f)).mode & 0o777).toString(8), '600');
  const b = await h.run(lineinfile, { path: f, line: '10.0.0.2 m2', backup: true });
  assert.ok(existsSync(b.result.backup as string));
  assert.equal(await readFile(b.result.backup as string, 'utf8'), '10.0.0.1 m1\n');
});

test('validate runs on the new content before it replaces the file', async () => {
  const f = join(h.dir, 'v.conf');
  await writeFile(f, 'ok=1\n');
  const bad = await h.run(lineinfile, { path: f, line: 'broken', validate: `sh -c '! grep -q broken "$1"' _ %s` });
  assert.equal(bad.status, 'failed');
  assert.match(String(bad.msg), /^failed to validate: rc:1/);
  assert.equal(await readFile(f, 'utf8'), 'ok=1\n');
  const good = await h.run(lineinfile, { path: f, line: 'fine=2', validate: `sh -c '! grep -q broken "$1"' _ %s` });
  assert.equal(good.status, 'changed');
  assert.equal(await readFile(f, 'utf8'), 'ok=1\nfine=2\n');
});
