/**
 * Shell text that prints a file's bytes exactly, without a process when it can prove it did.
 *
 * A module's gather reads files it may rewrite (fstab, sysctl files, .repo files...): the text
 * must be byte for byte what is on disk. `cat` is exact but costs a fork+exec on the host for
 * every file. The shell's `read` is a builtin, and with `IFS=` and `-r` keeps backslashes,
 * blanks and every byte but NUL, which it drops silently (dash, bash, busybox). So the file
 * is read with `read`, and kept only when the bytes held equal the file offset the kernel
 * reports for the descriptor (/proc/self/fdinfo): a dropped NUL, a multibyte character
 * counted as one (bash in a UTF-8 locale) or a missing /proc all fail the check, and `cat`
 * prints the file instead. dash reads one byte per syscall, so files over READ_BUILTIN_MAX
 * bytes go to `cat` too.
 */

/** Largest file read with builtins; past it one `cat` is cheaper than a syscall per byte. */
export const READ_BUILTIN_MAX = 4096;

/**
 * Shell text printing the file at `path` (already a regular file, or the caller accepts
 * `cat`'s answer for anything else) on stdout, unchanged. Its exit status is 0 when the
 * file was read, else `cat`'s (1 for a missing or unreadable file). Uses the variables
 * k8sp_rb, k8sp_rl, k8sp_rp, k8sp_rx; no `exit`, so it can run in the caller's shell.
 * Files under /proc and /sys are left to cat: some entries answer only a read at offset 0
 * (integer sysctls), so dash's one-byte reads would see their first byte as the whole file.
 */
export function readFileCommand(path: string, quote: (s: string) => string): string {
  const p = quote(path);
  if (/^\/(proc|sys)\//.test(path)) return `cat -- ${p}`;
  return [
    `k8sp_rb= k8sp_rl= k8sp_rp=`,
    `if [ -f ${p} ]; then`,
    // 2>/dev/null first: an unreadable file's "cannot open" message goes nowhere, cat says why.
    `  { while IFS= read -r k8sp_rl; do k8sp_rb="$k8sp_rb$k8sp_rl`,
    `"; k8sp_rl=; if [ \${#k8sp_rb} -gt ${READ_BUILTIN_MAX} ]; then k8sp_rp=big; break; fi; done`,
    `    k8sp_rb="$k8sp_rb$k8sp_rl"`,
    // fd 5 shares the file's offset; its fdinfo's first line is "pos:<TAB><bytes read>".
    `    [ -n "$k8sp_rp" ] || IFS=' \t' read -r k8sp_rx k8sp_rp 5<&0 </proc/self/fdinfo/5`,
    `  } 2>/dev/null <${p}`,
    `fi`,
    `if [ "$k8sp_rp" = "\${#k8sp_rb}" ]; then printf %s "$k8sp_rb"; else cat -- ${p}; fi`,
  ].join('\n');
}

/** What fileContentSection found at a path. */
export type FileContent =
  | { kind: 'file'; content: string }
  | { kind: 'absent' }
  | { kind: 'directory' }
  | { kind: 'unreadable'; message: string };

/**
 * A read-sections command (inline-safe) for a path that may be missing: prints D (a
 * directory), N (nothing there, or a dangling link), R (not readable by the user), or F and
 * the exact content (links followed, like a read of the path).
 */
export function fileContentSection(path: string, quote: (s: string) => string): string {
  const p = quote(path);
  return `if [ -d ${p} ]; then printf D; elif [ ! -e ${p} ]; then printf N; elif [ ! -r ${p} ]; then printf R; else printf F; ${readFileCommand(path, quote)}\nfi`;
}

/** Parse a fileContentSection's answer (its output and status). */
export function parseFileContentSection(s: { out: string; rc: number } | undefined, path: string): FileContent {
  if (!s || s.out === '') throw new Error(`no answer reading ${path}`);
  switch (s.out[0]) {
    case 'D': return { kind: 'directory' };
    case 'N': return { kind: 'absent' };
    case 'R': return { kind: 'unreadable', message: 'Permission denied' };
    case 'F':
      return s.rc === 0 ? { kind: 'file', content: s.out.slice(1) } : { kind: 'unreadable', message: `read failed (exit status ${s.rc})` };
    default: throw new Error(`unexpected answer reading ${path}: ${JSON.stringify(s.out.slice(0, 40))}`);
  }
}
