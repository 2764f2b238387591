/**
 * The 'ssh' connection: one SSH connection per host for the whole run, commands through the
 * shared shell pool's long-lived shells (one exec channel each, plain user and every become
 * user), files read over SFTP. A connection that drops stays failed: pending and later
 * commands reject with ConnectionError at once (the executor reports the host unreachable).
 *
 * The SSH connection itself is, by default, held by the connection keeper (keeper/), which
 * keeps it open after the run for the next one, as Ansible's ControlPersist does; see
 * keeper/control-settings.ts for when. Without it (or when no keeper can be started) the
 * connection is made in this process (direct-transport.ts). Either way the same checks run
 * and the same errors come out.
 */
import { ConnectionError } from '../../errors.js';
import type { BecomeSpec, CloseOptions, Connection, ExecOptions, ExecResult } from '../types.js';
import type { ShellParking, ShellStreams } from '../persistent-shell.js';
import { ShellPool } from '../shell-pool.js';
import { readFileViaShell } from '../host-files.js';
import { controlSettings } from '../keeper/control-settings.js';
import { wireOptions, wireTarget } from '../keeper/wire-options.js';
import { openKeeperSession } from '../keeper/transport.js';
import { KeeperUnavailable } from '../keeper/spawn.js';
import { resolveTarget } from './settings.js';
import type { SshConnectionOptions } from './options.js';
import type { SshTransport, TransportHooks } from './transport.js';

export class SshConnection implements Connection {
  readonly kind = 'ssh';
  readonly host: string;
  /** Things worth telling that did not stop the connection (a known_hosts file not writable). */
  readonly warnings: string[] = [];

  /** Its plain shell was kept by the keeper from a run that changed nothing here. */
  get resumed(): boolean {
    return this.pool.resumed;
  }
  /**
   * How the connection was made: 'direct', 'keeper' (a new connection the keeper keeps) or
   * 'keeper-reused' (the keeper had it open already). Undefined before connect().
   */
  via?: 'direct' | 'keeper' | 'keeper-reused';
  private readonly pool: ShellPool;
  private transport?: SshTransport;
  private ready = false;
  private connecting?: Promise<void>;
  private lost?: ConnectionError;
  private closed = false;
  private readonly lostListeners = new Set<(reason: string) => void>();
  private readonly hooks: TransportHooks;

  constructor(private readonly opts: SshConnectionOptions) {
    this.host = opts.host;
    const fromVars = opts.vars?.['ansible_shell_executable'];
    const shell = opts.shell ?? (typeof fromVars === 'string' && fromVars ? fromVars : '/bin/sh');
    this.pool = new ShellPool({
      host: opts.host,
      shell,
      openShell: (launch, park) => this.openShell(launch, park),
      // Also the longest wait for a become prompt, as Ansible's timeout.
      startTimeoutMs: Math.max(opts.timeout ?? 10, 10) * 1000 + 5000,
    });
    this.hooks = {
      host: this.host,
      lostReason: () => this.lost?.message,
      onLost: (cb) => {
        this.lostListeners.add(cb);
        return () => this.lostListeners.delete(cb);
      },
      markLost: (reason) => this.markLost(reason),
      isClosed: () => this.closed,
    };
  }

  /**
   * Connect, authenticate and start the plain shell (or take back the one the last run parked:
   * not waited for; see ShellPool.usable). Idempotent; retried after a failed attempt.
   */
  connect(): Promise<void> {
    if (this.lost) return Promise.reject(this.lost);
    if (this.closed) return Promise.reject(new ConnectionError(this.host, 'connection closed'));
    if (!this.connecting) {
      this.connecting = this.open().catch((e) => {
        this.connecting = undefined;
        throw e;
      });
    }
    return this.connecting;
  }

  async exec(command: string, opts?: ExecOptions): Promise<ExecResult> {
    if (!this.ready) await this.connect();
    if (this.lost) throw this.lost;
    return this.pool.exec(command, opts);
  }

  /** Reads over SFTP as the connection user, or through the become shell (base64). */
  async get(path: string, opts: { become?: BecomeSpec | false } = {}): Promise<Buffer | null> {
    if (opts.become) return readFileViaShell(this, path, { become: opts.become });
    if (!this.ready) await this.connect();
    if (this.lost) throw this.lost;
    const data = await this.transport!.readFile(path);
    return data === undefined ? readFileViaShell(this, path) : data;
  }

  /**
   * End the shells and the transport. With `park` (the run changed nothing here), idle shells
   * are left with the connection keeper for the next run instead; direct connections close them.
   */
  async close(opts: CloseOptions = {}): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.pool.close({ park: !!opts.park && !this.lost });
    const t = this.transport;
    this.transport = undefined;
    this.ready = false;
    await t?.close();
  }

  private async open(): Promise<void> {
    const target = resolveTarget(this.opts);
    const ctl = controlSettings(this.opts, target);
    let transport: SshTransport | undefined;
    if (ctl) {
      try {
        // The plain shell is asked with the session (one request, one round trip): the pool's
        // start below is handed that channel.
        const s = await openKeeperSession(ctl, wireOptions(this.opts, target), wireTarget(target), this.hooks, this.pool.plan());
        transport = s.transport;
        this.via = s.reused ? 'keeper-reused' : 'keeper';
      } catch (e) {
        if (!(e instanceof KeeperUnavailable)) throw e;
        // The keeper is an optimisation: without it the run still works, connecting here.
        this.warnings.push(`connecting directly: ${e.message}`);
      }
    }
    if (!transport) {
      const { openDirect } = await import('./direct-transport.js');
      transport = await openDirect(this.opts, target, this.hooks);
      this.via = 'direct';
    }
    this.warnings.push(...transport.warnings);
    if (this.closed) {
      transport.discard();
      throw new ConnectionError(this.host, 'connection closed');
    }
    this.transport = transport;
    try {
      // A shell parked by the last run is usable at once: the first command goes out with its
      // rearm text, one round trip to the host less.
      await this.pool.usable();
    } catch (e) {
      // The shell could not start (a nologin shell, a broken profile): give this connection
      // up quietly; a later connect() may try again.
      if (this.lost) throw this.lost;
      this.transport = undefined;
      transport.discard();
      throw e;
    }
    this.ready = true;
  }

  private markLost(reason: string): void {
    if (this.lost) return;
    this.lost = new ConnectionError(this.host, reason);
    for (const cb of [...this.lostListeners]) cb(reason);
    this.lostListeners.clear();
  }

  private openShell(launch: string, park?: ShellParking): Promise<ShellStreams> {
    if (this.lost) return Promise.reject(this.lost);
    if (!this.transport) return Promise.reject(new ConnectionError(this.host, 'not connected'));
    return this.transport.openShell(launch, park);
  }
}
