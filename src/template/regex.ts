/**
 * Python `re` patterns in JavaScript: named groups `(?P<n>...)`, `(?P=n)`, leading inline flags
 * `(?i)`, `\A`/`\Z`, and `$` matching before a final newline; plus re.sub's replacement
 * syntax (`\1`, `\g<name>`). Compiled patterns are cached.
 */
import { TemplateFault } from './runtime-error.js';
import { tuple } from './python.js';

const cache = new Map<string, RegExp>();

function translate(pattern: string, multiline: boolean): string {
  let out = '';
  let inClass = false;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '\\') {
      const n = pattern[i + 1];
      if (!inClass && n === 'A') out += '(?<![\\s\\S])';
      else if (!inClass && n === 'Z') out += '(?![\\s\\S])';
      else out += c + (n ?? '');
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
      // A ']' right after '[' or '[^' is literal in Python.
      if (pattern[i + 1] === '^') {
        out += '^';
        i++;
      }
      if (pattern[i + 1] === ']') {
        out += '\\]';
        i++;
      }
      continue;
    }
    if (pattern.startsWith('(?P<', i)) {
      out += '(?<';
      i += 3;
      continue;
    }
    if (pattern.startsWith('(?P=', i)) {
      const end = pattern.indexOf(')', i);
      out += `\\k<${pattern.slice(i + 4, end)}>`;
      i = end;
      continue;
    }
    if (c === '$' && !multiline) {
      // Python's $ also matches before a newline that ends the string.
      out += '(?=\\n?(?![\\s\\S]))';
      continue;
    }
    out += c;
  }
  return out;
}

/** Compile a Python pattern. `extraFlags` may hold i, m, s, g, y. */
export function pyRegex(pattern: string, opts: { ignorecase?: boolean; multiline?: boolean; global?: boolean; sticky?: boolean } = {}): RegExp {
  let flags = '';
  let body = pattern;
  const lead = /^\(\?([aiLmsux]+)\)/.exec(body);
  if (lead) {
    body = body.slice(lead[0].length);
    for (const f of lead[1]!) if ('ims'.includes(f) && !flags.includes(f)) flags += f;
  }
  if (opts.ignorecase && !flags.includes('i')) flags += 'i';
  if (opts.multiline && !flags.includes('m')) flags += 'm';
  if (opts.global) flags += 'g';
  if (opts.sticky) flags += 'y';
  const key = flags + '\0' + body;
  let re = cache.get(key);
  if (!re) {
    try {
      re = new RegExp(translate(body, flags.includes('m')), flags);
    } catch (e) {
      throw new TemplateFault(`invalid regular expression ${JSON.stringify(pattern)}: ${(e as Error).message}`, 'filter');
    }
    if (cache.size > 1000) cache.clear();
    cache.set(key, re);
  }
  re.lastIndex = 0;
  return re;
}

/** Python's re.match (anchored at the start) or re.search. */
export function pyMatch(re: RegExp, text: string, anchored: boolean): RegExpExecArray | null {
  if (!anchored) {
    re.lastIndex = 0;
    return re.exec(text);
  }
  const sticky = new RegExp(re.source, re.flags.replace('g', '') + (re.flags.includes('y') ? '' : 'y'));
  return sticky.exec(text);
}

const REPL_ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', f: '\f', v: '\v', a: '\x07', b: '\b', '\\': '\\' };

/** Expand a re.sub replacement template for one match. */
export function expandReplacement(template: string, m: RegExpExecArray): string {
  let out = '';
  for (let i = 0; i < template.length; i++) {
    const c = template[i]!;
    if (c !== '\\') {
      out += c;
      continue;
    }
    const n = template[i + 1];
    if (n === undefined) throw new TemplateFault('bad escape (end of pattern)', 'filter');
    if (n === 'g') {
      const g = /^\\g<([^>]+)>/.exec(template.slice(i));
      if (!g) throw new TemplateFault('missing group name in replacement', 'filter');
      const name = g[1]!;
      const v = /^\d+$/.test(name) ? m[Number(name)] : m.groups?.[name];
      if (/^\d+$/.test(name) ? Number(name) >= m.length : !(m.groups && name in m.groups)) {
        throw new TemplateFault(`invalid group reference ${name}`, 'filter');
      }
      out += v ?? '';
      i += g[0].length - 1;
      continue;
    }
    if (n >= '0' && n <= '9') {
      const d = /^\d{1,2}/.exec(template.slice(i + 1))![0];
      const idx = Number(d);
      if (idx >= m.length) throw new TemplateFault(`invalid group reference ${idx}`, 'filter');
      out += m[idx] ?? '';
      i += d.length;
      continue;
    }
    const esc = REPL_ESCAPES[n];
    if (esc !== undefined) out += esc;
    else if (/[a-zA-Z]/.test(n)) throw new TemplateFault(`bad escape \\${n}`, 'filter');
    else out += '\\' + n;
    i++;
  }
  return out;
}

/** Python's re.sub(pattern, repl, text, count). Returns the text and the number of substitutions. */
export function pySub(re: RegExp, repl: string, text: string, count: number): [string, number] {
  const g = new RegExp(re.source, re.flags.includes('g') ? re.flags : re.flags + 'g');
  let n = 0;
  let out = '';
  let last = 0;
  let m: RegExpExecArray | null;
  while ((m = g.exec(text))) {
    if (count > 0 && n >= count) break;
    out += text.slice(last, m.index) + expandReplacement(repl, m);
    last = m.index + m[0].length;
    n++;
    if (m[0] === '') {
      // Step over an empty match, copying the character it stood before.
      if (m.index < text.length) out += text[m.index];
      last = m.index + 1;
      g.lastIndex = m.index + 1;
      if (m.index >= text.length) break;
    }
  }
  if (last <= text.length) out += text.slice(last);
  return [out, n];
}

/** Python's re.findall: whole matches, the single group, or tuples of groups. */
export function pyFindall(re: RegExp, text: string): unknown[] {
  const g = new RegExp(re.source, re.flags.includes('g') ? re.flags : re.flags + 'g');
  const out: unknown[] = [];
  let m: RegExpExecArray | null;
  while ((m = g.exec(text))) {
    if (m.length === 1) out.push(m[0]);
    else if (m.length === 2) out.push(m[1] ?? '');
    else out.push(tuple(m.slice(1).map((x) => x ?? '')));
    if (m[0] === '') g.lastIndex = m.index + 1;
  }
  return out;
}

const PY_SPECIAL = new Set('()[]{}?*+-|^$\\.&~# \t\n\r\v\f');

/** Python's re.escape. */
export function pyEscape(s: string): string {
  let out = '';
  for (const c of s) out += PY_SPECIAL.has(c) ? '\\' + c : c;
  return out;
}
