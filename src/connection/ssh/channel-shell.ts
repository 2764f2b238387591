/**
 * A persistent shell's transport over SSH: one exec channel, no pty (stdout and stderr stay
 * apart), running the pool's launch line. Its `closed` promise names why it ended: the
 * shell's exit, or the connection's loss when that came first.
 */
import type { Client as Ssh2Client, ClientChannel } from 'ssh2';
import { ConnectionError } from '../../errors.js';
import type { ShellStreams } from '../persistent-shell.js';

/**
 * Open an exec channel running `launch`.
 * @param lostReason why the connection is gone, if it is (preferred over the channel's own end)
 * @param onLost registers a callback run when the connection drops (ends the shell at once)
 */
export function openChannelShell(
  host: string,
  client: Ssh2Client,
  launch: string,
  lostReason: () => string | undefined,
  onLost: (cb: (reason: string) => void) => () => void,
): Promise<ShellStreams> {
  return new Promise((resolve, reject) => {
    const opened = (err: Error | undefined, ch: ClientChannel): void => {
      if (err) {
        const lost = lostReason();
        reject(new ConnectionError(host, lost ?? `cannot open an ssh channel: ${err.message}`, { cause: err }));
        return;
      }
      resolve(channelStreams(ch, lostReason, onLost));
    };
    try {
      client.exec(launch, opened);
    } catch (e) {
      reject(new ConnectionError(host, lostReason() ?? `cannot open an ssh channel: ${(e as Error).message}`, { cause: e }));
    }
  });
}

function channelStreams(
  ch: ClientChannel,
  lostReason: () => string | undefined,
  onLost: (cb: (reason: string) => void) => () => void,
): ShellStreams {
  let exitInfo = '';
  ch.on('exit', (code: number | null, signal?: string) => {
    exitInfo = signal ? `shell killed by signal ${signal}` : `shell exited with status ${code}`;
  });
  let unsubscribe = (): void => undefined;
  const closed = new Promise<string>((resolve) => {
    unsubscribe = onLost((reason) => resolve(reason));
    ch.once('close', () => {
      // The connection's loss closes every channel: let its reason be recorded first.
      setImmediate(() => resolve(lostReason() ?? (exitInfo || 'ssh channel closed')));
    });
  });
  void closed.then(() => unsubscribe());
  let destroyed = false;
  return {
    stdin: ch,
    stdout: ch,
    stderr: ch.stderr,
    closed,
    destroy() {
      if (destroyed) return;
      destroyed = true;
      // Only the top process can be signalled; the pool kills the rest from a new shell.
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
    },
  };
}
