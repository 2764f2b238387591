/**
 * Python methods that playbooks call inside expressions: `x.split(',')`, `x.startswith('v')`,
 * `d.items()`, `d.get('k', 0)`, `l.index(x)`... Looked up by name for a value's Python type
 * and bound to it; JavaScript prototypes are never touched.
 */
import { pyCallable, type PyCallable } from './callable.js';
import { braceFormat } from './py-format.js';
import { isDict, keyString, pyEquals, pyIter, pyStr, pyTypeName, tuple, type Dict } from './python.js';
import { MappingView } from './mapping-view.js';
import { TemplateFault, typeFault } from './runtime-error.js';
import { Undefined } from './undefined.js';
import { assertMayChange } from './pure.js';

type Method<T> = (self: T, args: unknown[], kw: Record<string, unknown>) => unknown;

function str(v: unknown, what: string): string {
  if (typeof v !== 'string') throw typeFault(`${what} must be str, not ${pyTypeName(v)}`);
  return v;
}

function optInt(v: unknown, dflt: number): number {
  return v === undefined || v === null ? dflt : Number(v);
}

const WS = ' \t\n\r\x0b\x0c\x1c\x1d\x1e\x1f\x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000';

function stripChars(s: string, chars: unknown, left: boolean, right: boolean): string {
  const set = chars === undefined || chars === null ? WS : str(chars, 'strip arg');
  let a = 0;
  let b = s.length;
  if (left) while (a < b && set.includes(s[a]!)) a++;
  if (right) while (b > a && set.includes(s[b - 1]!)) b--;
  return s.slice(a, b);
}

/** Python's str.split(sep=None, maxsplit=-1). */
export function pySplit(s: string, sep: unknown, maxsplit: unknown): string[] {
  const max = optInt(maxsplit, -1);
  if (sep === undefined || sep === null) {
    const out: string[] = [];
    let i = 0;
    const n = s.length;
    while (i < n) {
      while (i < n && WS.includes(s[i]!)) i++;
      if (i >= n) break;
      if (max >= 0 && out.length >= max) {
        out.push(stripChars(s.slice(i), undefined, false, true));
        return out;
      }
      let j = i;
      while (j < n && !WS.includes(s[j]!)) j++;
      out.push(s.slice(i, j));
      i = j;
    }
    return out;
  }
  const d = str(sep, 'separator');
  if (d === '') throw new TemplateFault('empty separator', 'type');
  const parts = s.split(d);
  if (max < 0 || parts.length <= max + 1) return parts;
  return [...parts.slice(0, max), parts.slice(max).join(d)];
}

/** Python's str.rsplit(sep=None, maxsplit=-1). */
export function pyRsplit(s: string, sep: unknown, maxsplit: unknown): string[] {
  const max = optInt(maxsplit, -1);
  if (max < 0) return pySplit(s, sep, -1);
  if (sep === undefined || sep === null) {
    const words = pySplit(s, null, -1);
    if (words.length <= max + 1) return words;
    // Keep the head as written (inner whitespace intact), minus trailing whitespace.
    let end = s.length;
    const tail: string[] = [];
    for (let k = 0; k < max; k++) {
      while (end > 0 && WS.includes(s[end - 1]!)) end--;
      let start = end;
      while (start > 0 && !WS.includes(s[start - 1]!)) start--;
      tail.unshift(s.slice(start, end));
      end = start;
    }
    return [stripChars(s.slice(0, end), undefined, true, true), ...tail];
  }
  const d = str(sep, 'separator');
  const parts = s.split(d);
  if (parts.length <= max + 1) return parts;
  return [parts.slice(0, parts.length - max).join(d), ...parts.slice(parts.length - max)];
}

/** Python's str.splitlines(keepends=False). */
export function pySplitlines(s: string, keepends = false): string[] {
  const out: string[] = [];
  const re = /\r\n|[\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]/g;
  let last = 0;
  let m: RegExpExecArray | null;
  while ((m = re.exec(s))) {
    out.push(s.slice(last, keepends ? m.index + m[0].length : m.index));
    last = m.index + m[0].length;
  }
  if (last < s.length) out.push(s.slice(last));
  return out;
}

function affix(s: string, a: unknown[], starts: boolean): boolean {
  const start = optInt(a[1], 0);
  const end = a[2] === undefined || a[2] === null ? s.length : Number(a[2]);
  const sub = s.slice(start < 0 ? Math.max(0, s.length + start) : start, end < 0 ? s.length + end : end);
  const cands = Array.isArray(a[0]) ? a[0] : [a[0]];
  return cands.some((c) => (starts ? sub.startsWith(str(c, 'prefix')) : sub.endsWith(str(c, 'suffix'))));
}

function justify(s: string, a: unknown[], kind: 'l' | 'r' | 'c'): string {
  const width = Number(a[0]);
  const fill = a[1] === undefined ? ' ' : str(a[1], 'fill character');
  const len = Array.from(s).length;
  if (len >= width) return s;
  const gap = width - len;
  if (kind === 'l') return s + fill.repeat(gap);
  if (kind === 'r') return fill.repeat(gap) + s;
  const left = Math.floor(gap / 2) + (gap % 2 && width % 2 ? 1 : 0);
  return fill.repeat(left) + s + fill.repeat(gap - left);
}

function find(s: string, a: unknown[], right: boolean): number {
  const sub = str(a[0], 'substring');
  const start = optInt(a[1], 0);
  const end = a[2] === undefined || a[2] === null ? s.length : Number(a[2]);
  const hay = s.slice(0, end);
  const i = right ? hay.lastIndexOf(sub) : hay.indexOf(sub, start);
  return i >= start ? i : -1;
}

const STR_METHODS: Record<string, Method<string>> = {
  split: (s, a, k) => pySplit(s, a[0] ?? k.sep, a[1] ?? k.maxsplit),
  rsplit: (s, a, k) => pyRsplit(s, a[0] ?? k.sep, a[1] ?? k.maxsplit),
  splitlines: (s, a, k) => pySplitlines(s, Boolean(a[0] ?? k.keepends)),
  strip: (s, a) => stripChars(s, a[0], true, true),
  lstrip: (s, a) => stripChars(s, a[0], true, false),
  rstrip: (s, a) => stripChars(s, a[0], false, true),
  lower: (s) => s.toLowerCase(),
  upper: (s) => s.toUpperCase(),
  casefold: (s) => s.toLowerCase(),
  swapcase: (s) => Array.from(s, (c) => (c === c.toUpperCase() ? c.toLowerCase() : c.toUpperCase())).join(''),
  title: (s) => s.toLowerCase().replace(/(^|[^a-zA-Z])([a-z])/g, (_m, p: string, c: string) => p + c.toUpperCase()),
  capitalize: (s) => s.charAt(0).toUpperCase() + s.slice(1).toLowerCase(),
  startswith: (s, a) => affix(s, a, true),
  endswith: (s, a) => affix(s, a, false),
  replace: (s, a) => {
    const old = str(a[0], 'replace() argument 1');
    const rep = str(a[1], 'replace() argument 2');
    const count = optInt(a[2], -1);
    if (count < 0) return s.split(old).join(rep);
    let out = s;
    let from = 0;
    for (let n = 0; n < count; n++) {
      const i = out.indexOf(old, from);
      if (i < 0) break;
      out = out.slice(0, i) + rep + out.slice(i + old.length);
      from = i + rep.length + (old === '' ? 1 : 0);
    }
    return out;
  },
  find: (s, a) => find(s, a, false),
  rfind: (s, a) => find(s, a, true),
  index: (s, a) => {
    const i = find(s, a, false);
    if (i < 0) throw typeFault('substring not found');
    return i;
  },
  rindex: (s, a) => {
    const i = find(s, a, true);
    if (i < 0) throw typeFault('substring not found');
    return i;
  },
  count: (s, a) => {
    const sub = str(a[0], 'substring');
    return sub === '' ? Array.from(s).length + 1 : s.split(sub).length - 1;
  },
  join: (s, a) => pyIter(a[0]).map((x) => str(x, 'sequence item')).join(s),
  format: (s, a, k) => braceFormat(s, a, k),
  isdigit: (s) => s.length > 0 && /^\d+$/.test(s),
  isnumeric: (s) => s.length > 0 && /^\p{N}+$/u.test(s),
  isdecimal: (s) => s.length > 0 && /^\d+$/.test(s),
  isalpha: (s) => s.length > 0 && /^\p{L}+$/u.test(s),
  isalnum: (s) => s.length > 0 && /^[\p{L}\p{N}]+$/u.test(s),
  isspace: (s) => s.length > 0 && Array.from(s).every((c) => WS.includes(c)),
  islower: (s) => /\p{Ll}/u.test(s) && s === s.toLowerCase(),
  isupper: (s) => /\p{Lu}/u.test(s) && s === s.toUpperCase(),
  zfill: (s, a) => {
    const width = Number(a[0]);
    const sign = /^[-+]/.test(s) ? s[0]! : '';
    const body = s.slice(sign.length);
    return sign + body.padStart(width - sign.length, '0');
  },
  center: (s, a) => justify(s, a, 'c'),
  ljust: (s, a) => justify(s, a, 'l'),
  rjust: (s, a) => justify(s, a, 'r'),
  partition: (s, a) => {
    const sep = str(a[0], 'separator');
    const i = s.indexOf(sep);
    return tuple(i < 0 ? [s, '', ''] : [s.slice(0, i), sep, s.slice(i + sep.length)]);
  },
  rpartition: (s, a) => {
    const sep = str(a[0], 'separator');
    const i = s.lastIndexOf(sep);
    return tuple(i < 0 ? ['', '', s] : [s.slice(0, i), sep, s.slice(i + sep.length)]);
  },
  encode: (s) => s,
  decode: (s) => s,
  removeprefix: (s, a) => (s.startsWith(str(a[0], 'prefix')) ? s.slice((a[0] as string).length) : s),
  removesuffix: (s, a) => {
    const suf = str(a[0], 'suffix');
    return suf && s.endsWith(suf) ? s.slice(0, s.length - suf.length) : s;
  },
};

function listIndex(l: unknown[], x: unknown): number {
  for (let i = 0; i < l.length; i++) if (pyEquals(l[i], x)) return i;
  throw typeFault(`${pyStr(x)} is not in list`);
}

const LIST_METHODS: Record<string, Method<unknown[]>> = {
  index: (l, a) => listIndex(l, a[0]),
  count: (l, a) => l.filter((x) => pyEquals(x, a[0])).length,
  append: (l, a) => {
    assertMayChange('list.append');
    l.push(a[0]);
    return null;
  },
  extend: (l, a) => {
    assertMayChange('list.extend');
    l.push(...pyIter(a[0]));
    return null;
  },
  insert: (l, a) => {
    assertMayChange('list.insert');
    const i = Number(a[0]);
    l.splice(i < 0 ? Math.max(0, l.length + i) : i, 0, a[1]);
    return null;
  },
  pop: (l, a) => {
    assertMayChange('list.pop');
    if (!l.length) throw typeFault('pop from empty list');
    const i = a[0] === undefined ? l.length - 1 : Number(a[0]);
    const idx = i < 0 ? l.length + i : i;
    if (idx < 0 || idx >= l.length) throw typeFault('pop index out of range');
    return l.splice(idx, 1)[0];
  },
  remove: (l, a) => {
    assertMayChange('list.remove');
    l.splice(listIndex(l, a[0]), 1);
    return null;
  },
  reverse: (l) => {
    assertMayChange('list.reverse');
    l.reverse();
    return null;
  },
  copy: (l) => l.slice(),
};

const DICT_METHODS: Record<string, Method<Dict>> = {
  keys: (d) => Object.keys(d),
  values: (d) => Object.values(d),
  items: (d) => Object.entries(d).map(tuple),
  get: (d, a) => {
    const k = keyString(a[0]);
    return Object.prototype.hasOwnProperty.call(d, k) ? d[k] : a.length > 1 ? a[1] : null;
  },
  copy: (d) => ({ ...d }),
  update: (d, a, k) => {
    assertMayChange('dict.update');
    if (a[0] !== undefined) {
      const src = a[0];
      if (isDict(src)) Object.assign(d, src);
      else for (const pair of pyIter(src)) d[keyString((pair as unknown[])[0])] = (pair as unknown[])[1];
    }
    Object.assign(d, k);
    return null;
  },
  pop: (d, a) => {
    assertMayChange('dict.pop');
    const k = keyString(a[0]);
    if (Object.prototype.hasOwnProperty.call(d, k)) {
      const v = d[k];
      delete d[k];
      return v;
    }
    if (a.length > 1) return a[1];
    throw typeFault(`KeyError: ${pyStr(a[0])}`);
  },
  setdefault: (d, a) => {
    assertMayChange('dict.setdefault');
    const k = keyString(a[0]);
    if (!Object.prototype.hasOwnProperty.call(d, k)) d[k] = a.length > 1 ? a[1] : null;
    return d[k];
  },
  has_key: (d, a) => Object.prototype.hasOwnProperty.call(d, keyString(a[0])),
};

const VIEW_METHODS: Record<string, Method<MappingView>> = {
  keys: (v) => v.keys(),
  values: (v) => v.keys().map((k) => v.get(k)),
  items: (v) => v.keys().map((k) => tuple([k, v.get(k)])),
  get: (v, a) => {
    const k = keyString(a[0]);
    if (!v.has(k)) return a.length > 1 ? a[1] : null;
    const x = v.get(k);
    return x instanceof Undefined && a.length > 1 ? a[1] : x;
  },
};

/** True when `name` is a dict method (Jinja2 prefers the method for `d.name`). */
export function isDictMethod(name: string): boolean {
  return Object.prototype.hasOwnProperty.call(DICT_METHODS, name);
}

function bind<T>(table: Record<string, Method<T>>, self: T, name: string): PyCallable | undefined {
  if (!Object.prototype.hasOwnProperty.call(table, name)) return undefined;
  const m = table[name]!;
  return pyCallable(name, (args, kw) => m(self, args, kw));
}

/** The bound Python method `name` of `value`, or undefined when its type has none. */
export function methodOf(value: unknown, name: string): PyCallable | undefined {
  if (typeof value === 'string') return bind(STR_METHODS, value, name);
  if (Array.isArray(value)) return bind(LIST_METHODS, value, name);
  if (value instanceof MappingView) return bind(VIEW_METHODS, value, name);
  if (isDict(value)) return bind(DICT_METHODS, value, name);
  return undefined;
}
