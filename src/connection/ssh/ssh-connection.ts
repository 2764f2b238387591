/**
 * The 'ssh' connection: one SSH connection per host for the whole run, commands through the
 * shared shell pool's long-lived shells (one exec channel each, plain user and every become
 * user), files read over SFTP. A connection that drops stays failed: pending and later
 * commands reject with ConnectionError at once (the executor reports the host unreachable).
 */
import type { SFTPWrapper } from 'ssh2';
import { ConnectionError, ModuleFailure } from '../../errors.js';
import type { BecomeSpec, Connection, ExecOptions, ExecResult } from '../types.js';
import { ShellPool } from '../shell-pool.js';
import { readFileViaShell } from '../host-files.js';
import { openClient, type OpenedClient } from './open-client.js';
import { openChannelShell } from './channel-shell.js';
import { sftpReadFile } from './sftp-read.js';
import type { SshConnectionOptions } from './options.js';

export class SshConnection implements Connection {
  readonly kind = 'ssh';
  readonly host: string;
  /** Things worth telling that did not stop the connection (a known_hosts file not writable). */
  readonly warnings: string[] = [];
  private readonly pool: ShellPool;
  private opened?: OpenedClient;
  private connecting?: Promise<void>;
  private lost?: ConnectionError;
  private closed = false;
  private sftp?: Promise<SFTPWrapper | undefined>;
  private readonly lostListeners = new Set<(reason: string) => void>();

  constructor(private readonly opts: SshConnectionOptions) {
    this.host = opts.host;
    const fromVars = opts.vars?.['ansible_shell_executable'];
    const shell = opts.shell ?? (typeof fromVars === 'string' && fromVars ? fromVars : '/bin/sh');
    this.pool = new ShellPool({
      host: opts.host,
      shell,
      openShell: (launch) => this.openShell(launch),
      // Also the longest wait for a become prompt, as Ansible's timeout.
      startTimeoutMs: Math.max(opts.timeout ?? 10, 10) * 1000 + 5000,
    });
  }

  /** Connect, authenticate and start the plain shell. Idempotent; retried after a failed attempt. */
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
    if (!this.opened) await this.connect();
    if (this.lost) throw this.lost;
    return this.pool.exec(command, opts);
  }

  /** Reads over SFTP as the connection user, or through the become shell (base64). */
  async get(path: string, opts: { become?: BecomeSpec | false } = {}): Promise<Buffer | null> {
    if (opts.become) return readFileViaShell(this, path, { become: opts.become });
    if (!this.opened) await this.connect();
    const sftp = await this.sftpSession();
    if (!sftp) return readFileViaShell(this, path);
    try {
      return await sftpReadFile(sftp, path);
    } catch (e) {
      if (this.lost) throw this.lost;
      if (e instanceof ModuleFailure) throw e;
      throw new ConnectionError(this.host, `sftp read of ${path} failed: ${(e as Error).message}`, { cause: e });
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.pool.close();
    const o = this.opened;
    if (!o) return;
    this.opened = undefined;
    if (this.lost) {
      o.client.destroy();
      o.closeTransport();
      return;
    }
    const sftp = await this.sftp?.catch(() => undefined);
    try {
      sftp?.end();
    } catch {
      // already closed
    }
    await new Promise<void>((resolve) => {
      const t = setTimeout(() => {
        o.client.destroy();
        resolve();
      }, 2000);
      o.client.once('close', () => {
        clearTimeout(t);
        resolve();
      });
      o.client.end();
    });
    o.closeTransport();
  }

  private async open(): Promise<void> {
    const opened = await openClient(this.opts);
    this.warnings.push(...opened.warnings);
    if (this.closed) {
      opened.client.end();
      opened.closeTransport();
      throw new ConnectionError(this.host, 'connection closed');
    }
    this.opened = opened;
    let lastError = '';
    let current = true;
    opened.client.on('error', (err: Error & { level?: string }) => {
      lastError = err.message === 'Keepalive timeout'
        ? `no answer to ${opened.target.keepaliveCountMax} keepalives in ${(opened.target.keepaliveIntervalMs * (opened.target.keepaliveCountMax + 1)) / 1000}s`
        : err.message;
    });
    opened.client.on('close', () => {
      if (!current || (this.closed && !lastError)) return;
      const why = lastError || 'connection closed by the remote host';
      this.markLost(`connection to ${opened.target.hostName} lost: ${why}`);
    });
    try {
      await this.pool.open();
    } catch (e) {
      // The shell could not start (a nologin shell, a broken profile): give this connection
      // up quietly; a later connect() may try again.
      if (this.lost) throw this.lost;
      current = false;
      this.opened = undefined;
      opened.client.end();
      opened.closeTransport();
      throw e;
    }
  }

  private markLost(reason: string): void {
    if (this.lost) return;
    this.lost = new ConnectionError(this.host, reason);
    for (const cb of [...this.lostListeners]) cb(reason);
    this.lostListeners.clear();
  }

  private openShell(launch: string): ReturnType<typeof openChannelShell> {
    if (this.lost) return Promise.reject(this.lost);
    if (!this.opened) return Promise.reject(new ConnectionError(this.host, 'not connected'));
    return openChannelShell(
      this.host,
      this.opened.client,
      launch,
      () => this.lost?.message,
      (cb) => {
        this.lostListeners.add(cb);
        return () => this.lostListeners.delete(cb);
      },
    );
  }

  /** The SFTP session, opened once; undefined when the host has no SFTP server. */
  private sftpSession(): Promise<SFTPWrapper | undefined> {
    if (!this.sftp) {
      const client = this.opened!.client;
      this.sftp = new Promise((resolve) => {
        try {
          client.sftp((err, sftp) => resolve(err ? undefined : sftp));
        } catch {
          resolve(undefined);
        }
      });
    }
    return this.sftp;
  }
}
