/**
 * One round trip that tells everything the file module needs about a path: lstat fields
 * (type, mode, owner, ids, size, link count, inode, times) and a link's target.
 */
import type { FileStat, GatherContext } from '../../src/index.js';
import { formatMode } from './file-mode.js';

export interface PathInfo extends FileStat {
  nlink?: number;
  inode?: number;
  /** Seconds since the epoch. */
  atime?: number;
  mtime?: number;
}

const FORMAT = '%F|%a|%U|%G|%u|%g|%s|%h|%i|%X|%Y';

/** The shell command behind probePath (exported for the test fakes). */
export function probeCommand(path: string, quote: (s: string) => string): string {
  // A subshell with positional parameters: the path is quoted once and no variable leaks.
  return `( set -- ${quote(path)}; if [ -e "$1" ] || [ -L "$1" ]; then LC_ALL=C stat -c '${FORMAT}' -- "$1" && { [ ! -L "$1" ] || readlink -- "$1"; }; fi )`;
}

function kind(f: string): PathInfo['type'] {
  if (f === 'regular file' || f === 'regular empty file') return 'file';
  if (f === 'directory') return 'directory';
  if (f === 'symbolic link') return 'link';
  return 'other';
}

/** Parse probeCommand's output. Empty output means the path does not exist. */
export function parseProbe(stdout: string): PathInfo {
  const nl = stdout.indexOf('\n');
  const first = nl < 0 ? stdout : stdout.slice(0, nl);
  if (!first.trim()) return { exists: false };
  const f = first.split('|');
  if (f.length < 11) throw new Error(`unexpected stat output: ${first}`);
  const info: PathInfo = {
    exists: true,
    type: kind(f[0]!),
    mode: formatMode(parseInt(f[1]!, 8)),
    owner: f[2]!,
    group: f[3]!,
    uid: Number(f[4]),
    gid: Number(f[5]),
    size: Number(f[6]),
    nlink: Number(f[7]),
    inode: Number(f[8]),
    atime: Number(f[9]),
    mtime: Number(f[10]),
  };
  if (info.type === 'link' && nl >= 0) info.linkTarget = stdout.slice(nl + 1).replace(/\n$/, '');
  return info;
}

/** lstat a path on the host (never fails for a missing path: exists is false). */
export async function probePath(ctx: GatherContext, path: string): Promise<PathInfo> {
  const r = await ctx.run(probeCommand(path, ctx.quote));
  return parseProbe(r.stdout);
}

/**
 * What is at a path, with shell tests only (no process): prints L (symbolic link), F (regular
 * file), D (directory), O (something else) or N (nothing), as lstat sees it. For modules
 * that need no more than the type; probeCommand also gives mode, owner and times.
 */
export function typeProbeCommand(path: string, quote: (s: string) => string): string {
  const p = quote(path);
  return `if [ -L ${p} ]; then printf L; elif [ -f ${p} ]; then printf F; elif [ -d ${p} ]; then printf D; elif [ -e ${p} ]; then printf O; else printf N; fi`;
}

/** Parse typeProbeCommand's output into the FileStat it tells (exists and type only). */
export function parseTypeProbe(out: string): FileStat {
  switch (out.trim()) {
    case 'L': return { exists: true, type: 'link' };
    case 'F': return { exists: true, type: 'file' };
    case 'D': return { exists: true, type: 'directory' };
    case 'O': return { exists: true, type: 'other' };
    case 'N': return { exists: false };
    default: throw new Error(`unexpected answer probing a path: ${JSON.stringify(out.slice(0, 40))}`);
  }
}
