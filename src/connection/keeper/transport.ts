/**
 * An SSH connection held by the connection keeper, as one run's SshConnection uses it: a
 * session socket that holds the connection for this run (and hears of its loss), one socket
 * per shell channel, one per file read. The run's first shell is asked with the session and
 * carried on its socket: one request and one round trip for both. Errors come back as the
 * classes and messages a direct connection gives. Loads no ssh2: the keeper does the SSH.
 */
import type { Socket } from 'node:net';
import { ConnectionError } from '../../errors.js';
import type { ShellParking, ShellStreams } from '../persistent-shell.js';
import { endWithin, type SshTransport, type TransportHooks } from '../ssh/transport.js';
import type { SshTarget } from '../ssh/settings.js';
import type { ControlSettings } from './control-settings.js';
import { keeperRequest } from './client.js';
import { KeeperUnavailable } from './spawn.js';
import { keeperChannelStreams, sessionChannelStreams, type SessionChannel } from './client-shell.js';
import { FRAME, frameReader, PROTOCOL_VERSION, wireToError, type OkAnswer, type KeeperAnswer, type WireOptions, type WireTarget } from './protocol.js';
import { connectionKey } from './wire-options.js';

export interface KeeperSession {
  transport: SshTransport;
  /** True when the keeper already had the connection open (no handshake this run). */
  reused: boolean;
}

/** The shell to open with the session: the first openShell() asking for exactly it gets it. */
export interface FirstShell {
  launch: string;
  park?: ShellParking;
}

/** The session's shell, opened with it, until openShell() takes it. */
interface OpenedFirst extends FirstShell {
  channel: SessionChannel;
  resumed: boolean;
}

/**
 * Open a session: the keeper lends this run a connection with these settings, reused or new;
 * with `first`, it opens that shell too (or hands out a parked one), in the same request.
 * @throws KeeperUnavailable (no keeper could be reached: connect directly instead), or the
 * ConnectionError a direct connect would have thrown
 */
export async function openKeeperSession(
  ctl: ControlSettings,
  opts: WireOptions,
  target: WireTarget,
  hooks: TransportHooks,
  first?: FirstShell,
): Promise<KeeperSession> {
  const park = first?.park;
  const { sock, answer, rest } = await keeperRequest(ctl, {
    v: PROTOCOL_VERSION,
    op: 'connect',
    key: connectionKey(opts, target),
    persistMs: ctl.persistMs,
    opts,
    target,
    ...(first ? { shell: { launch: first.launch, ...(park ? { park: park.key, rearm: park.rearm } : {}) } } : {}),
  });
  if (!answer.ok) {
    sock.destroy();
    throw wireToError(hooks.host, answer.error);
  }
  const t = new KeeperTransport(ctl, sock, answer, rest, target as SshTarget, hooks, answer.shell ? first : undefined);
  return { transport: t, reused: !!answer.reused };
}

class KeeperTransport implements SshTransport {
  readonly warnings: string[];
  private readonly conn: string;
  private ended = false;
  private first?: OpenedFirst;

  constructor(
    private readonly ctl: ControlSettings,
    private readonly session: Socket,
    answer: OkAnswer,
    rest: Buffer,
    private readonly target: SshTarget,
    private readonly hooks: TransportHooks,
    first?: FirstShell,
  ) {
    this.conn = answer.conn!;
    this.warnings = answer.warnings ?? [];
    const channelHooks = { ...hooks, keeperGone: () => this.keeperGone() };
    const channel = first ? sessionChannelStreams(session, channelHooks, !!first.park) : undefined;
    if (first && channel) this.first = { ...first, channel, resumed: !!answer.shell?.resumed };
    const onData = frameReader(session, (type, payload) => {
      if (type === FRAME.LOST) hooks.markLost(payload.toString('utf8'));
      else channel?.frame(type, payload);
    });
    session.on('data', onData);
    session.on('error', () => undefined);
    session.once('close', () => {
      if (!this.ended && !hooks.isClosed()) hooks.markLost(this.keeperGone());
      channel?.gone(this.ended);
    });
    if (rest.length) onData(rest);
    session.resume();
  }

  /**
   * A channel running `launch`; with `park`, the shell parked under its key when the keeper
   * has one (`fresh`: never), rearmed by the keeper at once (no round trip), and one that can
   * be parked at the end. The shell opened with the session, when it is the one asked for.
   */
  async openShell(launch: string, park?: ShellParking, fresh = false): Promise<ShellStreams> {
    const first = this.first;
    this.first = undefined;
    if (first) {
      const streams = first.channel.streams;
      if (!fresh && first.launch === launch && first.park?.key === park?.key) {
        if (first.resumed) streams.resumed = { reopen: () => this.openShell(launch, park, true) };
        return streams;
      }
      // Not what the pool asked for after all: the channel goes.
      streams.destroy();
    }
    const { sock, answer, rest } = await this.request({
      v: PROTOCOL_VERSION, op: 'exec', conn: this.conn, launch,
      ...(park ? { park: park.key, ...(fresh ? { fresh: true } : { rearm: park.rearm }) } : {}),
    });
    const streams = keeperChannelStreams(sock, rest, { ...this.hooks, keeperGone: () => this.keeperGone() }, !!park);
    if (answer.resumed) streams.resumed = { reopen: () => this.openShell(launch, park, true) };
    return streams;
  }

  async readFile(path: string): Promise<Buffer | null | undefined> {
    const { sock, answer, rest } = await this.request({ v: PROTOCOL_VERSION, op: 'get', conn: this.conn, path });
    if (answer.nosftp || answer.missing) {
      sock.destroy();
      return answer.nosftp ? undefined : null;
    }
    const length = answer.length ?? 0;
    return new Promise((resolve, reject) => {
      const parts: Buffer[] = rest.length ? [rest] : [];
      let got = rest.length;
      const done = (): void => {
        sock.destroy();
        resolve(Buffer.concat(parts, length).subarray(0, length));
      };
      if (got >= length) return done();
      sock.on('data', (c: Buffer) => {
        parts.push(c);
        got += c.length;
        if (got >= length) done();
      });
      sock.once('close', () => {
        if (got >= length) return;
        const reason = this.hooks.lostReason() ?? `sftp read of ${path} failed: the connection keeper closed the connection`;
        reject(new ConnectionError(this.hooks.host, reason));
      });
      sock.on('error', () => undefined);
      sock.resume();
    });
  }

  /** End the session; resolves once the keeper took it back (the next session may reuse it). */
  async close(): Promise<void> {
    this.ended = true;
    if (this.session.destroyed) return;
    await endWithin(this.session, 1000);
  }

  discard(): void {
    this.ended = true;
    this.first?.channel.streams.destroy();
    this.session.destroy();
  }

  /** A channel or read request on this session's connection; errors rethrown as typed. */
  private async request(req: Parameters<typeof keeperRequest>[1]): Promise<{ sock: Socket; answer: OkAnswer; rest: Buffer }> {
    const lost = this.hooks.lostReason();
    if (lost) throw new ConnectionError(this.hooks.host, lost);
    let r: { sock: Socket; answer: KeeperAnswer; rest: Buffer };
    try {
      // Never start a keeper here: ours is the one holding the connection, or it is gone.
      r = await keeperRequest(this.ctl, req, false);
    } catch (e) {
      if (!(e instanceof KeeperUnavailable)) throw e;
      this.hooks.markLost(this.keeperGone());
      throw new ConnectionError(this.hooks.host, this.hooks.lostReason()!);
    }
    if (!r.answer.ok) {
      r.sock.destroy();
      if (r.answer.lost) {
        this.hooks.markLost(r.answer.error.message);
        throw new ConnectionError(this.hooks.host, this.hooks.lostReason()!);
      }
      throw wireToError(this.hooks.host, r.answer.error);
    }
    return { sock: r.sock, answer: r.answer, rest: r.rest };
  }

  private keeperGone(): string {
    return `connection to ${this.target.hostName} lost: the connection keeper went away`;
  }
}
