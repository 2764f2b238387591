/**
 * A file's parse, kept while the file's device, inode, size, modification and change times
 * stay those of the last read: the keeper re-reads known_hosts and ssh_config at every session.
 */
import { readFileSync } from 'node:fs';
import { fileStamp } from './file-stamp.js';

/**
 * A file changed less than this before it was read may change again within its timestamp's
 * granularity (the kernel's coarse clock) without its stamp changing: not kept then.
 */
const RACY_MS = 1000n;

export class ParsedFileCache<T> {
  private readonly entries = new Map<string, { stamp: string; value: T }>();

  /** @param parse the file's text to what is kept (shared by every later caller: not theirs to change) */
  constructor(private readonly parse: (text: string, file: string) => T) {}

  /**
   * The parse of `file`, from the cache when the file is unchanged; undefined when it does not
   * exist (or cannot be looked at).
   * @throws the read error when it exists but cannot be read
   */
  get(file: string): T | undefined {
    const st = fileStamp(file);
    if (!st) {
      this.entries.delete(file);
      return undefined;
    }
    const { stamp, changedMs } = st;
    const cached = this.entries.get(file);
    if (cached?.stamp === stamp) return cached.value;
    const readAt = BigInt(Date.now());
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (e) {
      this.entries.delete(file);
      throw e;
    }
    const value = this.parse(text, file);
    if (readAt - changedMs >= RACY_MS) this.entries.set(file, { stamp, value });
    else this.entries.delete(file);
    return value;
  }
}
