/**
 * Python string formatting: `'%s-%02d' % (a, b)`, the `format` filter, and `'{}'.format(x)`.
 * The common conversions are supported (s r d i f F e E g G x X o c %), with flags, width
 * and precision.
 */
import { PyTuple, pyNumber, pyRepr, pyStr, pyTypeName, isDict } from './python.js';
import { typeFault } from './runtime-error.js';

interface Spec {
  flags: string;
  width?: number;
  precision?: number;
  conv: string;
}

function toNumber(v: unknown, conv: string): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'boolean') return v ? 1 : 0;
  throw typeFault(`%${conv} format: a real number is required, not ${pyTypeName(v)}`);
}

function pad(body: string, sign: string, spec: { flags: string; width?: number }, numeric: boolean): string {
  const width = spec.width ?? 0;
  const left = spec.flags.includes('-');
  const zero = spec.flags.includes('0') && numeric && !left;
  const len = sign.length + body.length;
  if (len >= width) return sign + body;
  if (left) return sign + body + ' '.repeat(width - len);
  if (zero) return sign + '0'.repeat(width - len) + body;
  return ' '.repeat(width - len) + sign + body;
}

/** Python's float formatting for f/e/g with a precision. */
function formatFloat(n: number, conv: string, precision: number | undefined, alt: boolean): string {
  if (!Number.isFinite(n)) {
    const s = Number.isNaN(n) ? 'nan' : 'inf';
    return conv === conv.toUpperCase() ? s.toUpperCase() : s;
  }
  const p = precision ?? 6;
  const lower = conv.toLowerCase();
  let s: string;
  if (lower === 'f') s = Math.abs(n).toFixed(p);
  else if (lower === 'e') s = fixExponent(Math.abs(n).toExponential(p));
  else {
    // %g: exponent form when exp < -4 or exp >= precision; trailing zeros removed.
    const prec = p === 0 ? 1 : p;
    const exp = n === 0 ? 0 : Math.floor(Math.log10(Math.abs(n)));
    if (exp < -4 || exp >= prec) s = fixExponent(Math.abs(n).toExponential(prec - 1));
    else s = Math.abs(n).toFixed(Math.max(0, prec - 1 - exp));
    if (!alt) s = s.replace(/(\.\d*?)0+(e|$)/, '$1$2').replace(/\.(e|$)/, '$1');
  }
  return conv === conv.toUpperCase() ? s.toUpperCase() : s;
}

function fixExponent(s: string): string {
  return s.replace(/e([+-])(\d)$/, 'e$10$2');
}

/** Format one value for a %-conversion or a format() spec. */
function convert(v: unknown, spec: Spec): string {
  const { conv, precision, flags } = spec;
  switch (conv) {
    case 's':
    case 'r':
    case 'a': {
      let s = conv === 's' ? (v === null || v === undefined ? 'None' : pyStr(v)) : pyRepr(v);
      if (precision !== undefined) s = s.slice(0, precision);
      return pad(s, '', spec, false);
    }
    case 'c': {
      const s = typeof v === 'number' ? String.fromCodePoint(v) : String(v);
      return pad(s, '', spec, false);
    }
    default:
  }
  const n = toNumber(v, conv);
  const sign = n < 0 || Object.is(n, -0) ? '-' : flags.includes('+') ? '+' : flags.includes(' ') ? ' ' : '';
  const alt = flags.includes('#');
  let body: string;
  switch (conv) {
    case 'd':
    case 'i':
    case 'u':
      body = pyNumber(Math.trunc(Math.abs(n)));
      break;
    case 'x':
    case 'X':
      body = Math.trunc(Math.abs(n)).toString(16);
      if (conv === 'X') body = body.toUpperCase();
      if (alt) body = (conv === 'X' ? '0X' : '0x') + body;
      break;
    case 'o':
      body = Math.trunc(Math.abs(n)).toString(8);
      if (alt) body = '0o' + body;
      break;
    case 'f':
    case 'F':
    case 'e':
    case 'E':
    case 'g':
    case 'G':
      body = formatFloat(n, conv, precision, alt);
      break;
    default:
      throw typeFault(`unsupported format character '${conv}'`);
  }
  return pad(body, sign, spec, true);
}

/** `format % args` (Python's printf-style formatting). */
export function percentFormat(format: string, args: unknown): string {
  const positional = args instanceof PyTuple ? args : [args];
  const mapping = isDict(args) ? args : undefined;
  let argi = 0;
  const next = (): unknown => {
    if (argi >= positional.length) throw typeFault('not enough arguments for format string');
    return positional[argi++];
  };
  const re = /%(?:\(([^)]*)\))?([-+ 0#]*)(\*|\d+)?(?:\.(\*|\d+))?[hlL]?([a-zA-Z%])/g;
  const out = format.replace(re, (_m, key: string | undefined, flags: string, w: string | undefined, p: string | undefined, conv: string) => {
    if (conv === '%') return '%';
    const width = w === '*' ? Number(next()) : w !== undefined ? Number(w) : undefined;
    const precision = p === '*' ? Number(next()) : p !== undefined ? Number(p) : undefined;
    let value: unknown;
    if (key !== undefined) {
      if (!mapping) throw typeFault('format requires a mapping');
      value = mapping[key];
    } else value = next();
    return convert(value, { flags, width, precision, conv });
  });
  if (!mapping && argi < positional.length && args instanceof PyTuple) {
    throw typeFault('not all arguments converted during string formatting');
  }
  return out;
}

/** One `{...}` field's format spec: [[fill]align][sign][#][0][width][,][.precision][type] */
function applyFormatSpec(v: unknown, specText: string): string {
  if (!specText) return v === null || v === undefined ? 'None' : pyStr(v);
  const m = /^(?:(.)?([<>^=]))?([-+ ])?(#)?(0)?(\d+)?([,_])?(?:\.(\d+))?([a-zA-Z%])?$/.exec(specText);
  if (!m) throw typeFault(`Invalid format specifier '${specText}'`);
  const [, fillRaw, align, sign, alt, zero, w, group, p, typeRaw] = m;
  const width = w ? Number(w) : 0;
  const precision = p !== undefined ? Number(p) : undefined;
  const isNum = typeof v === 'number' || typeof v === 'boolean';
  const type = typeRaw ?? (isNum ? (Number.isInteger(v) && precision === undefined ? 'd' : 'g') : 's');
  let body: string;
  if (type === '%') {
    body = formatFloat(toNumber(v, '%') * 100, 'f', precision, false) + '%';
  } else if (type === 'n') {
    body = convert(v, { flags: '', conv: Number.isInteger(v) ? 'd' : 'g', precision });
  } else {
    const flags = (sign ?? '') + (alt ?? '');
    body = convert(v, { flags, conv: type === 'b' ? 'd' : type, precision });
    if (type === 'b') body = (toNumber(v, 'b') < 0 ? '-' : '') + Math.trunc(Math.abs(toNumber(v, 'b'))).toString(2);
  }
  if (group && isNum) {
    const [int, frac] = body.split('.') as [string, string | undefined];
    body = int.replace(/\B(?=(\d{3})+(?!\d))/g, group) + (frac !== undefined ? '.' + frac : '');
  }
  const fill = fillRaw ?? (zero && !align ? '0' : ' ');
  const al = align ?? (zero ? '=' : isNum && type !== 's' ? '>' : '<');
  const len = Array.from(body).length;
  if (len >= width) return body;
  const gap = width - len;
  switch (al) {
    case '<':
      return body + fill.repeat(gap);
    case '^':
      return fill.repeat(Math.floor(gap / 2)) + body + fill.repeat(gap - Math.floor(gap / 2));
    case '=': {
      const s = /^[-+ ]/.test(body) ? body[0]! : '';
      return s + fill.repeat(gap) + body.slice(s.length);
    }
    default:
      return fill.repeat(gap) + body;
  }
}

/** Python's str.format(*args, **kwargs). */
export function braceFormat(format: string, args: unknown[], kwargs: Record<string, unknown>): string {
  let auto = 0;
  let out = '';
  for (let i = 0; i < format.length; i++) {
    const c = format[i]!;
    if (c === '{') {
      if (format[i + 1] === '{') {
        out += '{';
        i++;
        continue;
      }
      const end = format.indexOf('}', i);
      if (end < 0) throw typeFault("Single '{' encountered in format string");
      const field = format.slice(i + 1, end);
      i = end;
      const colon = field.indexOf(':');
      const ref = colon < 0 ? field : field.slice(0, colon);
      const spec = colon < 0 ? '' : field.slice(colon + 1);
      const [head, ...path] = ref.split('.');
      let v: unknown;
      if (head === '' || head === undefined) v = args[auto++];
      else if (/^\d+$/.test(head)) v = args[Number(head)];
      else v = kwargs[head];
      for (const p of path) v = isDict(v) ? v[p] : undefined;
      if (v === undefined && !(head && head in kwargs)) throw typeFault(`Replacement index ${head || auto - 1} out of range for positional args tuple`);
      out += applyFormatSpec(v, spec);
    } else if (c === '}') {
      if (format[i + 1] === '}') i++;
      out += '}';
    } else out += c;
  }
  return out;
}
