/**
 * "Does anything match this path or glob?" on the host, for command/shell `creates` and
 * `removes` (Ansible uses glob.glob there). Only the glob characters stay unquoted, so a
 * pattern can never run shell code.
 */

/** A shell word for `pattern`: literal parts quoted, `*`, `?` and simple `[...]` left active. */
export function globWord(pattern: string, quote: (s: string) => string): string {
  let out = '';
  let literal = '';
  const flush = () => {
    if (literal) out += quote(literal);
    literal = '';
  };
  let i = 0;
  // A leading ~ or ~/ expands to the home directory, as Ansible's `path` type does.
  if (pattern === '~' || pattern.startsWith('~/')) {
    out += '~';
    i = 1;
  }
  while (i < pattern.length) {
    const c = pattern[i]!;
    if (c === '*' || c === '?') {
      flush();
      out += c;
      i++;
      continue;
    }
    if (c === '[') {
      const m = /^\[!?\]?[A-Za-z0-9_.,:+@%^-]*\]/.exec(pattern.slice(i));
      if (m) {
        flush();
        out += m[0];
        i += m[0].length;
        continue;
      }
    }
    literal += c;
    i++;
  }
  flush();
  return out || "''";
}

/** True when `pattern` has glob characters (otherwise a plain existence test is enough). */
export function hasGlob(pattern: string): boolean {
  return /[*?[]/.test(pattern);
}

/** A shell command that exits 0 when something matches `pattern` (a link counts, even dangling). */
export function globExistsCommand(pattern: string, quote: (s: string) => string): string {
  // A subshell, so `exit` can never end a shared, long-lived shell.
  return `(for f in ${globWord(pattern, quote)}; do if [ -e "$f" ] || [ -L "$f" ]; then exit 0; fi; done; exit 1)`;
}
