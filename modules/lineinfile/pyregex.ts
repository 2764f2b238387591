/**
 * Python `re` patterns and replacement templates in JavaScript, for modules whose users write
 * Python regexes (lineinfile, replace). Covers what differs in practice: `$` also matching
 * before a final newline, `\A`/`\Z`, `(?P<n>...)`/`(?P=n)`, leading inline flags and
 * `(?#...)` comments; and `match.expand()` templates (`\1`, `\g<name>`, `\n`).
 */
import { ModuleFailure } from '../../src/index.js';

/** A Python pattern that cannot be used here; the message says why. */
export class PyRegexError extends Error {}

const FLAG_MAP: Record<string, string> = { i: 'i', m: 'm', s: 's' };

/** Compile a Python regular expression to an equivalent JavaScript RegExp (searching, no `g`). */
export function compilePyRegex(pattern: string): RegExp {
  let src = pattern;
  let flags = '';
  // Leading global inline flags, e.g. (?i) or (?ms).
  for (;;) {
    const m = /^\(\?([aiLmsux]+)\)/.exec(src);
    if (!m) break;
    for (const f of m[1]!) {
      if (f === 'x') throw new PyRegexError('verbose regular expressions ((?x)) are not supported');
      const js = FLAG_MAP[f];
      if (js && !flags.includes(js)) flags += js;
    }
    src = src.slice(m[0].length);
  }
  const multiline = flags.includes('m');
  let out = '';
  let inClass = false;
  for (let i = 0; i < src.length; i++) {
    const c = src[i]!;
    if (c === '\\') {
      const n = src[i + 1];
      if (n === undefined) throw new PyRegexError('bad escape (end of pattern)');
      if (!inClass && n === 'A') out += '(?<![\\s\\S])';
      else if (!inClass && n === 'Z') out += '$(?![\\s\\S])';
      else out += c + n;
      i++;
      continue;
    }
    if (inClass) {
      if (c === ']') inClass = false;
      out += c;
      continue;
    }
    if (c === '[') {
      inClass = true;
      out += c;
      // A ']' right after '[' or '[^' is a literal in both languages; copy it so it does not close.
      if (src[i + 1] === '^') { out += '^'; i++; }
      if (src[i + 1] === ']') { out += '\\]'; i++; }
      continue;
    }
    if (c === '$') {
      // Python's $ (without MULTILINE) matches at the end and before a final newline.
      out += multiline ? '$' : '(?=\\n?$(?![\\s\\S]))';
      continue;
    }
    if (c === '(' && src[i + 1] === '?') {
      const rest = src.slice(i);
      let m = /^\(\?P<([A-Za-z_]\w*)>/.exec(rest);
      if (m) { out += `(?<${m[1]}>`; i += m[0].length - 1; continue; }
      m = /^\(\?P=([A-Za-z_]\w*)\)/.exec(rest);
      if (m) { out += `\\k<${m[1]}>`; i += m[0].length - 1; continue; }
      m = /^\(\?#[^)]*\)/.exec(rest);
      if (m) { i += m[0].length - 1; continue; }
      if (/^\(\?[aiLmsux-]+[:)]/.test(rest)) throw new PyRegexError('inline flags are only supported at the start of the pattern');
    }
    out += c;
  }
  try {
    return new RegExp(out, flags);
  } catch (e) {
    throw new PyRegexError((e as Error).message);
  }
}

/** compilePyRegex for a module parameter: a bad pattern fails the task with its name. */
export function compileParam(name: string, pattern: string): RegExp {
  try {
    return compilePyRegex(pattern);
  } catch (e) {
    throw new ModuleFailure(`invalid regular expression in ${name} ${JSON.stringify(pattern)}: ${(e as Error).message}`);
  }
}

const SIMPLE_ESCAPES: Record<string, string> = {
  a: '\x07', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v', '\\': '\\',
};

/** Python's match.expand(template): group references and escapes; an unmatched group is ''. */
export function expandTemplate(template: string, m: RegExpExecArray): string {
  const group = (ref: string): string => {
    if (/^\d+$/.test(ref)) {
      const n = Number(ref);
      if (n >= m.length) throw new PyRegexError(`invalid group reference ${n}`);
      return m[n] ?? '';
    }
    if (!m.groups || !(ref in m.groups)) throw new PyRegexError(`unknown group name '${ref}'`);
    return m.groups[ref] ?? '';
  };
  let out = '';
  for (let i = 0; i < template.length; i++) {
    const c = template[i]!;
    if (c !== '\\') { out += c; continue; }
    const n = template[i + 1];
    if (n === undefined) throw new PyRegexError('bad escape (end of pattern)');
    if (n === 'g') {
      const gm = /^<([^>]*)>/.exec(template.slice(i + 2));
      if (!gm) throw new PyRegexError('missing group name');
      out += group(gm[1]!);
      i += 1 + gm[0].length;
      continue;
    }
    if (n === '0') {
      // \0 and \0NN are octal escapes in Python templates.
      const om = /^0[0-7]{0,2}/.exec(template.slice(i + 1))!;
      out += String.fromCharCode(parseInt(om[0], 8));
      i += om[0].length;
      continue;
    }
    if (/[1-9]/.test(n)) {
      const three = /^[0-7]{3}/.exec(template.slice(i + 1));
      if (three && Number(three[0][0]) <= 3) {
        out += String.fromCharCode(parseInt(three[0], 8));
        i += 3;
        continue;
      }
      const dm = /^\d{1,2}/.exec(template.slice(i + 1))!;
      out += group(dm[0]);
      i += dm[0].length;
      continue;
    }
    if (n === 'x') {
      const hm = /^[0-9a-fA-F]{2}/.exec(template.slice(i + 2));
      if (!hm) throw new PyRegexError('incomplete escape \\x');
      out += String.fromCharCode(parseInt(hm[0], 16));
      i += 3;
      continue;
    }
    if (n in SIMPLE_ESCAPES) { out += SIMPLE_ESCAPES[n]; i++; continue; }
    if (/[A-Za-z]/.test(n)) throw new PyRegexError(`bad escape \\${n}`);
    out += c + n;
    i++;
  }
  return out;
}
