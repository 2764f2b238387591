// Shells parked in the connection keeper between runs, against a real SSH server on loopback
// (ssh2's; each exec channel is a local /bin/sh): an unchanged next run gets the same shell
// process without a new channel; a run closed without park, a shell that printed, died or
// outlived its time, whose connection dropped, and a keeper stopping never hand one out; one
// shell per key and connection, one client; parked shells make way under a session limit.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Keeper } from '../../../../src/connection/keeper/keeper.js';
import { socketName, controlSettings } from '../../../../src/connection/keeper/control-settings.js';
import { openKeeperSession } from '../../../../src/connection/keeper/transport.js';
import { wireOptions, wireTarget } from '../../../../src/connection/keeper/wire-options.js';
import { resolveTarget } from '../../../../src/connection/ssh/settings.js';
import { SshConnection } from '../../../../src/connection/ssh/index.js';
import type { SshConnectionOptions } from '../../../../src/connection/ssh/options.js';
import type { ShellStreams } from '../../../../src/connection/persistent-shell.js';
import type { SshTransport } from '../../../../src/connection/ssh/transport.js';
import { loopbackSsh, type LoopbackSsh } from './loopback-ssh.js';
import { alive, sleep, until } from '../../../helpers/waiting.js';

/** Text from a stream until it contains `needle`. */
function readUntil(s: NodeJS.ReadableStream, needle: string, ms = 3000): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    const t = setTimeout(() => reject(new Error(`no '${needle}' within ${ms} ms (got ${JSON.stringify(text)})`)), ms);
    const on = (c: Buffer): void => {
      text += c.toString();
      if (!text.includes(needle)) return;
      clearTimeout(t);
      s.off('data', on);
      resolve(text);
    };
    s.on('data', on);
  });
}

describe('shell parking in the keeper (in-process) on a loopback ssh server', () => {
  let srv: LoopbackSsh;
  let dir: string;
  let keeper: Keeper;
  const conns: SshConnection[] = [];
  const transports: SshTransport[] = [];

  function conn(extra: Partial<SshConnectionOptions> = {}): SshConnection {
    const c = new SshConnection(srv.options({ controlPathDir: dir, ...extra }));
    conns.push(c);
    return c;
  }

  /** A run: connect, the shell's pid, close (parking when `park`). */
  async function run(park: boolean, extra: Partial<SshConnectionOptions> = {}, before?: string): Promise<number> {
    const c = conn(extra);
    await c.connect();
    const pid = Number((await c.exec('echo $$')).stdout);
    if (before) await c.exec(before);
    await c.close({ park });
    return pid;
  }

  /** Parked shells and hand-outs over the keeper's connections. */
  function parked(): { parked: number; resumed: number } {
    const cs = keeper.status().connections;
    return { parked: cs.reduce((n, c) => n + c.parked, 0), resumed: cs.reduce((n, c) => n + c.resumed, 0) };
  }

  /** A session of our own with the keeper, for channels opened by hand. */
  async function session(extra: Partial<SshConnectionOptions> = {}): Promise<SshTransport> {
    const opts = srv.options({ controlPathDir: dir, ...extra });
    const target = resolveTarget(opts);
    const hooks = { host: 'lo', lostReason: () => undefined, onLost: () => () => true, markLost: () => undefined, isClosed: () => false };
    const { transport } = await openKeeperSession(controlSettings(opts, target)!, wireOptions(opts), wireTarget(target), hooks);
    transports.push(transport);
    return transport;
  }

  /** The pid of a raw shell channel (its launch `exec /bin/sh` prints nothing by itself). */
  async function rawPid(s: ShellStreams): Promise<number> {
    const got = readUntil(s.stdout, '\n');
    s.stdin.write('echo $$\n');
    return Number((await got).trim());
  }

  before(async () => {
    srv = await loopbackSsh();
    dir = mkdtempSync(join(tmpdir(), 'k8sp-park-keeper-'));
    keeper = new Keeper({ socket: join(dir, socketName()) });
    assert.equal(await keeper.listen(), true);
  });

  after(async () => {
    await Promise.allSettled(conns.map((c) => c.close()));
    await Promise.allSettled(transports.map((t) => t.close()));
    keeper.stop();
    await srv.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('an unchanged next run gets the same shell process: no new channel, no shell start', async () => {
    const pid = await run(true);
    assert.deepEqual(parked(), { parked: 1, resumed: 0 });
    assert.ok(alive(pid));
    const execs = srv.execs();
    const c = conn();
    await c.connect();
    assert.equal(c.via, 'keeper-reused');
    assert.equal(Number((await c.exec('echo $$')).stdout), pid);
    assert.deepEqual(await c.exec('echo out; echo err >&2; exit 4'), { rc: 4, stdout: 'out\n', stderr: 'err\n' });
    assert.equal(srv.execs(), execs, 'no exec channel opened');
    assert.deepEqual(parked(), { parked: 0, resumed: 1 });
    // And again: a resumed shell can be parked once more.
    await c.close({ park: true });
    assert.equal(await run(true), pid);
    assert.deepEqual(parked(), { parked: 1, resumed: 2 });
    await run(false);
  });

  test('a run\'s first shell comes with its session: one request per run, no exec request', async () => {
    const pid = await run(true);
    const before = keeper.status().requests;
    const c = conn();
    await c.connect();
    assert.equal(Number((await c.exec('echo $$')).stdout), pid);
    await c.close({ park: true });
    const after = keeper.status().requests;
    assert.deepEqual({ connect: after.connect - before.connect, exec: after.exec - before.exec }, { connect: 1, exec: 0 });
    // A new shell (nothing parked) comes with the session too.
    await run(false);
    const fresh = conn();
    await fresh.connect();
    assert.notEqual(Number((await fresh.exec('echo $$')).stdout), pid);
    await fresh.close();
    assert.equal(keeper.status().requests.exec, after.exec);
  });

  test('a kept connection that fails its probe, its parked shell asked with the session: a new connection and shell, transparently', async () => {
    const kh = join(srv.dir, 'kh_probe');
    writeFileSync(kh, readFileSync(srv.knownHosts));
    const vars = { ansible_ssh_common_args: `-o UserKnownHostsFile=${kh}` };
    const pid = await run(true, { vars });
    srv.freeze();
    const c = conn({ vars, timeout: 1 });
    await c.connect();
    assert.equal(c.via, 'keeper', 'a new SSH connection');
    const r = await c.exec('echo $$');
    assert.equal(r.rc, 0);
    assert.notEqual(Number(r.stdout), pid);
    await c.close();
  });

  test('a shell opened with the session that the pool does not ask for is ended, not left running', async () => {
    const opts = srv.options({ controlPathDir: dir });
    const target = resolveTarget(opts);
    const hooks = { host: 'lo', lostReason: () => undefined, onLost: () => () => true, markLost: () => undefined, isClosed: () => false };
    const first = { launch: 'echo $$; exec /bin/sh', park: { key: 'first-key', rearm: '' } };
    const { transport: t } = await openKeeperSession(controlSettings(opts, target)!, wireOptions(opts), wireTarget(target), hooks, first);
    transports.push(t);
    const execs = keeper.status().requests.exec;
    // Another launch line: a channel of its own; the one opened with the session goes.
    const other = await t.openShell('exec /bin/sh', first.park);
    assert.equal(keeper.status().requests.exec, execs + 1);
    assert.equal(other.resumed, undefined);
    const p = await rawPid(other);
    assert.ok(alive(p));
    const users = (): number => keeper.status().connections.reduce((n, x) => n + x.users, 0);
    await until('the unused first shell to be ended', () => users() === 2);
    other.destroy();
    await t.close();
  });

  test('a run closed without park leaves nothing parked: the next run starts a new shell', async () => {
    const pid = await run(false);
    assert.deepEqual(parked().parked, 0);
    await until('the shell to end', () => !alive(pid));
    const execs = srv.execs();
    assert.notEqual(await run(false), pid);
    assert.equal(srv.execs(), execs + 1);
  });

  test('direct connections (no keeper) do not park: the shell ends at close', async () => {
    const pid = await run(true, { controlPersist: 0 });
    await until('the shell to end', () => !alive(pid));
  });

  test('a parked shell that prints (a background writer) is dropped, never handed out', async () => {
    const pid = await run(true, {}, '(sleep 0.3; echo late) &');
    assert.equal(parked().parked, 1, 'quiet at close: parked');
    await until('the parked shell to be dropped', () => parked().parked === 0);
    await until('the dropped shell to end', () => !alive(pid));
    const c = conn();
    await c.connect();
    const r = await c.exec('echo $$');
    assert.notEqual(Number(r.stdout), pid);
    assert.deepEqual(await c.exec('echo clean'), { rc: 0, stdout: 'clean\n', stderr: '' });
    await c.close();
  });

  test('a killed parked shell is not handed out; the next run works with a new shell', async () => {
    const pid = await run(true);
    process.kill(pid, 'SIGKILL');
    await until('the dead shell to be dropped', () => parked().parked === 0);
    const c = conn();
    await c.connect();
    assert.notEqual(Number((await c.exec('echo $$')).stdout), pid);
    await c.close();

    // Killed just as the next run asks: handed out or not, the run does not notice.
    const pid2 = await run(true);
    process.kill(pid2, 'SIGKILL');
    const d = conn();
    await d.connect();
    const r = await d.exec('echo $$');
    assert.equal(r.rc, 0);
    assert.notEqual(Number(r.stdout), pid2);
    await d.close();
  });

  test('a dropped SSH connection drops its parked shells; the next run connects anew', async () => {
    const pid = await run(true);
    assert.equal(parked().parked, 1);
    srv.cut();
    await until('the connection and its parked shell to go', () => parked().parked === 0);
    await until('the parked shell to end', () => !alive(pid));
    const c = conn();
    await c.connect();
    assert.equal(c.via, 'keeper', 'a new SSH connection');
    assert.notEqual(Number((await c.exec('echo $$')).stdout), pid);
    await c.close();
  });

  test('a parked shell goes to one run only; the other gets a new shell', async () => {
    const pid = await run(true);
    const a = conn();
    const b = conn();
    await Promise.all([a.connect(), b.connect()]);
    const pids = await Promise.all([a, b].map(async (c) => Number((await c.exec('echo $$')).stdout)));
    assert.equal(pids.filter((p) => p === pid).length, 1, `${pids} vs ${pid}`);
    await Promise.all([a.close(), b.close()]);
  });

  test('one parked shell per key on a connection: a second park is refused and that shell ends', async () => {
    const t = await session();
    const park = { key: 'same-key', rearm: 'echo rearmed\n' };
    const one = await t.openShell('exec /bin/sh', park);
    const two = await t.openShell('exec /bin/sh', park);
    const first = readUntil(one.stdout, 'rearmed', 300).catch(() => 'nothing');
    const [p1, p2] = [await rawPid(one), await rawPid(two)];
    assert.equal(await one.park!(), true);
    assert.equal(await two.park!(), false);
    assert.equal(await two.closed, 'shell exited with status 0', 'its stdin was ended: it exited');
    assert.ok(alive(p1));
    await until('the refused shell to end', () => !alive(p2));
    assert.equal(await first, 'nothing', 'the rearm text is not written to a new channel');
    // The parked one comes back to the next request with that key, as `resumed`, and the
    // keeper has written the rearm text to it already.
    const back = await t.openShell('exec /bin/sh', park);
    assert.ok(back.resumed);
    assert.equal(await readUntil(back.stdout, 'rearmed\n'), 'rearmed\n');
    assert.equal(await rawPid(back), p1);
    const other = await t.openShell('exec /bin/sh', { key: 'other-key', rearm: '' });
    assert.equal(other.resumed, undefined);
    other.destroy();
    back.destroy();
    await t.close();
  });

  test('output on its way when a shell is parked: it is never handed out', async () => {
    const t = await session();
    const s = await t.openShell('exec /bin/sh', { key: 'racy', rearm: '' });
    await rawPid(s);
    // Output is asked for and parking right after: the keeper parks before it comes (then drops
    // it when it does) or sees it passed the client unseen (then refuses).
    s.stdin.write('echo racing\n');
    await s.park!();
    await sleep(200);
    const next = await t.openShell('exec /bin/sh', { key: 'racy', rearm: '' });
    assert.equal(next.resumed, undefined, 'a new shell');
    next.destroy();
    await t.close();
  });

  test('a parked shell lasts its persist time; a stopped keeper ends its parked shells', async () => {
    const pid = await run(true, { controlPersist: 1 });
    assert.equal(parked().parked, 1);
    await until('the parked shell to expire', () => parked().parked === 0, 3000);
    await until('the expired shell to end', () => !alive(pid));

    // A keeper of its own, stopped with a shell parked.
    const d2 = mkdtempSync(join(tmpdir(), 'k8sp-park-stop-'));
    const k2 = new Keeper({ socket: join(d2, socketName()) });
    await k2.listen();
    try {
      const c = conn({ controlPathDir: d2 });
      await c.connect();
      const p = Number((await c.exec('echo $$')).stdout);
      await c.close({ park: true });
      assert.equal(k2.status().connections[0]?.parked, 1);
      k2.stop();
      await until('the parked shell to end with the keeper', () => !alive(p));
    } finally {
      k2.stop();
      rmSync(d2, { recursive: true, force: true });
    }
  });
});

describe('shell parking on a server that limits sessions per connection', () => {
  test('parked shells make way for a new channel the server would refuse otherwise', async () => {
    const srv = await loopbackSsh({ maxSessions: 2 });
    const dir = mkdtempSync(join(tmpdir(), 'k8sp-park-max-'));
    const keeper = new Keeper({ socket: join(dir, socketName()) });
    await keeper.listen();
    try {
      const opts = srv.options({ controlPathDir: dir });
      const target = resolveTarget(opts);
      const hooks = { host: 'lo', lostReason: () => undefined, onLost: () => () => true, markLost: () => undefined, isClosed: () => false };
      const { transport: t } = await openKeeperSession(controlSettings(opts, target)!, wireOptions(opts), wireTarget(target), hooks);
      const a = await t.openShell('exec /bin/sh', { key: 'a', rearm: '' });
      const b = await t.openShell('exec /bin/sh', { key: 'b', rearm: '' });
      assert.equal(await a.park!(), true);
      assert.equal(await b.park!(), true);
      assert.equal(keeper.status().connections[0]?.parked, 2);
      const c = await t.openShell('exec /bin/sh', { key: 'c', rearm: '' });
      const got = readUntil(c.stdout, 'fits\n');
      c.stdin.write('echo fits\n');
      assert.equal(await got, 'fits\n');
      assert.equal(keeper.status().connections[0]?.parked, 0, 'the parked shells were given up');
      c.destroy();
      await t.close();
    } finally {
      keeper.stop();
      await srv.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
