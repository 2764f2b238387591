/**
 * The connection keeper: a small server on a unix socket that holds SSH connections between
 * runs, so the next run skips the handshake and the host's login (Ansible's ControlPersist).
 *
 * A run's SshConnection opens a session (op 'connect'): the keeper hands it an idle connection
 * with the same settings (re-checking the host key against today's known_hosts files and that
 * the host still answers; a dead one is dropped and a new one made, once) or opens a new one
 * with the same openClient() a direct connection uses (same checks, retries and errors). The
 * session's channels and file reads go to that connection only; if it drops, every user hears
 * so. A connection unused for its persist time is closed; the keeper exits when it has neither
 * connections nor clients for the last persist time asked.
 *
 * A run that changed nothing on a host parks its idle shells here (parked-shells.ts): the next
 * run's exec request with the same park key on that connection gets one back, already running.
 */
import { chmodSync, mkdirSync, rmdirSync, statSync, unlinkSync } from 'node:fs';
import { createServer, connect as netConnect, type Server, type Socket } from 'node:net';
import type { ClientChannel } from 'ssh2';
import { ConnectionError, ModuleFailure } from '../../errors.js';
import type { SshConnectionOptions } from '../ssh/options.js';
import type { SshTarget } from '../ssh/settings.js';
import { HostKeyChecker } from '../ssh/host-key-check.js';
import { sftpReadFile } from '../ssh/sftp-read.js';
import { KeptConnection } from './kept-connection.js';
import { bridgeChannel } from './bridge.js';
import { frameWriter } from './frame-writer.js';
import {
  errorToWire, FRAME, LineReader, PROTOCOL_VERSION,
  type ConnectRequest, type ExecRequest, type GetRequest, type KeeperAnswer, type KeeperRequest, type KeeperStatus, type EngineState, type RunRequest, type ShellRequest,
} from './protocol.js';

/** Runs k8splay commands for the executable (op 'run'): the warm engine, src/connection/keeper/engine-host.ts. */
export interface RunHost {
  /** Serve or decline the run; owns the socket from now on. */
  serve(sock: Socket, req: RunRequest, rest: Buffer): void;
}

export interface KeeperOptions {
  /** The socket path to listen on (its directory exists, mode 0700). */
  socket: string;
  /** Called once when the keeper has shut down (default: nothing; daemon-main exits). */
  onExit?: () => void;
  /** Serves op 'run'; without it runs are declined. */
  runHost?: RunHost;
  /** Called each time the last client has left (the keeper is idle until the next one). */
  onIdle?: () => void;
  /** The warm engine's state for `status`. */
  engineState?: () => EngineState;
}

/** Longest wait for a kept connection to answer before it is taken as dead. */
const PROBE_MS = 3000;
/** Reasons of lost connections remembered for late channel requests. */
const MAX_LOST_REASONS = 256;
/** Longest wait for a client's request line. */
const REQUEST_TIMEOUT_MS = 10_000;
/** A lock directory older than this was left by a crashed keeper. */
const STALE_LOCK_MS = 10_000;

export class Keeper {
  private readonly server: Server;
  private readonly conns = new Map<string, KeptConnection>();
  private readonly lostReasons = new Map<string, string>();
  private readonly clients = new Set<Socket>();
  private nextId = 1;
  private readonly requests = { connect: 0, exec: 0, get: 0, run: 0 };
  /** Exit wait: the persist time the last session asked (60 s before any did). */
  private lastPersistMs: number | null = 60_000;
  private lastActivity = Date.now();
  private exitTimer?: NodeJS.Timeout;
  private stopped = false;
  private readonly started = Date.now();

  constructor(private readonly opts: KeeperOptions) {
    this.server = createServer((sock) => this.onClient(sock));
  }

  /**
   * Listen on the socket. A live keeper already there wins (returns false); a stale socket
   * file (its keeper died) is replaced, under a lock so two new keepers do not both do it.
   */
  async listen(): Promise<boolean> {
    const path = this.opts.socket;
    for (let attempt = 0; attempt < 200; attempt++) {
      try {
        await this.bind();
        return true;
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw e;
      }
      if (await answers(path)) return false;
      const lock = `${path}.lock`;
      try {
        mkdirSync(lock, { mode: 0o700 });
      } catch {
        try {
          if (Date.now() - statSync(lock).mtimeMs > STALE_LOCK_MS) rmdirSync(lock);
        } catch {
          // gone meanwhile
        }
        await sleep(20);
        continue;
      }
      try {
        if (await answers(path)) return false;
        try {
          unlinkSync(path);
        } catch {
          // already gone
        }
        await this.bind();
        return true;
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw e;
      } finally {
        rmdirSync(lock);
      }
    }
    throw new Error(`cannot listen on ${path}: another process keeps it busy`);
  }

  /** The keeper's state (op 'status'). */
  status(): KeeperStatus {
    const now = Date.now();
    return {
      pid: process.pid,
      version: PROTOCOL_VERSION,
      uptimeMs: now - this.started,
      clients: this.clients.size,
      requests: { ...this.requests },
      ...(this.opts.engineState ? { engine: this.opts.engineState() } : {}),
      connections: [...this.conns.values()].map((c) => ({
        id: c.id,
        host: c.opened.target.hostName,
        user: c.opened.target.user,
        port: c.opened.target.port,
        users: c.users,
        reuses: c.reuses,
        idleMs: c.users ? 0 : now - c.lastUsed,
        parked: c.parked.size,
        resumed: c.parked.resumed,
      })),
    };
  }

  /** Close every connection and the socket; then onExit. Idempotent. */
  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    clearTimeout(this.exitTimer);
    for (const c of [...this.conns.values()]) c.close();
    for (const s of this.clients) s.destroy();
    this.server.close();
    try {
      unlinkSync(this.opts.socket);
    } catch {
      // already gone
    }
    this.opts.onExit?.();
  }

  private bind(): Promise<void> {
    return new Promise((resolve, reject) => {
      const onError = (e: Error): void => reject(e);
      this.server.once('error', onError);
      this.server.listen(this.opts.socket, () => {
        this.server.off('error', onError);
        // The directory is 0700 already; the socket itself is the owner's only too.
        chmodSync(this.opts.socket, 0o600);
        this.scheduleExit();
        resolve();
      });
    });
  }

  private onClient(sock: Socket): void {
    this.clients.add(sock);
    clearTimeout(this.exitTimer);
    sock.on('error', () => undefined);
    sock.once('close', () => {
      this.clients.delete(sock);
      this.lastActivity = Date.now();
      this.scheduleExit();
      if (this.clients.size === 0 && !this.stopped) this.opts.onIdle?.();
    });
    const reader = new LineReader();
    // A client that never says what it wants must not keep the keeper alive.
    sock.setTimeout(REQUEST_TIMEOUT_MS, () => sock.destroy());
    const onData = (chunk: Buffer): void => {
      let got;
      try {
        got = reader.push(chunk);
      } catch {
        sock.destroy();
        return;
      }
      if (!got) return;
      sock.setTimeout(0);
      sock.off('data', onData);
      sock.pause();
      let req: KeeperRequest;
      try {
        req = JSON.parse(got.line) as KeeperRequest;
      } catch {
        sock.destroy();
        return;
      }
      void this.dispatch(sock, req, got.rest).catch((e: unknown) => answer(sock, { ok: false, error: errorToWire(e) }, true));
    };
    sock.on('data', onData);
  }

  private async dispatch(sock: Socket, req: KeeperRequest, rest: Buffer): Promise<void> {
    if (req.v !== PROTOCOL_VERSION) {
      answer(sock, { ok: false, error: { cls: 'Error', message: `connection keeper speaks protocol ${PROTOCOL_VERSION}, not ${req.v}` } }, true);
      return;
    }
    switch (req.op) {
      case 'status':
        sock.end(JSON.stringify(this.status()) + '\n');
        return;
      case 'stop':
        sock.end(JSON.stringify({ ok: true }) + '\n', () => this.stop());
        return;
      case 'connect':
        this.requests.connect++;
        return this.session(sock, req, rest);
      case 'exec':
        this.requests.exec++;
        return this.channel(sock, req, rest);
      case 'get':
        this.requests.get++;
        return this.read(sock, req);
      case 'run':
        this.requests.run++;
        if (this.opts.runHost) this.opts.runHost.serve(sock, req, rest);
        else sock.end(JSON.stringify({ ok: false, declined: 'this keeper runs no commands' }) + '\n');
        return;
      default:
        answer(sock, { ok: false, error: { cls: 'Error', message: `unknown keeper request '${(req as { op?: string }).op}'` } }, true);
    }
  }

  /**
   * op 'connect': lend a connection to the client while its socket stays open; with `shell`,
   * that shell's channel too, carried on the same socket.
   */
  private async session(sock: Socket, req: ConnectRequest, rest: Buffer): Promise<void> {
    this.lastPersistMs = req.persistMs;
    let lease: Lease;
    try {
      lease = await this.lease(req);
    } catch (e) {
      answer(sock, { ok: false, error: errorToWire(e) }, true);
      return;
    }
    const { conn } = lease;
    const shell = await lease.shell;
    if (sock.destroyed) {
      if (shell) dropShell(conn, shell);
      conn.release();
      return;
    }
    let released = false;
    const release = (): void => {
      if (released) return;
      released = true;
      unsubscribe();
      conn.release();
    };
    // Through the frame writer: after the shell's frames still queued, never before.
    const unsubscribe = conn.onLost((reason) => {
      frameWriter(sock).end(FRAME.LOST, reason);
      release();
    });
    // Released when the client ends the session, before our side closes: a client that waited
    // for that close finds the connection free for its next session.
    sock.once('end', release);
    sock.once('close', release);
    // Beyond the shell's frames the client never writes on a session; reading keeps its close noticed.
    sock.on('data', () => undefined);
    answer(sock, {
      ok: true, conn: conn.id, reused: lease.reused, warnings: lease.warnings,
      ...(shell ? { shell: shell.resumed ? { resumed: true as const } : {} } : {}),
    });
    if (shell) this.bridge(sock, conn, shell, req.shell!.park, rest, true);
    sock.resume();
    if (conn.lost) {
      frameWriter(sock).end(FRAME.LOST, conn.lost);
      release();
    }
  }

  /**
   * An idle connection with the session's key that still passes the host key check and
   * answers, or a new one. One dead connection is dropped and replaced transparently. The
   * session's shell is asked for as soon as a connection is chosen: on a kept one, while its
   * probe is on the way (the two round trips overlap; a failed probe drops both).
   */
  private async lease(req: ConnectRequest): Promise<Lease> {
    // The one with parked shells first: the run then starts no shell either.
    const idle = [...this.conns.values()]
      .filter((c) => c.key === req.key && c.idle)
      .sort((a, b) => b.parked.size - a.parked.size || b.lastUsed - a.lastUsed)[0];
    if (idle) {
      idle.acquire(req.persistMs); // taken now: a concurrent session must not pick it too
      const target = req.target as SshTarget;
      const check = await recheckHostKey(idle, target);
      if (check.ok) {
        // The probe first: the host's sshd answers it at once, the shell's rearm takes longer.
        const probed = idle.probe(Math.min(PROBE_MS, target.connectTimeoutMs));
        probed.catch(() => undefined); // awaited below, after the shell was asked for
        const shell = req.shell ? this.startShell(idle, req.shell) : undefined;
        try {
          await probed;
          idle.reuses++;
          return { conn: idle, reused: true, warnings: check.warnings, ...(shell ? { shell } : {}) };
        } catch (e) {
          void shell?.then((s) => s && dropShell(idle, s));
          idle.release();
          idle.destroy(`connection to ${target.hostName} lost: ${(e as Error).message}`);
        }
      } else {
        // The files changed since: a new connection meets the checks (and their error).
        idle.release();
        idle.close();
      }
    }
    // Not imported statically: the keeper listens before ssh2 has loaded (see daemon-main).
    const { openClient } = await import('../ssh/open-client.js');
    const opened = await openClient(req.opts as SshConnectionOptions, req.target as SshTarget);
    if (this.stopped) {
      opened.client.end();
      opened.closeTransport();
      throw new ConnectionError(req.target.inventoryHost, 'connection keeper stopped');
    }
    const conn = new KeptConnection(String(this.nextId++), req.key, opened, req.persistMs, (c) => this.forget(c));
    opened.client.on('error', () => undefined);
    this.conns.set(conn.id, conn);
    conn.acquire();
    const shell = req.shell ? this.startShell(conn, req.shell) : undefined;
    return { conn, reused: false, warnings: opened.warnings, ...(shell ? { shell } : {}) };
  }

  /**
   * A session's shell on `conn` (a user of it until bridged and done); undefined when none
   * could be had: the client then asks with an exec request, which reports why.
   */
  private async startShell(conn: KeptConnection, req: ShellRequest): Promise<OpenedShell | undefined> {
    conn.acquire();
    try {
      return await this.shellOn(conn, req);
    } catch {
      conn.release();
      return undefined;
    }
  }

  /**
   * A shell channel on `conn`: the one parked under the request's key (its rearm text written
   * at once, its output held until it is bridged), else a new channel running the launch line.
   */
  private async shellOn(conn: KeptConnection, req: ShellRequest): Promise<OpenedShell> {
    const parked = req.park && !req.fresh ? (conn.parked.take(req.park) as ClientChannel | undefined) : undefined;
    if (!parked) return { ch: await this.openChannel(conn, req.launch), resumed: false };
    parked.pause();
    parked.stderr.pause();
    // The client's first words to a resumed shell go out now, not after our answer reached it.
    if (req.rearm) {
      try {
        parked.write(req.rearm);
      } catch {
        // closed under us: the client sees the channel end and opens a new one
      }
    }
    return { ch: parked, resumed: true };
  }

  /** Carry a shell channel on `sock` (its own, or the session's when `shared`) until it ends or is parked. */
  private bridge(sock: Socket, conn: KeptConnection, shell: OpenedShell, key: string | undefined, rest: Buffer, shared: boolean): void {
    const park = key ? (c: ClientChannel) => !this.stopped && conn.parked.park(key, c, conn.persistMs) : undefined;
    bridgeChannel(sock, shell.ch, conn, { rest, done: () => conn.release(), shared, ...(park ? { park } : {}) });
  }

  /** The named connection, acquired; or undefined once the client is told why it is gone. */
  private claim(sock: Socket, id: string): KeptConnection | undefined {
    try {
      const conn = this.named(id);
      conn.acquire();
      return conn;
    } catch (e) {
      answer(sock, { ok: false, error: errorToWire(e), lost: true }, true);
      return undefined;
    }
  }

  /** The connection a channel or read names, or the error of its loss. */
  private named(id: string): KeptConnection {
    const c = this.conns.get(id);
    if (c && !c.lost && !c.closing) return c;
    throw new ConnectionError('', c?.lost ?? this.lostReasons.get(id) ?? 'connection closed');
  }

  /**
   * op 'exec': one channel, carried in frames until it ends or is parked. With a park key, a
   * shell parked under it on this connection is handed out instead of a new channel.
   */
  private async channel(sock: Socket, req: ExecRequest, rest: Buffer): Promise<void> {
    const conn = this.claim(sock, req.conn);
    if (!conn) return;
    let shell: OpenedShell;
    try {
      shell = await this.shellOn(conn, req);
    } catch (e) {
      conn.release();
      const lost = conn.lost;
      answer(sock, { ok: false, error: errorToWire(new ConnectionError('', lost ?? `cannot open an ssh channel: ${(e as Error).message}`)), ...(lost ? { lost: true as const } : {}) }, true);
      return;
    }
    if (sock.destroyed) {
      dropShell(conn, shell);
      return;
    }
    answer(sock, { ok: true, ...(shell.resumed ? { resumed: true as const } : {}) });
    this.bridge(sock, conn, shell, req.park, rest, false);
  }

  /**
   * A new exec channel. Refused while shells are parked (the server's limit of sessions per
   * connection, OpenSSH's MaxSessions): they are given up and the channel asked for again.
   */
  private async openChannel(conn: KeptConnection, launch: string): Promise<ClientChannel> {
    try {
      return await conn.exec(launch);
    } catch (e) {
      if (conn.lost || conn.closing || conn.parked.size === 0) throw e;
      conn.parked.dropAll();
      return conn.exec(launch);
    }
  }

  /** op 'get': a whole file over the connection's SFTP session. */
  private async read(sock: Socket, req: GetRequest): Promise<void> {
    const conn = this.claim(sock, req.conn);
    if (!conn) return;
    try {
      const sftp = await conn.sftpSession();
      if (!sftp) return answer(sock, { ok: true, nosftp: true }, true);
      let data: Buffer | null;
      try {
        data = await sftpReadFile(sftp, req.path);
      } catch (e) {
        if (conn.lost) return answer(sock, { ok: false, error: errorToWire(new ConnectionError('', conn.lost)), lost: true }, true);
        if (e instanceof ModuleFailure) return answer(sock, { ok: false, error: errorToWire(e) }, true);
        return answer(sock, { ok: false, error: errorToWire(new ConnectionError('', `sftp read of ${req.path} failed: ${(e as Error).message}`)) }, true);
      }
      if (data === null) return answer(sock, { ok: true, missing: true }, true);
      answer(sock, { ok: true, length: data.length });
      sock.end(data);
    } finally {
      conn.release();
    }
  }

  private forget(c: KeptConnection): void {
    this.conns.delete(c.id);
    if (c.lost) {
      this.lostReasons.set(c.id, c.lost);
      if (this.lostReasons.size > MAX_LOST_REASONS) this.lostReasons.delete(this.lostReasons.keys().next().value!);
    }
    this.scheduleExit();
  }

  /**
   * Exit the last persist time asked after the last client left, once no connection is left
   * either (a connection closed by its idle timer has waited that long already).
   */
  private scheduleExit(): void {
    clearTimeout(this.exitTimer);
    if (this.stopped || this.clients.size > 0 || this.conns.size > 0 || this.lastPersistMs === null) return;
    const wait = Math.max(0, this.lastActivity + this.lastPersistMs - Date.now());
    if (wait > 2 ** 31 - 1) return;
    this.exitTimer = setTimeout(() => this.stop(), wait);
  }
}

/** A connection lent to a session, and the session's shell when it asked for one. */
interface Lease {
  conn: KeptConnection;
  reused: boolean;
  warnings: string[];
  shell?: Promise<OpenedShell | undefined>;
}

/** A shell channel for a client: new, or parked by an earlier run (`resumed`). */
interface OpenedShell {
  ch: ClientChannel;
  resumed: boolean;
}

/** A shell nobody will use (its client left, its connection failed the probe): closed, its use of `conn` ended. */
function dropShell(conn: KeptConnection, shell: OpenedShell): void {
  shell.ch.on('error', () => undefined);
  try {
    shell.ch.close();
  } catch {
    // already closed
  }
  conn.release();
}

/** Write one answer line (and end the socket when `last`). */
function answer(sock: Socket, a: KeeperAnswer, last = false): void {
  if (sock.destroyed) return;
  const line = JSON.stringify(a) + '\n';
  if (last) sock.end(line);
  else sock.write(line);
}

/**
 * Check a kept connection's host key against the known_hosts files as they are now, with
 * the session's policy: a key removed or marked revoked since must not be trusted because
 * the connection happened to be open. accept-new records it again, as a direct connect would.
 */
async function recheckHostKey(c: KeptConnection, target: SshTarget): Promise<{ ok: boolean; warnings: string[] }> {
  const key = c.opened.serverKey;
  if (target.hostKey.mode === 'off') return { ok: true, warnings: [] };
  if (!key) return { ok: false, warnings: [] };
  const outcome = new HostKeyChecker(target).check(key);
  if (outcome.error) return { ok: false, warnings: [] };
  const warnings: string[] = [];
  if (outcome.recorded) {
    try {
      await outcome.recorded;
    } catch (e) {
      warnings.push(`could not record the host key of ${target.hostName} in ${target.hostKey.writeFile}: ${(e as Error).message}`);
    }
  }
  return { ok: true, warnings };
}

/** True when something accepts connections on the socket. */
function answers(path: string): Promise<boolean> {
  return new Promise((resolve) => {
    const s = netConnect(path);
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
