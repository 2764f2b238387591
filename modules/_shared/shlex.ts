/**
 * Python's `shlex.split(s)` (POSIX mode, no comments): how Ansible's `command` module and
 * the `validate` options turn a string into argv. Kept exact so `command: echo "a b"` gives
 * the same words as Ansible.
 */

/** Thrown for an unclosed quote or a trailing backslash, with Python's messages. */
export class ShlexError extends Error {}

const WHITESPACE = ' \t\r\n';

/** Split a command line into words the way Python's shlex.split does. */
export function shlexSplit(s: string): string[] {
  const words: string[] = [];
  let token = '';
  let inToken = false;
  let i = 0;
  while (i < s.length) {
    const c = s[i]!;
    if (WHITESPACE.includes(c)) {
      if (inToken) { words.push(token); token = ''; inToken = false; }
      i++;
    } else if (c === "'") {
      const end = s.indexOf("'", i + 1);
      if (end < 0) throw new ShlexError('No closing quotation');
      token += s.slice(i + 1, end);
      inToken = true;
      i = end + 1;
    } else if (c === '"') {
      // Inside double quotes a backslash escapes only `"` and `\`; otherwise it is kept.
      i++;
      inToken = true;
      for (;;) {
        if (i >= s.length) throw new ShlexError('No closing quotation');
        const d = s[i]!;
        if (d === '"') { i++; break; }
        if (d === '\\') {
          if (i + 1 >= s.length) throw new ShlexError('No closing quotation');
          const n = s[i + 1]!;
          token += n === '"' || n === '\\' ? n : '\\' + n;
          i += 2;
          continue;
        }
        token += d;
        i++;
      }
    } else if (c === '\\') {
      if (i + 1 >= s.length) throw new ShlexError('No escaped character');
      token += s[i + 1];
      inToken = true;
      i += 2;
    } else {
      token += c;
      inToken = true;
      i++;
    }
  }
  if (inToken) words.push(token);
  return words;
}
