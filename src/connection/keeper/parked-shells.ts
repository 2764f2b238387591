/**
 * Shells parked on one kept SSH connection between runs: a run whose host changed nothing
 * hands its idle shell channel back instead of closing it, and the next run's exec request with
 * the same park key gets it at once (no channel open, no session, no shell start on the host).
 *
 * One shell per key; handed out once. A parked shell that prints anything, exits, closes or
 * outlives its time is dropped (its stdin ended, its channel closed), never handed out.
 */

/** What parking needs of a channel: ssh2's ClientChannel has it all. */
export interface ParkableChannel {
  readonly stderr: ParkableStream;
  readonly readableLength: number;
  readonly destroyed: boolean;
  readonly readableEnded: boolean;
  readonly writableEnded: boolean;
  on(event: string, listener: (...args: unknown[]) => void): unknown;
  off(event: string, listener: (...args: unknown[]) => void): unknown;
  resume(): unknown;
  end(): unknown;
  close(): unknown;
}

interface ParkableStream {
  readonly readableLength: number;
  on(event: 'data', listener: (...args: unknown[]) => void): unknown;
  off(event: 'data', listener: (...args: unknown[]) => void): unknown;
  resume(): unknown;
}

interface Parked {
  ch: ParkableChannel;
  timer?: NodeJS.Timeout;
  detach(): void;
}

/** Why a parked shell was dropped (for the keeper's counters and tests). */
export type DropReason = 'output' | 'exit' | 'closed' | 'expired' | 'dropped';

/**
 * True when a channel can be parked or handed out: open both ways, nothing unread. Output the
 * bridge has not forwarded yet (a paused channel) would be a later reader's garbage.
 */
export function channelIdle(ch: ParkableChannel): boolean {
  return !ch.destroyed && !ch.readableEnded && !ch.writableEnded && ch.readableLength === 0 && ch.stderr.readableLength === 0;
}

export class ParkedShells {
  private readonly shells = new Map<string, Parked>();
  /** Parked shells handed out so far. */
  resumed = 0;

  /** @param onDrop told of every parked shell dropped, with why */
  constructor(private readonly onDrop?: (key: string, why: DropReason) => void) {}

  /** Shells parked now. */
  get size(): number {
    return this.shells.size;
  }

  /**
   * Keep `ch` under `key` for at most `ttlMs` (null: until dropped). Refused (false, the caller
   * ends the shell) when a shell is parked under that key already or the channel is not idle.
   */
  park(key: string, ch: ParkableChannel, ttlMs: number | null): boolean {
    if (this.shells.has(key) || !channelIdle(ch)) return false;
    const drop = (why: DropReason) => () => this.drop(key, why);
    const onOutput = drop('output');
    const onExit = drop('exit');
    const onClosed = drop('closed');
    ch.on('data', onOutput);
    ch.stderr.on('data', onOutput);
    ch.on('exit', onExit);
    ch.on('end', onClosed);
    ch.on('close', onClosed);
    ch.on('error', onClosed);
    // Flowing, so stray output is seen when it comes rather than when someone reads.
    ch.resume();
    ch.stderr.resume();
    const p: Parked = {
      ch,
      detach: () => {
        ch.off('data', onOutput);
        ch.stderr.off('data', onOutput);
        ch.off('exit', onExit);
        ch.off('end', onClosed);
        ch.off('close', onClosed);
        ch.off('error', onClosed);
      },
    };
    // setTimeout's limit is about 24.8 days; longer is as good as forever.
    if (ttlMs !== null && ttlMs <= 2 ** 31 - 1) p.timer = setTimeout(drop('expired'), ttlMs);
    this.shells.set(key, p);
    return true;
  }

  /** The shell parked under `key`, now the caller's; undefined when there is none (or it just died). */
  take(key: string): ParkableChannel | undefined {
    const p = this.shells.get(key);
    if (!p) return undefined;
    this.release(key, p);
    if (!channelIdle(p.ch)) {
      endChannel(p.ch);
      this.onDrop?.(key, 'closed');
      return undefined;
    }
    this.resumed++;
    return p.ch;
  }

  /** Drop one parked shell (no-op when none is parked under `key`). */
  drop(key: string, why: DropReason = 'dropped'): void {
    const p = this.shells.get(key);
    if (!p) return;
    this.release(key, p);
    endChannel(p.ch);
    this.onDrop?.(key, why);
  }

  /** Drop every parked shell (the connection is closing, or needs its channels). */
  dropAll(why: DropReason = 'dropped'): void {
    for (const key of [...this.shells.keys()]) this.drop(key, why);
  }

  private release(key: string, p: Parked): void {
    this.shells.delete(key);
    clearTimeout(p.timer);
    p.detach();
  }
}

/** End a shell's stdin (it exits) and close its channel; errors of a channel gone already are moot. */
function endChannel(ch: ParkableChannel): void {
  ch.on('error', () => undefined);
  try {
    ch.end();
  } catch {
    // already ended
  }
  try {
    ch.close();
  } catch {
    // already closed
  }
}
