/** Small pieces several filters share: attribute paths, Python int()/float() parsing. */
import { getAttr } from '../ops.js';
import { Undefined, undefinedFault } from '../undefined.js';
import { TemplateFault, typeFault } from '../runtime-error.js';
import { pyIter, pyStr, pyTypeName } from '../python.js';

/**
 * Jinja2's attribute getter: "a.b.0" reads item a, then b, then index 0. Returns Undefined
 * (or `dflt` when given) for a missing step.
 */
export function attrPath(value: unknown, attribute: unknown, dflt?: unknown): unknown {
  const parts = typeof attribute === 'string' ? attribute.split('.') : [attribute];
  let v = value;
  for (const p of parts) {
    v = getAttr(v, typeof p === 'string' && /^\d+$/.test(p) ? Number(p) : p, false);
    if (v instanceof Undefined) return dflt !== undefined ? dflt : v;
  }
  return v;
}

/** Throw when `v` is Undefined (for filter arguments, which StrictUndefined rejects on use). */
export function need<T>(v: T): Exclude<T, Undefined> {
  if (v instanceof Undefined) throw undefinedFault(v);
  return v as Exclude<T, Undefined>;
}

/** A list from any iterable value (dict -> keys, str -> characters). */
export function toList(v: unknown): unknown[] {
  return Array.from(pyIter(v));
}

/** Python's int(str, base): whitespace and underscores between digits allowed. */
export function parsePyInt(s: string, base: number): number | undefined {
  let t = s.trim().replace(/(?<=[0-9a-zA-Z])_(?=[0-9a-zA-Z])/g, '');
  let sign = 1;
  if (t.startsWith('-') || t.startsWith('+')) {
    if (t.startsWith('-')) sign = -1;
    t = t.slice(1);
  }
  const prefixes: Record<string, number> = { '0x': 16, '0o': 8, '0b': 2 };
  const pre = t.slice(0, 2).toLowerCase();
  if (prefixes[pre] !== undefined && (base === prefixes[pre] || base === 0)) {
    base = prefixes[pre]!;
    t = t.slice(2);
  } else if (base === 0) {
    base = 10;
    if (/^0+[1-9]/.test(t)) return undefined;
  }
  const digits = '0123456789abcdefghijklmnopqrstuvwxyz'.slice(0, base);
  if (!t || ![...t.toLowerCase()].every((c) => digits.includes(c))) return undefined;
  const n = parseInt(t, base);
  return Number.isNaN(n) ? undefined : sign * n;
}

/** Python's float(str). */
export function parsePyFloat(s: string): number | undefined {
  const t = s.trim().replace(/(?<=\d)_(?=\d)/g, '').toLowerCase();
  if (/^[-+]?(inf|infinity)$/.test(t)) return t.startsWith('-') ? -Infinity : Infinity;
  if (/^[-+]?nan$/.test(t)) return NaN;
  if (!/^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/.test(t)) return undefined;
  return Number(t);
}

/** The string form filters work on (Jinja2's soft_str). */
export function text(v: unknown): string {
  need(v);
  return typeof v === 'string' ? v : pyStr(v);
}

export function requireString(v: unknown, filter: string): string {
  need(v);
  if (typeof v !== 'string') throw typeFault(`${filter} expects a string, got ${pyTypeName(v)}`);
  return v;
}

export function filterFault(message: string): TemplateFault {
  return new TemplateFault(message, 'filter');
}
