/**
 * File access on a host built only on Connection.exec, so every transport gets it: the one
 * atomic write path every module uses, reading (null when absent) and stat.
 * Each operation is one shell round trip and uses only POSIX sh, coreutils/busybox tools.
 */
import { posix } from 'node:path';
import { ModuleFailure } from '../errors.js';
import type { FileStat, WriteFileOptions, WriteFileResult } from '../module-api/types.js';
import type { BecomeSpec, Connection } from './types.js';
import { shellQuote } from './quote.js';

type Exec = Pick<Connection, 'exec'>;

export interface AtomicWriteOptions extends WriteFileOptions {
  become?: BecomeSpec | false;
  /** Write through a symlink to its target instead of replacing the link (default false, as Ansible). */
  follow?: boolean;
}

/** Mode as chmod wants it: numbers are permission bits (0o644 / 420), strings pass as written. */
export function modeArg(mode: string | number): string {
  if (typeof mode === 'number') {
    if (!Number.isInteger(mode) || mode < 0 || mode > 0o7777) throw new ModuleFailure(`invalid mode ${mode}`);
    return mode.toString(8).padStart(4, '0');
  }
  return mode;
}

/**
 * The shell text of one atomic write: temp file next to the target (so rename is atomic),
 * content from stdin, fsync, the old file's mode and owner (or 0666 under umask for a new
 * file), then the explicit mode/owner/group, the optional backup copy, and rename. The temp
 * file is removed on any failure. Prints the backup path, if any.
 */
export function atomicWriteScript(path: string, opts: AtomicWriteOptions = {}): string {
  const base = posix.basename(path).slice(0, 64) || 'file';
  const lines = [
    `p=${shellQuote(path)}`,
    ...(opts.follow ? [`if [ -L "$p" ]; then p=$(readlink -f -- "$p") || exit; fi`] : []),
    `case $p in */*) d=\${p%/*}; [ -n "$d" ] || d=/ ;; *) d=. ;; esac`,
    `if [ -d "$p" ] && [ ! -L "$p" ]; then echo "$p: is a directory" >&2; exit 1; fi`,
    `t=$(mktemp "$d"/${shellQuote(`.${base}.k8sp-XXXXXXXX`)}) || exit`,
    `trap 'rm -f -- "$t"' EXIT; trap 'exit 1' HUP INT TERM`,
    `cat >"$t" || exit`,
    // dd with no input and conv=fsync only flushes the file; `sync` where dd cannot.
    `dd if=/dev/null of="$t" conv=notrunc,fsync 2>/dev/null || sync`,
    `if [ -e "$p" ]; then`,
    `  s=$(stat -L -c '%a %u %g' -- "$p") || exit; set -- $s`,
    `  chmod "$1" "$t" || exit`,
    // Like Ansible's atomic_move: keeping the owner is best effort (EPERM when not root).
    `  chown "$2:$3" "$t" 2>/dev/null || chgrp "$3" "$t" 2>/dev/null || :`,
    `else`,
    `  m=$(umask); chmod "$(printf '%o' $((0666 & ~m)))" "$t" || exit`,
    `fi`,
  ];
  if (opts.mode !== undefined) lines.push(`chmod ${shellQuote(modeArg(opts.mode))} "$t" || exit`);
  if (opts.owner !== undefined) lines.push(`chown -- ${shellQuote(opts.owner)} "$t" || exit`);
  if (opts.group !== undefined) lines.push(`chgrp -- ${shellQuote(opts.group)} "$t" || exit`);
  lines.push(`b=`);
  if (opts.backup) {
    // Ansible's backup_local name: path.PID.YYYY-MM-DD@HH:MM:SS~ (next free PID-like number
    // when two backups fall in the same second).
    lines.push(
      `if [ -e "$p" ]; then`,
      `  k8sp_ts=$(date +%Y-%m-%d@%H:%M:%S); n=$$`,
      `  while [ -e "$p.$n.$k8sp_ts~" ] || [ -L "$p.$n.$k8sp_ts~" ]; do n=$((n + 1)); done`,
      `  b="$p.$n.$k8sp_ts~"; cp -p -- "$p" "$b" || exit`,
      `fi`,
    );
  }
  lines.push(`mv -f -- "$t" "$p" || exit`, `printf '%s' "$b"`);
  return lines.join('\n');
}

/**
 * Write a file atomically on the host (see atomicWriteScript): readers see the old or the new
 * content, never a part. One shell round trip.
 * @throws ModuleFailure with rc and stderr when the write fails.
 */
export async function writeFileAtomic(
  conn: Exec,
  path: string,
  content: string | Buffer,
  opts: AtomicWriteOptions = {},
): Promise<WriteFileResult> {
  const r = await conn.exec(atomicWriteScript(path, opts), {
    stdin: content,
    ...(opts.become ? { become: opts.become } : {}),
  });
  if (r.rc !== 0) {
    throw new ModuleFailure(`could not write ${path}: ${r.stderr.trim() || `exit status ${r.rc}`}`, {
      path,
      rc: r.rc,
      stderr: r.stderr,
    });
  }
  return r.stdout ? { backupFile: r.stdout } : {};
}

/**
 * Read a whole file through the shell (base64, binary-safe), or null when it does not exist.
 * What transports without a file API use for Connection.get.
 * @throws ModuleFailure when it exists but cannot be read.
 */
export async function readFileViaShell(
  conn: Exec,
  path: string,
  opts: { become?: BecomeSpec | false } = {},
): Promise<Buffer | null> {
  // '-' is not in the base64 alphabet, so it cannot be mistaken for content.
  const script =
    `p=${shellQuote(path)}; if [ ! -e "$p" ]; then printf -; exit 0; fi; ` +
    `if [ -d "$p" ]; then echo "$p: is a directory" >&2; exit 1; fi; base64 <"$p"`;
  const r = await conn.exec(script, opts.become ? { become: opts.become } : {});
  if (r.rc !== 0) {
    throw new ModuleFailure(`could not read ${path}: ${r.stderr.trim() || `exit status ${r.rc}`}`, {
      path,
      rc: r.rc,
      stderr: r.stderr,
    });
  }
  if (r.stdout === '-') return null;
  return Buffer.from(r.stdout, 'base64');
}

/** A file's text (UTF-8), or null when it does not exist. */
export async function readFileText(
  conn: Pick<Connection, 'get'>,
  path: string,
  opts: { become?: BecomeSpec | false } = {},
): Promise<string | null> {
  const b = await conn.get(path, opts);
  return b === null ? null : b.toString('utf8');
}

const S_IFMT = 0o170000;
const TYPES: Record<number, FileStat['type']> = { 0o100000: 'file', 0o040000: 'directory', 0o120000: 'link' };

/**
 * Status of a path without following a final symlink (lstat), with the link's target.
 * One command: `stat -c` with fields GNU coreutils and busybox both know.
 */
export async function statFile(conn: Exec, path: string, opts: { become?: BecomeSpec | false } = {}): Promise<FileStat> {
  const script =
    `p=${shellQuote(path)}; if [ -L "$p" ] || [ -e "$p" ]; then ` +
    `s=$(stat -c '%f %u %g %s %U %G' -- "$p") || exit; printf '%s\\n' "$s"; ` +
    `if [ -L "$p" ]; then readlink -- "$p" || exit; fi; else echo absent; fi`;
  const r = await conn.exec(script, opts.become ? { become: opts.become } : {});
  if (r.rc !== 0) {
    throw new ModuleFailure(`could not stat ${path}: ${r.stderr.trim() || `exit status ${r.rc}`}`, {
      path,
      rc: r.rc,
      stderr: r.stderr,
    });
  }
  return parseStat(r.stdout, path);
}

/** Parse the output of statFile's command. */
export function parseStat(out: string, path = ''): FileStat {
  if (out === 'absent\n') return { exists: false };
  const nl = out.indexOf('\n');
  const fields = out.slice(0, nl < 0 ? undefined : nl).split(' ');
  if (fields.length < 6) throw new ModuleFailure(`could not stat ${path}: unexpected output ${JSON.stringify(out)}`);
  const raw = parseInt(fields[0]!, 16);
  const owner = fields[4]!;
  const group = fields.slice(5).join(' ');
  const st: FileStat = {
    exists: true,
    type: TYPES[raw & S_IFMT] ?? 'other',
    mode: (raw & 0o7777).toString(8).padStart(4, '0'),
    uid: Number(fields[1]),
    gid: Number(fields[2]),
    size: Number(fields[3]),
  };
  if (owner !== 'UNKNOWN') st.owner = owner;
  if (group !== 'UNKNOWN') st.group = group;
  if (st.type === 'link' && nl >= 0) st.linkTarget = out.slice(nl + 1).replace(/\n$/, '');
  return st;
}
