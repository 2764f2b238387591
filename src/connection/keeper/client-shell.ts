/**
 * Client side of one channel through the keeper: the same ShellStreams an ssh exec channel
 * gives (see ssh/channel-shell.ts), over frames on a unix socket: the channel's own, or the
 * session's for the shell asked with the connect request. Its `closed` reason is the keeper's
 * (the shell's exit, or the connection's loss, which is also told to the connection); a keeper
 * that vanishes counts as the connection lost. Parking hands the shell back to the keeper for
 * the next run (keeper/parked-shells.ts).
 */
import type { Socket } from 'node:net';
import { Readable, Writable } from 'node:stream';
import type { ShellStreams } from '../persistent-shell.js';
import type { TransportHooks } from '../ssh/transport.js';
import { encodeFrame, FRAME, frameReader, type ChannelClose, type ParkRequest } from './protocol.js';

/** The connection's side, as a channel sees it. */
export type ChannelHooks = Pick<TransportHooks, 'lostReason' | 'onLost' | 'markLost'> & {
  /** The reason used when the keeper goes away mid-channel. */
  keeperGone(): string;
};

/** Largest stdin frame made of several writes joined (a single larger write stays whole). */
const STDIN_FRAME = 1024 * 1024;

/** What a parked shell's streams end with (their `closed` reason). */
export const PARKED_REASON = 'shell parked for the next run';

/** A channel carried on a session socket: its streams, and what the session hands it. */
export interface SessionChannel {
  streams: ShellStreams;
  /** A channel frame (stdout, stderr, close, parked) read on the session socket. */
  frame(type: number, payload: Buffer): void;
  /** The session socket closed: `ours` when this side ended it (not a loss then). */
  gone(ours: boolean): void;
}

/**
 * Wrap a keeper socket whose exec request was answered ok. `rest`: bytes after the answer.
 * `parkable`: the request carried a park key, so the streams can park their shell.
 */
export function keeperChannelStreams(sock: Socket, rest: Buffer, hooks: ChannelHooks, parkable = false): ShellStreams {
  const ch = channel(sock, hooks, parkable, false);
  const onData = frameReader(sock, ch.frame);
  sock.on('data', onData);
  sock.on('error', () => undefined);
  sock.once('close', () => ch.gone(false));
  if (rest.length) onData(rest);
  sock.resume();
  return ch.streams;
}

/**
 * The shell asked with a session's connect request, on the session socket (answered with
 * `shell`): the session reads the socket and hands this channel its frames.
 */
export function sessionChannelStreams(sock: Socket, hooks: ChannelHooks, parkable: boolean): SessionChannel {
  return channel(sock, hooks, parkable, true);
}

/** Stdin frames carrying `chunks`, joined up to STDIN_FRAME bytes a frame (far below MAX_FRAME). */
function stdinFrames(chunks: Buffer[]): Buffer[] {
  const frames: Buffer[] = [];
  let group: Buffer[] = [];
  let size = 0;
  for (const c of chunks) {
    if (size && size + c.length > STDIN_FRAME) {
      frames.push(encodeFrame(FRAME.STDIN, Buffer.concat(group, size)));
      group = [];
      size = 0;
    }
    group.push(c);
    size += c.length;
  }
  frames.push(encodeFrame(FRAME.STDIN, group.length === 1 ? group[0]! : Buffer.concat(group, size)));
  return frames;
}

function channel(sock: Socket, hooks: ChannelHooks, parkable: boolean, shared: boolean): SessionChannel {
  const send = (frame: Buffer, cb?: () => void): void => {
    if (cb) sock.write(frame, () => cb());
    else sock.write(frame);
  };
  const stdout = new Readable({ read() {} });
  const stderr = new Readable({ read() {} });
  let settle!: (reason: string) => void;
  let ended = false;
  /** Output bytes received: the keeper parks only when it sent no more than that. */
  let seen = 0;
  /** Answers a park request: true once parked, false when the shell ended instead. */
  let parkAnswer: ((parked: boolean) => void) | undefined;
  const closed = new Promise<string>((resolve) => (settle = resolve));
  const end = (reason: string): void => {
    if (ended) return;
    ended = true;
    unsubscribe();
    stdout.push(null);
    stderr.push(null);
    // After what the streams still hold is delivered (a Readable may emit pushed data on the
    // next tick): text and close come in one read, and the text (sudo's "a password is
    // required") must be seen before the end.
    setImmediate(() => settle(reason));
    parkAnswer?.(reason === PARKED_REASON);
  };
  const unsubscribe = hooks.onLost((reason) => end(reason));
  /** The channel's last frame came: its own socket is done with; a session's goes on. */
  const last = (reason: string): void => {
    end(reason);
    if (!shared) sock.end();
  };
  /** Writable here: our socket, open, the channel not ended. */
  const open = (): boolean => !sock.destroyed && sock.writable && !ended;

  const frame = (type: number, payload: Buffer): void => {
    if (ended) return;
    if (type === FRAME.STDOUT) {
      seen += payload.length;
      stdout.push(payload);
    } else if (type === FRAME.STDERR) {
      seen += payload.length;
      stderr.push(payload);
    } else if (type === FRAME.PARKED) {
      last(PARKED_REASON);
    } else if (type === FRAME.CLOSE) {
      let c: ChannelClose;
      try {
        c = JSON.parse(payload.toString('utf8')) as ChannelClose;
      } catch {
        c = { reason: 'ssh channel closed', lost: false };
      }
      if (c.lost) hooks.markLost(c.reason);
      last(hooks.lostReason() ?? c.reason);
    }
  };
  const gone = (ours: boolean): void => {
    if (ended) return;
    if (ours) return end('connection closed');
    // No close frame: the keeper itself went away, and the connection with it.
    const reason = hooks.keeperGone();
    hooks.markLost(reason);
    end(hooks.lostReason() ?? reason);
  };

  const stdin = new Writable({
    write(chunk: Buffer, _enc, cb) {
      if (!open()) return cb();
      // The callback waits for the socket: a large stdin is not buffered whole.
      send(encodeFrame(FRAME.STDIN, chunk), cb);
    },
    // What was written meanwhile (the commands a task sends together, the next tasks'
    // read-ahead) leaves as one frame in one write: one wakeup of the keeper, one SSH packet.
    writev(chunks: Array<{ chunk: Buffer }>, cb) {
      if (!open()) return cb();
      const frames = stdinFrames(chunks.map((c) => c.chunk));
      sock.cork();
      for (let i = 0; i < frames.length - 1; i++) send(frames[i]!);
      send(frames[frames.length - 1]!, cb);
      sock.uncork();
    },
    final(cb) {
      if (open()) send(encodeFrame(FRAME.STDIN_EOF));
      cb();
    },
  });

  let destroyed = false;
  const park = (): Promise<boolean> => {
    if (destroyed || !open() || parkAnswer) return Promise.resolve(false);
    return new Promise<boolean>((resolve) => {
      parkAnswer = resolve;
      send(encodeFrame(FRAME.PARK, JSON.stringify({ seen } satisfies ParkRequest)));
    });
  };
  const streams: ShellStreams = {
    stdin,
    stdout,
    stderr,
    closed,
    ...(parkable ? { park } : {}),
    destroy() {
      if (destroyed) return;
      destroyed = true;
      if (!open()) return;
      // The keeper signals and closes the channel, then sends its close frame.
      send(encodeFrame(FRAME.KILL));
      // A channel's own socket goes anyway (a session's ends with the session).
      if (!shared) setTimeout(() => sock.destroy(), 2000).unref();
    },
  };
  return { streams, frame, gone };
}
