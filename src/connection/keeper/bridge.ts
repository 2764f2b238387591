/**
 * Keeper side of one channel: the client's unix socket joined to an SSH exec channel, in
 * frames. Backpressure both ways (a slow reader pauses the other side). The channel's end is
 * reported the way the direct connection words it: the connection's loss when that came first,
 * else the shell's exit.
 */
import type { Socket } from 'node:net';
import type { ClientChannel } from 'ssh2';
import { encodeFrame, FRAME, FrameDecoder, type ChannelClose } from './protocol.js';
import type { KeptConnection } from './kept-connection.js';

/**
 * Carry `ch` over `sock` until either ends. `rest`: bytes the client sent after its request
 * line. `done` runs once, when the channel is finished with.
 */
export function bridgeChannel(sock: Socket, ch: ClientChannel, conn: KeptConnection, rest: Buffer, done: () => void): void {
  let exitInfo = '';
  let finished = false;
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
  const finish = (close: ChannelClose): void => {
    if (finished) return;
    finished = true;
    unsubscribe();
    if (!sock.destroyed) sock.end(encodeFrame(FRAME.CLOSE, JSON.stringify(close)));
    done();
  };
  const unsubscribe = conn.onLost((reason) => finish({ reason, lost: true }));

  ch.on('exit', (code: number | null, signal?: string) => {
    exitInfo = signal ? `shell killed by signal ${signal}` : `shell exited with status ${code}`;
  });
  ch.once('close', () => {
    // The connection's loss closes every channel: let its reason be recorded first.
    setImmediate(() => finish(conn.lost ? { reason: conn.lost, lost: true } : { reason: exitInfo || 'ssh channel closed', lost: false }));
  });
  const pauseChannel = (): void => {
    ch.pause();
    ch.stderr.pause();
  };
  ch.on('data', (d: Buffer) => {
    if (!sock.destroyed && !sock.write(encodeFrame(FRAME.STDOUT, d))) pauseChannel();
  });
  ch.stderr.on('data', (d: Buffer) => {
    if (!sock.destroyed && !sock.write(encodeFrame(FRAME.STDERR, d))) pauseChannel();
  });
  sock.on('drain', () => {
    ch.resume();
    ch.stderr.resume();
  });
  ch.on('drain', () => sock.resume());
  ch.on('error', () => undefined); // reported through 'close'

  const decoder = new FrameDecoder((type, payload) => {
    switch (type) {
      case FRAME.STDIN:
        if (!ch.write(payload)) sock.pause();
        break;
      case FRAME.STDIN_EOF:
        ch.end();
        break;
      default: // KILL, or anything this keeper does not know
        kill();
    }
  });
  const onData = (chunk: Buffer): void => {
    try {
      decoder.push(chunk);
    } catch {
      kill();
      sock.destroy();
    }
  };
  sock.on('data', onData);
  // The client went away (its run ended or crashed) with the channel open: end what it ran
  // rather than leave it to notice its stdin closed (the connection itself stays).
  sock.on('close', () => {
    if (!finished) kill();
  });
  sock.on('error', () => undefined);
  if (rest.length) onData(rest);
  sock.resume();
}
