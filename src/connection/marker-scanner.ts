/**
 * Splits one output stream of a persistent shell into per-command bodies.
 *
 * Every marker is a line `\n<token> <kind> <fields...>\n` where the token is a per-session
 * random string no command can know. The leading `\n` is always printed by the wrapper, so
 * it is stripped exactly: a body keeps its own trailing newline, or its lack of one.
 *
 * Kinds: `r <pid> <pgid>` (shell ready), `b <seq>` (command started), `e <seq> <rc>` (command
 * ended). Bytes between `b` and `e` are the command's output; anything outside (output of a
 * background process between two commands) is dropped.
 */

export type ShellMarker =
  | { kind: 'ready'; pid: number; pgid: number }
  | { kind: 'begin'; seq: number }
  | { kind: 'end'; seq: number; rc: number; body: Buffer };

/** A marker line longer than this is not ours: the stream is corrupt. */
const MAX_MARKER_LINE = 128;

export class MarkerScanner {
  private readonly needle: Buffer;
  private carry: Buffer = Buffer.alloc(0);
  private inBody = false;
  private body: Buffer[] = [];
  private failed = false;

  /**
   * @param token the session's secret token
   * @param onMarker called for every complete marker, in stream order
   * @param onError called once when the stream holds something that cannot be ours
   */
  constructor(
    token: string,
    private readonly onMarker: (m: ShellMarker) => void,
    private readonly onError: (message: string) => void,
  ) {
    this.needle = Buffer.from(`\n${token} `, 'latin1');
  }

  /**
   * True when the stream is between commands with nothing left over: no command's output
   * pending, no bytes after the last marker (stray output, or a marker cut in two).
   */
  get idle(): boolean {
    return !this.failed && !this.inBody && this.carry.length === 0;
  }

  /** Feed the next chunk of the stream. */
  push(chunk: Buffer): void {
    if (this.failed) return;
    const buf = this.carry.length ? Buffer.concat([this.carry, chunk]) : chunk;
    let pos = 0;
    for (;;) {
      const idx = buf.indexOf(this.needle, pos);
      if (idx < 0) {
        // Keep a tail that may be the start of a marker split across chunks.
        const keep = Math.min(this.needle.length - 1, buf.length - pos);
        if (this.inBody && buf.length - keep > pos) this.body.push(buf.subarray(pos, buf.length - keep));
        this.carry = Buffer.from(buf.subarray(buf.length - keep));
        return;
      }
      const lineStart = idx + this.needle.length;
      const eol = buf.indexOf(0x0a, lineStart);
      if (eol < 0) {
        if (buf.length - lineStart > MAX_MARKER_LINE) return this.fail('marker line too long');
        if (this.inBody && idx > pos) this.body.push(buf.subarray(pos, idx));
        this.carry = Buffer.from(buf.subarray(idx));
        return;
      }
      if (eol - lineStart > MAX_MARKER_LINE) return this.fail('marker line too long');
      const fields = buf.toString('latin1', lineStart, eol).split(' ');
      const marker = this.parse(fields, buf.subarray(pos, idx));
      if (!marker) return this.fail(`unexpected marker line: ${fields.join(' ')}`);
      pos = eol + 1;
      this.onMarker(marker);
      if (this.failed) return;
    }
  }

  /** Interpret one marker line; `before` is what preceded it since the last marker. */
  private parse(fields: string[], before: Buffer): ShellMarker | undefined {
    const nums = fields.slice(1).map((f) => (/^\d+$/.test(f) ? Number(f) : NaN));
    if (nums.some((n) => Number.isNaN(n))) return undefined;
    switch (fields[0]) {
      case 'r':
        if (nums.length !== 2) return undefined;
        this.inBody = false;
        this.body = [];
        return { kind: 'ready', pid: nums[0]!, pgid: nums[1]! };
      case 'b':
        if (nums.length !== 1) return undefined;
        this.inBody = true;
        this.body = [];
        return { kind: 'begin', seq: nums[0]! };
      case 'e': {
        if (nums.length !== 2 || !this.inBody) return undefined;
        if (before.length) this.body.push(before);
        const body = this.body.length === 1 ? Buffer.from(this.body[0]!) : Buffer.concat(this.body);
        this.inBody = false;
        this.body = [];
        return { kind: 'end', seq: nums[0]!, rc: nums[1]!, body };
      }
      default:
        return undefined;
    }
  }

  private fail(message: string): void {
    this.failed = true;
    this.body = [];
    this.carry = Buffer.alloc(0);
    this.onError(message);
  }
}
