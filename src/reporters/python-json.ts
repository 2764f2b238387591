/**
 * JSON and repr text exactly as Ansible's Python prints them, so output matches byte for byte:
 * `json.dumps(v, sort_keys=True, ensure_ascii=False)` uses ", " and ": " separators when
 * compact, and item labels are Python's str() of the item.
 */

export interface PyJsonOptions {
  /** Spaces per level; undefined gives the one-line form. */
  indent?: number;
  /** Sort object keys (Ansible always does). Default true. */
  sortKeys?: boolean;
}

/** Normalise a value the way JSON.stringify would before formatting (toJSON, undefined...). */
function prepare(v: unknown): unknown {
  if (v !== null && typeof v === 'object' && typeof (v as { toJSON?: unknown }).toJSON === 'function') {
    return (v as { toJSON(): unknown }).toJSON();
  }
  if (typeof v === 'bigint') return Number(v);
  if (v instanceof Map) return Object.fromEntries(v);
  if (v instanceof Set) return [...v];
  return v;
}

/** `json.dumps(value, sort_keys=True, ensure_ascii=False, indent=indent)`. */
export function pyJson(value: unknown, opts: PyJsonOptions = {}): string {
  const sortKeys = opts.sortKeys !== false;
  const indent = opts.indent;
  const seen = new Set<unknown>();
  const fmt = (raw: unknown, level: number): string | undefined => {
    const v = prepare(raw);
    if (v === undefined || typeof v === 'function' || typeof v === 'symbol') return undefined;
    if (v === null) return 'null';
    if (typeof v === 'string') return JSON.stringify(v);
    if (typeof v === 'number') return Number.isFinite(v) ? JSON.stringify(v) : Number.isNaN(v) ? 'NaN' : v > 0 ? 'Infinity' : '-Infinity';
    if (typeof v === 'boolean') return v ? 'true' : 'false';
    if (typeof v !== 'object') return JSON.stringify(String(v));
    if (seen.has(v)) return '"<circular>"';
    seen.add(v);
    try {
      const pad = indent === undefined ? '' : '\n' + ' '.repeat(indent * (level + 1));
      const end = indent === undefined ? '' : '\n' + ' '.repeat(indent * level);
      const sep = indent === undefined ? ', ' : ',';
      if (Array.isArray(v)) {
        if (v.length === 0) return '[]';
        const parts = v.map((x) => fmt(x, level + 1) ?? 'null');
        return `[${pad}${parts.join(sep + pad)}${end}]`;
      }
      let keys = Object.keys(v as object);
      if (sortKeys) keys = keys.sort();
      const parts: string[] = [];
      for (const k of keys) {
        const s = fmt((v as Record<string, unknown>)[k], level + 1);
        if (s !== undefined) parts.push(`${JSON.stringify(k)}: ${s}`);
      }
      if (parts.length === 0) return '{}';
      return `{${pad}${parts.join(sep + pad)}${end}}`;
    } finally {
      seen.delete(v);
    }
  };
  return fmt(value, 0) ?? 'null';
}

/** Python's repr() of a JSON-like value (strings in quotes, True/False/None). */
export function pyRepr(value: unknown): string {
  const v = prepare(value);
  if (v === null || v === undefined) return 'None';
  if (v === true) return 'True';
  if (v === false) return 'False';
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : Number.isNaN(v) ? 'nan' : v > 0 ? 'inf' : '-inf';
  if (typeof v === 'string') return reprString(v);
  if (Array.isArray(v)) return `[${v.map(pyRepr).join(', ')}]`;
  if (typeof v === 'object') {
    return `{${Object.entries(v as object).map(([k, x]) => `${reprString(k)}: ${pyRepr(x)}`).join(', ')}}`;
  }
  return String(v);
}

/** Python's str(): strings as they are, everything else as repr(). */
export function pyStr(value: unknown): string {
  return typeof value === 'string' ? value : pyRepr(value);
}

/** Python's repr of a str: single quotes unless the text has a ' and no ". */
function reprString(s: string): string {
  const q = s.includes("'") && !s.includes('"') ? '"' : "'";
  let out = q;
  for (const ch of s) {
    if (ch === q || ch === '\\') out += '\\' + ch;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (ch < ' ' || ch === '\x7f') out += '\\x' + ch.charCodeAt(0).toString(16).padStart(2, '0');
    else out += ch;
  }
  return out + q;
}
