/**
 * The one quoting function for everything that reaches a POSIX shell. Single quotes keep
 * every byte literal except the quote itself, which is written as '\'' (close, escaped quote,
 * reopen), so no expansion ($, `, \, !, globs, newlines) can happen inside.
 */
import { InputError } from '../errors.js';

/** Words made only of these characters mean the same quoted or not (as Python's shlex.quote). */
const SAFE_WORD = /^[A-Za-z0-9_@%+=:,./-]+$/;

/**
 * Quote one argument for a POSIX shell: '' for the empty string, the word itself when it only
 * has safe characters, else a single-quoted string.
 * @throws InputError when the argument contains a NUL byte (no shell can pass one).
 */
export function shellQuote(arg: string): string {
  if (arg === '') return "''";
  if (SAFE_WORD.test(arg)) return arg;
  if (arg.includes('\0')) {
    throw new InputError('a shell argument cannot contain a NUL byte', {
      details: [`argument: ${JSON.stringify(arg.length > 80 ? arg.slice(0, 80) + '...' : arg)}`],
    });
  }
  return `'${arg.replace(/'/g, `'\\''`)}'`;
}

/**
 * Quote each word and join them with spaces into one command line.
 * The first word is quoted even when "safe" if it contains '=', so a command named `A=b`
 * is not read as a variable assignment.
 */
export function shellJoin(argv: readonly string[]): string {
  return argv
    .map((a, i) => {
      const q = shellQuote(a);
      // A safe word has no quote in it, so wrapping it is enough.
      return i === 0 && q === a && a.includes('=') ? `'${a}'` : q;
    })
    .join(' ');
}
