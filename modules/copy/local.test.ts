// copy on the real local host (temp dir): apply, idempotence, check mode, validate, backup.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, readFile, readdir, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import copy from './index.js';
import { createHarness, type Harness } from '../../test/helpers/module-harness.js';

let h: Harness;
before(async () => { h = await createHarness(); });
after(async () => { await h.close(); });

const modeOf = async (p: string) => ((await stat(p)).mode & 0o7777).toString(8);

test('content: changed, then ok; check mode leaves the file', async () => {
  const dest = join(h.dir, 'motd');
  const r1 = await h.run(copy, { content: 'hello\n', dest, mode: '0640' });
  assert.equal(r1.status, 'changed');
  assert.equal(await readFile(dest, 'utf8'), 'hello\n');
  assert.equal(await modeOf(dest), '640');
  assert.equal(r1.result.mode, '0640');
  assert.equal(r1.result.size, 6);

  const r2 = await h.run(copy, { content: 'hello\n', dest, mode: '0640' });
  assert.equal(r2.status, 'ok');

  const r3 = await h.run(copy, { content: 'bye\n', dest, mode: '0600' }, { checkMode: true, diffMode: true });
  assert.equal(r3.status, 'changed');
  assert.deepEqual([r3.diff![0]!.before, r3.diff![0]!.after], ['hello\n', 'bye\n']);
  assert.equal(await readFile(dest, 'utf8'), 'hello\n');
  assert.equal(await modeOf(dest), '640');
});

test('src from the controller files/ dir, into a new directory', async () => {
  await mkdir(join(h.dir, 'files'), { recursive: true });
  await writeFile(join(h.dir, 'files', 'app.ini'), 'a=1\n');
  const r = await h.run(copy, { src: 'app.ini', dest: join(h.dir, 'etc', 'app') + '/' });
  assert.equal(r.status, 'changed');
  assert.equal(await readFile(join(h.dir, 'etc', 'app', 'app.ini'), 'utf8'), 'a=1\n');
  assert.equal((await h.run(copy, { src: 'app.ini', dest: join(h.dir, 'etc', 'app') + '/' })).status, 'ok');
});

test('validate: a failing validator keeps the old file and leaves no temp file', async () => {
  const dest = join(h.dir, 'v.conf');
  await writeFile(dest, 'good\n');
  const r = await h.run(copy, { content: 'bad\n', dest, validate: 'grep -q good %s' });
  assert.equal(r.status, 'failed');
  assert.equal(r.msg, 'failed to validate');
  assert.equal(await readFile(dest, 'utf8'), 'good\n');
  assert.deepEqual((await readdir(h.dir)).filter((f) => f.includes('k8splay-')), []);
  const ok = await h.run(copy, { content: 'good too\n', dest, validate: 'grep -q good %s' });
  assert.equal(ok.status, 'changed');
  assert.equal(await readFile(dest, 'utf8'), 'good too\n');
});

test('backup and remote_src', async () => {
  const a = join(h.dir, 'a.txt');
  const b = join(h.dir, 'b.txt');
  await writeFile(a, 'A\n');
  await writeFile(b, 'B\n');
  const r = await h.run(copy, { src: a, dest: b, remote_src: true, backup: true });
  assert.equal(r.status, 'changed');
  assert.equal(await readFile(b, 'utf8'), 'A\n');
  assert.equal(await readFile(r.result.backup_file as string, 'utf8'), 'B\n');
  assert.equal((await h.run(copy, { src: a, dest: b, remote_src: true })).status, 'ok');
});
