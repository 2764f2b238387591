/**
 * Jinja2's built-in filters and Ansible's basic value filters (default, mandatory, bool, int,
 * ternary, type_debug...), with their Python behaviour.
 */
import { Undefined } from '../undefined.js';
import { PyTuple, tuple, isDict, pyAdd, pyCompare, pyEquals, pyIter, pyLen, pyStr, pyTruthy, pyTypeName } from '../python.js';
import { percentFormat } from '../py-format.js';
import { pySplit, pySplitlines } from '../py-methods.js';
import { getAttr } from '../ops.js';
import { typeFault } from '../runtime-error.js';
import { filters, param, type FilterEnv } from './types.js';
import { attrPath, filterFault, need, parsePyFloat, parsePyInt, text, toList } from './helpers.js';

/** Ansible's boolean filter: yes/on/1/true (any case) are true. */
export function ansibleBool(v: unknown): boolean | null {
  if (v === null || v === undefined) return null;
  if (typeof v === 'boolean') return v;
  if (typeof v === 'string') return ['yes', 'on', '1', 'true'].includes(v.toLowerCase());
  if (typeof v === 'number') return v === 1;
  return false;
}

function toInt(value: unknown, dflt: unknown, base: number): unknown {
  if (typeof value === 'number') return Number.isFinite(value) ? Math.trunc(value) : dflt;
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (typeof value === 'string') {
    const n = parsePyInt(value, base);
    if (n !== undefined) return n;
    const f = parsePyFloat(value);
    if (f !== undefined && Number.isFinite(f)) return Math.trunc(f);
  }
  return dflt;
}

function toFloat(value: unknown, dflt: unknown): unknown {
  if (typeof value === 'number') return value;
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (typeof value === 'string') {
    const f = parsePyFloat(value);
    if (f !== undefined) return f;
  }
  return dflt;
}

/** Python 3 round(): halves go to the even neighbour. */
function roundHalfEven(x: number, precision: number): number {
  const m = 10 ** precision;
  const y = x * m;
  const r = Math.round(y);
  const isHalf = Math.abs(y % 1) === 0.5;
  const v = isHalf && r % 2 !== 0 ? r - 1 : r;
  return v / m;
}

function sortKey(case_sensitive: unknown, attribute: unknown): (x: unknown) => unknown {
  return (x) => {
    let v = attribute !== undefined && attribute !== null ? need(attrPath(x, attribute)) : x;
    if (!pyTruthy(case_sensitive) && typeof v === 'string') v = v.toLowerCase();
    return v;
  };
}

function pySort(items: unknown[], key: (x: unknown) => unknown, reverse: boolean): unknown[] {
  const keyed = items.map((x) => [key(x), x] as const);
  keyed.sort((a, b) => (pyCompare(a[0], b[0], '<') ? -1 : pyCompare(b[0], a[0], '<') ? 1 : 0));
  const out = keyed.map((k) => k[1]);
  return reverse ? out.reverse() : out;
}

function minMax(value: unknown, args: unknown[], kw: Record<string, unknown>, max: boolean): unknown {
  const items = toList(value);
  if (!items.length) return new Undefined('No aggregated item, sequence was empty.');
  const key = sortKey(param(args, kw, 0, 'case_sensitive', false), param(args, kw, 1, 'attribute'));
  let best = items[0];
  let bestKey = key(best);
  for (const x of items.slice(1)) {
    const k = key(x);
    if (max ? pyCompare(k, bestKey, '>') : pyCompare(k, bestKey, '<')) {
      best = x;
      bestKey = k;
    }
  }
  return best;
}

/** Jinja2's unique (case-insensitive by default); Python equality for lists and dicts. */
export function uniqueItems(value: unknown, caseSensitive: boolean, attribute?: unknown): unknown[] {
  const out: unknown[] = [];
  const seenKeys: unknown[] = [];
  const seenPrims = new Set<unknown>();
  for (const x of pyIter(value)) {
    let k = attribute !== undefined && attribute !== null ? need(attrPath(x, attribute)) : x;
    if (!caseSensitive && typeof k === 'string') k = k.toLowerCase();
    if (k === null || typeof k !== 'object') {
      const prim = typeof k === 'boolean' ? Number(k) : k;
      if (seenPrims.has(prim)) continue;
      seenPrims.add(prim);
    } else {
      if (seenKeys.some((s) => pyEquals(s, k))) continue;
      seenKeys.push(k);
    }
    out.push(x);
  }
  return out;
}

/** A (grouper, list) pair that also answers `.grouper` and `.list`, like Jinja2's _GroupTuple. */
export class GroupTuple extends PyTuple {
  get grouper(): unknown {
    return this[0];
  }
  get list(): unknown {
    return this[1];
  }
}

function indent(s: string, width: unknown, first: unknown, blank: unknown): string {
  const ind = typeof width === 'string' ? width : ' '.repeat(Number(width));
  const lines = pySplitlines(s + '\n');
  let rv: string;
  if (pyTruthy(blank)) rv = lines.join('\n' + ind);
  else {
    rv = lines.shift() ?? '';
    if (lines.length) rv += '\n' + lines.map((l) => (l ? ind + l : l)).join('\n');
  }
  if (pyTruthy(first)) rv = ind + rv;
  return rv;
}

function truncate(s: string, length: number, killwords: boolean, end: string, leeway: number): string {
  if (s.length <= length + leeway) return s;
  if (killwords) return s.slice(0, length - end.length) + end;
  const cut = s.slice(0, length - end.length);
  const i = cut.lastIndexOf(' ');
  return (i >= 0 ? cut.slice(0, i) : cut) + end;
}

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&#34;', "'": '&#39;' };

function urlQuote(s: string, safe: string): string {
  return Array.from(new TextEncoder().encode(s), (b) => {
    const c = String.fromCharCode(b);
    return /[A-Za-z0-9_.\-~]/.test(c) || safe.includes(c) ? c : '%' + b.toString(16).toUpperCase().padStart(2, '0');
  }).join('');
}

export const coreFilters = filters({
  default: { fn: defaultFilter, undefinedOk: true, viewsOk: true },
  d: { fn: defaultFilter, undefinedOk: true, viewsOk: true },
  mandatory: {
    undefinedOk: true,
    viewsOk: true,
    fn: (_env, value, args, kw) => {
      if (!(value instanceof Undefined)) return value;
      const msg = param(args, kw, 0, 'msg');
      if (msg !== undefined && msg !== null) throw filterFault(pyStr(msg));
      const name = value.name !== undefined ? `'${value.name}' ` : '';
      throw filterFault(`Mandatory variable ${name} not defined.`);
    },
  },
  bool: (_env, v) => ansibleBool(v),
  int: (_env, v, args, kw) => {
    const base = Number(param(args, kw, 1, 'base', 10));
    return toInt(v, param(args, kw, 0, 'default', 0), base);
  },
  float: (_env, v, args, kw) => toFloat(v, param(args, kw, 0, 'default', 0)),
  string: (_env, v) => (v === null || v === undefined ? 'None' : pyStr(v)),
  lower: (_env, v) => text(v).toLowerCase(),
  upper: (_env, v) => text(v).toUpperCase(),
  capitalize: (_env, v) => {
    const s = text(v);
    return s.charAt(0).toUpperCase() + s.slice(1).toLowerCase();
  },
  title: (_env, v) => text(v).replace(/[\w']+/g, (w) => w.charAt(0).toUpperCase() + w.slice(1).toLowerCase()),
  trim: (_env, v, args, kw) => {
    const s = text(v);
    const chars = param<string | null>(args, kw, 0, 'chars', null);
    if (chars === null || chars === undefined) return s.trim();
    let a = 0;
    let b = s.length;
    while (a < b && chars.includes(s[a]!)) a++;
    while (b > a && chars.includes(s[b - 1]!)) b--;
    return s.slice(a, b);
  },
  replace: (_env, v, args, kw) => {
    const s = text(v);
    const old = text(param(args, kw, 0, 'old'));
    const rep = text(param(args, kw, 1, 'new'));
    const count = param<number | null>(args, kw, 2, 'count', null);
    if (count === null || count === undefined) return s.split(old).join(rep);
    let out = s;
    let from = 0;
    for (let n = 0; n < count; n++) {
      const i = out.indexOf(old, from);
      if (i < 0) break;
      out = out.slice(0, i) + rep + out.slice(i + old.length);
      from = i + rep.length;
    }
    return out;
  },
  length: { fn: (_env, v) => pyLen(v), viewsOk: true },
  count: { fn: (_env, v) => pyLen(v), viewsOk: true },
  first: (_env, v) => {
    const items = pyIter(v);
    return items.length ? items[0] : new Undefined('No first item, sequence was empty.');
  },
  last: (_env, v) => {
    const items = pyIter(v);
    return items.length ? items[items.length - 1] : new Undefined('No last item, sequence was empty.');
  },
  join: (_env, v, args, kw) => {
    const d = text(param(args, kw, 0, 'd', ''));
    const attribute = param(args, kw, 1, 'attribute');
    let items = pyIter(v);
    if (attribute !== undefined && attribute !== null) items = items.map((x) => attrPath(x, attribute));
    return items.map((x) => (typeof x === 'string' ? x : pyStr(need(x)))).join(d);
  },
  list: (_env, v) => toList(v),
  sort: (_env, v, args, kw) =>
    pySort(toList(v), sortKey(param(args, kw, 1, 'case_sensitive', false), param(args, kw, 2, 'attribute')), pyTruthy(param(args, kw, 0, 'reverse', false))),
  reverse: (_env, v) => (typeof v === 'string' ? Array.from(v).reverse().join('') : toList(v).reverse()),
  min: (_env, v, args, kw) => minMax(v, args, kw, false),
  max: (_env, v, args, kw) => minMax(v, args, kw, true),
  sum: (_env, v, args, kw) => {
    const attribute = param(args, kw, 0, 'attribute');
    let acc = param<unknown>(args, kw, 1, 'start', 0);
    for (const x of pyIter(v)) acc = pyAdd(acc, attribute !== undefined && attribute !== null ? attrPath(x, attribute) : x);
    return acc;
  },
  abs: (_env, v) => {
    if (typeof v !== 'number' && typeof v !== 'boolean') throw typeFault(`bad operand type for abs(): '${pyTypeName(v)}'`);
    return Math.abs(Number(v));
  },
  round: (_env, v, args, kw) => {
    const precision = Number(param(args, kw, 0, 'precision', 0));
    const method = param<unknown>(args, kw, 1, 'method', 'common');
    const x = Number(need(v));
    const m = 10 ** precision;
    if (method === 'ceil') return Math.ceil(x * m) / m;
    if (method === 'floor') return Math.floor(x * m) / m;
    if (method !== 'common') throw filterFault('method must be common, ceil or floor');
    return roundHalfEven(x, precision);
  },
  unique: (_env, v, args, kw) => {
    const cs = param(args, kw, 0, 'case_sensitive', null);
    return uniqueItems(v, pyTruthy(cs), param(args, kw, 1, 'attribute'));
  },
  format: (_env, v, args, kw) => {
    if (args.length && Object.keys(kw).length) throw filterFault("can't handle positional and keyword arguments at the same time");
    return percentFormat(text(v), Object.keys(kw).length ? kw : tuple(args));
  },
  indent: (_env, v, args, kw) =>
    indent(text(v), param(args, kw, 0, 'width', 4), param(args, kw, 1, 'first', false), param(args, kw, 2, 'blank', false)),
  center: (_env, v, args, kw) => {
    const s = text(v);
    const width = Number(param(args, kw, 0, 'width', 80));
    const gap = width - s.length;
    if (gap <= 0) return s;
    const left = Math.floor(gap / 2) + (gap % 2 && width % 2 ? 1 : 0);
    return ' '.repeat(left) + s + ' '.repeat(gap - left);
  },
  truncate: (_env, v, args, kw) =>
    truncate(
      text(v),
      Number(param(args, kw, 0, 'length', 255)),
      pyTruthy(param(args, kw, 1, 'killwords', false)),
      text(param(args, kw, 2, 'end', '...')),
      Number(param(args, kw, 3, 'leeway', 5)),
    ),
  wordcount: (_env, v) => (text(v).match(/\w+/gu) ?? []).length,
  dictsort: (_env, v, args, kw) => {
    if (!isDict(v)) throw filterFault('You can only sort by either "key" or "value"');
    const by = param<unknown>(args, kw, 1, 'by', 'key');
    const pos = by === 'value' ? 1 : 0;
    const cs = param(args, kw, 0, 'case_sensitive', false);
    return pySort(Object.entries(v).map(tuple), (x) => sortKey(cs, undefined)((x as unknown[])[pos]), pyTruthy(param(args, kw, 2, 'reverse', false)));
  },
  batch: (_env, v, args, kw) => {
    const n = Number(param(args, kw, 0, 'linecount'));
    const fill = param(args, kw, 1, 'fill_with', null);
    const items = toList(v);
    const out: unknown[][] = [];
    for (let i = 0; i < items.length; i += n) out.push(items.slice(i, i + n));
    const last = out[out.length - 1];
    if (fill !== null && last) while (last.length < n) last.push(fill);
    return out;
  },
  groupby: (_env, v, args, kw) => {
    const attribute = param(args, kw, 0, 'attribute');
    const dflt = param(args, kw, 1, 'default');
    const cs = pyTruthy(param(args, kw, 2, 'case_sensitive', false));
    const key = (x: unknown): unknown => {
      const k = need(attrPath(x, attribute, dflt));
      return !cs && typeof k === 'string' ? k.toLowerCase() : k;
    };
    const sorted = pySort(toList(v), key, false);
    const out: GroupTuple[] = [];
    for (const x of sorted) {
      const k = key(x);
      const last = out[out.length - 1];
      if (last && pyEquals(last[0], k)) (last[1] as unknown[]).push(x);
      else {
        const g = new GroupTuple();
        g.push(cs ? k : need(attrPath(x, attribute, dflt)), [x]);
        out.push(g);
      }
    }
    return out;
  },
  attr: (_env, v, args) => getAttr(v, args[0], true),
  items: (_env, v) => {
    if (v instanceof Undefined) return [];
    if (!isDict(v)) throw filterFault(`Can only get item pairs from a mapping, got ${pyTypeName(v)}`);
    return Object.entries(v).map(tuple);
  },
  safe: (_env, v) => v,
  escape: (_env, v) => text(v).replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]!),
  e: (_env, v) => text(v).replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]!),
  striptags: (_env, v) => text(v).replace(/<!--[\s\S]*?-->|<[^>]*>/g, '').replace(/\s+/g, ' ').trim(),
  urlencode: (_env, v) => {
    if (isDict(v)) return Object.entries(v).map(([k, x]) => `${urlQuote(k, '')}=${urlQuote(text(x), '')}`).join('&');
    return urlQuote(text(v), '/');
  },
  ternary: {
    fn: (_env, v, args, kw) => {
      const noneVal = param(args, kw, 2, 'none_val', null);
      if (noneVal !== null && (v === null || v === undefined)) return noneVal;
      return pyTruthy(v) ? param(args, kw, 0, 'true_val', true) : param(args, kw, 1, 'false_val', false);
    },
    viewsOk: true,
  },
  type_debug: { fn: (_env, v) => pyTypeName(v), viewsOk: true },
  split: (_env, v, args, kw) => pySplit(text(v), param(args, kw, 0, 'sep', null), param(args, kw, 1, 'maxsplit', -1)),
  splitlines: (_env, v, args, kw) => pySplitlines(text(v), pyTruthy(param(args, kw, 0, 'keepends', false))),
  log: (_env, v, args, kw) => {
    const base = param<number | undefined>(args, kw, 0, 'base');
    const x = Number(need(v));
    return base === undefined ? Math.log(x) : Math.log(x) / Math.log(Number(base));
  },
  pow: (_env, v, args, kw) => Number(need(v)) ** Number(param(args, kw, 0, 'y')),
  root: (_env, v, args, kw) => {
    const base = Number(param(args, kw, 0, 'base', 2));
    const x = Number(need(v));
    return base === 2 ? Math.sqrt(x) : x ** (1 / base);
  },
});

function defaultFilter(_env: FilterEnv, value: unknown, args: unknown[], kw: Record<string, unknown>): unknown {
  const dflt = param(args, kw, 0, 'default_value', '');
  const boolean = param(args, kw, 1, 'boolean', false);
  if (value instanceof Undefined) return dflt;
  if (pyTruthy(boolean) && !pyTruthy(value)) return dflt;
  return value;
}
