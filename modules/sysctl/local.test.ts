// The real shell side of sysctl on this machine, without changing it: files live in a temp
// directory, reload and sysctl_set stay off except under check mode (which only reads /proc/sys).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import sysctl from './index.js';
import { liveSectionCommand } from './state.js';
import { shellQuote } from '../../src/connection/quote.js';
import { createHarness, type Harness } from '../../test/helpers/module-harness.js';

let h: Harness;
before(async () => { h = await createHarness('k8sp-sysctl-'); });
after(async () => { await h.close(); });

test('file only: written with the comments and the other lines kept; second run unchanged', async () => {
  const f = join(h.dir, 'k8s.conf');
  writeFileSync(f, '# mine\nvm.swappiness = 10\nnet.ipv4.ip_forward = 0\n');
  const r = await h.run(sysctl, { name: 'net.ipv4.ip_forward', value: 'yes', sysctl_file: f, reload: false });
  assert.equal(r.status, 'changed');
  assert.equal(readFileSync(f, 'utf8'), '# mine\nvm.swappiness = 10\nnet.ipv4.ip_forward = 1\n');
  assert.equal((await h.run(sysctl, { name: 'net.ipv4.ip_forward', value: 1, sysctl_file: f, reload: false })).status, 'ok');
  const gone = await h.run(sysctl, { name: 'vm.swappiness', state: 'absent', sysctl_file: f, reload: false });
  assert.equal(gone.status, 'changed');
  assert.equal(readFileSync(f, 'utf8'), '# mine\nnet.ipv4.ip_forward = 1\n');
});

test('a new file in an existing directory; a file in a missing directory fails', async () => {
  const f = join(h.dir, 'new.conf');
  assert.equal((await h.run(sysctl, { name: 'kernel.x', value: 'a b', sysctl_file: f, reload: false })).status, 'changed');
  assert.equal(readFileSync(f, 'utf8'), 'kernel.x=a b\n');
  const m = await h.run(sysctl, { name: 'kernel.x', value: '1', sysctl_file: join(h.dir, 'no/such.conf'), reload: false });
  assert.equal(m.status, 'failed');
  assert.match(m.msg!, /Destination directory/);
});

test('check mode reads the live value from /proc/sys and predicts the change without touching anything', async () => {
  const f = join(h.dir, 'check.conf');
  const live = readFileSync('/proc/sys/net/ipv4/ip_forward', 'utf8').trim();
  const other = live === '1' ? '0' : '1';
  writeFileSync(f, `net.ipv4.ip_forward = ${other}\n`);
  // The file already says `other`; only the live value differs: changed, under check mode.
  const r = await h.run(sysctl, { name: 'net.ipv4.ip_forward', value: other, sysctl_file: f }, { checkMode: true, diffMode: true });
  assert.equal(r.status, 'changed');
  assert.equal(r.applied, false);
  assert.deepEqual(r.diff!.map((d) => [d.path, d.before, d.after]), [['/proc/sys/net/ipv4/ip_forward', `net.ipv4.ip_forward = ${live}\n`, `net.ipv4.ip_forward = ${other}\n`]]);
  assert.equal(readFileSync('/proc/sys/net/ipv4/ip_forward', 'utf8').trim(), live);
  // Same value as live: nothing to do at all.
  writeFileSync(f, `net.ipv4.ip_forward = ${live}\n`);
  assert.equal((await h.run(sysctl, { name: 'net.ipv4.ip_forward', value: live, sysctl_file: f }, { checkMode: true })).status, 'ok');
  // An unknown key is an error even in check mode.
  const u = await h.run(sysctl, { name: 'net.ipv4.no_such_key_k8sp', value: '1', sysctl_file: f }, { checkMode: true });
  assert.equal(u.status, 'failed');
  assert.match(u.msg!, /does not exist on this host/);
  assert.equal(existsSync(join(h.dir, 'check.conf')), true);
});

test('the live value read by the probe is what cat reads, under dash and bash (one-byte reads of integer entries)', () => {
  const shells = [['/bin/sh'], ['bash', '--posix']].filter(([s]) => spawnSync('sh', ['-c', `command -v ${s}`]).status === 0);
  for (const key of ['kernel.pid_max', 'net.ipv4.ping_group_range', 'kernel.hostname', 'net.ipv4.ip_forward', 'kernel.ostype']) {
    const path = `/proc/sys/${key.replace(/\./g, '/')}`;
    if (!existsSync(path)) continue;
    const want = `V${readFileSync(path, 'utf8').replace(/\n+$/, '')}`;
    for (const sh of shells) {
      const r = spawnSync(sh[0]!, [...sh.slice(1), '-c', liveSectionCommand(key, shellQuote)], { encoding: 'utf8' });
      assert.equal(r.stdout, want, `${key} under ${sh.join(' ')}`);
    }
  }
  const none = spawnSync('/bin/sh', ['-c', liveSectionCommand('net.nope.k8splay', shellQuote)], { encoding: 'utf8' });
  assert.equal(none.stdout, 'N');
  const group = spawnSync('/bin/sh', ['-c', liveSectionCommand('net.ipv4', shellQuote)], { encoding: 'utf8' });
  assert.equal(group.stdout, 'D');
});
