/**
 * Python's `shlex.split(s, comments=True, posix=True)`, which Ansible's INI parser uses to split a
 * host line. Ported state by state from CPython's `shlex.read_token` because its corners differ
 * from a POSIX shell: `#` starts a comment even inside a word (`pass=ab#cd` gives `pass=ab`), and
 * inside double quotes a backslash only escapes `"` and `\`.
 */

const WHITESPACE = ' \t\r\n';
const QUOTES = `'"`;
const ESCAPE = '\\';
const ESCAPED_QUOTES = '"';

/** A character that ends or changes a word: whitespace, a comment start, a quote, an escape. */
function isSpecial(c: string, commenters: string): boolean {
  return WHITESPACE.includes(c) || commenters.includes(c) || QUOTES.includes(c) || ESCAPE.includes(c);
}

/** Thrown with Python's own wording: "No closing quotation", "No escaped character". */
export class ShlexError extends Error {}

/**
 * Splits `s` into words like Python's `shlex.split`. With `comments`, `#` ends the line.
 * Throws ShlexError on an unclosed quote or a trailing backslash.
 */
export function shlexSplit(s: string, comments = true): string[] {
  const commenters = comments ? '#' : '';
  const out: string[] = [];
  let i = 0;
  const read = (): string => (i < s.length ? s[i++]! : '');
  const skipLine = (): void => {
    const nl = s.indexOf('\n', i);
    i = nl < 0 ? s.length : nl + 1;
  };

  // One iteration of the outer loop is one call of read_token.
  for (;;) {
    let state: string | null = ' ';
    let token = '';
    let quoted = false;
    let escapedState = ' ';
    let eof = false;
    for (;;) {
      const c = read();
      if (state === ' ') {
        if (!c) { eof = true; break; }
        if (WHITESPACE.includes(c)) {
          if (token || quoted) break;
          continue;
        }
        if (commenters.includes(c)) { skipLine(); continue; }
        if (ESCAPE.includes(c)) { escapedState = 'a'; state = c; continue; }
        if (QUOTES.includes(c)) { state = c; continue; }
        token = c;
        state = 'a';
      } else if (QUOTES.includes(state)) {
        quoted = true;
        if (!c) throw new ShlexError('No closing quotation');
        if (c === state) state = 'a';
        else if (ESCAPE.includes(c) && ESCAPED_QUOTES.includes(state)) { escapedState = state; state = c; }
        else {
          // The characters up to the closing quote or an escape change nothing: take them at once.
          let j = i;
          while (j < s.length && s[j] !== state && !(ESCAPE.includes(s[j]!) && ESCAPED_QUOTES.includes(state))) j++;
          token += c + s.slice(i, j);
          i = j;
        }
      } else if (ESCAPE.includes(state)) {
        if (!c) throw new ShlexError('No escaped character');
        // Inside quotes only the quote itself or the escape character may be escaped.
        if (QUOTES.includes(escapedState) && c !== state && c !== escapedState) token += state;
        token += c;
        state = escapedState;
      } else {
        // word state 'a'
        if (!c) { eof = true; break; }
        if (WHITESPACE.includes(c)) {
          state = ' ';
          if (token || quoted) break;
          continue;
        }
        if (commenters.includes(c)) {
          skipLine();
          state = ' ';
          if (token || quoted) break;
          continue;
        }
        if (QUOTES.includes(c)) { state = c; continue; }
        if (ESCAPE.includes(c)) { escapedState = 'a'; state = c; continue; }
        // A run of plain word characters changes nothing: take it at once (host lines are long).
        let j = i;
        while (j < s.length && !isSpecial(s[j]!, commenters)) j++;
        token += c + s.slice(i, j);
        i = j;
      }
    }
    if (token || quoted) out.push(token);
    if (eof) return out;
  }
}
