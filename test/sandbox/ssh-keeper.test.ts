// The connection keeper (ControlPersist) against real sshd on sandbox hosts: a second run
// reuses the SSH connection (same sshd session process on the host, no new login), concurrent
// CLI runs share one keeper, the keeper ends after its idle time, a host that went away between
// runs is reconnected or reported unreachable, a changed host key is still refused, and
// ControlPersist=no connects directly. Shells parked between runs: an unchanged next run uses
// the same shell process, a run that changed something or ran a command parks nothing, a killed
// parked shell is replaced unnoticed, and `keeper stop` ends parked shells. One sandbox of three
// hosts for the file; each test has its own control directory so keepers do not mix.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sandboxDown, sandboxUp, type SandboxUpResult } from '../../src/sandbox/index.js';
import { containerInit } from '../../src/sandbox/processes.js';
import { sandboxDir } from '../../src/sandbox/paths.js';
import { SshConnection } from '../../src/connection/index.js';
import type { SshConnectionOptions } from '../../src/connection/ssh/index.js';
import { keeperStatus, stopKeepers } from '../../src/connection/keeper/index.js';
import { socketName } from '../../src/connection/keeper/control-settings.js';
import type { KeeperStatus } from '../../src/connection/keeper/protocol.js';
import { ConnectionError } from '../../src/errors.js';
import { sandboxSshOptions, sshSandboxSkipReason } from './ssh-helpers.js';
import { cliRunner } from '../helpers/cli-runner.js';
import { sleep, until } from '../helpers/waiting.js';

const skip = sshSandboxSkipReason();
if (skip) process.stderr.write(`# ssh keeper sandbox tests skipped: ${skip}\n`);

const NAME = `ssh-keep-${process.pid}`;
const HOSTS = ['k1', 'k2', 'k3'];
const ROOT = join(import.meta.dirname, '..', '..');

/** PIDs of keeper processes serving `dir`. */
function keeperPids(dir: string): number[] {
  const out: number[] = [];
  for (const p of readdirSync('/proc')) {
    if (!/^\d+$/.test(p)) continue;
    try {
      const args = readFileSync(`/proc/${p}/cmdline`, 'utf8').split('\0');
      if (args.some((a) => /daemon-main\.[jt]s$/.test(a)) && args.includes(dir)) out.push(Number(p));
    } catch {
      // exited meanwhile
    }
  }
  return out;
}

describe('connection keeper on sandbox hosts', { skip: skip ?? false }, () => {
  let sb: SandboxUpResult;
  let home: string;
  const dirs: string[] = [];
  const open: SshConnection[] = [];

  /** A fresh control directory for one test. */
  function controlDir(): string {
    const d = mkdtempSync(join(tmpdir(), 'k8sp-keep-cp-'));
    dirs.push(d);
    return d;
  }

  function conn(i: number, dir: string, extra: Partial<SshConnectionOptions> & { knownHosts?: string } = {}): SshConnection {
    const c = new SshConnection(sandboxSshOptions(sb, i, home, { controlPathDir: dir, ...extra }));
    open.push(c);
    return c;
  }

  /** The sshd process serving this shell's SSH connection, and how many root sessions sshd has. */
  async function sshdSession(c: SshConnection): Promise<{ pid: string; sessions: number }> {
    const r = await c.exec(`echo $PPID; cat /proc/$PPID/cmdline | tr '\\0' ' '; echo; pgrep -c -f '^sshd: root@notty'`);
    const [pid, cmd, count] = r.stdout.split('\n');
    assert.match(cmd!, /^sshd: root@notty/, 'the shell runs under its connection\'s sshd session process');
    return { pid: pid!, sessions: Number(count) };
  }

  /** Asserts the keeper of `dir` holds a connection to every host that served a later run. */
  async function assertEveryHostReused(dir: string): Promise<KeeperStatus> {
    const [k] = await keeperStatus(dir);
    assert.ok(k, 'a keeper answers');
    const reusedHosts = new Set(k.connections.filter((x) => x.reuses > 0).map((x) => x.host));
    assert.deepEqual([...reusedHosts].sort(), sb.hosts.map((h) => h.address).sort());
    return k;
  }

  before(async () => {
    home = mkdtempSync(join(tmpdir(), 'k8sp-keep-'));
    sb = await sandboxUp({ name: NAME, hosts: HOSTS.map((name) => ({ name })), repo: false, progress: () => {} });
  });

  after(async () => {
    await Promise.allSettled(open.map((c) => c.close()));
    for (const d of dirs) {
      await stopKeepers(d);
      rmSync(d, { recursive: true, force: true });
    }
    if (sb && existsSync(sandboxDir(NAME))) await sandboxDown(NAME, { progress: () => {} }).catch(() => {});
    if (home) rmSync(home, { recursive: true, force: true });
  });

  test('a second run reuses the SSH connection: the same sshd session, no new login', async () => {
    const dir = controlDir();
    const first = conn(0, dir);
    await first.connect();
    assert.equal(first.via, 'keeper');
    const s1 = await sshdSession(first);
    // Both kinds of channel through it: become shells and SFTP reads.
    assert.equal((await first.exec('id -un', { become: { method: 'sudo', user: 'nobody' } })).stdout, 'nobody\n');
    assert.equal((await first.get('/etc/hostname'))?.toString(), `${HOSTS[0]}\n`);
    await first.close();

    const second = conn(0, dir);
    await second.connect();
    assert.equal(second.via, 'keeper-reused');
    const s2 = await sshdSession(second);
    assert.equal(s2.pid, s1.pid, 'same sshd session process');
    assert.equal(s2.sessions, s1.sessions, 'no other root login appeared');
    await second.close();
    const [k] = await keeperStatus(dir);
    assert.equal(k?.connections.length, 1);
    assert.equal(k?.connections[0]?.reuses, 1);
  });

  test('two CLI runs at once share one keeper; the next run reuses every host', async () => {
    const dir = controlDir();
    const pb = join(home, 'hostname.yml');
    writeFileSync(pb, '- hosts: all\n  gather_facts: false\n  tasks:\n    - command: hostname\n');
    const cli = (): Promise<{ code: number; out: string }> => new Promise((resolve) => {
      const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'src/cli/bin.ts'), pb, '-i', sb.inventory], {
        cwd: ROOT, env: { ...process.env, K8SPLAY_CONTROL_PATH_DIR: dir, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'],
      });
      let out = '';
      child.stdout.on('data', (d: Buffer) => (out += d.toString()));
      child.stderr.on('data', (d: Buffer) => (out += d.toString()));
      // 'close' waits for the pipes: a keeper holding them would hang this test.
      child.on('close', (code) => resolve({ code: code ?? 1, out }));
    });
    const [a, b] = await Promise.all([cli(), cli()]);
    assert.equal(a.code, 0, a.out);
    assert.equal(b.code, 0, b.out);
    assert.equal(keeperPids(dir).length, 1, 'one keeper for both runs');
    assert.deepEqual(readdirSync(dir).filter((f) => f.endsWith('.starting')), [], 'start lock removed');
    const c = await cli();
    assert.equal(c.code, 0, c.out);
    const k = await assertEveryHostReused(dir);
    assert.ok(k.connections.length <= 2 * HOSTS.length);
  });

  // Shell parking. Every shell the runs below start is logged on its host by a wrapper named as
  // ansible_shell_executable (its pid, once per start: exec keeps the pid), so "no new shell"
  // and "the same shell process" can be read there.
  const COUNTSH = '/usr/local/bin/k8sp-countsh';
  const STARTS = '/run/k8sp-shell-starts';
  let wrapperInstalled = false;

  /** Direct (unkept) connection to host i, for looking at it from outside the runs. */
  function look(i: number): SshConnection {
    return conn(i, controlDir(), { controlPersist: 0 });
  }

  async function installWrapper(): Promise<void> {
    if (wrapperInstalled) return;
    await Promise.all(sb.hosts.map(async (_h, i) => {
      const c = look(i);
      const r = await c.exec(`printf '%s\\n' '#!/bin/sh' 'echo $$ >> ${STARTS}' 'exec /bin/sh "$@"' > ${COUNTSH} && chmod 755 ${COUNTSH}`);
      assert.equal(r.rc, 0, r.stderr);
      await c.close();
    }));
    wrapperInstalled = true;
  }

  /** Per host, the pids of the shells started so far (in start order). */
  async function shellStarts(): Promise<string[][]> {
    return Promise.all(sb.hosts.map(async (_h, i) => {
      const c = look(i);
      const r = await c.exec(`cat ${STARTS} 2>/dev/null | awk '!seen[$0]++'`);
      await c.close();
      return r.stdout.split('\n').filter(Boolean);
    }));
  }

  /** Which of `pids` (one per host) still run there. */
  async function running(pids: Array<string | undefined>): Promise<boolean[]> {
    return Promise.all(pids.map(async (pid, i) => {
      const c = look(i);
      const r = await c.exec(`kill -0 ${pid ?? 0} 2>/dev/null && ! grep -q '^State:.*Z' /proc/${pid ?? 0}/status`);
      await c.close();
      return r.rc === 0;
    }));
  }

  /** A CLI run (from source) of `tasks` on every host, with the counting shell. */
  const cli = cliRunner(['--import', 'tsx', join(ROOT, 'src/cli/bin.ts')]);
  function cliRun(dir: string, name: string, tasks: string): { code: number; out: string } {
    const pb = join(home, `${name}.yml`);
    writeFileSync(pb, `- hosts: all\n  gather_facts: false\n  tasks:\n${tasks}`);
    const r = cli(ROOT, [pb, '-i', sb.inventory, '-e', `ansible_shell_executable=${COUNTSH}`], { K8SPLAY_CONTROL_PATH_DIR: dir });
    return { code: r.code, out: r.out + r.err };
  }

  const QUIET = '    - ping:\n    - stat: { path: /etc/hostname }\n';

  /** Parked shells per keeper connection of `dir`, by host address. */
  async function parkedByHost(dir: string): Promise<Record<string, { parked: number; resumed: number }>> {
    const [k] = await keeperStatus(dir);
    const out: Record<string, { parked: number; resumed: number }> = {};
    for (const c of k?.connections ?? []) {
      const o = (out[c.host] ??= { parked: 0, resumed: 0 });
      o.parked += c.parked;
      o.resumed += c.resumed;
    }
    return out;
  }

  test('parking: an unchanged second run uses the same shell on every host (no new shell started)', async () => {
    await installWrapper();
    const dir = controlDir();
    const before = await shellStarts();
    const first = cliRun(dir, 'quiet1', QUIET);
    assert.equal(first.code, 0, first.out);
    const afterFirst = await shellStarts();
    const parkedPids = afterFirst.map((pids, i) => {
      assert.equal(pids.length, before[i]!.length + 1, 'one new shell per host in the first run');
      return pids.at(-1);
    });
    assert.deepEqual(await running(parkedPids), [true, true, true], 'parked: still running between runs');
    for (const h of sb.hosts) assert.equal((await parkedByHost(dir))[h.address]?.parked, 1);

    const second = cliRun(dir, 'quiet2', QUIET);
    assert.equal(second.code, 0, second.out);
    assert.match(second.out, /k1\s+: ok=2\s+changed=0/);
    assert.deepEqual(await shellStarts(), afterFirst, 'no shell started by the second run');
    const st = await parkedByHost(dir);
    for (const h of sb.hosts) assert.deepEqual(st[h.address], { parked: 1, resumed: 1 }, h.address);
    assert.deepEqual(await running(parkedPids), [true, true, true]);
  });

  test('parking: a run that changed something or ran a command parks nothing; the next run starts new shells', async () => {
    await installWrapper();
    const dir = controlDir();
    assert.equal(cliRun(dir, 'quiet3', QUIET).code, 0);
    const parkedPids = (await shellStarts()).map((p) => p.at(-1));

    const changed = cliRun(dir, 'changed', '    - file: { path: /tmp/k8sp-park-touched, state: touch }\n');
    assert.equal(changed.code, 0, changed.out);
    assert.match(changed.out, /k1\s+: ok=1\s+changed=1/);
    for (const h of sb.hosts) assert.equal((await parkedByHost(dir))[h.address]?.parked, 0, 'not parked after a change');
    await until('the changed run\'s shells to end', async () => (await running(parkedPids)).every((r) => !r), 5000);

    const starts = await shellStarts();
    assert.equal(cliRun(dir, 'quiet4', QUIET).code, 0);
    const fresh = await shellStarts();
    fresh.forEach((pids, i) => assert.equal(pids.length, starts[i]!.length + 1, 'a new shell after a change'));

    // A command that reports no change still means a new login next time.
    const cmd = cliRun(dir, 'cmd', '    - command: "true"\n      changed_when: false\n');
    assert.equal(cmd.code, 0, cmd.out);
    assert.match(cmd.out, /k1\s+: ok=1\s+changed=0/);
    for (const h of sb.hosts) assert.equal((await parkedByHost(dir))[h.address]?.parked, 0, 'not parked after a command');
  });

  test('parking: a killed parked shell is not handed out; the run succeeds with a new one', async () => {
    await installWrapper();
    const dir = controlDir();
    assert.equal(cliRun(dir, 'quiet5', QUIET).code, 0);
    const parkedPids = (await shellStarts()).map((p) => p.at(-1)!);
    execFileSync('nsenter', ['-t', String(containerInit(sb.hosts[0]!.pid)), '-p', '-m', 'kill', '-9', parkedPids[0]!]);
    const starts = await shellStarts();
    const r = cliRun(dir, 'quiet6', QUIET);
    assert.equal(r.code, 0, r.out);
    assert.match(r.out, /k1\s+: ok=2\s+changed=0\s+unreachable=0\s+failed=0/);
    const after = await shellStarts();
    assert.equal(after[0]!.length, starts[0]!.length + 1, 'host 1: a new shell');
    assert.deepEqual(after.slice(1), starts.slice(1), 'the others: their parked shells');
  });

  test('parking: keeper stop ends the parked shells', async () => {
    await installWrapper();
    const dir = controlDir();
    assert.equal(cliRun(dir, 'quiet7', QUIET).code, 0);
    const parkedPids = (await shellStarts()).map((p) => p.at(-1));
    assert.deepEqual(await running(parkedPids), [true, true, true]);
    assert.equal(await stopKeepers(dir), 1);
    await until('the parked shells to end', async () => (await running(parkedPids)).every((x) => !x), 8000);
  });

  test('the keeper ends after its idle time', async () => {
    const dir = controlDir();
    const c = conn(1, dir, { controlPersist: 2 });
    await c.connect();
    const [pid] = keeperPids(dir);
    assert.ok(pid, 'a keeper runs');
    // Started with one malloc arena (spawn.ts), unless the user's environment says otherwise.
    const environ = readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0');
    assert.ok(environ.includes(`MALLOC_ARENA_MAX=${process.env.MALLOC_ARENA_MAX ?? '1'}`), environ.filter((e) => e.startsWith('MALLOC')).join(' '));
    await sleep(2500);
    assert.deepEqual(keeperPids(dir), [pid], 'not while the connection is in use');
    await c.close();
    const t0 = Date.now();
    await until('the keeper to exit', () => keeperPids(dir).length === 0, 8000);
    const ms = Date.now() - t0;
    assert.ok(ms >= 1500, `exited ${ms} ms after the run, before its 2 s`);
    assert.ok(!existsSync(join(dir, socketName())), 'socket removed');
  });

  test('a kept connection whose sshd session was killed is replaced transparently', async () => {
    const dir = controlDir();
    const a = conn(1, dir);
    await a.connect();
    const s1 = await sshdSession(a);
    await a.close();
    execFileSync('nsenter', ['-t', String(containerInit(sb.hosts[1]!.pid)), '-p', '-m', 'kill', s1.pid]);
    const b = conn(1, dir);
    await b.connect();
    assert.equal(b.via, 'keeper', 'a new connection');
    assert.notEqual((await sshdSession(b)).pid, s1.pid);
    await b.close();
  });

  test('a host gone silent between runs: unreachable within the connect timeout, then reconnected when back', async () => {
    const dir = controlDir();
    const a = conn(2, dir);
    await a.connect();
    await a.close();
    const init = String(containerInit(sb.hosts[2]!.pid));
    execFileSync('nsenter', ['-t', init, '-n', 'ip', 'link', 'set', 'host0', 'down']);
    try {
      const t0 = Date.now();
      const b = conn(2, dir, { timeout: 1, connectAttempts: 1 });
      await assert.rejects(b.connect(), (e: unknown) => e instanceof ConnectionError && /timed out after 1s/.test(e.message) && e.host === HOSTS[2]);
      assert.ok(Date.now() - t0 < 4000, `took ${Date.now() - t0} ms`);
    } finally {
      execFileSync('nsenter', ['-t', init, '-n', 'ip', 'link', 'set', 'host0', 'up']);
    }
    await until('the host to answer again', async () => {
      const c = conn(2, dir, { timeout: 2, connectAttempts: 1 });
      try {
        await c.connect();
        assert.equal(c.via, 'keeper');
        assert.equal((await c.exec('hostname')).stdout, `${HOSTS[2]}\n`);
        return true;
      } catch {
        return false;
      } finally {
        await c.close();
      }
    }, 20_000);
  });

  test('a changed host key is refused through the keeper, as without it', async () => {
    const dir = controlDir();
    const kh = join(home, 'keep_known_hosts');
    copyFileSync(sb.knownHosts, kh);
    const a = conn(0, dir, { knownHosts: kh });
    await a.connect();
    await a.close();
    writeFileSync(kh, `${sb.hosts[0]!.address} ${sb.hosts[1]!.hostKey}\n`);
    const viaKeeper = conn(0, dir, { knownHosts: kh }).connect();
    await assert.rejects(viaKeeper, (e: unknown) => e instanceof ConnectionError && /REMOTE HOST IDENTIFICATION HAS CHANGED/.test(e.message));
    const direct = conn(0, dir, { knownHosts: kh, controlPersist: 0 }).connect();
    const [k, d] = await Promise.all([viaKeeper.catch((e: ConnectionError) => e.describe()), direct.catch((e: ConnectionError) => e.describe())]);
    assert.equal(k, d);
  });

  test('ControlPersist=no in ansible_ssh_args: a direct connection, no keeper', async () => {
    const dir = controlDir();
    const c = conn(0, dir, { vars: { ansible_ssh_args: '-o ControlMaster=auto -o ControlPersist=no' } });
    assert.equal((await c.exec('hostname')).stdout, `${HOSTS[0]}\n`);
    assert.equal(c.via, 'direct');
    await c.close();
    assert.deepEqual(keeperPids(dir), []);
    assert.deepEqual(readdirSync(dir), []);
  });

  // The built command runs the bundled keeper, whose ssh2 skips its WebAssembly poly1305 when
  // the native binding loaded (build/bundle.mjs): connections and reuse work as from source.
  const BUILT = join(ROOT, 'dist/src/cli/bin.js');
  test('the built command and its bundled keeper: a run, then a run on the same connections', { skip: existsSync(BUILT) ? false : 'no build' }, async () => {
    const dir = controlDir();
    const pb = join(home, 'hostname-built.yml');
    writeFileSync(pb, '- hosts: all\n  gather_facts: true\n  tasks:\n    - command: hostname\n      changed_when: false\n');
    const run = (): string => execFileSync(process.execPath, [BUILT, pb, '-i', sb.inventory], {
      cwd: ROOT, encoding: 'utf8', env: { ...process.env, K8SPLAY_CONTROL_PATH_DIR: dir, NO_COLOR: '1' },
    });
    assert.match(run(), /k1\s+: ok=2 /);
    const [pid] = keeperPids(dir);
    assert.ok(pid, 'a keeper runs');
    assert.ok(readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('dist/src/connection/keeper/daemon-main.js'), 'the bundled keeper');
    assert.match(run(), /k3\s+: ok=2 /);
    assert.deepEqual(keeperPids(dir), [pid], 'the same keeper');
    await assertEveryHostReused(dir);
    const bundle = readFileSync(join(ROOT, 'dist/src/connection/keeper/daemon-main.js'), 'utf8');
    assert.ok(/if \(ChaChaPolyCipher && ChaChaPolyDecipher\)\s*return resolve\w*\(\);/.test(bundle), 'ssh2 patched in the bundle');
  });
});
