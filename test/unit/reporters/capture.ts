/** A Writable that keeps what is written, for reporter tests. */
import { Writable } from 'node:stream';

export class Capture extends Writable {
  text = '';
  isTTY?: boolean;
  columns?: number;
  constructor(opts: { tty?: boolean; columns?: number } = {}) {
    super();
    if (opts.tty) this.isTTY = true;
    if (opts.columns !== undefined) this.columns = opts.columns;
  }
  override _write(chunk: Buffer | string, _enc: BufferEncoding, cb: () => void): void {
    this.text += chunk.toString();
    cb();
  }
  // Synchronous writes keep tests simple: Writable.write calls _write synchronously when idle.
  lines(): string[] {
    return this.text.split('\n');
  }
}
