/**
 * The live side of mounts and swap, parsed from /proc (pure): what is mounted where
 * (/proc/self/mountinfo) and which swap areas are active (/proc/swaps).
 */

/** One mount as the kernel reports it (paths unescaped). */
export interface LiveMount {
  /** Mount point. */
  dst: string;
  /** Source device (or the filesystem's name for virtual ones). */
  src: string;
  fstype: string;
  /** The directory of the source filesystem mounted there ('/' unless a bind mount). */
  root: string;
}

/** The kernel's octal escapes (\040 for a space) back to characters. */
export function unescapeOctal(s: string): string {
  return s.replace(/\\([0-7]{3})/g, (_m, o: string) => String.fromCharCode(parseInt(o, 8)));
}

/** Parse /proc/self/mountinfo: `id parent maj:min root mountpoint opts [optional...] - fstype src superopts`. */
export function parseMountinfo(text: string): LiveMount[] {
  const out: LiveMount[] = [];
  for (const line of text.split('\n')) {
    const f = line.trim().split(/\s+/);
    const sep = f.indexOf('-', 6);
    if (f.length < 10 || sep < 0) continue;
    out.push({ dst: unescapeOctal(f[4]!), root: unescapeOctal(f[3]!), fstype: f[sep + 1]!, src: unescapeOctal(f[sep + 2] ?? '') });
  }
  return out;
}

/** The last mount on `path` (the one visible there), or undefined. */
export function mountAt(mounts: LiveMount[], path: string): LiveMount | undefined {
  const p = path.length > 1 ? path.replace(/\/+$/, '') : path;
  let found: LiveMount | undefined;
  for (const m of mounts) if (m.dst === p) found = m;
  return found;
}

/** Active swap areas from /proc/swaps (the header line skipped). */
export function parseSwaps(text: string): string[] {
  return text.split('\n').slice(1).map((l) => l.trim()).filter(Boolean).map((l) => unescapeOctal(l.split(/\s+/)[0]!));
}
