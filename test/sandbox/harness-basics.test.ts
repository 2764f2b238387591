// Sandbox plumbing that needs no root: the cross-process lock, the "what to install" message,
// the command line's option errors, the per-host files.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { acquireLock } from '../../src/sandbox/lock.js';
import { sandboxUnsupportedReason } from '../../src/sandbox/preflight.js';
import { sandboxCommand } from '../../src/sandbox/cli.js';
import { hostsFileText, networkFileText, NETWORK_FILE, repoFileText } from '../../src/sandbox/host-files.js';
import { rootfsVersion, ROOTFS_PACKAGES } from '../../src/sandbox/rootfs.js';

test('lock: a second taker waits for the release; a lock left by a dead process is taken over', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'k8sp-lock-'));
  try {
    const path = join(dir, 'x.lock');
    const release = await acquireLock(path);
    let second = false;
    const p = acquireLock(path, { timeoutMs: 5_000 }).then((r) => { second = true; return r; });
    await new Promise((r) => setTimeout(r, 400));
    assert.equal(second, false);
    release();
    (await p)();
    assert.equal(second, true);
    // A lock whose owner is gone: a pid that cannot be running (a child that already exited).
    const child = spawn(process.execPath, ['-e', '0']);
    await new Promise((r) => child.on('exit', r));
    mkdirSync(path);
    writeFileSync(join(path, 'pid'), String(child.pid));
    const t0 = Date.now();
    (await acquireLock(path, { timeoutMs: 3_000 }))();
    assert.ok(Date.now() - t0 < 2_000);
    assert.equal(existsSync(path), false);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('unsupported machine: the reason names what to install', () => {
  const why = sandboxUnsupportedReason(['systemd-nspawn-does-not-exist', 'createrepo_c']);
  assert.ok(why);
  if (process.getuid?.() === 0) {
    assert.match(why, /missing systemd-nspawn-does-not-exist/);
    assert.match(why, /apt-get install/);
  } else {
    assert.match(why, /needs root/);
  }
});

test('command line: unknown subcommand and missing names are option errors (exit 5)', async () => {
  const err = process.stderr.write;
  let captured = '';
  process.stderr.write = ((s: string) => { captured += s; return true; }) as typeof process.stderr.write;
  try {
    assert.equal(await sandboxCommand(['bogus']), 5);
    assert.match(captured, /unknown sandbox command 'bogus'/);
    assert.equal(await sandboxCommand(['up']), 5);
    assert.match(captured, /needs -i INVENTORY or --name NAME/);
    assert.equal(await sandboxCommand(['up', '--name', 'Bad Name', '--hosts', 'a']), 5);
    assert.match(captured, /invalid sandbox name/);
    assert.equal(await sandboxCommand(['down', '--frobnicate']), 5);
  } finally {
    process.stderr.write = err;
  }
});

test('host files: /etc/hosts lists every host, networkd file sorts before nspawn\'s default', () => {
  const text = hostsFileText([{ hostname: 'master.lab.test', address: '10.213.0.10' }, { hostname: 'node1', address: '10.213.0.11' }]);
  assert.match(text, /^127\.0\.0\.1\tlocalhost$/m);
  assert.match(text, /^10\.213\.0\.10\tmaster\.lab\.test master$/m);
  assert.match(text, /^10\.213\.0\.11\tnode1$/m);
  assert.ok(NETWORK_FILE.split('/').pop()! < '80-container-host0.network');
  const net = networkFileText('10.213.0.10', 24);
  assert.match(net, /^Name=host0$/m);
  assert.match(net, /^Address=10\.213\.0\.10\/24$/m);
  assert.doesNotMatch(net, /Gateway|DHCP/);
  assert.match(repoFileText('http://10.213.0.1:8000/'), /^baseurl=http:\/\/10\.213\.0\.1:8000\/$/m);
});

test('root filesystem version changes with the package list and release', () => {
  const v = rootfsVersion('bookworm');
  assert.match(v, /^bookworm-[0-9a-f]{12}$/);
  assert.equal(rootfsVersion('bookworm', [...ROOTFS_PACKAGES].reverse()), v);
  assert.notEqual(rootfsVersion('bookworm', [...ROOTFS_PACKAGES, 'less']), v);
  assert.notEqual(rootfsVersion('trixie'), v);
});

test('the k8splay-hello spec declares no dependencies (nothing is provided on a Debian host)', () => {
  const spec = readFileSync(new URL('../../src/sandbox/rpms/k8splay-hello.spec', import.meta.url), 'utf8');
  assert.match(spec, /^AutoReqProv:\s+no$/m);
  assert.match(spec, /^BuildArch:\s+noarch$/m);
});

test('inotify limit: raised when lower, and said so; left alone when high enough', async () => {
  const { raiseInotifyLimit } = await import('../../src/sandbox/inotify-limit.js');
  const dir = mkdtempSync(join(tmpdir(), 'k8sp-ino-'));
  try {
    const f = join(dir, 'max_user_instances');
    writeFileSync(f, '128\n');
    const said: string[] = [];
    assert.equal(raiseInotifyLimit((l) => said.push(l), 8192, f), 128);
    assert.equal(readFileSync(f, 'utf8').trim(), '8192');
    assert.match(said.join('\n'), /raised the controller's fs\.inotify\.max_user_instances from 128 to 8192/);
    writeFileSync(f, '10000\n');
    raiseInotifyLimit((l) => said.push(l), 8192, f);
    assert.equal(readFileSync(f, 'utf8').trim(), '10000');
    assert.equal(said.length, 1);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
