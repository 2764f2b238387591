/**
 * The SSH connection made by this process: openClient() for the connection, one exec
 * channel per shell, an SFTP session for reads. Loaded only when a host is not served by the
 * connection keeper (it is what pulls in ssh2).
 */
import type { SFTPWrapper } from 'ssh2';
import { ConnectionError, ModuleFailure } from '../../errors.js';
import type { ShellStreams } from '../persistent-shell.js';
import { openClient, type OpenedClient } from './open-client.js';
import { openChannelShell } from './channel-shell.js';
import { openSftp, sftpReadFile } from './sftp-read.js';
import { watchConnectionLoss } from './connection-loss.js';
import type { SshConnectionOptions } from './options.js';
import type { SshTarget } from './settings.js';
import { endWithin, type SshTransport, type TransportHooks } from './transport.js';

/**
 * Connect directly.
 * @throws ConnectionError (unreachable, authentication, host key)
 */
export async function openDirect(opts: SshConnectionOptions, target: SshTarget, hooks: TransportHooks): Promise<SshTransport> {
  return new DirectTransport(await openClient(opts, target), hooks);
}

class DirectTransport implements SshTransport {
  readonly warnings: string[];
  private sftp?: Promise<SFTPWrapper | undefined>;
  /** False once discarded: its close is not a loss. */
  private current = true;

  constructor(private readonly opened: OpenedClient, private readonly hooks: TransportHooks) {
    this.warnings = opened.warnings;
    watchConnectionLoss(opened, (reason) => {
      if (this.current) hooks.markLost(reason);
    }, () => hooks.isClosed() || !this.current);
  }

  openShell(launch: string): Promise<ShellStreams> {
    return openChannelShell(this.hooks.host, this.opened.client, launch, () => this.hooks.lostReason(), (cb) => this.hooks.onLost(cb));
  }

  async readFile(path: string): Promise<Buffer | null | undefined> {
    const sftp = await this.sftpSession();
    if (!sftp) return undefined;
    try {
      return await sftpReadFile(sftp, path);
    } catch (e) {
      const lost = this.hooks.lostReason();
      if (lost) throw new ConnectionError(this.hooks.host, lost);
      if (e instanceof ModuleFailure) throw e;
      throw new ConnectionError(this.hooks.host, `sftp read of ${path} failed: ${(e as Error).message}`, { cause: e });
    }
  }

  async close(): Promise<void> {
    const o = this.opened;
    if (this.hooks.lostReason()) {
      o.client.destroy();
      o.closeTransport();
      return;
    }
    const sftp = await this.sftp?.catch(() => undefined);
    try {
      sftp?.end();
    } catch {
      // already closed
    }
    await endWithin(o.client, 2000);
    o.closeTransport();
  }

  discard(): void {
    this.current = false;
    this.opened.client.end();
    this.opened.closeTransport();
  }

  /** The SFTP session, opened once; undefined when the host has no SFTP server. */
  private sftpSession(): Promise<SFTPWrapper | undefined> {
    this.sftp ??= openSftp(this.opened.client);
    return this.sftp;
  }
}
