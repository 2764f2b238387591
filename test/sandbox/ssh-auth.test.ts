// Authentication and privilege escalation over ssh on sandbox hosts: passwords, ssh-agent,
// encrypted keys, ~/.ssh/config entries (HostName, User, Port, IdentityFile, [host]:port
// known_hosts), ProxyJump and ProxyCommand, and sudo become with right, wrong and missing
// passwords and for a user without sudo rights. One sandbox of two hosts for the file.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sandboxDown, sandboxUp, type SandboxUpResult } from '../../src/sandbox/index.js';
import { sandboxDir } from '../../src/sandbox/paths.js';
import { SshConnection, type BecomeSpec } from '../../src/connection/index.js';
import type { SshConnectionOptions } from '../../src/connection/ssh/index.js';
import { BecomeError, ConnectionError } from '../../src/errors.js';
import { sandboxSshOptions, sshSandboxSkipReason } from './ssh-helpers.js';

const skip = sshSandboxSkipReason();
if (skip) process.stderr.write(`# ssh auth sandbox tests skipped: ${skip}\n`);

const NAME = `ssh-auth-${process.pid}`;
const ADMIN_PW = 'Adm1n pass!';
const NOBODY_PW = 'n0body-pass';

async function rejectsWith<T extends Error>(p: Promise<unknown>, cls: new (...a: never[]) => T, re: RegExp): Promise<T> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof cls, `expected ${cls.name}, got ${e instanceof Error ? `${e.constructor.name}: ${e.message}` : String(e)}`);
    const text = 'describe' in e && typeof e.describe === 'function' ? (e.describe as () => string)() : e.message;
    assert.match(text, re);
    return e;
  }
  assert.fail(`expected a ${cls.name}`);
}

describe('ssh authentication and become on sandbox hosts', { skip: skip ?? false }, () => {
  let sb: SandboxUpResult;
  let home: string;
  let agent: ChildProcess | undefined;
  const open: SshConnection[] = [];

  function conn(i: number, extra: Parameters<typeof sandboxSshOptions>[3] = {}): SshConnection {
    const c = new SshConnection(sandboxSshOptions(sb, i, home, extra));
    open.push(c);
    return c;
  }

  /** Options without the harness key: what a user gives, nothing more. */
  function bare(i: number, extra: Partial<SshConnectionOptions> = {}): SshConnectionOptions {
    const o = sandboxSshOptions(sb, i, home, extra);
    if (!('privateKeyFile' in extra)) delete o.privateKeyFile;
    return o;
  }

  before(async () => {
    home = mkdtempSync(join(tmpdir(), 'k8sp-sshauth-'));
    sb = await sandboxUp({ name: NAME, hosts: [{ name: 'alpha' }, { name: 'beta' }], repo: false, progress: () => {} });
    const root = conn(0);
    const setup = [
      `useradd -m -s /bin/bash k8sadmin && echo 'k8sadmin:${ADMIN_PW}' | chpasswd && usermod -aG sudo k8sadmin`,
      `useradd -m -s /bin/bash k8snobody && echo 'k8snobody:${NOBODY_PW}' | chpasswd`,
      `for u in k8sadmin k8snobody; do install -d -m 700 -o $u -g $u /home/$u/.ssh && install -m 600 -o $u -g $u /root/.ssh/authorized_keys /home/$u/.ssh/; done`,
      // Passwords are off in the sandbox's sshd: turn them on, and listen on 2222 as well.
      `printf 'PasswordAuthentication yes\\nPort 22\\nPort 2222\\n' >/etc/ssh/sshd_config.d/05-k8sp-test.conf`,
      `systemctl reload ssh`,
      `for i in $(seq 50); do ss -ltn | grep -q ':2222 ' && exit 0; sleep 0.1; done; echo 'sshd not on 2222' >&2; exit 1`,
    ].join(' && ');
    const r = await root.exec(setup);
    assert.equal(r.rc, 0, r.stderr);
  });

  after(async () => {
    await Promise.allSettled(open.map((c) => c.close()));
    agent?.kill('SIGTERM');
    if (sb && existsSync(sandboxDir(NAME))) await sandboxDown(NAME, { progress: () => {} }).catch(() => {});
    if (home) rmSync(home, { recursive: true, force: true });
  });

  test('password authentication; a wrong password is refused at once with the methods allowed', async () => {
    const c = new SshConnection(bare(0, { user: 'k8sadmin', password: ADMIN_PW }));
    open.push(c);
    assert.equal((await c.exec('id -un')).stdout, 'k8sadmin\n');
    const bad = new SshConnection(bare(0, { user: 'k8sadmin', password: 'nope' }));
    const e = await rejectsWith(bad.connect(), ConnectionError, /k8sadmin@[\d.]+: Permission denied \(publickey,password\)/);
    assert.doesNotMatch(e.message, /attempts/);
    assert.match(e.describe(), /tried: password/);
  });

  test('sudo become with the right password; also to another user', async () => {
    const c = conn(0, { user: 'k8sadmin' });
    const root: BecomeSpec = { method: 'sudo', user: 'root', password: ADMIN_PW };
    assert.equal((await c.exec('id -un')).stdout, 'k8sadmin\n');
    assert.equal((await c.exec('id -un; cat /etc/shadow >/dev/null && echo readable', { become: root })).stdout, 'root\nreadable\n');
    // The become shell is reused: many commands, one sudo.
    const many = await Promise.all(Array.from({ length: 10 }, () => c.exec('id -u', { become: root })));
    assert.ok(many.every((m) => m.stdout === '0\n'));
    assert.equal((await c.exec('id -un', { become: { method: 'sudo', user: 'k8snobody', password: ADMIN_PW } })).stdout, 'k8snobody\n');
  });

  test('sudo become: wrong password and missing password fail clearly, fast, and the host stays usable', async () => {
    const c = conn(0, { user: 'k8sadmin' });
    await c.connect();
    const t0 = Date.now();
    await rejectsWith(c.exec('id -un', { become: { method: 'sudo', user: 'root', password: 'wrong' } }), BecomeError, /Incorrect sudo password/);
    assert.ok(Date.now() - t0 < 10_000, `${Date.now() - t0} ms`);
    await rejectsWith(c.exec('id -un', { become: { method: 'sudo', user: 'root' } }), BecomeError, /Missing sudo password/);
    assert.equal((await c.exec('echo fine')).stdout, 'fine\n');
  });

  test('sudo become for a user without sudo rights fails clearly', async () => {
    const c = conn(0, { user: 'k8snobody' });
    const t0 = Date.now();
    await rejectsWith(
      c.exec('id -un', { become: { method: 'sudo', user: 'root', password: NOBODY_PW } }),
      BecomeError,
      /not in the sudoers|not allowed|may not run sudo/,
    );
    assert.ok(Date.now() - t0 < 10_000);
    assert.equal((await c.exec('id -un')).stdout, 'k8snobody\n');
  });

  test('ssh-agent (SSH_AUTH_SOCK) authenticates without a key file', async () => {
    const sock = join(home, 'agent.sock');
    agent = spawn('ssh-agent', ['-D', '-a', sock], { stdio: 'ignore' });
    for (let i = 0; i < 50 && !existsSync(sock); i++) await new Promise((r) => setTimeout(r, 50));
    const key = join(home, 'agent_key');
    copyFileSync(sb.privateKey, key);
    chmodSync(key, 0o600);
    execFileSync('ssh-add', [key], { env: { ...process.env, SSH_AUTH_SOCK: sock }, stdio: 'ignore' });
    const c = new SshConnection(bare(1, { env: { SSH_AUTH_SOCK: sock } }));
    open.push(c);
    assert.equal((await c.exec('hostname')).stdout, 'beta\n');
    // Without the agent nothing can authenticate: said before connecting.
    await rejectsWith(new SshConnection(bare(1)).connect(), ConnectionError, /Permission denied[\s\S]*nothing to authenticate with/);
  });

  test('an encrypted key works with its passphrase and is refused clearly without one', async () => {
    const key = join(home, 'enc_key');
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', 'pass phrase', '-f', key]);
    const pub = readFileSync(`${key}.pub`, 'utf8').trim();
    const root = conn(0);
    assert.equal((await root.exec(`echo '${pub}' >>/root/.ssh/authorized_keys`)).rc, 0);
    const c = new SshConnection(bare(0, { privateKeyFile: key, privateKeyPassphrase: 'pass phrase' }));
    open.push(c);
    assert.equal((await c.exec('id -un')).stdout, 'root\n');
    await rejectsWith(new SshConnection(bare(0, { privateKeyFile: key })).connect(), ConnectionError, /is encrypted and no passphrase was given/);
  });

  test('~/.ssh/config: Host alias with HostName, User, Port, IdentityFile; [host]:port known_hosts; accept-new records [host]:port', async () => {
    const a = sb.hosts[0]!;
    mkdirp(join(home, '.ssh'));
    writeFileSync(join(home, '.ssh', 'config'), [
      'Host web-*',
      `  HostName ${a.address}`,
      '  Port 2222',
      'Host *',
      '  User root',
      `  IdentityFile ${sb.privateKey}`,
      `  UserKnownHostsFile ~/.ssh/known_hosts`,
    ].join('\n') + '\n');
    writeFileSync(join(home, '.ssh', 'known_hosts'), `[${a.address}]:2222 ${a.hostKey}\n`);
    const opts: SshConnectionOptions = { host: 'web-1', homeDir: home, localUser: 'tester', env: {}, globalKnownHostsFiles: [], configFiles: [join(home, '.ssh', 'config')] };
    const c = new SshConnection(opts);
    open.push(c);
    assert.equal((await c.exec('echo $SSH_CONNECTION')).stdout.trim().split(' ')[3], '2222');
    // The same host on port 22 is another known_hosts name: unknown there.
    await rejectsWith(new SshConnection({ ...opts, port: 22 }).connect(), ConnectionError, /not known/);
    const c2 = new SshConnection({ ...opts, port: 22, hostKeyChecking: 'accept-new' });
    open.push(c2);
    await c2.connect();
    const lines = readFileSync(join(home, '.ssh', 'known_hosts'), 'utf8').trim().split('\n');
    assert.deepEqual(lines, [`[${a.address}]:2222 ${a.hostKey}`, `${a.address} ${a.hostKey}`]);
  });

  test('ProxyJump and ProxyCommand reach a host through another one', async () => {
    const [a, b] = [sb.hosts[0]!, sb.hosts[1]!];
    const cfg = join(home, 'jump.config');
    writeFileSync(cfg, [
      'Host beta-via-jump',
      `  HostName ${b.address}`,
      `  ProxyJump root@${a.address}`,
      'Host beta-via-command',
      `  HostName ${b.address}`,
      `  ProxyCommand ssh -F /dev/null -i ${sb.privateKey} -o BatchMode=yes -o UserKnownHostsFile=${sb.knownHosts} -o StrictHostKeyChecking=yes -W %h:%p root@${a.address}`,
      'Host *',
      '  User root',
      `  IdentityFile ${sb.privateKey}`,
      `  UserKnownHostsFile ${sb.knownHosts}`,
    ].join('\n') + '\n');
    for (const host of ['beta-via-jump', 'beta-via-command']) {
      const c = new SshConnection({ host, homeDir: home, localUser: 'tester', env: {}, globalKnownHostsFiles: [], configFiles: [cfg] });
      open.push(c);
      const r = await c.exec('hostname; echo $SSH_CLIENT');
      const [name, client] = r.stdout.split('\n');
      assert.equal(name, 'beta', host);
      // beta saw the connection come from alpha, not from the controller.
      assert.equal(client!.split(' ')[0], a.address, host);
    }
    // A jump host that refuses the key fails the connection with a message naming it.
    writeFileSync(cfg, `Host beta-bad-jump\n  HostName ${b.address}\n  ProxyJump nobody@${a.address}\nHost *\n  User root\n  IdentityFile ${sb.privateKey}\n  UserKnownHostsFile ${sb.knownHosts}\n`);
    await rejectsWith(
      new SshConnection({ host: 'beta-bad-jump', homeDir: home, localUser: 'tester', env: {}, globalKnownHostsFiles: [], configFiles: [cfg] }).connect(),
      ConnectionError,
      /via jump host [\d.]+: nobody@[\d.]+: Permission denied/,
    );
  });
});

function mkdirp(p: string): void {
  execFileSync('mkdir', ['-p', p]);
}
