/**
 * The persistent shells of one host, one per identity: the connection user, and one per
 * become user (sudo/su asked once, not per command). A transport (local, ssh) supplies only
 * the way to open a shell; the pool restarts shells that died or were given up after a
 * timeout, so the host stays usable.
 */
import { BecomeError, ConnectionError } from '../errors.js';
import type { BecomeSpec, ExecOptions, ExecResult } from './types.js';
import { PersistentShell, type OpenShell, type PendingExec, type ShellIdentity } from './persistent-shell.js';
import { newSessionToken, readyScript } from './command-script.js';
import { becomeKey, becomeLaunch } from './become.js';
import { shellQuote } from './quote.js';

export interface ShellPoolOptions {
  /** Inventory hostname, for errors. */
  host: string;
  openShell: OpenShell;
  /** The POSIX shell to run (Ansible's executable). Default /bin/sh. */
  shell?: string;
  /** Longest wait for a shell to start, become prompt included. Default 30 s. */
  startTimeoutMs?: number;
}

export class ShellPool {
  private readonly slots = new Map<string, PersistentShell>();
  private closed = false;

  constructor(private readonly opts: ShellPoolOptions) {}

  /** Run a command in the shell of `opts.become` (or the plain one), starting it if needed. */
  exec(command: string, opts: ExecOptions = {}): Promise<ExecResult> {
    return new Promise((resolve, reject) => {
      if (this.closed) return reject(new ConnectionError(this.opts.host, 'connection closed'));
      this.shell(opts.become || undefined).enqueue({ command, opts, resolve, reject });
    });
  }

  /** Start the shell of an identity and wait until it answers (connect(), early errors). */
  async open(become?: BecomeSpec): Promise<ShellIdentity> {
    if (this.closed) throw new ConnectionError(this.opts.host, 'connection closed');
    return this.shell(become).whenReady();
  }

  /** Close every shell. Idempotent. */
  async close(): Promise<void> {
    this.closed = true;
    const shells = [...this.slots.values()];
    this.slots.clear();
    await Promise.all(shells.map((s) => s.close()));
  }

  /** The live shell of an identity; a fresh one when there is none or it died. */
  private shell(become: BecomeSpec | undefined): PersistentShell {
    const key = becomeKey(become);
    let sh = this.slots.get(key);
    if (!sh || sh.isDead) {
      sh = this.start(become);
      this.slots.set(key, sh);
    }
    return sh;
  }

  private start(become: BecomeSpec | undefined): PersistentShell {
    const token = newSessionToken();
    const shell = this.opts.shell ?? '/bin/sh';
    const host = this.opts.host;
    const b = become ? becomeLaunch(become, token, shell) : undefined;
    // The ready line is printed by `shell` itself, so a missing shell fails the start.
    const launch = b ? b.launch : `exec ${shellQuote(shell)} -c ${shellQuote(readyScript(token, shell))}`;
    return new PersistentShell(this.opts.openShell(launch), {
      host,
      token,
      ...(b ? { handshake: b.handshake, startError: (m: string) => new BecomeError(host, m) } : {}),
      ...(this.opts.startTimeoutMs !== undefined ? { startTimeoutMs: this.opts.startTimeoutMs } : {}),
      onAbandon: (old, unstarted) => this.recover(become, old, unstarted),
    });
  }

  /**
   * A command timed out and its shell was given up: start a new shell of the same identity,
   * make it kill what is left of the old one first (the transport may not be able to), then
   * run the commands that had not started, in their order.
   */
  private recover(become: BecomeSpec | undefined, old: ShellIdentity | undefined, unstarted: PendingExec[]): void {
    if (this.closed) {
      for (const p of unstarted) p.reject(new ConnectionError(this.opts.host, 'connection closed'));
      return;
    }
    const sh = this.shell(become);
    if (old) {
      const ignore = (): void => undefined;
      sh.enqueue({ command: killOldShell(old), opts: {}, resolve: ignore, reject: ignore });
    }
    for (const p of unstarted) sh.enqueue(p);
  }
}

/**
 * Shell text killing an old shell's process group (unless it is the current one's) and pid.
 * `kill -9 -PGID` without `--`: dash's kill rejects `--`.
 */
function killOldShell(old: ShellIdentity): string {
  const group =
    old.pgid > 1
      ? `k8sp_g=0; if read -r k8sp_s </proc/$$/stat 2>/dev/null; then k8sp_s=\${k8sp_s##*) }; set -- $k8sp_s; k8sp_g=$3; fi; ` +
        `[ "$k8sp_g" = ${old.pgid} ] || kill -9 -${old.pgid} 2>/dev/null; `
      : '';
  return `${group}kill -9 ${old.pid} 2>/dev/null; :`;
}
