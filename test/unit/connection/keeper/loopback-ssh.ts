// A real SSH server on 127.0.0.1 for keeper tests: ssh2's server, one key accepted, exec
// requests run as local /bin/sh processes (the shell pool's launch line works as on a host),
// no SFTP subsystem (reads go through the shell). In front of it a TCP relay that can cut
// every connection (the host went away loudly) or freeze them (silently: nothing answers).
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, connect as netConnect, type Server as NetServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ssh2 from 'ssh2';
import type { SshConnectionOptions } from '../../../../src/connection/ssh/options.js';

export interface LoopbackSsh {
  /** The relay's port (what clients connect to). */
  port: number;
  dir: string;
  userKey: string;
  /** known_hosts with the server's key for [127.0.0.1]:port. */
  knownHosts: string;
  /** A known_hosts line with another key for the same name (a changed host key). */
  wrongKnownHost: string;
  /** SSH connections accepted so far (handshakes). */
  connections(): number;
  /** Exec channels opened so far. */
  execs(): number;
  /** Close every relayed connection at once (FIN to both sides). */
  cut(): void;
  /** Stop relaying bytes on the open connections: they stay open, nothing answers. */
  freeze(): void;
  /** Options for an SshConnection to it (temp home, no agent, no ssh config). */
  options(extra?: Partial<SshConnectionOptions>): SshConnectionOptions;
  close(): Promise<void>;
}

function keygen(dir: string, name: string): { priv: string; pub: string } {
  const f = join(dir, name);
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', f]);
  return { priv: f, pub: readFileSync(`${f}.pub`, 'utf8').trim() };
}

function listen(server: NetServer | ssh2.Server): Promise<number> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as { port: number }).port)));
}

/**
 * Start the server and its relay. `maxSessions`: sessions one connection may have open at
 * once (OpenSSH's MaxSessions); more are refused.
 */
export async function loopbackSsh(opts: { maxSessions?: number } = {}): Promise<LoopbackSsh> {
  const dir = mkdtempSync(join(tmpdir(), 'k8sp-keeper-ssh-'));
  const hostKey = keygen(dir, 'hostkey');
  const user = keygen(dir, 'userkey');
  const other = keygen(dir, 'otherkey');
  const allowed = ssh2.utils.parseKey(user.pub) as ssh2.ParsedKey;
  let connections = 0;
  let execs = 0;
  const children = new Set<ReturnType<typeof spawn>>();
  const server = new ssh2.Server({ hostKeys: [readFileSync(hostKey.priv)] }, (client) => {
    client.on('error', () => undefined);
    client.on('authentication', (ctx) => {
      if (ctx.method === 'publickey' && allowed.getPublicSSH().equals(ctx.key.data)) {
        if (!ctx.signature || allowed.verify(ctx.blob!, ctx.signature, ctx.hashAlgo)) return ctx.accept();
      }
      ctx.reject(['publickey']);
    });
    client.on('ready', () => {
      connections++;
      let sessions = 0;
      client.on('session', (accept, reject) => {
        if (opts.maxSessions !== undefined && sessions >= opts.maxSessions) return void reject();
        const session = accept();
        sessions++;
        session.once('close', () => sessions--);
        session.on('exec', (acceptExec, _reject, info) => {
          execs++;
          const ch = acceptExec();
          const child = spawn('/bin/sh', ['-c', info.command], { stdio: ['pipe', 'pipe', 'pipe'] });
          children.add(child);
          ch.pipe(child.stdin).on('error', () => undefined);
          child.stdout.pipe(ch, { end: false });
          child.stderr.pipe(ch.stderr, { end: false });
          ch.on('signal', () => child.kill('SIGKILL'));
          ch.on('close', () => child.kill('SIGKILL'));
          child.on('close', (code) => {
            children.delete(child);
            try {
              ch.exit(code ?? 137);
              ch.end();
            } catch {
              // channel already closed
            }
          });
        });
        session.on('subsystem', (_a, reject) => reject());
      });
    });
  });
  const sshPort = await listen(server);

  const pairs = new Set<[Socket, Socket]>();
  const relay = createServer((down) => {
    const up = netConnect(sshPort, '127.0.0.1');
    const pair: [Socket, Socket] = [down, up];
    pairs.add(pair);
    down.pipe(up);
    up.pipe(down);
    const end = (): void => {
      pairs.delete(pair);
      down.destroy();
      up.destroy();
    };
    down.on('error', end).on('close', end);
    up.on('error', end).on('close', end);
  });
  const port = await listen(relay);

  const knownHosts = join(dir, 'known_hosts');
  writeFileSync(knownHosts, `[127.0.0.1]:${port} ${hostKey.pub}\n`);
  return {
    port,
    dir,
    userKey: user.priv,
    knownHosts,
    wrongKnownHost: `[127.0.0.1]:${port} ${other.pub}\n`,
    connections: () => connections,
    execs: () => execs,
    cut() {
      for (const [a, b] of [...pairs]) {
        a.destroy();
        b.destroy();
      }
    },
    freeze() {
      for (const [a, b] of pairs) {
        a.unpipe(b);
        b.unpipe(a);
        a.pause();
        b.pause();
      }
    },
    options(extra = {}) {
      return {
        host: 'lo',
        address: '127.0.0.1',
        port,
        user: 'tester',
        privateKeyFile: user.priv,
        homeDir: dir,
        localUser: 'me',
        env: {},
        configFiles: [],
        globalKnownHostsFiles: [],
        retryDelayMs: 20,
        ...extra,
        vars: { ansible_ssh_common_args: `-o UserKnownHostsFile=${knownHosts}`, ...extra.vars },
      };
    },
    async close() {
      for (const c of children) c.kill('SIGKILL');
      for (const [a, b] of pairs) {
        a.destroy();
        b.destroy();
      }
      await Promise.all([new Promise((r) => relay.close(r)), new Promise((r) => server.close(r))]);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
