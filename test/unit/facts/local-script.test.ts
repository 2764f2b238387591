// Runs the real gathering script on this machine (read-only) under dash, bash --posix and,
// when installed, busybox sh with busybox applets, and checks what it reports.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir, hostname, release, totalmem, userInfo } from 'node:os';
import { join } from 'node:path';
import { buildGatherCommand, gatherFactsDetailed, GATHER_SCRIPT, resolveGatherSubset, type FactsExec } from '../../../src/facts/index.js';
import { localExec } from './local-exec.js';

const has = (cmd: string) => spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;
const machine = spawnSync('uname', ['-m'], { encoding: 'utf8' }).stdout.trim();

/** An exec running the command with another shell than /bin/sh. */
function withShell(shell: string, opts: { pathPrefix?: string } = {}): FactsExec {
  return localExec({ ...opts, shell });
}

function stubDir(stubs: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'k8sp-facts-stub-'));
  for (const [name, body] of Object.entries(stubs)) {
    writeFileSync(join(dir, name), `#!/bin/sh\n${body}\n`);
    chmodSync(join(dir, name), 0o755);
  }
  return dir;
}

/**
 * Facts that do not change between two runs a moment apart. Interfaces are left out: other
 * work on this machine may create network namespaces and veths between the two runs.
 */
function stable(f: Record<string, unknown>): Record<string, unknown> {
  const out = { ...f };
  for (const k of ['date_time', 'uptime_seconds', 'loadavg', 'memfree_mb', 'memory_mb', 'mounts', 'env', 'swapfree_mb',
    'interfaces', 'all_ipv4_addresses', 'all_ipv6_addresses', ...((f['interfaces'] as string[]) ?? [])]) delete out[k];
  const def = f['default_ipv4'] as Record<string, unknown> | undefined;
  if (def?.['interface']) out['default_interface'] = f[String(def['interface'])];
  return out;
}

test('the script is POSIX-clean enough for a template literal and for `sh -n`', () => {
  assert.doesNotMatch(GATHER_SCRIPT, /`|\$\{/);
  for (const sh of ['dash', 'bash']) {
    if (!has(sh)) continue;
    const r = spawnSync(sh, ['-n'], { input: GATHER_SCRIPT, encoding: 'utf8' });
    assert.equal(r.status, 0, `${sh} -n: ${r.stderr}`);
  }
});

test('gathering on this machine agrees with what Node sees', async () => {
  const { facts, warnings } = await gatherFactsDetailed(localExec(), {});
  assert.deepEqual(warnings, []);
  assert.equal(facts['system'], 'Linux');
  assert.equal(facts['nodename'], hostname());
  assert.equal(facts['hostname'], hostname().split('.')[0]);
  assert.equal(facts['kernel'], release());
  assert.equal(facts['architecture'], machine);
  assert.equal(facts['memtotal_mb'], Math.floor(totalmem() / 1024 / 1024));
  assert.equal(facts['user_uid'], userInfo().uid);
  assert.equal(facts['user_dir'], userInfo().homedir);
  assert.equal((facts['env'] as Record<string, string>)['PATH'], process.env['PATH'], 'env is the environment before the script touched PATH');
  const epoch = Number((facts['date_time'] as Record<string, string>)['epoch']);
  assert.ok(Math.abs(epoch - Date.now() / 1000) < 30);
  assert.ok(Number(facts['processor_vcpus']) >= 1);
  assert.ok(Array.isArray(facts['mounts']) && (facts['mounts'] as unknown[]).length >= 1);
  assert.ok(['Debian', 'RedHat', 'Suse', 'Alpine', 'Archlinux'].includes(String(facts['os_family'])) || facts['os_family']);
});

for (const [label, shell, ok] of [
  ['bash --posix (CentOS 7 /bin/sh)', 'bash --norc --noprofile --posix', has('bash')],
  ['busybox sh', 'busybox sh', has('busybox')],
] as const) {
  test(`the same facts under ${label}`, { skip: ok ? false : `${shell.split(' ')[0]} not installed` }, async () => {
    const a = await gatherFactsDetailed(localExec(), {});
    const b = await gatherFactsDetailed(withShell(shell), {});
    assert.deepEqual(stable(b.facts), stable(a.facts));
    assert.equal((b.facts['env'] as Record<string, string>)['HOME'], process.env['HOME']);
  });
}

test('busybox applets instead of GNU coreutils give the same core facts', { skip: has('busybox') ? false : 'busybox not installed' }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'k8sp-facts-bb-'));
  try {
    const bb = spawnSync('sh', ['-c', 'command -v busybox'], { encoding: 'utf8' }).stdout.trim();
    for (const app of ['head', 'stat', 'ls', 'date', 'id', 'uname', 'timeout']) symlinkSync(bb, join(dir, app));
    const gnu = await gatherFactsDetailed(localExec(), {});
    const busy = await gatherFactsDetailed(withShell('busybox sh', { pathPrefix: dir }), {});
    for (const k of ['distribution', 'distribution_version', 'os_family', 'kernel', 'kernel_version', 'architecture',
      'memtotal_mb', 'processor_vcpus', 'default_ipv4', 'service_mgr', 'pkg_mgr', 'user_uid', 'fqdn']) {
      assert.deepEqual(busy.facts[k], gnu.facts[k], k);
    }
    const mounts = (m: unknown) => (m as Record<string, unknown>[]).map((x) => [x['mount'], x['size_total']]);
    assert.deepEqual(mounts(busy.facts['mounts']), mounts(gnu.facts['mounts']));
    const dt = busy.facts['date_time'] as Record<string, string>;
    assert.equal(dt['tz_offset'], (gnu.facts['date_time'] as Record<string, string>)['tz_offset']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('gather_timeout bounds hanging probes; the rest of the facts still arrive', { skip: has('timeout') ? false : 'no timeout command' }, async () => {
  // The process path runs getent and statfs under timeout (as the default path does for a
  // name /etc/hosts does not answer and for network filesystems).
  const dir = stubDir({ stat: 'exec sleep 30', getent: 'exec sleep 30' });
  try {
    const t0 = Date.now();
    const { facts, warnings } = await gatherFactsDetailed(localExec({ pathPrefix: dir }), { timeoutSec: 1, processes: true });
    const elapsed = Date.now() - t0;
    assert.ok(elapsed < 15000, `took ${elapsed} ms`);
    const mounts = facts['mounts'] as Record<string, unknown>[];
    assert.ok(mounts.length >= 1);
    for (const m of mounts) {
      assert.equal(m['note'], 'Could not get extra information due to timeout');
      assert.equal(m['size_total'], undefined);
    }
    assert.ok(warnings.some((w) => /^Timeout exceeded when getting mount info for /.test(w)));
    assert.equal(facts['fqdn'], facts['nodename'], 'a hung name lookup leaves fqdn = hostname');
    assert.equal(facts['kernel'], release());
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a broken ip command costs the addresses, not the gather', async () => {
  const dir = stubDir({ ip: 'exit 1' });
  try {
    const { facts } = await gatherFactsDetailed(localExec({ pathPrefix: dir }), {});
    assert.deepEqual(facts['default_ipv4'], {});
    assert.deepEqual(facts['all_ipv4_addresses'], []);
    assert.ok((facts['interfaces'] as string[]).includes('lo'));
    assert.equal(facts['kernel'], release());
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

for (const [label, shell, ok] of [
  ['/bin/sh', '/bin/sh', true],
  ['bash --posix (CentOS 7 /bin/sh)', 'bash --norc --noprofile --posix', has('bash')],
  ['busybox sh', 'busybox sh', has('busybox')],
] as const) {
  test(`builtins and files give the facts the commands give, under ${label}`, { skip: ok ? false : `${shell.split(' ')[0]} not installed` }, async () => {
    const exec = withShell(shell);
    const [fast, slow] = [await gatherFactsDetailed(exec, {}), await gatherFactsDetailed(exec, { processes: true })];
    assert.deepEqual(stable(fast.facts), stable(slow.facts));
    for (const k of ['default_ipv4', 'default_ipv6', 'fqdn', 'user_id', 'user_uid', 'effective_user_id', 'machine', 'kernel_version']) {
      assert.deepEqual(fast.facts[k], slow.facts[k], k);
    }
    assert.deepEqual(fast.warnings, slow.warnings);
  });
}

/** The programs a gather runs (strace -f), by name, in order. */
function programsRun(command: string): string[] {
  const dir = mkdtempSync(join(tmpdir(), 'k8sp-facts-strace-'));
  try {
    const log = join(dir, 'log');
    const r = spawnSync('strace', ['-f', '-qq', '-e', 'trace=execve', '-o', log, '/bin/sh', '-c', command]);
    assert.equal(r.status, 0);
    return readFileSync(log, 'utf8').split('\n').filter((l) => /execve\(/.test(l) && !/ENOENT/.test(l))
      .map((l) => /execve\("[^"]*", \["([^"]*)"/.exec(l)?.[1] ?? '?').slice(1);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('a default gather runs two heads, date, one ip, stat and ls at most: no uname, id or second ip', { skip: has('strace') ? false : 'strace not installed' }, () => {
  const all = resolveGatherSubset(['all']);
  const fast = programsRun(buildGatherCommand(all, 10));
  const slow = programsRun(buildGatherCommand(all, 10, { processes: true }));
  assert.ok(fast.length < slow.length, `${fast.join(' ')} vs ${slow.join(' ')}`);
  assert.equal(fast.filter((p) => p === 'id').length, 0, fast.join(' '));
  if (has('ip')) assert.equal(fast.filter((p) => p === 'ip').length, 1, fast.join(' '));
  if (existsSync('/proc/sys/kernel/arch')) assert.equal(fast.filter((p) => p === 'uname').length, 0, fast.join(' '));
  // One head for the files the script reads itself, one for the others.
  assert.equal(fast.filter((p) => p === 'head').length, 2);
  for (const p of fast) assert.ok(['head', 'date', 'ip', 'stat', 'ls', 'getent', 'timeout', 'uname'].includes(p), p);
});

test('an ip without -batch (busybox) is asked three times, with the same facts', { skip: has('ip') ? false : 'no ip command' }, async () => {
  const real = spawnSync('sh', ['-c', 'command -v ip'], { encoding: 'utf8' }).stdout.trim();
  const dir = stubDir({ ip: `case $1 in -force|-batch) echo "ip: unknown option $1" >&2; exit 1;; esac\nexec ${real} "$@"` });
  try {
    const a = await gatherFactsDetailed(localExec(), { subset: ['!all', '!min', 'network'] });
    const b = await gatherFactsDetailed(localExec({ pathPrefix: dir }), { subset: ['!all', '!min', 'network'] });
    assert.deepEqual(b.facts['default_ipv4'], a.facts['default_ipv4']);
    assert.deepEqual(b.facts['all_ipv4_addresses'], a.facts['all_ipv4_addresses']);
    assert.ok(Object.keys(a.facts['default_ipv4'] as object).length > 0 || !(a.facts['interfaces'] as string[]).some((i) => i !== 'lo'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
