// The connection keeper against a real SSH server on loopback (ssh2's, commands run as local
// shells): a second connection reuses the first one's SSH connection, commands and their
// output are intact through it, the same errors come out as without it, dead connections are
// replaced, losses reach the run, idle connections and the keeper itself end, and a real
// spawned keeper serves several clients at once and stops on request.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { Keeper } from '../../../../src/connection/keeper/keeper.js';
import { keeperStatus, stopKeepers } from '../../../../src/connection/keeper/control.js';
import { socketName } from '../../../../src/connection/keeper/control-settings.js';
import { SshConnection } from '../../../../src/connection/ssh/index.js';
import type { SshConnectionOptions } from '../../../../src/connection/ssh/options.js';
import { loopbackSsh, type LoopbackSsh } from './loopback-ssh.js';
import { rejectsWithConnectionError as rejects } from '../../../helpers/connection-error.js';
import { sleep, until } from '../../../helpers/waiting.js';

describe('connection keeper (in-process) on a loopback ssh server', () => {
  let srv: LoopbackSsh;
  let dir: string;
  let keeper: Keeper;
  let exited = 0;
  const conns: SshConnection[] = [];

  function conn(extra: Partial<SshConnectionOptions> = {}): SshConnection {
    const c = new SshConnection(srv.options({ controlPathDir: dir, ...extra }));
    conns.push(c);
    return c;
  }

  /**
   * A known_hosts file of its own (a copy of the server's, named `name`) and a connection made
   * and closed with it: the keeper keeps that connection. Returns the vars that use the file.
   */
  async function keptWithOwnKnownHosts(name: string): Promise<{ kh: string; vars: Record<string, string> }> {
    const kh = join(srv.dir, name);
    writeFileSync(kh, readFileSync(srv.knownHosts));
    const vars = { ansible_ssh_common_args: `-o UserKnownHostsFile=${kh}` };
    const a = conn({ vars });
    await a.connect();
    await a.close();
    return { kh, vars };
  }

  before(async () => {
    srv = await loopbackSsh();
    dir = mkdtempSync(join(tmpdir(), 'k8sp-keeper-'));
    keeper = new Keeper({ socket: join(dir, socketName()), onExit: () => exited++ });
    assert.equal(await keeper.listen(), true);
  });

  after(async () => {
    await Promise.allSettled(conns.map((c) => c.close()));
    keeper.stop();
    await srv.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('a second connection reuses the first one\'s SSH connection; output, stdin and exit codes intact', async () => {
    const before = srv.connections();
    const a = conn();
    await a.connect();
    assert.equal(a.via, 'keeper');
    assert.deepEqual(await a.exec('echo out; echo err >&2; printf partial; exit 7'), { rc: 7, stdout: 'out\npartial', stderr: 'err\n' });
    const big = await a.exec('seq 1 200000; seq 1 50000 >&2');
    assert.equal(big.stdout.split('\n').length, 200001);
    assert.equal(big.stderr.split('\n').length, 50001);
    const input = 'x'.repeat(300_000);
    assert.equal((await a.exec('wc -c', { stdin: input })).stdout.trim(), String(input.length));
    // get() falls back to the shell here (no SFTP on this server): binary-safe all the same.
    writeFileSync(join(srv.dir, 'bin.dat'), Buffer.from([0, 1, 2, 255, 10, 13]));
    assert.deepEqual([...(await a.get(join(srv.dir, 'bin.dat')))!], [0, 1, 2, 255, 10, 13]);
    assert.equal(await a.get(join(srv.dir, 'nope')), null);
    await a.close();
    assert.equal(srv.connections(), before + 1);

    const b = conn();
    await b.connect();
    assert.equal(b.via, 'keeper-reused');
    assert.equal((await b.exec('echo again')).stdout, 'again\n');
    assert.equal(srv.connections(), before + 1, 'no new SSH handshake');
    const st = keeper.status();
    assert.equal(st.connections.length, 1);
    assert.equal(st.connections[0]!.reuses, 1);
    await b.close();
  });

  test('relative key and known_hosts paths mean this process\'s directory, as without the keeper', async () => {
    const c = conn({
      user: 'relative', // a key of its own: a new connection, authenticated with these paths
      privateKeyFile: relative(process.cwd(), srv.userKey),
      vars: { ansible_ssh_common_args: `-o UserKnownHostsFile=${relative(process.cwd(), srv.knownHosts)}` },
    });
    await c.connect();
    assert.equal(c.via, 'keeper');
    await c.close();
  });

  test('two connections at once get an SSH connection each; later ones reuse them', async () => {
    const before = srv.connections();
    const inUse = keeper.status().connections.length;
    const a = conn();
    const b = conn();
    await Promise.all([a.connect(), b.connect()]);
    // The idle one from the last test serves one; the other needs its own.
    assert.deepEqual([a.via, b.via].sort(), ['keeper', 'keeper-reused']);
    assert.equal(srv.connections(), before + 1);
    assert.equal(keeper.status().connections.length, inUse + 1);
    await Promise.all([a.close(), b.close()]);
    const c = conn();
    await c.connect();
    assert.equal(c.via, 'keeper-reused');
    await c.close();
  });

  test('refusals come out as a direct connection words them (host key changed, permission denied)', async () => {
    const wrong = join(srv.dir, 'wrong_known_hosts');
    writeFileSync(wrong, srv.wrongKnownHost);
    const vars = { ansible_ssh_common_args: `-o UserKnownHostsFile=${wrong}` };
    const viaKeeper = await rejects(conn({ vars }).connect(), /REMOTE HOST IDENTIFICATION HAS CHANGED/);
    const direct = await rejects(conn({ vars, controlPersist: 0 }).connect(), /REMOTE HOST IDENTIFICATION HAS CHANGED/);
    assert.equal(viaKeeper.describe(), direct.describe());
    assert.equal(viaKeeper.host, 'lo');
    const badKey = join(srv.dir, 'otherkey');
    const denied = await rejects(conn({ privateKeyFile: badKey }).connect(), /Permission denied \(publickey\)/);
    const deniedDirect = await rejects(conn({ privateKeyFile: badKey, controlPersist: 0 }).connect(), /Permission denied/);
    assert.equal(denied.describe(), deniedDirect.describe());
  });

  test('a kept connection is re-checked against known_hosts as it is now before reuse', async () => {
    const { kh, vars } = await keptWithOwnKnownHosts('kh_recheck');
    writeFileSync(kh, srv.wrongKnownHost);
    await rejects(conn({ vars }).connect(), /REMOTE HOST IDENTIFICATION HAS CHANGED/);
    writeFileSync(kh, `@revoked * ${readFileSync(srv.knownHosts, 'utf8').split(' ').slice(1).join(' ')}`);
    await rejects(conn({ vars }).connect(), /REVOKED/);
  });

  test('a kept connection that died (loudly or silently) is replaced once, transparently', async () => {
    const { vars } = await keptWithOwnKnownHosts('kh_dead');
    srv.cut(); // every relayed connection: this one and the idle ones of earlier tests
    await sleep(50);
    const before = srv.connections();
    const b = conn({ vars });
    await b.connect();
    assert.equal(b.via, 'keeper');
    assert.equal(srv.connections(), before + 1);
    await b.close();

    srv.freeze(); // now nothing answers on the kept connections
    const t0 = Date.now();
    const c = conn({ vars, timeout: 1 });
    await c.connect();
    assert.equal(c.via, 'keeper', 'a new connection, not the frozen one');
    assert.ok(Date.now() - t0 < 3000, `took ${Date.now() - t0} ms`);
    assert.equal((await c.exec('echo fresh')).stdout, 'fresh\n');
    await c.close();
  });

  test('a connection lost mid-run fails its commands with the loss, at once for later ones', async () => {
    const a = conn();
    await a.connect();
    const pending = a.exec('sleep 30');
    await sleep(100);
    srv.cut();
    await rejects(pending, /connection to 127\.0\.0\.1 lost: /);
    const t0 = Date.now();
    await rejects(a.exec('true'), /lost/);
    await rejects(a.get('/etc/hostname'), /lost/);
    assert.ok(Date.now() - t0 < 200);
  });

  test('idle connections close after their persist time; then the keeper exits', async () => {
    const a = conn({ controlPersist: 1 });
    await a.connect();
    assert.equal((await a.exec('echo x')).stdout, 'x\n');
    srv.cut(); // the other tests' kept connections: only this one is left to time out
    await a.close().catch(() => undefined);
    const b = conn({ controlPersist: 1 });
    await b.connect();
    await b.close();
    assert.equal(keeper.status().connections.length, 1);
    const t0 = Date.now();
    await until('the idle connection to close', () => keeper.status().connections.length === 0, 4000);
    assert.ok(Date.now() - t0 >= 700, `closed after ${Date.now() - t0} ms`);
    await until('the keeper to exit', () => exited === 1, 3000);
    assert.ok(!existsSync(join(dir, socketName())), 'socket removed');
  });
});

describe('connection keeper as a process', () => {
  let srv: LoopbackSsh;
  let dir: string;

  before(async () => {
    srv = await loopbackSsh();
    dir = mkdtempSync(join(tmpdir(), 'k8sp-keeperp-'));
  });
  after(async () => {
    await stopKeepers(dir);
    await srv.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('started on first use, shared by concurrent clients, reused by the next, stopped on request', async () => {
    const opts = srv.options({ controlPathDir: dir, controlPersist: 30 });
    const first = [new SshConnection(opts), new SshConnection(opts), new SshConnection(opts)];
    await Promise.all(first.map((c) => c.connect()));
    assert.deepEqual(first.map((c) => c.via), ['keeper', 'keeper', 'keeper'], first.flatMap((c) => c.warnings).join('\n'));
    assert.deepEqual(first.flatMap((c) => c.warnings), []);
    const out = await Promise.all(first.map((c, i) => c.exec(`echo ${i}`)));
    assert.deepEqual(out.map((r) => r.stdout), ['0\n', '1\n', '2\n']);
    await Promise.all(first.map((c) => c.close()));
    const st = await keeperStatus(dir);
    assert.equal(st.length, 1, 'one keeper');
    assert.notEqual(st[0]!.pid, process.pid);
    assert.equal(st[0]!.connections.length, 3);

    const before = srv.connections();
    const again = new SshConnection(opts);
    await again.connect();
    assert.equal(again.via, 'keeper-reused');
    assert.equal(srv.connections(), before);
    await again.close();

    const pid = st[0]!.pid;
    assert.equal(await stopKeepers(dir), 1);
    // It says goodbye to its SSH connections first (forced after 3 s).
    await until('the keeper process to end', () => {
      try {
        process.kill(pid, 0);
        return false;
      } catch {
        return true;
      }
    }, 10_000);
    assert.deepEqual(await keeperStatus(dir), []);
  });

  test('a keeper exiting just as a run connects: the run starts a new one (no fallback to direct)', async () => {
    await stopKeepers(dir);
    // A stand-in keeper that drops the first connection unanswered and goes away, as one whose
    // idle timer fired at that moment does.
    let dropped = 0;
    const dying = createServer((s) => {
      dropped++;
      s.destroy();
      dying.close();
    });
    await new Promise<void>((r) => dying.listen(join(dir, socketName()), r));
    const c = new SshConnection(srv.options({ controlPathDir: dir }));
    await c.connect();
    assert.equal(dropped, 1);
    assert.equal(c.via, 'keeper', c.warnings.join('\n'));
    assert.equal((await keeperStatus(dir)).length, 1);
    await c.close();
  });

  test('a keeper that goes away mid-run: the connection counts as lost', async () => {
    const c = new SshConnection(srv.options({ controlPathDir: dir }));
    await c.connect();
    const pid = (await keeperStatus(dir))[0]!.pid;
    const pending = c.exec('sleep 30');
    await sleep(100);
    process.kill(pid, 'SIGKILL');
    await rejects(pending, /connection to 127\.0\.0\.1 lost: the connection keeper went away/);
    await c.close();
    // The next connection starts a new keeper over the stale socket file.
    const d = new SshConnection(srv.options({ controlPathDir: dir }));
    await d.connect();
    assert.equal(d.via, 'keeper', d.warnings.join('\n'));
    assert.notEqual((await keeperStatus(dir))[0]!.pid, pid);
    await d.close();
  });
});
