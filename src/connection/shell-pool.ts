/**
 * The persistent shells of one host, one per identity: the connection user, and one per
 * become user (sudo/su asked once, not per command). A transport (local, ssh) supplies only
 * the way to open a shell; the pool restarts shells that died or were given up after a
 * timeout, so the host stays usable. At the end of a run that changed nothing on the host the
 * shells may be parked for the next run (close({ park: true })), each under its park key.
 */
import { createHash } from 'node:crypto';
import { BecomeError, ConnectionError } from '../errors.js';
import type { BecomeSpec, ExecOptions, ExecResult } from './types.js';
import { PersistentShell, type Handshake, type OpenShell, type PendingExec, type ShellIdentity, type ShellParking } from './persistent-shell.js';
import { newSessionToken, readyScript, rearmScript } from './command-script.js';
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

/** Bumped when what a shell is told after its start changes (rearmScript, wrapCommand's use of the shell). */
const SHELL_FORMAT = 1;

/** A fixed session token, so that equal shells have equal launch lines in their park key. */
const KEY_TOKEN = `K8SP${'0'.repeat(32)}`;

/**
 * The key of a shell for parking: a hash of its launch line (with a fixed token and sudo
 * prompt), which holds the shell and the become method, user and flags, and of the become
 * password (a shell that sudo let in with one password is not handed to a run with another).
 * The SSH connection it runs on is the rest of its identity: shells are parked per connection.
 */
export function shellParkKey(shell: string, become: BecomeSpec | undefined): string {
  const launch = become ? becomeLaunch(become, KEY_TOKEN, shell, 'park').launch : plainLaunch(KEY_TOKEN, shell);
  return createHash('sha256')
    .update(JSON.stringify([SHELL_FORMAT, launch, become?.password ?? null]))
    .digest('hex')
    .slice(0, 32);
}

/** The launch line of the connection user's shell: the ready line is printed by `shell` itself, so a missing shell fails the start. */
function plainLaunch(token: string, shell: string): string {
  return `exec ${shellQuote(shell)} -c ${shellQuote(readyScript(token, shell))}`;
}

/** How a shell of the pool is started: what a transport is asked to open (OpenShell's arguments). */
export interface PlannedShell {
  launch: string;
  park: ShellParking;
}

export class ShellPool {
  private readonly slots = new Map<string, PersistentShell>();
  private readonly parkKeys = new Map<string, string>();
  /** Session tokens chosen ahead by plan(), per identity, for the next start. */
  private readonly planned = new Map<string, string>();
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

  /**
   * Start the shell of an identity and wait until commands can be sent: as open(), except
   * that a shell parked by an earlier run counts at once (commands follow its rearm text and
   * move to a new shell if it turns out dead; PersistentShell.whenUsable).
   */
  async usable(become?: BecomeSpec): Promise<void> {
    if (this.closed) throw new ConnectionError(this.opts.host, 'connection closed');
    return this.shell(become).whenUsable();
  }

  /**
   * What the next start of the shell of `become` (plain by default) will ask its transport
   * for, fixed now: a transport may open that channel ahead (the keeper, with its session) and
   * hand it to the openShell call asking for exactly this.
   */
  plan(become?: BecomeSpec): PlannedShell {
    const id = becomeKey(become);
    const token = newSessionToken();
    this.planned.set(id, token);
    return { launch: this.launch(become, token).launch, park: { key: this.parkKey(become), rearm: rearmScript(token) } };
  }

  /**
   * Close every shell; with `park`, idle shells are handed to the transport for the next run
   * instead (when it can keep them; see PersistentShell.park). Idempotent.
   */
  async close(opts: { park?: boolean } = {}): Promise<void> {
    this.closed = true;
    const shells = [...this.slots.values()];
    this.slots.clear();
    await Promise.all(shells.map((s) => (opts.park ? s.park() : s.close())));
  }

  /** The plain shell in use was kept from an earlier run (Connection.resumed). */
  get resumed(): boolean {
    return this.slots.get(becomeKey(undefined))?.resumed ?? false;
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
    const id = becomeKey(become);
    const token = this.planned.get(id) ?? newSessionToken();
    this.planned.delete(id);
    const host = this.opts.host;
    const { launch, handshake } = this.launch(become, token);
    return new PersistentShell(this.opts.openShell(launch, { key: this.parkKey(become), rearm: rearmScript(token) }), {
      host,
      token,
      ...(handshake ? { handshake, startError: (m: string) => new BecomeError(host, m) } : {}),
      ...(this.opts.startTimeoutMs !== undefined ? { startTimeoutMs: this.opts.startTimeoutMs } : {}),
      onAbandon: (old, unstarted) => this.recover(become, old, unstarted),
    });
  }

  /** The launch line of a shell of `become` with `token` (and the become prompt's handshake). */
  private launch(become: BecomeSpec | undefined, token: string): { launch: string; handshake?: Handshake } {
    const shell = this.opts.shell ?? '/bin/sh';
    if (!become) return { launch: plainLaunch(token, shell) };
    const b = becomeLaunch(become, token, shell);
    return { launch: b.launch, handshake: b.handshake };
  }

  /** The park key of the shell of `become` (computed once per identity). */
  private parkKey(become: BecomeSpec | undefined): string {
    const id = becomeKey(become);
    let key = this.parkKeys.get(id);
    if (!key) this.parkKeys.set(id, (key = shellParkKey(this.opts.shell ?? '/bin/sh', become)));
    return key;
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
