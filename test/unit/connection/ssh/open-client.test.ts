// Connecting on loopback only: retries with backoff for transient failures, none for refused
// authentication, the connect timeout, clear errors for encrypted keys, and host key checks
// against an ssh2 test server.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server as NetServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ssh2 from 'ssh2';
import { openClient } from '../../../../src/connection/ssh/open-client.js';
import type { SshConnectionOptions } from '../../../../src/connection/ssh/options.js';
import { rejectsWithConnectionError as rejects } from '../../../helpers/connection-error.js';

const dir = mkdtempSync(join(tmpdir(), 'k8sp-sshopen-'));
const cleanups: Array<() => void> = [];
after(() => {
  for (const c of cleanups) c();
  rmSync(dir, { recursive: true, force: true });
});

function keygen(name: string, pass = ''): { priv: string; pub: string } {
  const f = join(dir, name);
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', pass, '-f', f]);
  return { priv: f, pub: readFileSync(`${f}.pub`, 'utf8').trim() };
}

const hostKey = keygen('hostkey');
const userKey = keygen('userkey');
const encKey = keygen('enckey', 'sekret');
const knownHosts = join(dir, 'known_hosts');

function listen(server: NetServer | ssh2.Server): Promise<number> {
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => resolve((server.address() as { port: number }).port));
    cleanups.push(() => server.close());
  });
}

/** An ssh2 server accepting `accept` public keys (or none), counting connections. */
async function sshServer(accept: string[]): Promise<{ port: number; count: () => number }> {
  let n = 0;
  const allowed = accept.map((p) => ssh2.utils.parseKey(p) as ssh2.ParsedKey);
  const server = new ssh2.Server({ hostKeys: [readFileSync(hostKey.priv)] }, (client) => {
    n++;
    client.on('error', () => undefined);
    client.on('authentication', (ctx) => {
      if (ctx.method === 'publickey') {
        const k = allowed.find((a) => a.getPublicSSH().equals(ctx.key.data));
        if (k && (!ctx.signature || k.verify(ctx.blob!, ctx.signature, ctx.hashAlgo))) return ctx.accept();
      }
      ctx.reject(['publickey', 'password']);
    });
    client.on('ready', () => undefined);
  });
  const port = await listen(server);
  return { port, count: () => n };
}

function opts(port: number, extra: Partial<SshConnectionOptions> = {}): SshConnectionOptions {
  return {
    host: 'lo', address: '127.0.0.1', port, user: 'tester', homeDir: dir, localUser: 'me', env: {},
    configFiles: [], globalKnownHostsFiles: [], retryDelayMs: 40,
    vars: { ansible_ssh_common_args: `-o UserKnownHostsFile=${knownHosts}` },
    ...extra,
  };
}


test('refused connections are retried with backoff, then reported with the attempt count', async () => {
  const s = createServer();
  const port = await listen(s);
  s.close();
  const t0 = Date.now();
  const e = await rejects(openClient(opts(port, { privateKeyFile: userKey.priv })), /port \d+: Connection refused \(after 3 attempts\)/);
  assert.ok(Date.now() - t0 >= 40 + 80, 'backoff waited');
  assert.equal(e.host, 'lo');
  await rejects(openClient(opts(port, { privateKeyFile: userKey.priv, connectAttempts: 1 })), /Connection refused$/m);
});

test('a peer that drops during the handshake is retried; ansible_ssh_retries sets the count', async () => {
  let n = 0;
  const s = createServer((sock: Socket) => {
    n++;
    sock.destroy();
  });
  const port = await listen(s);
  await rejects(openClient(opts(port, { privateKeyFile: userKey.priv })), /after 3 attempts/);
  assert.equal(n, 3);
  n = 0;
  const o = opts(port, { privateKeyFile: userKey.priv });
  o.vars = { ...o.vars, ansible_ssh_retries: 1 };
  await rejects(openClient(o), /after 2 attempts/);
  assert.equal(n, 2);
});

test('a silent peer hits the connect timeout (-T) instead of hanging', async () => {
  const held: Socket[] = [];
  const s = createServer((sock: Socket) => {
    held.push(sock);
  });
  cleanups.push(() => held.forEach((h) => h.destroy()));
  const port = await listen(s);
  const t0 = Date.now();
  await rejects(openClient(opts(port, { privateKeyFile: userKey.priv, timeout: 1, connectAttempts: 1 })), /timed out after 1s/);
  const ms = Date.now() - t0;
  assert.ok(ms >= 900 && ms < 3000, `${ms} ms`);
});

test('refused authentication is not retried and says what the server allows', async () => {
  const srv = await sshServer([]);
  writeFileSync(knownHosts, `[127.0.0.1]:${srv.port} ${hostKey.pub}\n`);
  const e = await rejects(
    openClient(opts(srv.port, { privateKeyFile: userKey.priv })),
    /tester@127\.0\.0\.1: Permission denied \(publickey,password\)/,
  );
  assert.equal(srv.count(), 1);
  assert.ok(e.details.some((d) => d.includes(`publickey ${userKey.priv}`)), e.details.join('\n'));
  assert.ok(e.details.some((d) => /accepts a password/.test(d)));
});

test('key authentication works; unknown and changed host keys are refused with how to proceed', async () => {
  const srv = await sshServer([userKey.pub]);
  writeFileSync(knownHosts, `[127.0.0.1]:${srv.port} ${hostKey.pub}\n`);
  const ok = await openClient(opts(srv.port, { privateKeyFile: userKey.priv }));
  ok.client.end();

  writeFileSync(knownHosts, '');
  await rejects(openClient(opts(srv.port, { privateKeyFile: userKey.priv })), /host key is not known[\s\S]*--host-key-checking=accept-new/);
  writeFileSync(knownHosts, `[127.0.0.1]:${srv.port} ${userKey.pub}\n`); // another ed25519 key
  const changed = await rejects(
    openClient(opts(srv.port, { privateKeyFile: userKey.priv, hostKeyChecking: 'accept-new' })),
    /REMOTE HOST IDENTIFICATION HAS CHANGED[\s\S]*SHA256:/,
  );
  assert.ok(changed.details.some((d) => d.includes(`${knownHosts}:1`)));
  assert.equal(readFileSync(knownHosts, 'utf8').split('\n').filter(Boolean).length, 1, 'accept-new never rewrites a changed key');
  // off: no check at all.
  const off = await openClient(opts(srv.port, { privateKeyFile: userKey.priv, hostKeyChecking: 'off' }));
  off.client.end();
});

test('encrypted key: clear error without a passphrase (before connecting), works with one', async () => {
  const srv = await sshServer([encKey.pub]);
  writeFileSync(knownHosts, `[127.0.0.1]:${srv.port} ${hostKey.pub}\n`);
  const before = srv.count();
  await rejects(openClient(opts(srv.port, { privateKeyFile: encKey.priv })), /is encrypted and no passphrase was given/);
  assert.equal(srv.count(), before, 'no connection was attempted');
  await rejects(openClient(opts(srv.port, { privateKeyFile: encKey.priv, privateKeyPassphrase: 'wrong' })), /wrong passphrase/);
  const viaOption = await openClient(opts(srv.port, { privateKeyFile: encKey.priv, privateKeyPassphrase: 'sekret' }));
  viaOption.client.end();
  const asked: string[] = [];
  const viaCallback = await openClient(opts(srv.port, {
    privateKeyFile: encKey.priv,
    privateKeyPassphrase: async (f) => { asked.push(f); return 'sekret'; },
  }));
  viaCallback.client.end();
  assert.deepEqual(asked, [encKey.priv]);
  const o = opts(srv.port, { privateKeyFile: encKey.priv });
  o.vars = { ...o.vars, ansible_ssh_private_key_passphrase: 'sekret' };
  (await openClient(o)).client.end();
});

test('a missing key file is named in the error', async () => {
  const srv = await sshServer([userKey.pub]);
  writeFileSync(knownHosts, `[127.0.0.1]:${srv.port} ${hostKey.pub}\n`);
  await rejects(openClient(opts(srv.port, { privateKeyFile: join(dir, 'nope') })), /private key file .*nope \(ansible_ssh_private_key_file\) does not exist/);
});
