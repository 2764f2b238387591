// The ssh transport against real sshd on sandbox hosts (systemd-nspawn containers): commands
// through the long-lived shell, output kept apart and intact, binary reads, atomic writes,
// command timeouts, host key checking (unknown, changed, revoked, hashed, accept-new from many
// hosts at once), parallel hosts, and a host whose network dies mid-command.
// One sandbox of 11 hosts for the whole file; skipped with the reason when it cannot boot.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sandboxDown, sandboxUp, type SandboxUpResult } from '../../src/sandbox/index.js';
import { containerInit } from '../../src/sandbox/processes.js';
import { sandboxDir } from '../../src/sandbox/paths.js';
import { createConnection, SshConnection, writeFileAtomic, statFile } from '../../src/connection/index.js';
import { fingerprint, parseKnownHosts, checkHostKey } from '../../src/connection/ssh/index.js';
import { CommandTimeoutError, ConnectionError, ModuleFailure } from '../../src/errors.js';
import { sandboxSshOptions, sshSandboxSkipReason } from './ssh-helpers.js';

const skip = sshSandboxSkipReason();
if (skip) process.stderr.write(`# ssh transport sandbox tests skipped: ${skip}\n`);

const NAME = `ssh-tr-${process.pid}`;
const HOSTS = [...Array.from({ length: 10 }, (_, i) => `h${String(i + 1).padStart(2, '0')}`), 'victim'];
const VICTIM = HOSTS.length - 1;

function keyBlob(hostKey: string): Buffer {
  return Buffer.from(hostKey.split(' ')[1]!, 'base64');
}

async function rejectsWith<T extends Error>(p: Promise<unknown>, cls: new (...a: never[]) => T, re: RegExp): Promise<T> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof cls, `expected ${cls.name}, got ${String(e)}`);
    const text = 'describe' in e && typeof e.describe === 'function' ? (e.describe as () => string)() : e.message;
    assert.match(text, re);
    return e;
  }
  assert.fail(`expected a ${cls.name}`);
}

describe('ssh transport on sandbox hosts', { skip: skip ?? false }, () => {
  let sb: SandboxUpResult;
  let home: string;
  const open: SshConnection[] = [];

  /** A connection to host i (closed after the file). */
  function conn(i: number, extra: Parameters<typeof sandboxSshOptions>[3] = {}): SshConnection {
    const c = createConnection('ssh', sandboxSshOptions(sb, i, home, extra)) as SshConnection;
    open.push(c);
    return c;
  }

  before(async () => {
    home = mkdtempSync(join(tmpdir(), 'k8sp-sshtr-'));
    sb = await sandboxUp({ name: NAME, hosts: HOSTS.map((name) => ({ name })), repo: false, progress: () => {} });
  });

  after(async () => {
    await Promise.allSettled(open.map((c) => c.close()));
    if (sb && existsSync(sandboxDir(NAME))) await sandboxDown(NAME, { progress: () => {} }).catch(() => {});
    if (home) rmSync(home, { recursive: true, force: true });
  });

  test('connect and run: exit status, stdout and stderr apart, stdin, env, cwd', async () => {
    const c = conn(0);
    await c.connect();
    assert.equal(c.kind, 'ssh');
    const r = await c.exec('echo out; echo err >&2; printf partial; exit 7');
    assert.deepEqual(r, { rc: 7, stdout: 'out\npartial', stderr: 'err\n' });
    const r2 = await c.exec('cat; pwd; echo "$FOO"; hostname', { stdin: 'in\n', cwd: '/tmp', env: { FOO: 'b a r' } });
    assert.equal(r2.stdout, `in\n/tmp\nb a r\n${HOSTS[0]}\n`);
    // Many commands in flight at once on one shell, answered in order.
    const many = await Promise.all(Array.from({ length: 50 }, (_, i) => c.exec(`echo ${i}`)));
    assert.deepEqual(many.map((m) => m.stdout), Array.from({ length: 50 }, (_, i) => `${i}\n`));
  });

  test('large output on both streams arrives whole', async () => {
    const c = conn(0);
    const r = await c.exec('seq 1 300000; seq 1 100000 >&2');
    const seq = (n: number): string => Array.from({ length: n }, (_, i) => `${i + 1}\n`).join('');
    assert.equal(r.rc, 0);
    assert.equal(r.stdout.length, seq(300000).length);
    assert.ok(r.stdout === seq(300000));
    assert.ok(r.stderr === seq(100000));
  });

  test('atomic write through host-files and a binary-safe get (SFTP)', async () => {
    const c = conn(0);
    const data = Buffer.concat([Buffer.from(Array.from({ length: 256 }, (_, i) => i)), randomBytes(400_000)]);
    await writeFileAtomic(c, '/root/k8sp-bin.dat', data, { mode: 0o600 });
    const sum = (await c.exec('sha256sum /root/k8sp-bin.dat')).stdout.split(' ')[0];
    assert.equal(sum, createHash('sha256').update(data).digest('hex'));
    const st = await statFile(c, '/root/k8sp-bin.dat');
    assert.equal(st.mode, '0600');
    assert.equal(st.size, data.length);
    const back = await c.get('/root/k8sp-bin.dat');
    assert.ok(back && back.equals(data));
    assert.equal(await c.get('/root/no-such-file'), null);
    await rejectsWith(c.get('/etc'), ModuleFailure, /is a directory/);
    // Through the become shell (base64) the bytes are the same.
    const viaShell = await c.get('/root/k8sp-bin.dat', { become: { method: 'sudo', user: 'root' } });
    assert.ok(viaShell && viaShell.equals(data));
  });

  test('a command that outlives its timeout fails alone; the host stays usable and the command is killed', async () => {
    const c = conn(1);
    const t0 = Date.now();
    const slow = c.exec('sleep 37; echo late', { timeoutMs: 400 });
    const queued = c.exec('echo queued');
    await rejectsWith(slow, CommandTimeoutError, /timed out after 0.4s/);
    assert.ok(Date.now() - t0 < 3000);
    assert.equal((await queued).stdout, 'queued\n');
    assert.equal((await c.exec('echo still here')).stdout, 'still here\n');
    // Only the timed-out command's process: other services (the firewalld stand-in) also sleep.
    assert.equal((await c.exec("pgrep -f '^sleep 37$' || echo none")).stdout, 'none\n');
  });

  test('an unknown host key is refused by default, with how to accept it', async () => {
    const empty = join(home, 'empty_known_hosts');
    writeFileSync(empty, '');
    const e = await rejectsWith(conn(0, { knownHosts: empty }).connect(), ConnectionError, /host key is not known/);
    assert.match(e.describe(), new RegExp(fingerprint(keyBlob(sb.hosts[0]!.hostKey)).replace(/[+/]/g, '\\$&')));
    assert.match(e.describe(), /--host-key-checking=accept-new/);
    assert.match(e.describe(), /ANSIBLE_HOST_KEY_CHECKING=False/);
    assert.equal(readFileSync(empty, 'utf8'), '');
  });

  test('a changed host key is refused loudly, even with accept-new', async () => {
    const wrong = join(home, 'wrong_known_hosts');
    writeFileSync(wrong, `${sb.hosts[0]!.address} ${sb.hosts[1]!.hostKey}\n`);
    for (const hostKeyChecking of [undefined, 'accept-new'] as const) {
      const e = await rejectsWith(
        conn(0, { knownHosts: wrong, ...(hostKeyChecking ? { hostKeyChecking } : {}) }).connect(),
        ConnectionError,
        /REMOTE HOST IDENTIFICATION HAS CHANGED/,
      );
      const text = e.describe();
      assert.ok(text.includes(fingerprint(keyBlob(sb.hosts[0]!.hostKey))), text);
      assert.ok(text.includes(`${wrong}:1`));
    }
    assert.equal(readFileSync(wrong, 'utf8').split('\n').filter(Boolean).length, 1);
  });

  test('revoked keys are refused; hashed known_hosts entries are accepted', async () => {
    const h = sb.hosts[0]!;
    const revoked = join(home, 'revoked_known_hosts');
    writeFileSync(revoked, `@revoked * ${h.hostKey}\n${h.address} ${h.hostKey}\n`);
    await rejectsWith(conn(0, { knownHosts: revoked }).connect(), ConnectionError, /REVOKED/);
    const hashed = join(home, 'hashed_known_hosts');
    copyFileSync(sb.knownHosts, hashed);
    execFileSync('ssh-keygen', ['-H', '-f', hashed], { stdio: 'ignore' });
    assert.ok(!readFileSync(hashed, 'utf8').includes(h.address));
    const c = conn(0, { knownHosts: hashed });
    await c.connect();
    assert.equal((await c.exec('hostname')).stdout, `${HOSTS[0]}\n`);
  });

  test('checking off: by ANSIBLE_HOST_KEY_CHECKING=False or ansible_host_key_checking=false; nothing recorded', async () => {
    const empty = join(home, 'off_known_hosts');
    writeFileSync(empty, '');
    const a = conn(2, { knownHosts: empty, env: { ANSIBLE_HOST_KEY_CHECKING: 'False' } });
    assert.equal((await a.exec('hostname')).stdout, `${HOSTS[2]}\n`);
    const b = conn(3, { knownHosts: empty, vars: { ansible_host_key_checking: false } });
    assert.equal((await b.exec('hostname')).stdout, `${HOSTS[3]}\n`);
    assert.equal(readFileSync(empty, 'utf8'), '');
  });

  test('accept-new: 10 hosts connecting at once record 10 keys (hashed), none lost; strict then passes', async () => {
    const file = join(home, 'accept', '.ssh', 'known_hosts');
    const ten = HOSTS.slice(0, 10).map((_, i) => i);
    const vars = { ansible_ssh_extra_args: '-o HashKnownHosts=yes' };
    const conns = ten.map((i) => conn(i, { knownHosts: file, hostKeyChecking: 'accept-new', vars }));
    await Promise.all(conns.map((c) => c.connect()));
    const text = readFileSync(file, 'utf8');
    const lines = parseKnownHosts(text, file);
    assert.equal(lines.length, 10, text);
    assert.ok(lines.every((l) => l.hosts.startsWith('|1|')));
    for (const i of ten) {
      const h = sb.hosts[i]!;
      assert.equal(checkHostKey(lines, [h.address], keyBlob(h.hostKey)).status, 'known', h.name);
      // OpenSSH itself finds the entry.
      const found = execFileSync('ssh-keygen', ['-F', h.address, '-f', file], { encoding: 'utf8' });
      assert.ok(found.includes(h.hostKey.split(' ')[1]!));
    }
    await Promise.all(conns.map((c) => c.close()));
    const strict = conn(4, { knownHosts: file });
    assert.equal((await strict.exec('hostname')).stdout, `${HOSTS[4]}\n`);
    assert.equal(readFileSync(file, 'utf8'), text, 'a known key is not written again');
  });

  test('parallel commands on 11 hosts at once', async () => {
    const conns = HOSTS.map((_, i) => conn(i));
    const t0 = Date.now();
    const results = await Promise.all(
      conns.map((c) => Promise.all(Array.from({ length: 20 }, (_, k) => c.exec(`echo ${k} $(hostname)`)))),
    );
    results.forEach((rs, i) => assert.deepEqual(rs.map((r) => r.stdout), Array.from({ length: 20 }, (_, k) => `${k} ${HOSTS[i]}\n`)));
    assert.ok(Date.now() - t0 < 20_000);
  });

  test('a host whose network dies mid-command: ConnectionError within seconds; other hosts keep working', async () => {
    const victim = conn(VICTIM, { keepaliveIntervalMs: 500, keepaliveCountMax: 2 });
    await victim.connect();
    const other = conn(5);
    await other.connect();
    const pending = victim.exec('sleep 60');
    let otherRuns = 0;
    let stop = false;
    const loop = (async () => {
      while (!stop) {
        const r = await other.exec('echo ok');
        assert.equal(r.stdout, 'ok\n');
        otherRuns++;
      }
    })();
    await new Promise((r) => setTimeout(r, 300));
    const init = containerInit(sb.hosts[VICTIM]!.pid);
    assert.ok(init, 'container init found');
    // Silently: the link goes down inside the host, no FIN or RST reaches us.
    execFileSync('nsenter', ['-t', String(init), '-n', 'ip', 'link', 'set', 'host0', 'down']);
    const t0 = Date.now();
    const e = await rejectsWith(pending, ConnectionError, /connection to [\d.]+ lost: no answer to 2 keepalives/);
    const ms = Date.now() - t0;
    assert.ok(ms < 5000, `detected after ${ms} ms`);
    assert.equal(e.host, 'victim');
    const runsAtDetection = otherRuns;
    // Later commands on the dead host fail at once, without a new timeout.
    const t1 = Date.now();
    await rejectsWith(victim.exec('true'), ConnectionError, /lost/);
    await rejectsWith(victim.get('/etc/hostname'), ConnectionError, /lost/);
    assert.ok(Date.now() - t1 < 200);
    await new Promise((r) => setTimeout(r, 200));
    stop = true;
    await loop;
    assert.ok(runsAtDetection > 10, `other host ran ${runsAtDetection} commands meanwhile`);
    assert.ok(otherRuns > runsAtDetection);
    // A fresh connection to the dead host ends at the connect timeout, not in a hang.
    const t2 = Date.now();
    await rejectsWith(conn(VICTIM, { timeout: 1, connectAttempts: 2 }).connect(), ConnectionError, /timed out after 1s \(after 2 attempts\)/);
    assert.ok(Date.now() - t2 < 5000);
  });
});
