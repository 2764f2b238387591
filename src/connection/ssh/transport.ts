/**
 * What SshConnection runs its shells and file reads over: a direct SSH connection
 * (direct-transport.ts) or a session with the connection keeper (keeper/transport.ts).
 * SshConnection keeps the shells, the loss state and the errors; a transport only moves bytes.
 * endWithin() is how both (and the keeper's connections) end what they hold.
 */
import type { ShellParking, ShellStreams } from '../persistent-shell.js';

/** The connection's side, as a transport sees it. */
export interface TransportHooks {
  /** Inventory hostname, for errors. */
  host: string;
  /** Why the connection is gone, if it is. */
  lostReason(): string | undefined;
  /** Registers a callback run when the connection drops. Returns its remover. */
  onLost(cb: (reason: string) => void): () => void;
  /** The connection dropped: every shell and later command fails with `reason`. */
  markLost(reason: string): void;
  /** True once close() was called on the connection. */
  isClosed(): boolean;
}

export interface SshTransport {
  /** Problems that did not stop the connection (a known_hosts file that could not be written). */
  readonly warnings: string[];
  /**
   * Open an exec channel running `launch` (a shell pool launch line). With `park`, a
   * transport that parks shells between runs may hand out a parked one (ShellStreams.resumed)
   * and lets this one be parked (ShellStreams.park).
   */
  openShell(launch: string, park?: ShellParking): Promise<ShellStreams>;
  /**
   * Read a file over SFTP as the connection user: its bytes, null when it does not exist,
   * undefined when the host has no SFTP server (read through the shell instead).
   * @throws ModuleFailure (exists, unreadable), ConnectionError
   */
  readFile(path: string): Promise<Buffer | null | undefined>;
  /** End it after use (a keeper keeps the SSH connection for the next run). */
  close(): Promise<void>;
  /** Drop it at once and quietly (its first shell could not start). */
  discard(): void;
}

/** What endWithin() ends: a socket, an ssh2 client. */
export interface Endable {
  end(): unknown;
  destroy(): unknown;
  once(event: 'close', listener: () => void): unknown;
}

/**
 * End `conn` politely (an SSH disconnect, a socket's FIN) and resolve once it closed; if it
 * has not closed within `ms` (the other side does not answer), force it and resolve.
 * @param opts.force how to force it (default: conn.destroy())
 * @param opts.unref do not keep the process alive for the wait (nobody awaits it)
 */
export function endWithin(conn: Endable, ms: number, opts: { force?: () => void; unref?: boolean } = {}): Promise<void> {
  const force = opts.force ?? (() => conn.destroy());
  return new Promise((resolve) => {
    const t = setTimeout(() => {
      force();
      resolve();
    }, ms);
    if (opts.unref) t.unref();
    conn.once('close', () => {
      clearTimeout(t);
      resolve();
    });
    try {
      conn.end();
    } catch {
      force();
    }
  });
}
