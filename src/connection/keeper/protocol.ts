/**
 * The connection keeper's wire protocol, over unix-socket connections:
 *
 *   session   client: {op:'connect', key, target..., shell?}\n   keeper: answer line {ok, conn, shell?}
 *             The keeper opens or reuses an SSH connection and holds it for this client while
 *             the socket stays open; a LOST frame says the SSH connection dropped. With `shell`
 *             (the run's first shell, asked at once: no second request, no round trip) the
 *             keeper also opens that channel, or hands out a parked one, and when the answer
 *             says `shell`, the session socket carries its frames as a channel socket does;
 *             its last frame (close, parked) leaves the session open. Without `shell` in the
 *             answer the client asks with an exec request.
 *   channel   client: {op:'exec', conn, launch, park?}\n keeper: answer line, then frames both
 *             ways: stdin, end of stdin, kill, park / stdout, stderr, close, parked (one socket
 *             per channel). With a park key the keeper may hand out a shell parked under that
 *             key by an earlier run (answer `resumed`: the launch line did not run again), and
 *             the client may park the channel's shell at its end instead of closing it.
 *   file      client: {op:'get', conn, path}\n         keeper: answer line, then the bytes
 *   run       client: {op:'run', argv, cwd, env...}\n   keeper: answer line (ok, or declined: the
 *             client runs the command itself), then frames: stdout, stderr, exit / interrupt.
 *             The warm engine (src/cli/warm/): the keeper runs the k8splay command for the
 *             executable, which then only relays.
 *   control   {op:'status'} / {op:'stop'}
 *
 * Frames: [type: 1 byte][length: 4 bytes big-endian][payload]. Kept free of ssh2 and of the
 * executor so both ends load it cheaply.
 */
import { BecomeError, ConnectionError, K8splayError, ModuleFailure } from '../../errors.js';
import type { SshTarget } from '../ssh/settings.js';
import type { SshConnectionOptions } from '../ssh/options.js';
import type { Socket } from 'node:net';

/** Bumped on any incompatible change; part of the socket's name, so versions never meet. */
export const PROTOCOL_VERSION = 4;

/** Frame types. Client to keeper below 0x10, keeper to client from 0x10. */
export const FRAME = {
  STDIN: 0x01,
  STDIN_EOF: 0x02,
  /** Signal KILL to the channel's process, then close the channel. */
  KILL: 0x03,
  /**
   * Keep the channel's idle shell for a later exec with the same park key instead of ending
   * it; payload: JSON ParkRequest. Answered by PARKED, or the keeper ends the shell's stdin
   * (as STDIN_EOF) and the usual CLOSE follows.
   */
  PARK: 0x04,
  /** On a run socket: Ctrl-C at the client (the run's interrupt handler is called). */
  INTERRUPT: 0x05,
  STDOUT: 0x11,
  STDERR: 0x12,
  /** The channel ended; payload: JSON ChannelClose. Last frame on the socket. */
  CLOSE: 0x14,
  /** On a session socket: the SSH connection dropped; payload: the reason. */
  LOST: 0x15,
  /** The shell is parked in the keeper: the channel is no longer this socket's. Last frame. */
  PARKED: 0x16,
  /** On a run socket: the command's exit code (payload: its decimal text). Last frame. */
  EXIT: 0x17,
} as const;

/** Largest frame accepted: anything bigger is a protocol error, not data. */
export const MAX_FRAME = 16 * 1024 * 1024;
/** Largest request or answer line. */
export const MAX_LINE = 1024 * 1024;

/** The connection settings as sent to the keeper: no functions, env/home/user pinned. */
export type WireOptions = Omit<SshConnectionOptions, 'privateKeyPassphrase' | 'debug' | 'shell'> & {
  privateKeyPassphrase?: string;
};

/** The target as sent: the passphrase, when there is one, is a string. */
export type WireTarget = Omit<SshTarget, 'passphrase'> & { passphrase?: string };

export interface ConnectRequest {
  v: number;
  op: 'connect';
  /** Hash of the connection settings: sessions with equal keys may reuse an SSH connection. */
  key: string;
  /** Keep the SSH connection this long after its last user left; null = until stopped. */
  persistMs: number | null;
  opts: WireOptions;
  target: WireTarget;
  /** A shell channel opened with the session, its frames on the session socket (see above). */
  shell?: ShellRequest;
}

/** A shell channel, as an exec request or a connect request asks for it. */
export interface ShellRequest {
  /** The shell command line the exec channel runs (the shell pool's launch line). */
  launch: string;
  /**
   * What defines the shell (see ShellPool's park key): a shell parked under this key on this
   * connection is handed out instead of running `launch`, and this channel may be parked under
   * it later. Absent: never parked.
   */
  park?: string;
  /** With `park`: run `launch` in a new channel even when a parked shell is there. */
  fresh?: boolean;
  /**
   * With `park`: written to a parked shell's stdin as it is handed out (it announces itself
   * to the new session: one round trip less); never to a new channel.
   */
  rearm?: string;
}

export interface ExecRequest extends ShellRequest {
  v: number;
  op: 'exec';
  /** The SSH connection of the session (ConnectAnswer.conn). */
  conn: string;
}

/** Payload of a PARK frame. */
export interface ParkRequest {
  /** Bytes of stdout and stderr the client has received on this channel: more sent means output it has not seen. */
  seen: number;
}

export interface GetRequest {
  v: number;
  op: 'get';
  conn: string;
  path: string;
}

export interface ControlRequest {
  v: number;
  op: 'status' | 'stop';
}

/** A terminal or not, as the command would see its own stdout or stderr. */
export interface WireStream {
  isTTY: boolean;
  /** The terminal's width, when a terminal. */
  columns?: number;
}

/**
 * op 'run': the k8splay command line, run by the keeper's warm engine as the executable would
 * run it (src/cli/warm/).
 */
export interface RunRequest {
  v: number;
  op: 'run';
  /** The executable's bundle (absolute path): only the keeper's own installation serves it. */
  bundle: string;
  /** process.version of the client: the engine must be the same Node. */
  node: string;
  argv: string[];
  cwd: string;
  env: Record<string, string>;
  umask: number;
  stdout: WireStream;
  stderr: WireStream;
}

export type KeeperRequest = ConnectRequest | ExecRequest | GetRequest | ControlRequest | RunRequest;

/** The warm engine's state, as `status` shows it. */
export interface EngineState {
  loaded: boolean;
  /** A run is going on. */
  busy: boolean;
  /** Runs served so far. */
  served: number;
  /** Why it takes no more runs. */
  retired?: string;
}

/** The answer to op 'run': served (frames follow), or declined with the reason. */
export type RunAnswer = { ok: true } | { ok: false; declined: string };

/** An error as sent over the wire: enough to rethrow the same class with the same text. */
export interface WireError {
  cls: 'ConnectionError' | 'ModuleFailure' | 'BecomeError' | 'Error';
  message: string;
  details?: string[];
  data?: Record<string, unknown>;
}

export interface OkAnswer {
  ok: true;
  /** connect: the keeper's id of the SSH connection (channels and reads name it). */
  conn?: string;
  /** connect: true when the SSH connection was already open (no handshake this time). */
  reused?: boolean;
  /** connect: what did not stop the connection (a known_hosts file not writable). */
  warnings?: string[];
  /** get: the file's size (its bytes follow); absent with `missing` or `nosftp`. */
  length?: number;
  /** get: the file does not exist. */
  missing?: true;
  /** get: the host has no SFTP server (read through the shell instead). */
  nosftp?: true;
  /** exec: a parked shell was handed out (already running; the launch line did not run). */
  resumed?: true;
  /** connect: the shell asked with it is open; its frames follow on this socket. */
  shell?: { resumed?: true };
}

export interface ErrorAnswer {
  ok: false;
  error: WireError;
  /** The SSH connection is gone: the client counts its connection as lost with this error. */
  lost?: true;
}

export type KeeperAnswer = OkAnswer | ErrorAnswer;

export interface KeeperStatus {
  pid: number;
  version: number;
  uptimeMs: number;
  /** Client sockets open now. */
  clients: number;
  /** Requests served so far, by kind (a run's first shell comes with its connect: no exec). */
  requests: { connect: number; exec: number; get: number; run: number };
  /** The warm engine (absent when this keeper hosts none). */
  engine?: EngineState;
  connections: Array<{
    id: string;
    host: string;
    user: string;
    port: number;
    /** Sessions, channels and file reads using it now. */
    users: number;
    /** Sessions that found it already open. */
    reuses: number;
    idleMs: number;
    /** Shells parked on it for the next run. */
    parked: number;
    /** Parked shells handed out so far. */
    resumed: number;
  }>;
}

/** What ended a channel: its reason, and whether the whole SSH connection is gone. */
export interface ChannelClose {
  reason: string;
  lost: boolean;
}

/** One frame, ready to write. */
export function encodeFrame(type: number, payload: Buffer | string = Buffer.alloc(0)): Buffer {
  const body = typeof payload === 'string' ? Buffer.from(payload, 'utf8') : payload;
  const out = Buffer.allocUnsafe(5 + body.length);
  putFrame(out, 0, type, body);
  return out;
}

/** Write a frame (type, length, payload) into `out` at `at`; returns where it ends. */
export function putFrame(out: Buffer, at: number, type: number, body: Buffer): number {
  out[at] = type;
  out.writeUInt32BE(body.length, at + 1);
  body.copy(out, at + 5);
  return at + 5 + body.length;
}

/**
 * Splits a byte stream into frames, whatever the chunking. The bytes of a frame that spans
 * chunks are joined once, when all have come (not on every chunk: a frame of a megabyte read
 * in 64 KiB chunks would be copied sixteen times over).
 */
export class FrameDecoder {
  /** Chunks of an incomplete frame (its start first), and how many bytes they hold. */
  private held: Buffer[] = [];
  private heldSize = 0;
  /** Bytes the held frame needs to be complete (its header's 5 while that is incomplete). */
  private need = 0;

  constructor(private readonly onFrame: (type: number, payload: Buffer) => void) {}

  /** @throws Error on a frame longer than MAX_FRAME (the peer is not speaking this protocol) */
  push(chunk: Buffer): void {
    let buf = chunk;
    if (this.heldSize) {
      this.held.push(chunk);
      this.heldSize += chunk.length;
      if (this.heldSize < this.need) return;
      buf = Buffer.concat(this.held, this.heldSize);
      this.held = [];
      this.heldSize = 0;
    }
    let pos = 0;
    while (buf.length - pos >= 5) {
      const len = buf.readUInt32BE(pos + 1);
      if (len > MAX_FRAME) throw new Error(`frame of ${len} bytes is too large`);
      if (buf.length - pos < 5 + len) break;
      const type = buf[pos]!;
      const payload = buf.subarray(pos + 5, pos + 5 + len);
      pos += 5 + len;
      this.onFrame(type, payload);
    }
    if (pos === buf.length) return;
    const rest = pos ? buf.subarray(pos) : buf;
    this.held = [rest];
    this.heldSize = rest.length;
    this.need = rest.length >= 5 ? 5 + rest.readUInt32BE(1) : 5;
  }
}

/**
 * A 'data' listener for `sock` that decodes its frames to `onFrame`; a peer that breaks the
 * protocol (a frame past MAX_FRAME) has the socket destroyed. Also fed the bytes that came
 * after an answer line.
 */
export function frameReader(sock: Socket, onFrame: (type: number, payload: Buffer) => void): (chunk: Buffer) => void {
  const decoder = new FrameDecoder(onFrame);
  return (chunk) => {
    try {
      decoder.push(chunk);
    } catch {
      sock.destroy();
    }
  };
}

/**
 * Collects bytes up to the first newline: the JSON line, and what came after it.
 * Returns undefined until the line is complete.
 * @throws Error when the line grows past MAX_LINE
 */
export class LineReader {
  private parts: Buffer[] = [];
  private size = 0;

  push(chunk: Buffer): { line: string; rest: Buffer } | undefined {
    const nl = chunk.indexOf(0x0a);
    if (nl < 0) {
      this.parts.push(chunk);
      this.size += chunk.length;
      if (this.size > MAX_LINE) throw new Error('request line too long');
      return undefined;
    }
    this.parts.push(chunk.subarray(0, nl));
    const line = Buffer.concat(this.parts).toString('utf8');
    this.parts = [];
    return { line, rest: chunk.subarray(nl + 1) };
  }
}

/** Encode an error for the wire. */
export function errorToWire(e: unknown): WireError {
  if (e instanceof K8splayError) {
    const cls = e instanceof ConnectionError ? 'ConnectionError' : e instanceof ModuleFailure ? 'ModuleFailure' : e instanceof BecomeError ? 'BecomeError' : 'Error';
    return {
      cls,
      message: e.message,
      ...(e.details.length ? { details: e.details } : {}),
      ...(e instanceof ModuleFailure ? { data: e.data } : {}),
    };
  }
  return { cls: 'Error', message: e instanceof Error ? e.message : String(e) };
}

/**
 * The error a direct connection would have thrown, from its wire form. Anything not a known
 * class becomes a ConnectionError: the host could not be used.
 */
export function wireToError(host: string, w: WireError): K8splayError {
  const opts = w.details?.length ? { details: w.details } : {};
  switch (w.cls) {
    case 'ModuleFailure':
      return new ModuleFailure(w.message, w.data ?? {}, opts);
    case 'BecomeError':
      return new BecomeError(host, w.message, opts);
    default:
      return new ConnectionError(host, w.message, opts);
  }
}
