/**
 * One SSH connection held by the keeper: who uses it now (sessions, channels, file reads),
 * its idle timer (closed `persistMs` after its last user left, Ansible's ControlPersist), its
 * loss (told to every user, with the direct connection's wording), its SFTP session, the
 * shells parked on it for the next run (not users: they go with it).
 */
import type { ClientChannel, SFTPWrapper } from 'ssh2';
import type { OpenedClient } from '../ssh/open-client.js';
import { watchConnectionLoss } from '../ssh/connection-loss.js';
import { openSftp } from '../ssh/sftp-read.js';
import { endWithin } from '../ssh/transport.js';
import { ParkedShells } from './parked-shells.js';

export class KeptConnection {
  users = 0;
  /** Sessions that found it already open. */
  reuses = 0;
  lost?: string;
  closing = false;
  lastUsed = Date.now();
  persistMs: number | null;
  /** Idle shells of earlier runs, waiting for the next exec with their key. */
  readonly parked = new ParkedShells();
  private idleTimer?: NodeJS.Timeout;
  private sftp?: Promise<SFTPWrapper | undefined>;
  private readonly lostListeners = new Set<(reason: string) => void>();
  private goneCalled = false;

  /**
   * @param onGone called once when the connection is closed or lost (the keeper forgets it)
   */
  constructor(
    readonly id: string,
    readonly key: string,
    readonly opened: OpenedClient,
    persistMs: number | null,
    private readonly onGone: (c: KeptConnection) => void,
  ) {
    this.persistMs = persistMs;
    watchConnectionLoss(opened, (reason) => this.markLost(reason), () => this.closing);
    opened.client.on('close', () => this.gone());
  }

  /** True when nobody uses it (a new session may take it). */
  get idle(): boolean {
    return this.users === 0 && !this.lost && !this.closing;
  }

  /** One more user; `persistMs` (when given) is the newest session's ControlPersist. */
  acquire(persistMs?: number | null): void {
    this.users++;
    if (persistMs !== undefined) this.persistMs = persistMs;
    clearTimeout(this.idleTimer);
    this.idleTimer = undefined;
  }

  /** One user less; the last one starts the idle timer. */
  release(): void {
    this.users = Math.max(0, this.users - 1);
    this.lastUsed = Date.now();
    if (this.users > 0 || this.lost || this.closing || this.persistMs === null) return;
    // setTimeout's limit is about 24.8 days; longer is as good as forever.
    if (this.persistMs > 2 ** 31 - 1) return;
    this.idleTimer = setTimeout(() => this.close(), this.persistMs);
  }

  /** Call `cb` when the connection drops. Returns the unsubscriber. */
  onLost(cb: (reason: string) => void): () => void {
    this.lostListeners.add(cb);
    return () => this.lostListeners.delete(cb);
  }

  /** Open an exec channel running `launch`. */
  exec(launch: string): Promise<ClientChannel> {
    return new Promise((resolve, reject) => {
      try {
        this.opened.client.exec(launch, (err, ch) => (err ? reject(err) : resolve(ch)));
      } catch (e) {
        reject(e);
      }
    });
  }

  /**
   * Check the host still answers: a keepalive request, answered (success or failure) within
   * `ms`. A connection idle since the last run may have died silently (host gone, NAT expiry).
   * Uses ssh2's own keepalive mechanism (its reply-callback queue); without it, assumes alive.
   */
  probe(ms: number): Promise<void> {
    const client = this.opened.client as unknown as { _callbacks?: Array<(...a: unknown[]) => void>; _protocol?: { ping?: () => void } };
    if (!Array.isArray(client._callbacks) || typeof client._protocol?.ping !== 'function') return Promise.resolve();
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`no answer within ${ms / 1000}s`)), ms);
      const unsubscribe = this.onLost((reason) => {
        clearTimeout(t);
        reject(new Error(reason));
      });
      try {
        client._callbacks!.push(() => {
          clearTimeout(t);
          unsubscribe();
          resolve();
        });
        client._protocol!.ping!();
      } catch (e) {
        clearTimeout(t);
        unsubscribe();
        reject(e as Error);
      }
    });
  }

  /** The SFTP session, opened once; undefined when the host has no SFTP server. */
  sftpSession(): Promise<SFTPWrapper | undefined> {
    this.sftp ??= openSftp(this.opened.client);
    return this.sftp;
  }

  /**
   * End the connection politely (destroyed after 2 s without an answer). What it goes through
   * (ProxyCommand, jump hosts) is closed by openClient's hook on the client's close, so the
   * disconnect gets through first; or with the client, when it does not answer.
   */
  close(): void {
    if (this.closing) return;
    this.closing = true;
    clearTimeout(this.idleTimer);
    // Their stdin ended first: the shells exit before the disconnect reaches the host.
    this.parked.dropAll();
    const { client } = this.opened;
    void endWithin(client, 2000, {
      // An ended ssh2 client ignores destroy(): the transport going away closes its socket.
      force: () => {
        client.destroy();
        this.opened.closeTransport();
      },
      unref: true,
    });
    this.gone();
  }

  /** Drop the connection at once (it did not answer), and what it goes through. */
  destroy(reason: string): void {
    this.markLost(reason);
    this.closing = true;
    this.opened.client.destroy();
    this.opened.closeTransport();
    this.gone();
  }

  private markLost(reason: string): void {
    if (this.lost) return;
    this.lost = reason;
    clearTimeout(this.idleTimer);
    this.parked.dropAll('closed');
    for (const cb of [...this.lostListeners]) cb(reason);
    this.lostListeners.clear();
  }

  private gone(): void {
    if (this.goneCalled) return;
    this.goneCalled = true;
    this.parked.dropAll('closed');
    this.onGone(this);
  }
}
