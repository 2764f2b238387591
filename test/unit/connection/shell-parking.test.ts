// Parking and resuming shells in the pool, over local /bin/sh processes standing in for a
// keeper's channels: a parked shell is resumed with a new session token and behaves like a new
// one; one that turns out dead or silent is replaced transparently; a shell with output left
// over is not parked; park keys name what defines a shell.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ShellPool, shellParkKey } from '../../../src/connection/shell-pool.js';
import { spawnLocalShell, LocalConnection } from '../../../src/connection/local.js';
import type { OpenShell, ShellStreams } from '../../../src/connection/persistent-shell.js';
import { alive } from '../../helpers/waiting.js';

const dir = mkdtempSync(join(tmpdir(), 'k8sp-park-'));
const pids: number[] = [];
after(() => {
  for (const p of pids) {
    try {
      process.kill(p, 'SIGKILL');
    } catch {
      // gone
    }
  }
  rmSync(dir, { recursive: true, force: true });
});

/**
 * A stand-in keeper: shells parked by one pool are handed, running, to the next pool's open
 * of the same key (once). Counts new shells and reopens.
 */
function standInKeeper() {
  const parked = new Map<string, ShellStreams>();
  const counts = { started: 0, resumed: 0, reopened: 0, parked: 0 };
  const parkable = (s: ShellStreams, key: string | undefined): ShellStreams => ({
    ...s,
    park: async () => {
      if (!key || parked.has(key)) return false;
      parked.set(key, s);
      counts.parked++;
      return true;
    },
  });
  const start = async (launch: string, key: string | undefined): Promise<ShellStreams> => {
    counts.started++;
    return parkable(await spawnLocalShell(launch), key);
  };
  const open: OpenShell = async (launch, park) => {
    const key = park?.key;
    const s = key ? parked.get(key) : undefined;
    if (!s || !key) return start(launch, key);
    parked.delete(key);
    counts.resumed++;
    // As the keeper does: the rearm text goes to the kept shell before it is handed over (a
    // dead one's EPIPE is the shell's to see, through its own listeners).
    s.stdin.once('error', () => undefined);
    s.stdin.write(park!.rearm);
    return {
      ...parkable(s, key),
      resumed: {
        reopen: () => {
          counts.reopened++;
          return start(launch, key);
        },
      },
    };
  };
  return { open, parked, counts };
}

async function shellPid(pool: ShellPool): Promise<number> {
  const r = await pool.exec('echo $$');
  const pid = Number(r.stdout);
  pids.push(pid);
  return pid;
}

/** What a command can see of the shell it runs in, minus what differs between any two shells. */
const STATE = `cd -P . && pwd; umask; trap; alias 2>/dev/null; ulimit -a; echo "flags=$- args=$#:$*"; ` +
  `(set; export -p) | grep -v -e '^PPID=' -e '^_=' -e '^OLDPWD=' -e '^PWD=' | sort`;

test('a parked shell is handed to the next pool: same process, no shell started, commands intact', async () => {
  const k = standInKeeper();
  const a = new ShellPool({ host: 'h', openShell: k.open });
  const pid = await shellPid(a);
  assert.equal(a.resumed, false, 'a new shell');
  assert.deepEqual(await a.exec('echo out; echo err >&2; exit 3'), { rc: 3, stdout: 'out\n', stderr: 'err\n' });
  await a.close({ park: true });
  assert.equal(k.counts.parked, 1);
  assert.ok(alive(pid), 'the parked shell still runs');

  const b = new ShellPool({ host: 'h', openShell: k.open });
  const identity = await b.open();
  assert.equal(identity.pid, pid, 'the ready line comes from the same shell');
  assert.equal(await shellPid(b), pid);
  assert.equal(k.counts.started, 1, 'no new shell');
  assert.equal(k.counts.resumed, 1);
  assert.equal(b.resumed, true, 'the kept shell (Connection.resumed)');
  assert.deepEqual(await b.exec('cat', { stdin: 'in\n' }), { rc: 0, stdout: 'in\n', stderr: '' });
  await b.close();
  assert.equal(k.parked.size, 0, 'closed without park: not parked');
});

test('a resumed shell looks to commands exactly as a new one does, whatever earlier commands did', async () => {
  const k = standInKeeper();
  const a = new ShellPool({ host: 'h', openShell: k.open });
  const fresh = (await a.exec(STATE)).stdout;
  // Everything a command may try to leave behind in its shell.
  const r = await a.exec(
    `cd ${dir}; export K8SP_LEFT=1; LEFT2=x; umask 077; trap 'echo trapped' EXIT INT; f() { :; }; ` +
      `alias ll=ls 2>/dev/null; set -e; set -- a b; ulimit -n 64; exit 5`,
  );
  assert.equal(r.rc, 5);
  await a.exec('false');
  // Within a run, only the command wrapper's own variable (the last status) is left over.
  const noRc = (text: string): string => text.replace(/^k8sp_rc=.*\n/m, '');
  assert.equal(noRc((await a.exec(STATE)).stdout), fresh, 'unchanged within the run');
  await a.close({ park: true });

  const b = new ShellPool({ host: 'h', openShell: k.open });
  const resumed = (await b.exec(STATE)).stdout;
  assert.equal(k.counts.resumed, 1);
  assert.equal(resumed, fresh);
  assert.match(resumed, /flags=/);
  await b.close();
});

test('a parked shell that died is replaced transparently; queued commands run in the new one', { timeout: 10_000 }, async () => {
  const k = standInKeeper();
  const a = new ShellPool({ host: 'h', openShell: k.open });
  const pid = await shellPid(a);
  await a.close({ park: true });
  process.kill(pid, 'SIGKILL');

  const b = new ShellPool({ host: 'h', openShell: k.open });
  const results = await Promise.all([b.exec('echo one'), b.exec('echo two')]);
  assert.deepEqual(results.map((x) => x.stdout), ['one\n', 'two\n']);
  assert.equal(k.counts.reopened, 1);
  assert.notEqual(await shellPid(b), pid);
  assert.equal(b.resumed, false, 'a new shell in place of the dead one');
  await b.close();
});

test('commands go to a resumed shell before it answered; should it be dead, each runs once, in order, in the new one', { timeout: 10_000 }, async () => {
  const k = standInKeeper();
  const a = new ShellPool({ host: 'h', openShell: k.open });
  const pid = await shellPid(a);
  await a.close({ park: true });
  process.kill(pid, 'SIGKILL');
  await new Promise((r) => setTimeout(r, 50));

  // Asked at once: the commands are written to the dead shell behind its rearm text, then
  // moved to the new shell.
  const b = new ShellPool({ host: 'h', openShell: k.open });
  const log = join(dir, 'once-dead.log');
  const results = await Promise.all([1, 2, 3].map((n) => b.exec(`echo ${n} >> ${log}; echo ${n}`)));
  assert.deepEqual(results.map((x) => x.stdout), ['1\n', '2\n', '3\n']);
  assert.equal(readFileSync(log, 'utf8'), '1\n2\n3\n');
  assert.equal(k.counts.reopened, 1);
  await b.close();
});

test('commands sent to a parked shell that does not answer run once, in the new shell, never in the old one', { timeout: 10_000 }, async () => {
  const k = standInKeeper();
  const a = new ShellPool({ host: 'h', openShell: k.open });
  const pid = await shellPid(a);
  await a.close({ park: true });
  process.kill(pid, 'SIGSTOP');

  const b = new ShellPool({ host: 'h', openShell: k.open, startTimeoutMs: 1000 });
  const t0 = Date.now();
  await b.usable();
  assert.ok(Date.now() - t0 < 300, 'a resumed shell is usable before it answers');
  const log = join(dir, 'once-silent.log');
  const results = await Promise.all([1, 2].map((n) => b.exec(`echo ${n} >> ${log}; echo $$`)));
  assert.equal(k.counts.reopened, 1);
  assert.ok(results.every((r) => Number(r.stdout) !== pid), 'answered by the new shell');
  // The old shell, were it still there to read what was sent to it, must not run it again.
  try {
    process.kill(pid, 'SIGCONT');
  } catch {
    // killed with its channel
  }
  await new Promise((r) => setTimeout(r, 200));
  assert.equal(readFileSync(log, 'utf8'), '1\n2\n');
  await b.close();
});

test('a new shell is usable only once it answered; one that cannot start fails usable()', async () => {
  const pool = new ShellPool({ host: 'h', openShell: (launch) => spawnLocalShell(launch), startTimeoutMs: 1000 });
  await pool.usable();
  // Answered: its ready line came (the identity is known), unlike a resumed shell's.
  assert.ok((await pool.open()).pid > 0);
  await pool.close();
  const broken = new ShellPool({ host: 'h', shell: '/nonexistent/sh', openShell: (launch) => spawnLocalShell(launch) });
  await assert.rejects(broken.usable(), /exited before it was ready|not found|No such file/);
  await broken.close();
});

test('a parked shell that does not answer is given up for a new one within the resume wait', async () => {
  const k = standInKeeper();
  const a = new ShellPool({ host: 'h', openShell: k.open });
  const pid = await shellPid(a);
  await a.close({ park: true });
  process.kill(pid, 'SIGSTOP');

  const t0 = Date.now();
  const b = new ShellPool({ host: 'h', openShell: k.open, startTimeoutMs: 1000 });
  assert.equal((await b.exec('echo answered')).stdout, 'answered\n');
  const took = Date.now() - t0;
  assert.ok(took >= 450 && took < 1500, `took ${took} ms`);
  assert.equal(k.counts.reopened, 1);
  assert.notEqual(await shellPid(b), pid);
  await b.close();
});

test('a shell with stray output left over (a background writer) is not parked', async () => {
  const k = standInKeeper();
  const a = new ShellPool({ host: 'h', openShell: k.open });
  const pid = await shellPid(a);
  await a.exec('(sleep 0.1; echo stray) &');
  await new Promise((r) => setTimeout(r, 400));
  await a.close({ park: true });
  assert.equal(k.counts.parked, 0);
  assert.equal(k.parked.size, 0);
  assert.ok(!alive(pid), 'closed instead');
});

test('a shell still busy at close is not parked; close() without park never parks', async () => {
  const k = standInKeeper();
  const a = new ShellPool({ host: 'h', openShell: k.open });
  await shellPid(a);
  const busy = a.exec('sleep 0.3; echo done');
  await a.close({ park: true });
  assert.equal((await busy).stdout, 'done\n', 'what it was given still ends');
  assert.equal(k.counts.parked, 0);

  const b = new ShellPool({ host: 'h', openShell: k.open });
  await shellPid(b);
  await b.close();
  assert.equal(k.counts.parked, 0);
});

test('shells of two identities park under their own keys and come back to the same identity', async () => {
  const k = standInKeeper();
  const su = { method: 'sudo' as const, user: 'nobody' };
  assert.notEqual(shellParkKey('/bin/sh', undefined), shellParkKey('/bin/sh', su));
  // Two pools whose shells differ (another shell executable) do not share a parked shell.
  const a = new ShellPool({ host: 'h', openShell: k.open, shell: '/bin/sh' });
  const pid = await shellPid(a);
  await a.close({ park: true });
  const other = new ShellPool({ host: 'h', openShell: k.open, shell: '/bin/dash' });
  assert.notEqual(await shellPid(other), pid);
  assert.equal(k.counts.resumed, 0);
  await other.close();
});

test('park keys: equal for equal shells, apart for any difference in shell, become or password', () => {
  const base = { method: 'sudo' as const, user: 'root' };
  const keys = [
    shellParkKey('/bin/sh', undefined),
    shellParkKey('/bin/bash', undefined),
    shellParkKey('/bin/sh', base),
    shellParkKey('/bin/sh', { ...base, user: 'postgres' }),
    shellParkKey('/bin/sh', { ...base, flags: '-H -S' }),
    shellParkKey('/bin/sh', { ...base, method: 'su' }),
    shellParkKey('/bin/sh', { ...base, password: 'one' }),
    shellParkKey('/bin/sh', { ...base, password: 'two' }),
  ];
  assert.equal(new Set(keys).size, keys.length);
  // Stable across calls: no session token or sudo prompt in it.
  assert.equal(shellParkKey('/bin/sh', { ...base, password: 'one' }), keys[6]);
  assert.equal(shellParkKey('/bin/sh', undefined), keys[0]);
  assert.ok(!keys.some((key) => key.includes('one') || key.includes('two')) && keys.every((key) => /^[0-9a-f]{32}$/.test(key)));
});

test('the local connection ignores park: its shells end at close', async () => {
  const c = new LocalConnection({ host: 'localhost' });
  const pid = Number((await c.exec('echo $$')).stdout);
  await c.close({ park: true });
  const end = Date.now() + 3000;
  while (alive(pid) && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
  assert.ok(!alive(pid));
});
