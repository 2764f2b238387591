/**
 * Python's json.dumps as Ansible's to_json/to_nice_json call it: ", " and ": " separators by
 * default, ensure_ascii (non-ASCII as \uXXXX), optional sort_keys and indent.
 */
import { isDict, pyNumber } from './python.js';
import { typeFault } from './runtime-error.js';

export interface PyJsonOptions {
  indent?: number | string | null;
  sortKeys?: boolean;
  ensureAscii?: boolean;
  separators?: [string, string];
}

function jsonString(s: string, ensureAscii: boolean): string {
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    const ch = s[i]!;
    if (ch === '"') out += '\\"';
    else if (ch === '\\') out += '\\\\';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (ch === '\b') out += '\\b';
    else if (ch === '\f') out += '\\f';
    else if (c < 0x20 || (ensureAscii && c > 0x7e)) out += '\\u' + c.toString(16).padStart(4, '0');
    else out += ch;
  }
  return out + '"';
}

function jsonNumber(n: number): string {
  if (Number.isNaN(n)) return 'NaN';
  if (n === Infinity) return 'Infinity';
  if (n === -Infinity) return '-Infinity';
  return pyNumber(n);
}

/** json.dumps(value, ...) with Python's formatting. */
export function pyJsonDumps(value: unknown, opts: PyJsonOptions = {}): string {
  const ensureAscii = opts.ensureAscii !== false;
  const indentStr = opts.indent === undefined || opts.indent === null ? null : typeof opts.indent === 'number' ? ' '.repeat(opts.indent) : opts.indent;
  const [itemSep, keySep] = opts.separators ?? (indentStr === null ? [', ', ': '] : [',', ': ']);
  const seen = new Set<unknown>();
  const enc = (v: unknown, level: number): string => {
    if (v === null || v === undefined) return 'null';
    switch (typeof v) {
      case 'string':
        return jsonString(v, ensureAscii);
      case 'number':
        return jsonNumber(v);
      case 'boolean':
        return v ? 'true' : 'false';
      case 'bigint':
        return v.toString();
      default:
    }
    if (typeof v !== 'object') throw typeFault(`Object of type ${typeof v} is not JSON serializable`);
    if (seen.has(v)) throw typeFault('Circular reference detected');
    seen.add(v);
    try {
      const nl = indentStr === null ? '' : '\n' + indentStr.repeat(level + 1);
      const end = indentStr === null ? '' : '\n' + indentStr.repeat(level);
      if (Array.isArray(v)) {
        if (!v.length) return '[]';
        return '[' + nl + v.map((x) => enc(x, level + 1)).join(itemSep + nl) + end + ']';
      }
      if (!isDict(v)) return enc(String(v), level);
      let keys = Object.keys(v);
      if (opts.sortKeys) keys = keys.sort();
      if (!keys.length) return '{}';
      return '{' + nl + keys.map((k) => jsonString(k, ensureAscii) + keySep + enc(v[k], level + 1)).join(itemSep + nl) + end + '}';
    } finally {
      seen.delete(v);
    }
  };
  return enc(value, 0);
}
