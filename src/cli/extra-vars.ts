/**
 * `-e/--extra-vars` values, read as Ansible reads them (utils/vars.py load_extra_vars):
 * `@file` (YAML or JSON), inline YAML/JSON starting with `{` or `[`, else `k=v k2="v 2"` words
 * split by Ansible's split_args and parse_kv. Later values win, key by key (hash_behaviour
 * replace).
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { InputError, OptionsError } from '../errors.js';
import { parseYamlFile } from '../inventory/yaml-file.js';

/**
 * Ansible's split_args: split on spaces, but keep quoted strings and Jinja2 blocks
 * (`{{ }}`, `{% %}`, `{# #}`) together; newlines are kept inside quotes.
 */
export function splitArgs(args: string): string[] {
  const params: string[] = [];
  const items = args.split('\n');
  let quoteChar: string | undefined;
  let insideQuotes = false;
  let printDepth = 0;
  let blockDepth = 0;
  let commentDepth = 0;
  const last = (): string => params[params.length - 1] ?? '';
  const setLast = (v: string): void => { if (params.length) params[params.length - 1] = v; else params.push(v); };

  items.forEach((item, itemIdx) => {
    const tokens = item.split(' ');
    let lineContinuation = false;
    tokens.forEach((token, idx) => {
      // Runs of spaces are kept inside the previous word (Ansible fails on leading ones; we skip them).
      if (token.length === 0 && idx !== 0) { if (params.length) setLast(last() + ' '); return; }
      if (token === '\\' && !insideQuotes) { lineContinuation = true; return; }
      const wasInsideQuotes = insideQuotes;
      quoteChar = quoteState(token, quoteChar);
      insideQuotes = quoteChar !== undefined;
      let appended = false;
      const inJinja = printDepth || blockDepth || commentDepth;
      if (insideQuotes && !wasInsideQuotes && !inJinja) {
        params.push(token);
        appended = true;
      } else if (inJinja || insideQuotes || wasInsideQuotes) {
        if (idx === 0 && wasInsideQuotes) setLast(last() + token);
        else if (tokens.length > 1) setLast(last() + (idx > 0 ? ' ' : '') + token);
        else setLast(`${last()}\n${token}`);
        appended = true;
      }
      const prevPrint = printDepth;
      printDepth = jinjaDepth(token, printDepth, '{{', '}}');
      if (printDepth !== prevPrint && !appended) { params.push(token); appended = true; }
      const prevBlock = blockDepth;
      blockDepth = jinjaDepth(token, blockDepth, '{%', '%}');
      if (blockDepth !== prevBlock && !appended) { params.push(token); appended = true; }
      const prevComment = commentDepth;
      commentDepth = jinjaDepth(token, commentDepth, '{#', '#}');
      if (commentDepth !== prevComment && !appended) { params.push(token); appended = true; }
      if (!(printDepth || blockDepth || commentDepth) && !insideQuotes && !appended && token !== '') params.push(token);
    });
    if (items.length > 1 && itemIdx !== items.length - 1 && !lineContinuation && params.length) setLast(last() + '\n');
  });
  if (printDepth || blockDepth || commentDepth || insideQuotes) {
    throw new OptionsError(`failed at splitting arguments, either an unbalanced jinja2 block or quotes: ${args}`);
  }
  return params;
}

/** The quote still open after `token`, given the one open before it. */
function quoteState(token: string, quoteChar: string | undefined): string | undefined {
  let q = quoteChar;
  for (let i = 0; i < token.length; i++) {
    const c = token[i]!;
    if ((c === '"' || c === "'") && (i === 0 || token[i - 1] !== '\\')) {
      if (q) { if (c === q) q = undefined; } else q = c;
    }
  }
  return q;
}

function countOf(s: string, sub: string): number {
  let n = 0;
  for (let i = s.indexOf(sub); i !== -1; i = s.indexOf(sub, i + sub.length)) n++;
  return n;
}

function jinjaDepth(token: string, depth: number, open: string, close: string): number {
  const o = countOf(token, open);
  const c = countOf(token, close);
  if (o === c) return depth;
  return Math.max(0, depth + o - c);
}

/** Python's unicode-escape decoding of the escapes parse_kv accepts (\n, \t, \x41, \u00e9, ...). */
function decodeEscapes(s: string): string {
  const simple: Record<string, string> = { '\\': '\\', "'": "'", '"': '"', a: '\x07', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v' };
  return s.replace(/\\(U[0-9a-fA-F]{8}|u[0-9a-fA-F]{4}|x[0-9a-fA-F]{2}|[\\'"abfnrtv])/g, (_m, e: string) => {
    if (e.length === 1) return simple[e]!;
    const cp = parseInt(e.slice(1), 16);
    return cp <= 0x10ffff ? String.fromCodePoint(cp) : _m;
  });
}

/** Ansible's unquote: strip one pair of matching outer quotes. */
function unquote(s: string): string {
  if (s.length > 1 && s[0] === s[s.length - 1] && (s[0] === '"' || s[0] === "'") && s[s.length - 2] !== '\\') return s.slice(1, -1);
  return s;
}

/**
 * Ansible's parse_kv: `k=v` words into an object of strings. Words without `=` are returned
 * separately (Ansible keeps them as `_raw_params`).
 */
export function parseKv(args: string): { options: Record<string, string>; raw: string[] } {
  const options: Record<string, string> = {};
  const raw: string[] = [];
  for (const orig of splitArgs(args)) {
    const x = decodeEscapes(orig);
    let pos = -1;
    // The first '=' not escaped by a backslash, never at position 0 (as Ansible).
    for (let p = x.indexOf('=', 1); p !== -1; p = x.indexOf('=', p + 1)) {
      if (x[p - 1] !== '\\') { pos = p; break; }
    }
    if (pos === -1) {
      raw.push(x.includes('=') ? x.replace(/\\=/g, '=') : orig);
      continue;
    }
    options[x.slice(0, pos).trim()] = unquote(x.slice(pos + 1).trim());
  }
  return { options, raw };
}

/** YAML as Ansible's loader reads it (PyYAML's YAML 1.1 scalars), errors located at file:line:col. */
function loadYaml(text: string, file: string): unknown {
  return parseYamlFile(text, file);
}

function isMapping(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/**
 * Read one `-e` value into an object. `cwd` resolves `@file` paths.
 * Throws OptionsError for a value that is not a mapping, InputError for an unreadable or
 * invalid file.
 */
export function readExtraVars(value: string, cwd: string): Record<string, unknown> {
  let data: unknown;
  if (value === '') return {};
  if (value.startsWith('@')) {
    const file = resolve(cwd, value.slice(1));
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (e) {
      throw new InputError(`the extra vars file '${value.slice(1)}' could not be read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
    data = text.trim() === '' ? {} : loadYaml(text, file);
  } else if (value[0] === '/' || value[0] === '.') {
    throw new OptionsError(`Please prepend extra_vars filename '${value}' with '@'`);
  } else if (value[0] === '{' || value[0] === '[') {
    data = loadYaml(value, '<-e>');
  } else {
    const { options, raw } = parseKv(value);
    if (raw.length) {
      throw new OptionsError(`Invalid extra vars data supplied. '${raw.join(' ')}' in '${value}' is not key=value`, {
        details: ["give variables as -e 'key=value', -e '{\"key\": value}' or -e @file.yml"],
      });
    }
    data = options;
  }
  if (!isMapping(data)) {
    throw new OptionsError(`Invalid extra vars data supplied. '${value}' could not be made into a dictionary`);
  }
  return data;
}

/** All `-e` values merged in order; a later value replaces a whole top-level key. */
export function loadExtraVars(values: string[], cwd: string): Record<string, unknown> {
  let out: Record<string, unknown> = {};
  for (const v of values) out = { ...out, ...readExtraVars(v, cwd) };
  return out;
}
