/**
 * A file's identity as far as its content goes: device, inode, size, modification and change
 * times. Replacing the file (a rebuild, an upgrade, an editor's save) or writing to it changes
 * the stamp.
 */
import { statSync } from 'node:fs';

export interface FileStamp {
  stamp: string;
  /** When the file last changed (its modification or change time, the later), in ms. */
  changedMs: bigint;
}

/** The stamp of `file`; undefined when it does not exist or cannot be looked at. */
export function fileStamp(file: string): FileStamp | undefined {
  let st;
  try {
    st = statSync(file, { bigint: true, throwIfNoEntry: false });
  } catch {
    return undefined;
  }
  if (!st) return undefined;
  return {
    stamp: `${st.dev}:${st.ino}:${st.size}:${st.mtimeNs}:${st.ctimeNs}`,
    changedMs: (st.ctimeNs > st.mtimeNs ? st.ctimeNs : st.mtimeNs) / 1_000_000n,
  };
}
