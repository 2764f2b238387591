/**
 * Python's semantics for the values templates work on (Jinja2 runs on Python): truthiness
 * (empty list is false), equality (deep for lists and dicts), ordering, `+` on lists,
 * `in`, len(), str() and repr(). JavaScript's own operators differ in all of these.
 */
import { Undefined, undefinedFault } from './undefined.js';
import { MappingView } from './mapping-view.js';
import { isPyCallable } from './callable.js';
import { typeFault } from './runtime-error.js';

/** Jinja's namespace(): a mutable attribute bag (`{% set ns.found = true %}`). */
export class Namespace {
  constructor(readonly attrs: Record<string, unknown>) {}
}

export type Dict = Record<string, unknown>;

/**
 * A Python tuple: a list that prints with parentheses (`('a', 1)`) and is taken as the
 * argument list of `%` formatting. zip(), dict.items(), `(a, b)` produce them.
 */
export class PyTuple extends Array<unknown> {}

/** A tuple holding `items`. */
export function tuple(items: unknown[]): PyTuple {
  const t = new PyTuple();
  for (const x of items) t.push(x);
  return t;
}

/** A mapping value as Python sees a dict: plain objects (and other non-special objects). */
export function isDict(v: unknown): v is Dict {
  return (
    v !== null &&
    typeof v === 'object' &&
    !Array.isArray(v) &&
    !(v instanceof Undefined) &&
    !(v instanceof MappingView) &&
    !(v instanceof Namespace)
  );
}

/** Python's type name, as type_debug and error messages show it. */
export function pyTypeName(v: unknown): string {
  if (v === null || v === undefined) return 'NoneType';
  switch (typeof v) {
    case 'boolean':
      return 'bool';
    case 'number':
      return Number.isInteger(v) ? 'int' : 'float';
    case 'string':
      return 'str';
    case 'function':
      return isPyCallable(v) ? 'function' : 'builtin_function_or_method';
    case 'bigint':
      return 'int';
    default:
  }
  if (Array.isArray(v)) return 'list';
  if (v instanceof Undefined) return 'AnsibleUndefined';
  if (v instanceof MappingView) return v.typeName;
  if (v instanceof Namespace) return 'Namespace';
  return 'dict';
}

/** Fail on Undefined, the way StrictUndefined fails on any use. */
function need(v: unknown): void {
  if (v instanceof Undefined) throw undefinedFault(v);
}

/** Python's repr() of a float or int. */
export function pyNumber(n: number): string {
  if (Number.isNaN(n)) return 'nan';
  if (n === Infinity) return 'inf';
  if (n === -Infinity) return '-inf';
  if (Number.isInteger(n)) {
    if (Math.abs(n) < 1e21) return Object.is(n, -0) ? '0' : String(n);
    return BigInt(n).toString();
  }
  // Python switches to exponent notation below 1e-4 and from 1e16, with 2-digit exponents.
  const abs = Math.abs(n);
  if (abs >= 1e-4 && abs < 1e16) return String(n);
  const [mant, exp] = n.toExponential().split('e') as [string, string];
  const sign = exp.startsWith('-') ? '-' : '+';
  const digits = exp.replace(/^[+-]/, '');
  return `${mant}e${sign}${digits.padStart(2, '0')}`;
}

const REPR_ESCAPES: Record<string, string> = { '\\': '\\\\', '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/** Python's repr() of a str. */
export function pyStringRepr(s: string): string {
  const quote = s.includes("'") && !s.includes('"') ? '"' : "'";
  let out = quote;
  for (const ch of s) {
    const esc = REPR_ESCAPES[ch];
    if (esc) out += esc;
    else if (ch === quote) out += '\\' + ch;
    else {
      const code = ch.codePointAt(0)!;
      if (code < 0x20 || code === 0x7f) out += '\\x' + code.toString(16).padStart(2, '0');
      else out += ch;
    }
  }
  return out + quote;
}

/** Python's repr(): how values look inside a printed list or dict. */
export function pyRepr(v: unknown): string {
  if (typeof v === 'string') return pyStringRepr(v);
  if (v instanceof PyTuple) return '(' + v.map(pyRepr).join(', ') + (v.length === 1 ? ',)' : ')');
  if (Array.isArray(v)) return '[' + v.map(pyRepr).join(', ') + ']';
  if (v instanceof MappingView) return pyRepr(v.materialize());
  if (v instanceof Namespace) return `<Namespace ${pyRepr(v.attrs)}>`;
  if (isDict(v)) {
    const parts: string[] = [];
    for (const k of Object.keys(v)) parts.push(`${pyStringRepr(k)}: ${pyRepr(v[k])}`);
    return '{' + parts.join(', ') + '}';
  }
  return pyStr(v);
}

/** Python's str(): what `{{ x }}` prints inside text (None is handled by the caller). */
export function pyStr(v: unknown): string {
  switch (typeof v) {
    case 'string':
      return v;
    case 'number':
      return pyNumber(v);
    case 'boolean':
      return v ? 'True' : 'False';
    case 'undefined':
      return 'None';
    case 'bigint':
      return v.toString();
    case 'function':
      return `<function ${v.name || 'anonymous'}>`;
    default:
  }
  if (v === null) return 'None';
  need(v);
  return pyRepr(v);
}

/** Python's bool(). */
export function pyTruthy(v: unknown): boolean {
  switch (typeof v) {
    case 'boolean':
      return v;
    case 'string':
      return v.length > 0;
    case 'number':
      return v !== 0;
    case 'undefined':
      return false;
    case 'function':
      return true;
    case 'bigint':
      return v !== 0n;
    default:
  }
  if (v === null) return false;
  if (Array.isArray(v)) return v.length > 0;
  if (v instanceof Undefined && v.soft) return false;
  need(v);
  if (v instanceof MappingView) return v.keys().length > 0;
  if (v instanceof Namespace) return true;
  for (const _ in v as object) return true;
  return false;
}

function numeric(v: unknown): number | undefined {
  if (typeof v === 'number') return v;
  if (typeof v === 'boolean') return v ? 1 : 0;
  return undefined;
}

/** Python's `==` (deep on lists and dicts; True == 1). */
export function pyEquals(a: unknown, b: unknown): boolean {
  need(a);
  need(b);
  if (a === b) return true;
  if (a === null || a === undefined || b === null || b === undefined) return (a ?? null) === (b ?? null);
  const na = numeric(a);
  const nb = numeric(b);
  if (na !== undefined || nb !== undefined) return na !== undefined && na === nb;
  if (typeof a === 'string' || typeof b === 'string') return false;
  if (a instanceof MappingView) return pyEquals(a.materialize(), b);
  if (b instanceof MappingView) return pyEquals(a, b.materialize());
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!pyEquals(a[i], b[i])) return false;
    return true;
  }
  if (isDict(a) && isDict(b)) {
    const ka = Object.keys(a);
    if (ka.length !== Object.keys(b).length) return false;
    for (const k of ka) if (!Object.prototype.hasOwnProperty.call(b, k) || !pyEquals(a[k], b[k])) return false;
    return true;
  }
  return false;
}

export type CompareOp = '<' | '<=' | '>' | '>=';

function order(a: unknown, b: unknown, op: CompareOp): number {
  const na = numeric(a);
  const nb = numeric(b);
  if (na !== undefined && nb !== undefined) return na < nb ? -1 : na > nb ? 1 : 0;
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
  if (Array.isArray(a) && Array.isArray(b)) {
    for (let i = 0; i < Math.min(a.length, b.length); i++) {
      if (pyEquals(a[i], b[i])) continue;
      return order(a[i], b[i], op);
    }
    return a.length - b.length;
  }
  throw typeFault(`'${op}' not supported between instances of '${pyTypeName(a)}' and '${pyTypeName(b)}'`);
}

/** Python's ordering operators; mixed types fail as in Python 3. */
export function pyCompare(a: unknown, b: unknown, op: CompareOp): boolean {
  need(a);
  need(b);
  const c = order(a, b, op);
  switch (op) {
    case '<':
      return c < 0;
    case '<=':
      return c <= 0;
    case '>':
      return c > 0;
    default:
      return c >= 0;
  }
}

function operandFault(op: string, a: unknown, b: unknown): never {
  throw typeFault(`unsupported operand type(s) for ${op}: '${pyTypeName(a)}' and '${pyTypeName(b)}'`);
}

export function pyAdd(a: unknown, b: unknown): unknown {
  need(a);
  need(b);
  const na = numeric(a);
  const nb = numeric(b);
  if (na !== undefined && nb !== undefined) return na + nb;
  if (typeof a === 'string') {
    if (typeof b === 'string') return a + b;
    throw typeFault(`can only concatenate str (not "${pyTypeName(b)}") to str`);
  }
  if (Array.isArray(a)) {
    if (Array.isArray(b)) return a.concat(b);
    throw typeFault(`can only concatenate list (not "${pyTypeName(b)}") to list`);
  }
  return operandFault('+', a, b);
}

export function pySub(a: unknown, b: unknown): unknown {
  need(a);
  need(b);
  const na = numeric(a);
  const nb = numeric(b);
  if (na !== undefined && nb !== undefined) return na - nb;
  return operandFault('-', a, b);
}

export function pyMul(a: unknown, b: unknown): unknown {
  need(a);
  need(b);
  const na = numeric(a);
  const nb = numeric(b);
  if (na !== undefined && nb !== undefined) return na * nb;
  const repeat = (seq: unknown, n: number | undefined): unknown => {
    if (n === undefined || !Number.isInteger(n)) return operandFault('*', a, b);
    const times = Math.max(0, n);
    if (typeof seq === 'string') return seq.repeat(times);
    const out: unknown[] = [];
    for (let i = 0; i < times; i++) out.push(...(seq as unknown[]));
    return out;
  };
  if (typeof a === 'string' || Array.isArray(a)) return repeat(a, nb);
  if (typeof b === 'string' || Array.isArray(b)) return repeat(b, na);
  return operandFault('*', a, b);
}

function numbers(op: string, a: unknown, b: unknown): [number, number] {
  need(a);
  need(b);
  const na = numeric(a);
  const nb = numeric(b);
  if (na === undefined || nb === undefined) return operandFault(op, a, b);
  return [na, nb];
}

export function pyDiv(a: unknown, b: unknown): number {
  const [x, y] = numbers('/', a, b);
  if (y === 0) throw typeFault('division by zero');
  return x / y;
}

export function pyFloorDiv(a: unknown, b: unknown): number {
  const [x, y] = numbers('//', a, b);
  if (y === 0) throw typeFault('integer division or modulo by zero');
  return Math.floor(x / y);
}

/** Numeric `%` (the sign follows the divisor, as in Python). String `%` is formatting. */
export function pyModNumber(a: unknown, b: unknown): number {
  const [x, y] = numbers('%', a, b);
  if (y === 0) throw typeFault('integer division or modulo by zero');
  return ((x % y) + y) % y;
}

export function pyPow(a: unknown, b: unknown): number {
  const [x, y] = numbers('**', a, b);
  return x ** y;
}

export function pyNeg(a: unknown): number {
  need(a);
  const n = numeric(a);
  if (n === undefined) throw typeFault(`bad operand type for unary -: '${pyTypeName(a)}'`);
  return -n;
}

export function pyPos(a: unknown): number {
  need(a);
  const n = numeric(a);
  if (n === undefined) throw typeFault(`bad operand type for unary +: '${pyTypeName(a)}'`);
  return n;
}

/** Python's `item in container`. */
export function pyContains(container: unknown, item: unknown): boolean {
  need(container);
  need(item);
  if (typeof container === 'string') {
    if (typeof item !== 'string') throw typeFault(`'in <string>' requires string as left operand, not ${pyTypeName(item)}`);
    return container.includes(item);
  }
  if (Array.isArray(container)) {
    for (const x of container) if (pyEquals(x, item)) return true;
    return false;
  }
  if (container instanceof MappingView) return container.has(keyString(item));
  if (container instanceof Namespace) return Object.prototype.hasOwnProperty.call(container.attrs, keyString(item));
  if (isDict(container)) return Object.prototype.hasOwnProperty.call(container, keyString(item));
  throw typeFault(`argument of type '${pyTypeName(container)}' is not iterable`);
}

/** A dict key as JS stores it. */
export function keyString(k: unknown): string {
  if (typeof k === 'string') return k;
  if (typeof k === 'boolean') return k ? 'true' : 'false';
  if (typeof k === 'number') return String(k);
  if (k === null || k === undefined) return 'null';
  return pyStr(k);
}

/** The items a `for` loop or a filter iterates over (dicts give their keys). */
export function pyIter(v: unknown): unknown[] {
  if (Array.isArray(v)) return v;
  if (v instanceof Undefined && v.soft) return [];
  need(v);
  if (typeof v === 'string') return Array.from(v);
  if (v instanceof MappingView) return v.keys();
  if (isDict(v)) return Object.keys(v);
  throw typeFault(`'${pyTypeName(v)}' object is not iterable`);
}

/** String length in code points, as Python's len(). */
export function strLen(s: string): number {
  // Only strings with surrogate pairs differ from .length; avoid the copy otherwise.
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) return Array.from(s).length;
  }
  return s.length;
}

export function pyLen(v: unknown): number {
  need(v);
  if (typeof v === 'string') return strLen(v);
  if (Array.isArray(v)) return v.length;
  if (v instanceof MappingView) return v.keys().length;
  if (isDict(v)) return Object.keys(v).length;
  throw typeFault(`object of type '${pyTypeName(v)}' has no len()`);
}

/**
 * Replace views (hostvars) by plain objects and fail on Undefined, recursively, so a value
 * can leave the template engine. `skip` says which containers are known to be plain already.
 */
export function toPlain(v: unknown, skip?: (o: object) => boolean): unknown {
  if (v === null || typeof v !== 'object') return v;
  if (skip?.(v)) return v;
  if (v instanceof Undefined) throw undefinedFault(v);
  if (v instanceof MappingView) return toPlain(v.materialize(), skip);
  if (v instanceof Namespace) return toPlain(v.attrs, skip);
  if (v instanceof PyTuple) return Array.from(v, (x) => toPlain(x, skip));
  if (Array.isArray(v)) {
    let out: unknown[] | undefined;
    for (let i = 0; i < v.length; i++) {
      const x = toPlain(v[i], skip);
      if (x !== v[i] && !out) out = v.slice(0, i);
      if (out) out.push(x);
    }
    return out ?? v;
  }
  let out: Dict | undefined;
  const src = v as Dict;
  const keys = Object.keys(src);
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i]!;
    const x = toPlain(src[k], skip);
    if (x !== src[k] && !out) {
      out = {};
      for (let j = 0; j < i; j++) out[keys[j]!] = src[keys[j]!];
    }
    if (out) out[k] = x;
  }
  return out ?? v;
}
