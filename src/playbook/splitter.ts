/**
 * Ansible's `k=v` shorthand (`command: ls -l chdir=/tmp`, `debug: msg="hi there"`), ported from
 * ansible/parsing/splitter.py so the same strings split the same way: whitespace separates words
 * except inside quotes and Jinja2 blocks; newlines are kept.
 */
import { PlaybookError, type SourceLocation, formatLocation } from '../errors.js';

function quoteState(token: string, quote: string | null): string | null {
  let q = quote;
  for (let i = 0; i < token.length; i++) {
    const c = token[i]!;
    if ((c === '"' || c === "'") && (i === 0 || token[i - 1] !== '\\')) {
      if (q) { if (c === q) q = null; } else q = c;
    }
  }
  return q;
}

function countOccurrences(s: string, sub: string): number {
  let n = 0;
  for (let i = s.indexOf(sub); i !== -1; i = s.indexOf(sub, i + sub.length)) n++;
  return n;
}

function blockDepth(token: string, depth: number, open: string, close: string): number {
  const o = countOccurrences(token, open);
  const c = countOccurrences(token, close);
  return o === c ? depth : Math.max(0, depth + o - c);
}

/**
 * Split on whitespace, gluing back words split inside quotes or `{{ }}`, `{% %}`, `{# #}`.
 * Throws PlaybookError (at `loc`) on unbalanced quotes or blocks, as Ansible does.
 */
export function splitArgs(args: string, loc?: SourceLocation): string[] {
  const params: string[] = [];
  const items = args.split('\n');
  let quote: string | null = null;
  let inQuotes = false;
  let printDepth = 0;
  let blockD = 0;
  let commentDepth = 0;
  const append = (s: string): void => { params.push(s); };
  const last = (s: string): void => {
    if (params.length === 0) params.push(s);
    else params[params.length - 1] += s;
  };
  items.forEach((item, itemIdx) => {
    const tokens = item.split(' ');
    let continuation = false;
    tokens.forEach((token, idx) => {
      if (token.length === 0 && idx !== 0) { last(' '); return; }
      if (token === '\\' && !inQuotes) { continuation = true; return; }
      const wasInQuotes = inQuotes;
      quote = quoteState(token, quote);
      inQuotes = quote !== null;
      let appended = false;
      const inBlock = printDepth || blockD || commentDepth;
      if (inQuotes && !wasInQuotes && !inBlock) {
        append(token);
        appended = true;
      } else if (inBlock || inQuotes || wasInQuotes) {
        if (idx === 0 && wasInQuotes) last(token);
        else if (tokens.length > 1) last((idx > 0 ? ' ' : '') + token);
        else last('\n' + token);
        appended = true;
      }
      const pd = printDepth;
      printDepth = blockDepth(token, printDepth, '{{', '}}');
      if (printDepth !== pd && !appended) { append(token); appended = true; }
      const bd = blockD;
      blockD = blockDepth(token, blockD, '{%', '%}');
      if (blockD !== bd && !appended) { append(token); appended = true; }
      const cd = commentDepth;
      commentDepth = blockDepth(token, commentDepth, '{#', '#}');
      if (commentDepth !== cd && !appended) { append(token); appended = true; }
      if (!(printDepth || blockD || commentDepth) && !inQuotes && !appended && token !== '') append(token);
    });
    if (items.length > 1 && itemIdx !== items.length - 1 && !continuation && params.length) last('\n');
  });
  if (printDepth || blockD || commentDepth || inQuotes) {
    const where = loc ? ` at ${formatLocation(loc)}` : '';
    throw new PlaybookError(`failed at splitting arguments, either an unbalanced jinja2 block or quotes${where}: ${args}`, loc ? { location: loc } : {});
  }
  return params;
}

/** Join words the way Ansible rebuilds free-form text: a space between words, none after a newline. */
export function joinArgs(words: string[]): string {
  let out = '';
  for (const w of words) out += out.length === 0 || out.endsWith('\n') ? w : ' ' + w;
  return out;
}

const SIMPLE_ESCAPES: Record<string, string> = {
  '\\': '\\', "'": "'", '"': '"', a: '\x07', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v',
};

/** Python's unicode-escape decoding of the escapes Ansible decodes in k=v values. */
export function decodeEscapes(s: string): string {
  return s.replace(/\\(U[0-9a-fA-F]{8}|u[0-9a-fA-F]{4}|x[0-9a-fA-F]{2}|[\\'"abfnrtv])/g, (_m, e: string) => {
    if (e.length === 1) return SIMPLE_ESCAPES[e]!;
    return String.fromCodePoint(parseInt(e.slice(1), 16));
  });
}

/** Strip one pair of matching surrounding quotes (Ansible's unquote). */
export function unquote(s: string): string {
  if (s.length > 1 && s[0] === s[s.length - 1] && (s[0] === '"' || s[0] === "'") && s[s.length - 2] !== '\\') return s.slice(1, -1);
  return s;
}

/** One `k=v` found in a free-form string, with the word as written (to find its position). */
export interface KvParam {
  key: string;
  value: string;
  word: string;
}

export interface ParsedKv {
  params: KvParam[];
  /** Words that are not parameters, rejoined (Ansible's `_raw_params`), or undefined when none. */
  raw?: string;
  /** The same words, one by one. */
  rawWords: string[];
}

/**
 * Split `k=v` words from free text. `isParam(k)` decides which keys are parameters: for a
 * free-form module only its known arguments are (the rest stays command text); otherwise every
 * `k=v` word is one.
 */
export function parseKv(text: string, isParam: (key: string) => boolean, loc?: SourceLocation): ParsedKv {
  const params: KvParam[] = [];
  const raw: string[] = [];
  for (const word of splitArgs(text, loc)) {
    const x = decodeEscapes(word);
    // The first '=' that is not escaped and not the first character.
    let pos = -1;
    for (let i = x.indexOf('=', 1); i !== -1; i = x.indexOf('=', i + 1)) {
      if (x[i - 1] !== '\\') { pos = i; break; }
    }
    if (pos === -1) {
      raw.push(x.includes('=') ? x.replaceAll('\\=', '=') : word);
      continue;
    }
    const key = x.slice(0, pos).trim();
    if (!isParam(key)) { raw.push(word); continue; }
    params.push({ key, value: unquote(x.slice(pos + 1).trim()), word });
  }
  return raw.length ? { params, raw: joinArgs(raw), rawWords: raw } : { params, rawWords: raw };
}
