/**
 * Frames to one keeper socket, written once per turn of the event loop: the frames queued
 * meanwhile go out as one buffer in one write. One TCP read from a host often holds several
 * channel packets (a command's markers on stdout and on stderr, its output), each a frame;
 * each write to a client waiting for them wakes it, which costs more than the bytes. Everyone
 * sending frames on a socket uses its one writer (frameWriter), so that they keep their order.
 */
import type { Socket } from 'node:net';
import { putFrame } from './protocol.js';

const writers = new WeakMap<Socket, FrameWriter>();

/** The frame writer of `sock` (made on first use). */
export function frameWriter(sock: Socket): FrameWriter {
  let w = writers.get(sock);
  if (!w) writers.set(sock, (w = new FrameWriter(sock)));
  return w;
}

export class FrameWriter {
  private types: number[] = [];
  private payloads: Buffer[] = [];
  private size = 0;
  private scheduled = false;
  private ended = false;

  constructor(private readonly sock: Socket) {}

  /**
   * Queue a frame for this turn's write. False when the socket is backed up: the caller
   * waits for its 'drain' (it comes: a write of ours found the socket full).
   */
  send(type: number, payload: Buffer | string = Buffer.alloc(0)): boolean {
    if (this.ended || this.sock.destroyed) return true;
    const body = typeof payload === 'string' ? Buffer.from(payload, 'utf8') : payload;
    this.types.push(type);
    this.payloads.push(body);
    this.size += 5 + body.length;
    if (!this.scheduled) {
      this.scheduled = true;
      process.nextTick(() => this.flush());
    }
    return !this.sock.writableNeedDrain;
  }

  /** The socket's last frame: what is queued and it are written, then the socket ends. */
  end(type: number, payload?: Buffer | string): void {
    if (this.ended) return;
    this.send(type, payload);
    this.flush();
    this.ended = true;
    if (!this.sock.destroyed) this.sock.end();
  }

  /** Write the queued frames now, as one buffer. */
  flush(): void {
    this.scheduled = false;
    if (!this.types.length) return;
    const out = Buffer.allocUnsafe(this.size);
    let at = 0;
    for (let i = 0; i < this.types.length; i++) at = putFrame(out, at, this.types[i]!, this.payloads[i]!);
    this.types = [];
    this.payloads = [];
    this.size = 0;
    if (!this.ended && !this.sock.destroyed) this.sock.write(out);
  }
}
