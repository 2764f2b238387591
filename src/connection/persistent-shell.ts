/**
 * One long-lived POSIX shell driven over three streams (a child process's pipes, an ssh
 * channel). Commands are written as soon as they are asked for (pipelined) and answered in
 * order when their end markers arrive on both stdout and stderr; see command-script.ts for
 * what is written and marker-scanner.ts for how the output is split.
 */
import type { Readable, Writable } from 'node:stream';
import { CommandTimeoutError, ConnectionError } from '../errors.js';
import type { ExecOptions, ExecResult } from './types.js';
import { MarkerScanner, type ShellMarker } from './marker-scanner.js';
import { wrapCommand } from './command-script.js';

/** The transport under a shell: what a spawned process or an ssh channel provides. */
export interface ShellStreams {
  stdin: Writable;
  stdout: Readable;
  stderr: Readable;
  /** Settles with a human reason when the transport has ended (process exit, channel close). */
  closed: Promise<string>;
  /** End the shell by force; its whole process tree when the transport can. Idempotent. */
  destroy(): void;
  /**
   * Hand the idle shell to whoever can keep it for the next run (the connection keeper)
   * instead of ending it. Resolves true once it is kept (these streams are then finished
   * with), false when it was refused and ended instead. Absent: the transport cannot park.
   */
  park?(): Promise<boolean>;
  /**
   * Set when the streams are a shell parked by an earlier run, already running: its launch
   * line did not run again (no ready line comes unasked). `reopen` runs the launch line in a
   * new channel, for when the parked shell turns out dead. The transport wrote the parking's
   * `rearm` text to it already (the keeper does, with no round trip).
   */
  resumed?: { reopen(): Promise<ShellStreams> };
}

/** What a transport that parks shells between runs needs to know of a shell (ShellPool). */
export interface ShellParking {
  /** What defines the shell (shellParkKey): a parked shell is handed out for an equal key only. */
  key: string;
  /** Text that makes a parked shell announce itself to this session (rearmScript). */
  rearm: string;
}

/**
 * Starts `launch` (a shell command line) on the host with its stdin/stdout/stderr as pipes.
 * Local: `/bin/sh -c launch`; ssh: an exec channel running `launch`. With `park`, a transport
 * that parks shells between runs may hand out one parked under its key instead
 * (ShellStreams.resumed), and lets this one be parked (ShellStreams.park).
 */
export type OpenShell = (launch: string, park?: ShellParking) => Promise<ShellStreams>;

/** The pid and process group of a ready shell (reported by the shell itself). */
export interface ShellIdentity {
  pid: number;
  pgid: number;
}

/** Answers what a shell prints on stderr before it is ready (a become password prompt). */
export interface Handshake {
  /** Called with all text (stderr and stdout) seen so far; may answer (write) or give up (fail). */
  onStderr(text: string): { write?: string; fail?: string } | void;
  /** The message when the shell ended before it was ready. */
  onExit(stderr: string, reason: string): string;
  /** The message when the shell did not become ready in time. */
  onTimeout(stderr: string, ms: number): string;
}

/** A command waiting for its answer; survives being moved to a fresh shell. */
export interface PendingExec {
  command: string;
  opts: ExecOptions;
  resolve(r: ExecResult): void;
  reject(e: unknown): void;
}

export interface PersistentShellOptions {
  /** Inventory hostname, for errors. */
  host: string;
  /** The session token the launch line's ready marker uses (see readyScript). */
  token: string;
  handshake?: Handshake;
  /** Longest wait for the ready marker. Default 30 s. */
  startTimeoutMs?: number;
  /** Builds the error for a shell that could not start (default ConnectionError). */
  startError?: (message: string) => Error;
  /**
   * Called once when a command timed out and this shell was given up, with the commands that
   * had not started yet (they are not answered here; the caller moves them to a new shell).
   * Without it they are rejected with ConnectionError.
   */
  onAbandon?: (old: ShellIdentity | undefined, unstarted: PendingExec[]) => void;
}

interface InFlight {
  seq: number;
  p: PendingExec;
  started: boolean;
  stdout?: Buffer;
  stderr?: Buffer;
  rc?: number;
  timer?: NodeJS.Timeout;
}

type State = 'starting' | 'ready' | 'closing' | 'dead';

const MAX_HANDSHAKE_TEXT = 64 * 1024;
/**
 * Longest wait for a resumed (parked) shell to answer before a new one is started instead:
 * it answers in one round trip when alive, and a dead one usually says so at once.
 */
const RESUME_READY_MS = 3000;

export class PersistentShell {
  private state: State = 'starting';
  private streams?: ShellStreams;
  /** The stdout and stderr marker scanners of the current streams. */
  private scanners: MarkerScanner[] = [];
  private identity?: ShellIdentity;
  private readonly queue: PendingExec[] = [];
  private readonly inflight = new Map<number, InFlight>();
  private seq = 0;
  private handshakeText = '';
  private startTimer?: NodeJS.Timeout;
  private resumeTimer?: NodeJS.Timeout;
  private readyWaiters: Array<{ resolve(i: ShellIdentity): void; reject(e: unknown): void }> = [];
  private usableWaiters: Array<{ resolve(): void; reject(e: unknown): void }> = [];
  /**
   * A resumed shell not yet heard from: commands are written behind its rearm text at once
   * (no round trip first). Should it turn out dead, none of them ran: they go to the new shell.
   */
  private pipelined = false;

  /** The shell in use is one kept from an earlier run (not a new one started in its place). */
  get resumed(): boolean {
    return !!this.streams?.resumed;
  }

  /**
   * @param streams the transport, already running the launch line built with `opts.token`
   * (it may still be opening: commands wait)
   */
  constructor(streams: Promise<ShellStreams>, private readonly opts: PersistentShellOptions) {
    this.armStartTimer();
    streams.then(
      (s) => this.attach(s),
      (e) => this.die(e instanceof Error ? e : this.startError(String(e))),
    );
  }

  /** True once the shell can no longer run commands (died, closed or abandoned). */
  get isDead(): boolean {
    return this.state === 'dead';
  }

  /** Resolves when the shell reported ready; rejects if it could not start. */
  whenReady(): Promise<ShellIdentity> {
    if (this.identity && this.state !== 'dead') return Promise.resolve(this.identity);
    if (this.state === 'dead') return Promise.reject(new ConnectionError(this.opts.host, 'shell is closed'));
    return new Promise((resolve, reject) => this.readyWaiters.push({ resolve, reject }));
  }

  /**
   * Resolves once commands can be sent without waiting: when the shell is ready, or as soon as
   * a resumed (parked) shell is attached, its commands then following its rearm text. Rejects
   * if the shell could not start.
   */
  whenUsable(): Promise<void> {
    if (this.state === 'dead') return Promise.reject(new ConnectionError(this.opts.host, 'shell is closed'));
    if (this.state !== 'starting' || this.pipelined) return Promise.resolve();
    return new Promise((resolve, reject) => this.usableWaiters.push({ resolve, reject }));
  }

  /** Run one command. Never rejects for a non-zero exit status. */
  exec(command: string, opts: ExecOptions = {}): Promise<ExecResult> {
    return new Promise((resolve, reject) => this.enqueue({ command, opts, resolve, reject }));
  }

  /** Queue a pending command (written at once when the shell is ready). */
  enqueue(p: PendingExec): void {
    if (this.state === 'dead' || this.state === 'closing') {
      p.reject(new ConnectionError(this.opts.host, 'shell is closed'));
    } else if (this.state === 'starting' && !this.pipelined) {
      this.queue.push(p);
    } else {
      this.write(p);
    }
  }

  /** Let the shell finish what it was given, then end it (killed after `graceMs`). */
  async close(graceMs = 2000): Promise<void> {
    if (this.state === 'dead') return;
    if (this.state === 'starting' || !this.streams) {
      this.die(new ConnectionError(this.opts.host, 'connection closed'));
      return;
    }
    this.state = 'closing';
    await this.endStreams(this.streams, graceMs);
  }

  /**
   * Hand the shell to its transport for the next run (ShellStreams.park) when it is idle:
   * ready, nothing queued or running, nothing written or read left over (a byte of stray
   * output would be the next run's garbage). Otherwise, or when the transport refuses, the
   * shell is closed as close() does. Resolves true when it was parked.
   */
  async park(graceMs = 2000): Promise<boolean> {
    const s = this.streams;
    if (this.state !== 'ready' || !s?.park || !this.idle(s)) {
      await this.close(graceMs);
      return false;
    }
    this.state = 'closing';
    let t: NodeJS.Timeout | undefined;
    const parked = await Promise.race([
      s.park().catch(() => false),
      new Promise<boolean>((r) => (t = setTimeout(() => r(false), graceMs))),
    ]);
    clearTimeout(t);
    if (!parked) {
      await this.endStreams(s, graceMs);
      return false;
    }
    // The streams are the transport's now: dying must not destroy them.
    this.streams = undefined;
    this.die(new ConnectionError(this.opts.host, 'connection closed'));
    return true;
  }

  /** Nothing in flight either way on `s`. */
  private idle(s: ShellStreams): boolean {
    return (
      this.inflight.size === 0 &&
      this.queue.length === 0 &&
      this.scanners.every((m) => m.idle) &&
      s.stdin.writableLength === 0 &&
      s.stdout.readableLength === 0 &&
      s.stderr.readableLength === 0
    );
  }

  /** End the shell's stdin and wait for it to go (at most `graceMs`); then it is dead. */
  private async endStreams(s: ShellStreams, graceMs: number): Promise<void> {
    s.stdin.end();
    let t: NodeJS.Timeout | undefined;
    await Promise.race([s.closed, new Promise((r) => (t = setTimeout(r, graceMs)))]);
    clearTimeout(t);
    this.die(new ConnectionError(this.opts.host, 'connection closed'));
  }

  /** The start time limit, from now. */
  private armStartTimer(): void {
    clearTimeout(this.startTimer);
    const ms = this.opts.startTimeoutMs ?? 30_000;
    this.startTimer = setTimeout(() => {
      const msg = this.opts.handshake?.onTimeout(this.handshakeText, ms) ?? `shell did not start within ${ms / 1000}s`;
      this.die(this.startError(msg));
    }, ms);
  }

  private startError(message: string): Error {
    return this.opts.startError ? this.opts.startError(message) : new ConnectionError(this.opts.host, message);
  }

  private attach(s: ShellStreams): void {
    if (this.state === 'dead') {
      s.destroy();
      return;
    }
    this.streams = s;
    // Events of streams given up for a new one (a dead resumed shell) are not this shell's.
    const current = (): boolean => this.streams === s && this.state !== 'dead';
    const protocolError = (which: string) => (msg: string) => {
      if (current()) this.die(new ConnectionError(this.opts.host, `shell protocol error on ${which}: ${msg}`));
    };
    const out = new MarkerScanner(this.opts.token, (m) => this.onStdoutMarker(m), protocolError('stdout'));
    const err = new MarkerScanner(this.opts.token, (m) => this.onStderrMarker(m), protocolError('stderr'));
    this.scanners = [out, err];
    // A resumed shell asks for no password: text before its ready line is stray output.
    const handshake = !s.resumed;
    s.stdout.on('data', (c: Buffer) => {
      if (!current()) return;
      // Before ready, what su/sudo (or a nologin shell) print is the explanation of a failure.
      if (this.state === 'starting' && handshake) this.onHandshakeText(c);
      out.push(c);
    });
    s.stderr.on('data', (c: Buffer) => {
      if (!current()) return;
      if (this.state === 'starting' && handshake) this.onHandshakeText(c);
      err.push(c);
    });
    const broken = (e: Error) => {
      if (!current()) return;
      // A resumed shell that died: writing to it fails (EPIPE) before its close is seen.
      if (this.state === 'starting' && s.resumed) this.reopen(s);
      else this.die(new ConnectionError(this.opts.host, `shell stream failed: ${e.message}`));
    };
    s.stdin.on('error', broken);
    s.stdout.on('error', broken);
    s.stderr.on('error', broken);
    if (s.resumed) {
      this.resumeTimer = setTimeout(() => this.reopen(s), Math.min(RESUME_READY_MS, (this.opts.startTimeoutMs ?? 30_000) / 2));
      this.pipelined = true;
      for (const p of this.queue.splice(0)) this.write(p);
      for (const w of this.usableWaiters.splice(0)) w.resolve();
    }
    s.closed.then((reason) => {
      if (this.streams !== s) return;
      if (this.state === 'starting' && s.resumed) {
        this.reopen(s);
      } else if (this.state === 'starting') {
        const msg = this.opts.handshake?.onExit(this.handshakeText, reason) ??
          `shell exited before it was ready (${reason})${this.handshakeText ? `: ${this.handshakeText.trim()}` : ''}`;
        this.die(this.startError(msg));
      } else {
        this.die(new ConnectionError(this.opts.host, reason));
      }
    });
  }

  /**
   * A resumed shell ended or did not answer before it was ready: start the launch line in a
   * new channel instead, transparently (the commands wait in the queue meanwhile).
   */
  private reopen(s: ShellStreams): void {
    if (this.streams !== s || this.state !== 'starting' || !s.resumed) return;
    clearTimeout(this.resumeTimer);
    this.streams = undefined;
    this.scanners = [];
    s.destroy();
    // Written behind the rearm text: the shell never answered that, so it ran none of them
    // (it reads in order, and a command's begin marker comes after its ready line).
    this.pipelined = false;
    const unanswered = [...this.inflight.values()].sort((a, b) => a.seq - b.seq);
    this.inflight.clear();
    this.queue.unshift(...unanswered.map((f) => f.p));
    // A new shell start: its own full time limit.
    this.armStartTimer();
    s.resumed.reopen().then(
      (fresh) => this.attach(fresh),
      (e) => this.die(e instanceof Error ? e : this.startError(String(e))),
    );
  }

  private onHandshakeText(c: Buffer): void {
    if (this.handshakeText.length < MAX_HANDSHAKE_TEXT) this.handshakeText += c.toString('utf8');
    const answer = this.opts.handshake?.onStderr(this.handshakeText);
    if (!answer) return;
    if (answer.fail !== undefined) this.die(this.startError(answer.fail));
    else if (answer.write !== undefined) this.streams?.stdin.write(answer.write);
  }

  private onStdoutMarker(m: ShellMarker): void {
    if (m.kind === 'ready') {
      if (this.state !== 'starting') return this.die(new ConnectionError(this.opts.host, 'shell restarted unexpectedly'));
      clearTimeout(this.startTimer);
      clearTimeout(this.resumeTimer);
      this.state = 'ready';
      this.pipelined = false;
      this.identity = { pid: m.pid, pgid: m.pgid };
      this.handshakeText = '';
      for (const w of this.readyWaiters.splice(0)) w.resolve(this.identity);
      for (const w of this.usableWaiters.splice(0)) w.resolve();
      for (const p of this.queue.splice(0)) this.write(p);
      return;
    }
    const f = this.inflight.get(m.seq);
    if (!f) return this.die(new ConnectionError(this.opts.host, `shell protocol error: unknown command #${m.seq}`));
    if (m.kind === 'begin') {
      f.started = true;
      const ms = f.p.opts.timeoutMs;
      if (ms !== undefined && ms > 0) f.timer = setTimeout(() => this.onTimeout(f, ms), ms);
    } else {
      f.stdout = m.body;
      f.rc = m.rc;
      this.maybeDone(f);
    }
  }

  private onStderrMarker(m: ShellMarker): void {
    if (m.kind !== 'end') return;
    const f = this.inflight.get(m.seq);
    if (!f) return this.die(new ConnectionError(this.opts.host, `shell protocol error: unknown command #${m.seq}`));
    f.stderr = m.body;
    this.maybeDone(f);
  }

  private maybeDone(f: InFlight): void {
    if (f.stdout === undefined || f.stderr === undefined || f.rc === undefined) return;
    clearTimeout(f.timer);
    this.inflight.delete(f.seq);
    f.p.resolve({ rc: f.rc, stdout: f.stdout.toString('utf8'), stderr: f.stderr.toString('utf8') });
  }

  private write(p: PendingExec): void {
    const s = this.streams!;
    let script: string;
    try {
      script = wrapCommand(this.opts.token, this.seq + 1, p.command, p.opts);
    } catch (e) {
      p.reject(e);
      return;
    }
    const seq = ++this.seq;
    this.inflight.set(seq, { seq, p, started: false });
    s.stdin.write(script);
  }

  private onTimeout(f: InFlight, ms: number): void {
    // Output already in the pipe is read in the next I/O phase: let it arrive first, so a
    // command that just finished is not counted as timed out.
    setImmediate(() =>
      setImmediate(() => {
        if (this.state === 'dead' || !this.inflight.has(f.seq)) return;
        this.abandon(f, ms);
      }),
    );
  }

  /** A command timed out: answer it, give the shell up and hand back what had not started. */
  private abandon(f: InFlight, ms: number): void {
    this.state = 'dead';
    clearTimeout(this.startTimer);
    this.inflight.delete(f.seq);
    f.p.reject(new CommandTimeoutError(f.p.command, ms));
    const unstarted: PendingExec[] = [];
    for (const other of [...this.inflight.values()].sort((a, b) => a.seq - b.seq)) {
      clearTimeout(other.timer);
      // Started after the timed-out one ended unseen: it was killed with the shell.
      if (other.started) other.p.reject(new CommandTimeoutError(other.p.command, ms));
      else unstarted.push(other.p);
    }
    this.inflight.clear();
    unstarted.push(...this.queue.splice(0));
    this.streams?.destroy();
    if (this.opts.onAbandon) this.opts.onAbandon(this.identity, unstarted);
    else for (const p of unstarted) p.reject(new ConnectionError(this.opts.host, 'shell was restarted'));
  }

  /** The shell is gone: answer everything with `error`. */
  private die(error: Error): void {
    if (this.state === 'dead') return;
    this.state = 'dead';
    this.pipelined = false;
    clearTimeout(this.startTimer);
    clearTimeout(this.resumeTimer);
    for (const w of this.readyWaiters.splice(0)) w.reject(error);
    for (const w of this.usableWaiters.splice(0)) w.reject(error);
    for (const f of this.inflight.values()) {
      clearTimeout(f.timer);
      f.p.reject(error);
    }
    this.inflight.clear();
    for (const p of this.queue.splice(0)) p.reject(error);
    this.streams?.destroy();
  }
}
