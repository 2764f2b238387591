/**
 * Keeper side of one channel: the client's unix socket joined to an SSH exec channel, in
 * frames. Backpressure both ways (a slow reader pauses the other side). The channel's end is
 * reported the way the direct connection words it: the connection's loss when that came first,
 * else the shell's exit. A client done with an idle shell may park it instead (see
 * parked-shells.ts): the channel is then let go of, still open, and the socket ends.
 *
 * The socket is the channel's own (an exec request), or the session's (the first shell, asked
 * with the connect request): then the channel's end does not end the socket.
 */
import type { Socket } from 'node:net';
import type { ClientChannel } from 'ssh2';
import { FRAME, FrameDecoder, type ChannelClose, type ParkRequest } from './protocol.js';
import type { KeptConnection } from './kept-connection.js';
import { frameWriter } from './frame-writer.js';

export interface BridgeOptions {
  /** Bytes the client sent after its request line. */
  rest: Buffer;
  /** Runs once, when the channel is finished with (closed or parked). */
  done: () => void;
  /** Takes the channel when the client parks it; false: refused (the shell's stdin is ended instead). */
  park?: (ch: ClientChannel) => boolean;
  /** The socket is the session's: the channel's last frame leaves it open. */
  shared?: boolean;
}

/**
 * Carry `ch` over `sock` until either ends. A channel handed out paused (a parked shell whose
 * output must wait for its client) flows from here on.
 */
export function bridgeChannel(sock: Socket, ch: ClientChannel, conn: KeptConnection, opts: BridgeOptions): void {
  const { rest, done, park, shared = false } = opts;
  const out = frameWriter(sock);
  let exitInfo = '';
  /** Closed or parked: whatever the client sends after is not for this channel any more. */
  let finished = false;
  /** Bytes of output sent to the client: a park request that saw fewer missed some. */
  let sent = 0;
  const kill = (): void => {
    // Only the top process can be signalled; the shell pool kills the rest from a new shell.
    try {
      ch.signal('KILL');
    } catch {
      // channel already closed
    }
    try {
      ch.close();
    } catch {
      // already closed
    }
  };
  /**
   * The channel's last frame: it ends the channel's own socket; a session's stays open. Either
   * is read on (unpaused), so that its end is seen.
   */
  const last = (type: number, payload?: string): void => {
    sock.off('data', onData);
    sock.off('drain', onSockDrain);
    sock.off('close', onSockClose);
    if (!shared) out.end(type, payload);
    else if (sock.writable) out.send(type, payload);
    sock.resume();
  };
  const finish = (close: ChannelClose): void => {
    if (finished) return;
    finished = true;
    unsubscribe();
    last(FRAME.CLOSE, JSON.stringify(close));
    done();
  };
  const unsubscribe = conn.onLost((reason) => finish({ reason, lost: true }));

  const onExit = (code: number | null, signal?: string): void => {
    exitInfo = signal ? `shell killed by signal ${signal}` : `shell exited with status ${code}`;
  };
  const onClose = (): void => {
    // The connection's loss closes every channel: let its reason be recorded first.
    setImmediate(() => finish(conn.lost ? { reason: conn.lost, lost: true } : { reason: exitInfo || 'ssh channel closed', lost: false }));
  };
  const pauseChannel = (): void => {
    ch.pause();
    ch.stderr.pause();
  };
  const onStdout = (d: Buffer): void => {
    sent += d.length;
    if (!out.send(FRAME.STDOUT, d)) pauseChannel();
  };
  const onStderr = (d: Buffer): void => {
    sent += d.length;
    if (!out.send(FRAME.STDERR, d)) pauseChannel();
  };
  const onSockDrain = (): void => {
    ch.resume();
    ch.stderr.resume();
  };
  const onChannelDrain = (): void => {
    sock.resume();
  };
  const ignore = (): void => undefined; // channel errors are reported through 'close'
  ch.on('exit', onExit);
  ch.once('close', onClose);
  ch.on('data', onStdout);
  ch.stderr.on('data', onStderr);
  sock.on('drain', onSockDrain);
  ch.on('drain', onChannelDrain);
  ch.on('error', ignore);

  /** Park the channel when it is idle and the client saw all it said; else end the shell's stdin. */
  const onPark = (payload: Buffer): void => {
    if (finished) return;
    let seen = -1;
    try {
      seen = (JSON.parse(payload.toString('utf8')) as ParkRequest).seen;
    } catch {
      // unreadable: not parked
    }
    if (park && seen === sent && !exitInfo && !conn.lost && !conn.closing && park(ch)) {
      finished = true;
      unsubscribe();
      ch.off('exit', onExit);
      ch.off('close', onClose);
      ch.off('data', onStdout);
      ch.stderr.off('data', onStderr);
      ch.off('drain', onChannelDrain);
      ch.off('error', ignore);
      last(FRAME.PARKED);
      done();
      return;
    }
    ch.end();
  };

  /**
   * Stdin frames of one read, written to the channel together: commands sent together (a
   * task's checks on several files) go to the host in one SSH packet, not one each.
   */
  let stdin: Buffer[] = [];
  const flushStdin = (): void => {
    if (!stdin.length) return;
    const data = stdin.length === 1 ? stdin[0]! : Buffer.concat(stdin);
    stdin = [];
    if (!finished && !ch.write(data)) sock.pause();
  };
  const decoder = new FrameDecoder((type, payload) => {
    if (finished) return;
    if (type === FRAME.STDIN) {
      stdin.push(payload);
      return;
    }
    flushStdin();
    switch (type) {
      case FRAME.STDIN_EOF:
        ch.end();
        break;
      case FRAME.PARK:
        onPark(payload);
        break;
      default: // KILL, or anything this keeper does not know
        kill();
    }
  });
  const onData = (chunk: Buffer): void => {
    try {
      decoder.push(chunk);
    } catch {
      stdin = [];
      kill();
      sock.destroy();
      return;
    }
    flushStdin();
  };
  // The client went away (its run ended or crashed) with the channel open: end what it ran
  // rather than leave it to notice its stdin closed (the connection itself stays).
  const onSockClose = (): void => {
    if (!finished) kill();
  };
  sock.on('data', onData);
  sock.on('close', onSockClose);
  sock.on('error', () => undefined);
  if (rest.length) onData(rest);
  sock.resume();
  ch.resume();
  ch.stderr.resume();
}
