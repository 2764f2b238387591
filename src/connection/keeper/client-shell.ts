/**
 * Client side of one channel through the keeper: the same ShellStreams an ssh exec channel
 * gives (see ssh/channel-shell.ts), over frames on a unix socket. Its `closed` reason is the
 * keeper's (the shell's exit, or the connection's loss, which is also told to the connection);
 * a keeper that vanishes counts as the connection lost. Parking hands the shell back to the
 * keeper for the next run (keeper/parked-shells.ts).
 */
import type { Socket } from 'node:net';
import { Readable, Writable } from 'node:stream';
import type { ShellStreams } from '../persistent-shell.js';
import type { TransportHooks } from '../ssh/transport.js';
import { encodeFrame, FRAME, FrameDecoder, type ChannelClose, type ParkRequest } from './protocol.js';

/** The connection's side, as a channel sees it. */
export type ChannelHooks = Pick<TransportHooks, 'lostReason' | 'onLost' | 'markLost'> & {
  /** The reason used when the keeper goes away mid-channel. */
  keeperGone(): string;
};

/** What a parked shell's streams end with (their `closed` reason). */
export const PARKED_REASON = 'shell parked for the next run';

/**
 * Wrap a keeper socket whose exec request was answered ok. `rest`: bytes after the answer.
 * `parkable`: the request carried a park key, so the streams can park their shell.
 */
export function keeperChannelStreams(sock: Socket, rest: Buffer, hooks: ChannelHooks, parkable = false): ShellStreams {
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
    settle(reason);
    parkAnswer?.(reason === PARKED_REASON);
  };
  const unsubscribe = hooks.onLost((reason) => end(reason));

  const decoder = new FrameDecoder((type, payload) => {
    if (type === FRAME.STDOUT) {
      seen += payload.length;
      stdout.push(payload);
    } else if (type === FRAME.STDERR) {
      seen += payload.length;
      stderr.push(payload);
    } else if (type === FRAME.PARKED) {
      end(PARKED_REASON);
      sock.end();
    } else if (type === FRAME.CLOSE) {
      let c: ChannelClose;
      try {
        c = JSON.parse(payload.toString('utf8')) as ChannelClose;
      } catch {
        c = { reason: 'ssh channel closed', lost: false };
      }
      if (c.lost) hooks.markLost(c.reason);
      end(hooks.lostReason() ?? c.reason);
      sock.end();
    }
  });
  const onData = (chunk: Buffer): void => {
    try {
      decoder.push(chunk);
    } catch (e) {
      sock.destroy(e as Error);
    }
  };
  sock.on('data', onData);
  sock.on('error', () => undefined);
  sock.once('close', () => {
    if (ended) return;
    // No close frame: the keeper itself went away, and the connection with it.
    const reason = hooks.keeperGone();
    hooks.markLost(reason);
    end(hooks.lostReason() ?? reason);
  });
  if (rest.length) onData(rest);
  sock.resume();

  const stdin = new Writable({
    write(chunk: Buffer, _enc, cb) {
      if (sock.destroyed || ended) return cb();
      // The callback waits for the socket: a large stdin is not buffered whole.
      sock.write(encodeFrame(FRAME.STDIN, chunk), () => cb());
    },
    final(cb) {
      if (!sock.destroyed && !ended) sock.write(encodeFrame(FRAME.STDIN_EOF));
      cb();
    },
  });

  let destroyed = false;
  const park = (): Promise<boolean> => {
    if (ended || destroyed || sock.destroyed || parkAnswer) return Promise.resolve(false);
    return new Promise<boolean>((resolve) => {
      parkAnswer = resolve;
      sock.write(encodeFrame(FRAME.PARK, JSON.stringify({ seen } satisfies ParkRequest)));
    });
  };
  return {
    stdin,
    stdout,
    stderr,
    closed,
    ...(parkable ? { park } : {}),
    destroy() {
      if (destroyed) return;
      destroyed = true;
      if (sock.destroyed || ended) return;
      // The keeper signals and closes the channel, then sends its close frame.
      sock.write(encodeFrame(FRAME.KILL));
      setTimeout(() => sock.destroy(), 2000).unref();
    },
  };
}
