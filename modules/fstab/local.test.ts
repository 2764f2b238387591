// fstab on the real local host: file-only states on an fstab in a temp dir (nothing is
// mounted), and `swap: off` only where the machine has no active swap (it would run swapoff -a).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import fstab from './index.js';
import { parseSwaps } from './live.js';
import { createHarness, type Harness } from '../../test/helpers/module-harness.js';

let h: Harness;
before(async () => { h = await createHarness('k8sp-fstab-'); });
after(async () => { await h.close(); });

const swapActive = parseSwaps(readFileSync('/proc/swaps', 'utf8')).length > 0;

test('present, then ok, then absent_from_fstab; backup keeps the old file', async () => {
  const f = join(h.dir, 'fstab');
  await writeFile(f, '# static\nUUID=1 / ext4 defaults 0 1\n');
  const args = { path: '/mnt/my data', src: 'tmpfs', fstype: 'tmpfs', opts: 'size=1m', state: 'present', fstab: f };
  const r = await h.run(fstab, args);
  assert.equal(r.status, 'changed', r.msg);
  assert.equal(await readFile(f, 'utf8'), '# static\nUUID=1 / ext4 defaults 0 1\ntmpfs /mnt/my\\040data tmpfs size=1m 0 0\n');
  assert.equal((await h.run(fstab, args)).status, 'ok');
  const a = await h.run(fstab, { path: '/mnt/my data', state: 'absent_from_fstab', fstab: f, backup: true });
  assert.equal(a.status, 'changed');
  assert.equal(await readFile(f, 'utf8'), '# static\nUUID=1 / ext4 defaults 0 1\n');
  assert.ok(existsSync(a.result.backup_file as string));
  assert.match(await readFile(a.result.backup_file as string, 'utf8'), /my\\040data/);
});

test('swap: off comments out swap lines of a temp fstab', { skip: swapActive && 'this machine has active swap' }, async () => {
  const f = join(h.dir, 'fstab-swap');
  const text = '/dev/sda1 / xfs defaults 0 0\n/dev/sda2 swap swap defaults 0 0\n/swapfile none swap sw 0 0\n';
  await writeFile(f, text);
  const check = await h.run(fstab, { swap: false, fstab: f }, { checkMode: true });
  assert.equal(check.status, 'changed');
  assert.equal(await readFile(f, 'utf8'), text);
  const r = await h.run(fstab, { swap: false, fstab: f });
  assert.equal(r.status, 'changed', r.msg);
  assert.equal(await readFile(f, 'utf8'), '/dev/sda1 / xfs defaults 0 0\n#/dev/sda2 swap swap defaults 0 0\n#/swapfile none swap sw 0 0\n');
  assert.deepEqual(r.result.swap_active, []);
  assert.equal((await h.run(fstab, { swap: false, fstab: f })).status, 'ok');
});
