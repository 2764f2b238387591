// file on the real local host (temp dir).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { lstat, mkdir, readlink, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import file from './index.js';
import { createHarness, type Harness } from '../../test/helpers/module-harness.js';

let h: Harness;
before(async () => { h = await createHarness(); });
after(async () => { await h.close(); });

const modeOf = async (p: string) => ((await lstat(p)).mode & 0o7777).toString(8);

test('directory with parents and mode: changed, then ok; check mode creates nothing', async () => {
  const d = join(h.dir, 'a', 'b', 'c');
  const check = await h.run(file, { path: d, state: 'directory', mode: '0750' }, { checkMode: true, diffMode: true });
  assert.equal(check.status, 'changed');
  assert.equal(existsSync(join(h.dir, 'a')), false);
  assert.deepEqual(JSON.parse(check.diff![0]!.after), { path: d, state: 'directory', mode: '0750' });

  const r = await h.run(file, { path: d, state: 'directory', mode: '0750' });
  assert.equal(r.status, 'changed');
  assert.equal(await modeOf(join(h.dir, 'a')), '750');
  assert.equal(await modeOf(d), '750');
  assert.equal(r.result.state, 'directory');
  assert.equal((await h.run(file, { path: d, state: 'directory', mode: '0750' })).status, 'ok');
});

test('touch: created, always changed; preserve times makes it idempotent', async () => {
  const f = join(h.dir, 'touched');
  assert.equal((await h.run(file, { path: f, state: 'touch', mode: 'u=rw,g=r,o=r' })).status, 'changed');
  assert.equal(await modeOf(f), '644');
  assert.equal((await h.run(file, { path: f, state: 'touch' })).status, 'changed');
  const keep = { path: f, state: 'touch', modification_time: 'preserve', access_time: 'preserve' };
  assert.equal((await h.run(file, keep)).status, 'ok');
  await h.run(file, { path: f, state: 'touch', modification_time: '202001020304.05' });
  assert.equal(Math.floor((await stat(f)).mtimeMs / 1000), Math.floor(new Date(2020, 0, 2, 3, 4, 5).getTime() / 1000));
  assert.equal((await h.run(file, { path: f, state: 'file', modification_time: '202001020304.05' })).status, 'ok');
});

test('mode on an existing file, default state = current state', async () => {
  const f = join(h.dir, 'plain');
  await writeFile(f, 'x');
  const r = await h.run(file, { path: f, mode: '0600' });
  assert.equal(r.status, 'changed');
  assert.equal(await modeOf(f), '600');
  assert.equal((await h.run(file, { path: f, mode: '600' })).status, 'ok');
  const missing = await h.run(file, { path: join(h.dir, 'missing'), mode: '0600' });
  assert.equal(missing.status, 'failed');
  assert.equal(missing.msg, `file (${join(h.dir, 'missing')}) is absent, cannot continue`);
});

test('symlink: created, ok, retargeted; check mode leaves it', async () => {
  const l = join(h.dir, 'link');
  await writeFile(join(h.dir, 't1'), '1');
  await writeFile(join(h.dir, 't2'), '2');
  assert.equal((await h.run(file, { path: l, src: 't1', state: 'link' })).status, 'changed');
  assert.equal(await readlink(l), 't1');
  assert.equal((await h.run(file, { path: l, src: 't1', state: 'link' })).status, 'ok');
  assert.equal((await h.run(file, { path: l, src: 't2', state: 'link' }, { checkMode: true })).status, 'changed');
  assert.equal(await readlink(l), 't1');
  assert.equal((await h.run(file, { path: l, src: 't2', state: 'link' })).status, 'changed');
  assert.equal(await readlink(l), 't2');
});

test('hard link and absent (recursive)', async () => {
  const src = join(h.dir, 'hsrc');
  await writeFile(src, 'h');
  const dst = join(h.dir, 'hdst');
  assert.equal((await h.run(file, { path: dst, src, state: 'hard' })).status, 'changed');
  assert.equal((await stat(dst)).ino, (await stat(src)).ino);
  assert.equal((await h.run(file, { path: dst, src, state: 'hard' })).status, 'ok');

  const tree = join(h.dir, 'tree');
  await mkdir(join(tree, 'sub'), { recursive: true });
  await writeFile(join(tree, 'sub', 'f'), 'f');
  const check = await h.run(file, { path: tree, state: 'absent' }, { checkMode: true, diffMode: true });
  assert.deepEqual(JSON.parse(check.diff![0]!.before).path_content, { directories: [join(tree, 'sub')], files: [join(tree, 'sub', 'f')] });
  assert.equal(existsSync(tree), true);
  assert.equal((await h.run(file, { path: tree, state: 'absent' })).status, 'changed');
  assert.equal(existsSync(tree), false);
  assert.equal((await h.run(file, { path: tree, state: 'absent' })).status, 'ok');
});

test('recurse sets the mode below a directory, then is ok', async () => {
  const d = join(h.dir, 'rec');
  await mkdir(join(d, 'x'), { recursive: true });
  await writeFile(join(d, 'x', 'f'), 'f');
  const r = await h.run(file, { path: d, state: 'directory', recurse: true, mode: 'u=rwX,g=rX,o=' });
  assert.equal(r.status, 'changed');
  assert.equal(await modeOf(join(d, 'x')), '750');
  assert.equal(await modeOf(join(d, 'x', 'f')), '640');
  assert.equal((await h.run(file, { path: d, state: 'directory', recurse: true, mode: 'u=rwX,g=rX,o=' })).status, 'ok');
});
