/**
 * Attribute and item access, slicing and calls with Jinja2's rules: a missing key gives an
 * Undefined carrying Jinja2's message ("'dict object' has no attribute 'b'"), `x.name` prefers
 * a Python method (`d.items`), `x[key]` prefers the item, negative indexes count from the end.
 */
import { Undefined, undefinedFault } from './undefined.js';
import { MappingView } from './mapping-view.js';
import { Namespace, isDict, keyString, pyRepr, pyStringRepr, pyTypeName, strLen } from './python.js';
import { isDictMethod, methodOf } from './py-methods.js';
import { isPyCallable } from './callable.js';
import { typeFault } from './runtime-error.js';

/** Jinja2's object_type_repr: "dict object", "None", "list object". */
function typeRepr(v: unknown): string {
  if (v === null || v === undefined) return 'None';
  return `${pyTypeName(v)} object`;
}

function missing(obj: unknown, key: unknown): Undefined {
  const name = typeof key === 'string' ? key : keyString(key);
  if (typeof key === 'string') return new Undefined(`${pyStringRepr(typeRepr(obj))} has no attribute ${pyStringRepr(key)}`, name);
  return new Undefined(`${typeRepr(obj)} has no element ${pyRepr(key)}`, name);
}

function index(len: number, key: number): number | undefined {
  if (!Number.isInteger(key)) return undefined;
  const i = key < 0 ? len + key : key;
  return i >= 0 && i < len ? i : undefined;
}

function charAt(s: string, key: number): string | undefined {
  if (strLen(s) === s.length) {
    const i = index(s.length, key);
    return i === undefined ? undefined : s[i];
  }
  const chars = Array.from(s);
  const i = index(chars.length, key);
  return i === undefined ? undefined : chars[i];
}

function own(d: object, k: string): boolean {
  return Object.prototype.hasOwnProperty.call(d, k);
}

/**
 * `obj.key` (dot = true) or `obj[key]`. Never throws for a missing key: returns Undefined,
 * which fails only when used. Undefined in gives the same Undefined out (Ansible keeps the
 * first failure's message).
 */
export function getAttr(obj: unknown, key: unknown, dot: boolean): unknown {
  if (obj instanceof Undefined) return obj;
  if (key instanceof Undefined) throw undefinedFault(key);
  if (typeof obj === 'string') {
    if (typeof key === 'number') {
      const c = charAt(obj, key);
      return c === undefined ? missing(obj, key) : c;
    }
    return (typeof key === 'string' && methodOf(obj, key)) || missing(obj, key);
  }
  if (Array.isArray(obj)) {
    if (typeof key === 'number' || typeof key === 'boolean') {
      const i = index(obj.length, Number(key));
      if (i === undefined && !Number.isInteger(Number(key))) throw typeFault(`list indices must be integers or slices, not ${pyTypeName(key)}`);
      return i === undefined ? missing(obj, key) : obj[i];
    }
    if (typeof key === 'string') {
      // Array subclasses with named fields (groupby's (grouper, list) pairs).
      if (Object.getPrototypeOf(obj) !== Array.prototype && key in obj && !(key in Array.prototype)) {
        return (obj as unknown as Record<string, unknown>)[key];
      }
      return methodOf(obj, key) || missing(obj, key);
    }
    return missing(obj, key);
  }
  if (obj instanceof MappingView) {
    const k = keyString(key);
    if (obj.has(k)) return obj.get(k);
    return (typeof key === 'string' && methodOf(obj, key)) || obj.get(k);
  }
  if (obj instanceof Namespace) {
    const k = keyString(key);
    return own(obj.attrs, k) ? obj.attrs[k] : missing(obj, key);
  }
  if (isDict(obj)) {
    const k = keyString(key);
    if (dot && typeof key === 'string' && isDictMethod(key)) return methodOf(obj, key);
    if (own(obj, k)) {
      const v = obj[k];
      return v === undefined ? null : v;
    }
    return (typeof key === 'string' && methodOf(obj, key)) || missing(obj, key);
  }
  return missing(obj, key);
}

function sliceBounds(len: number, start: unknown, stop: unknown, step: number): number[] {
  const norm = (v: unknown, dflt: number, lo: number, hi: number): number => {
    if (v === null || v === undefined) return dflt;
    if (v instanceof Undefined) throw undefinedFault(v);
    if (typeof v !== 'number' || !Number.isInteger(v)) throw typeFault('slice indices must be integers or None');
    const i = v < 0 ? v + len : v;
    return Math.min(Math.max(i, lo), hi);
  };
  const out: number[] = [];
  if (step > 0) {
    const a = norm(start, 0, 0, len);
    const b = norm(stop, len, 0, len);
    for (let i = a; i < b; i += step) out.push(i);
  } else {
    const a = norm(start, len - 1, -1, len - 1);
    const b = norm(stop, -1, -1, len - 1);
    for (let i = a; i > b; i += step) out.push(i);
  }
  return out;
}

/** Python slicing `obj[start:stop:step]` of a list or string. */
export function getSlice(obj: unknown, start: unknown, stop: unknown, stepRaw: unknown): unknown {
  if (obj instanceof Undefined) throw undefinedFault(obj);
  const step = stepRaw === null || stepRaw === undefined ? 1 : Number(stepRaw);
  if (step === 0) throw typeFault('slice step cannot be zero');
  if (typeof obj === 'string') {
    const chars = strLen(obj) === obj.length ? obj : Array.from(obj);
    if (step === 1 && typeof chars === 'string') {
      const idx = sliceBounds(chars.length, start, stop, 1);
      return idx.length ? chars.slice(idx[0], idx[idx.length - 1]! + 1) : '';
    }
    return sliceBounds(chars.length, start, stop, step).map((i) => chars[i]).join('');
  }
  if (Array.isArray(obj)) return sliceBounds(obj.length, start, stop, step).map((i) => obj[i]);
  throw typeFault(`'${pyTypeName(obj)}' object is not subscriptable`);
}

/** Call a template-callable value (global, macro, bound method). */
export function callValue(fn: unknown, args: unknown[], kwargs: Record<string, unknown>): unknown {
  if (fn instanceof Undefined) throw undefinedFault(fn);
  if (isPyCallable(fn)) return fn(args, kwargs);
  if (typeof fn === 'function') return (fn as (...a: unknown[]) => unknown)(...args);
  throw typeFault(`'${pyTypeName(fn)}' object is not callable`);
}
