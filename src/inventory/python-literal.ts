/**
 * Python's `ast.literal_eval`, as Ansible's INI parser applies it to every `k=v` value (inline
 * host vars and `[g:vars]` alike): `22` is an int, `True` a boolean, `'x'` a string without its
 * quotes, `[1, 2]` a list, and anything that is not a Python literal stays the string it was.
 *
 * Differences kept on purpose, because JSON and JavaScript have no equivalent: complex numbers
 * (`1j`), `...`, infinite floats (`1e999`) and integers beyond 2^53 fail to parse, so they stay strings; sets and tuples
 * become arrays; floats that hold whole numbers (`1e3`) become plain numbers.
 */

export type LiteralResult = { ok: true; value: unknown } | { ok: false };

const FAIL: LiteralResult = { ok: false };

/** Parses `text` as Python's `ast.literal_eval` would; `{ ok: false }` where Python raises. */
export function literalEval(text: string): LiteralResult {
  try {
    // literal_eval strips leading spaces and tabs before parsing.
    let start = 0;
    while (text[start] === ' ' || text[start] === '\t') start++;
    const p = new Parser(text.slice(start));
    const value = p.topLevel();
    p.skipSpace();
    if (!p.atEnd()) return FAIL;
    return { ok: true, value };
  } catch (e) {
    if (e instanceof NotLiteral) return FAIL;
    throw e;
  }
}

/**
 * The value Ansible stores for an INI `k=v` value: the literal when `v` is one, else `v` itself.
 */
export function parseIniValue(v: string): unknown {
  const r = literalEval(v);
  return r.ok ? r.value : v;
}

/**
 * Thrown wherever Python would raise; one instance for all (most INI values are not literals,
 * and an Error made for each would record a stack trace every time).
 */
class NotLiteral extends Error {}
const NOT_LITERAL = new NotLiteral('not a Python literal');

const IDENT = /[\p{L}\p{N}_]/u;

/**
 * IDENT.test(c) for one character, without running a Unicode-class regex for ASCII (each such
 * regex costs ~0.25 ms to compile in a new process; most INI values are ASCII).
 */
function isIdentChar(c: string | undefined): boolean {
  if (c === undefined || c === '') return false;
  const code = c.charCodeAt(0);
  if (code < 128) return (code >= 48 && code <= 57) || (code >= 65 && code <= 90) || (code >= 97 && code <= 122) || code === 95;
  return IDENT.test(c);
}

function isDigit(c: string | undefined): boolean {
  return c !== undefined && c.length > 0 && c.charCodeAt(0) >= 48 && c.charCodeAt(0) <= 57;
}

/** Characters a string literal (with its prefix) may start with: what STRING_PREFIX needs to see. */
const STRING_STARTS = '\'"rRuUfFbB';
const NUMBER =
  /^(?:0[xX](?:_?[0-9a-fA-F])+|0[oO](?:_?[0-7])+|0[bB](?:_?[01])+|(?:(?:\d(?:_?\d)*)?\.\d(?:_?\d)*|\d(?:_?\d)*\.?)(?:[eE][+-]?\d(?:_?\d)*)?[jJ]?)/;
const STRING_PREFIX = /^(?:[rRuUfFbB]|[fFbB][rR]|[rR][fFbB])?(?='|")/;

class Parser {
  private i = 0;
  constructor(private readonly s: string) {}

  atEnd(): boolean {
    return this.i >= this.s.length;
  }

  /** Skips blanks, newlines and a `#` comment (which runs to the end of the line). */
  skipSpace(): void {
    for (;;) {
      const c = this.s[this.i];
      if (c === ' ' || c === '\t' || c === '\f' || c === '\n' || c === '\r') this.i++;
      else if (c === '#') {
        while (this.i < this.s.length && this.s[this.i] !== '\n') this.i++;
      } else return;
    }
  }

  private peek(): string {
    this.skipSpace();
    return this.s[this.i] ?? '';
  }

  private expect(ch: string): void {
    if (this.peek() !== ch) throw NOT_LITERAL;
    this.i++;
  }

  /** Python's eval input: an expression, or a tuple written without parentheses (`1, 2`). */
  topLevel(): unknown {
    const first = this.expression();
    if (this.peek() !== ',') return first;
    const items = [first];
    while (this.peek() === ',') {
      this.i++;
      if (this.atEndAfterSpace()) break;
      items.push(this.expression());
    }
    return items;
  }

  private atEndAfterSpace(): boolean {
    this.skipSpace();
    return this.atEnd();
  }

  expression(): unknown {
    const c = this.peek();
    if (c === '-' || c === '+') {
      this.i++;
      // Only a plain number may follow a sign (`--1`, `-(-1)`, `-True` are not literals).
      const v = this.atom();
      if (typeof v !== 'number' || this.signed) throw NOT_LITERAL;
      this.signed = true;
      return c === '-' ? -v : v;
    }
    return this.atom();
  }

  /** Whether the last expression was a signed number; parentheses keep it (`-(-1)` fails). */
  private signed = false;

  private atom(): unknown {
    const c = this.peek();
    this.signed = false;
    let v: unknown;
    if (c === '(') v = this.tuple();
    else if (c === '[') v = this.list();
    else if (c === '{') v = this.dictOrSet();
    else {
      if (c !== '' && STRING_STARTS.includes(c) && STRING_PREFIX.test(this.s.slice(this.i))) v = this.strings();
      else if (isDigit(c) || (c === '.' && isDigit(this.s[this.i + 1]))) v = this.number();
      else if (isIdentChar(c) && !isDigit(c)) v = this.name();
      else throw NOT_LITERAL;
    }
    // A call, subscript or attribute after the atom is not a literal.
    const next = this.peek();
    if (next === '(' || next === '[' || next === '.') throw NOT_LITERAL;
    return v;
  }

  private name(): unknown {
    const start = this.i;
    while (this.i < this.s.length && isIdentChar(this.s[this.i])) this.i++;
    const word = this.s.slice(start, this.i);
    if (word === 'True') return true;
    if (word === 'False') return false;
    if (word === 'None') return null;
    if (word === 'set' && this.peek() === '(') {
      // `set()` is the one call literal_eval accepts.
      this.i++;
      this.expect(')');
      return [];
    }
    throw NOT_LITERAL;
  }

  private number(): number {
    const m = NUMBER.exec(this.s.slice(this.i));
    if (!m) throw NOT_LITERAL;
    const text = m[0];
    this.i += text.length;
    // `1abc`, `1_`, `0x1g`: Python's tokenizer rejects a literal glued to a name.
    if (this.i < this.s.length && isIdentChar(this.s[this.i])) throw NOT_LITERAL;
    // (String tests rather than small regexes: each regex costs a compile in every run.)
    if (text.endsWith('j') || text.endsWith('J')) throw NOT_LITERAL; // complex: no JSON equivalent
    const clean = text.includes('_') ? text.replaceAll('_', '') : text;
    let value: number;
    if (clean[0] === '0' && 'xXoObB'.includes(clean[1] ?? '_')) {
      const big = BigInt(clean);
      if (big > BigInt(Number.MAX_SAFE_INTEGER)) throw NOT_LITERAL;
      value = Number(big);
    } else if (clean.includes('.') || clean.includes('e') || clean.includes('E')) {
      value = Number(clean);
      if (!Number.isFinite(value)) throw NOT_LITERAL; // 1e999 is inf in Python: no JSON form
    } else {
      // "leading zeros in decimal integer literals are not permitted" (but 00 is fine).
      if (clean[0] === '0' && [...clean].some((ch) => ch !== '0')) throw NOT_LITERAL;
      value = Number(clean);
      if (!Number.isSafeInteger(value)) throw NOT_LITERAL;
    }
    return value;
  }

  /** One or more adjacent string literals, concatenated like Python does. */
  private strings(): string {
    let out = '';
    let kind: 'str' | 'bytes' | undefined;
    while (STRING_PREFIX.test(this.s.slice(this.i))) {
      const prefix = STRING_PREFIX.exec(this.s.slice(this.i))![0].toLowerCase();
      this.i += prefix.length;
      if (prefix.includes('f')) throw NOT_LITERAL; // f-strings are not literals
      const thisKind = prefix.includes('b') ? 'bytes' : 'str';
      if (kind && kind !== thisKind) throw NOT_LITERAL; // cannot mix bytes and str
      kind = thisKind;
      out += this.stringBody(prefix.includes('r'), thisKind === 'bytes');
      this.skipSpace();
    }
    return out;
  }

  private stringBody(raw: boolean, bytes: boolean): string {
    const s = this.s;
    const q = s[this.i]!;
    const triple = s.startsWith(q.repeat(3), this.i);
    const close = triple ? q.repeat(3) : q;
    this.i += close.length;
    let body = '';
    for (;;) {
      if (this.i >= s.length) throw NOT_LITERAL; // unterminated
      if (s.startsWith(close, this.i)) {
        this.i += close.length;
        break;
      }
      const c = s[this.i]!;
      if (c === '\n' && !triple) throw NOT_LITERAL;
      if (c === '\\') {
        if (this.i + 1 >= s.length) throw NOT_LITERAL;
        body += c + s[this.i + 1]!;
        this.i += 2;
        continue;
      }
      body += c;
      this.i++;
    }
    // Bytes literals may only hold ASCII characters.
    if (bytes && /[^\x00-\x7f]/.test(body)) throw NOT_LITERAL;
    if (raw) return body;
    const decoded = unescape(body, bytes);
    return bytes ? decodeLatin1AsUtf8(decoded) : decoded;
  }

  private tuple(): unknown {
    this.expect('(');
    if (this.peek() === ')') {
      this.i++;
      return [];
    }
    const first = this.expression();
    if (this.peek() === ')') {
      this.i++;
      // A parenthesised expression, not a tuple: `signed` stays as the inner expression left it.
      return first;
    }
    const items = [first];
    while (this.peek() === ',') {
      this.i++;
      if (this.peek() === ')') break;
      items.push(this.expression());
    }
    this.expect(')');
    this.signed = false;
    return items;
  }

  private list(): unknown[] {
    this.expect('[');
    const items: unknown[] = [];
    while (this.peek() !== ']') {
      items.push(this.expression());
      if (this.peek() !== ',') break;
      this.i++;
    }
    this.expect(']');
    return items;
  }

  private dictOrSet(): unknown {
    this.expect('{');
    if (this.peek() === '}') {
      this.i++;
      return {};
    }
    const first = this.expression();
    if (this.peek() === ':') {
      // Python keeps the first spelling of equal keys (1, 1.0, True) and the last value.
      const entries = new Map<string, [string, unknown]>();
      const put = (k: unknown, v: unknown): void => {
        const h = hashKey(k);
        entries.set(h, [entries.get(h)?.[0] ?? jsonKey(k), v]);
      };
      this.i++;
      put(first, this.expression());
      while (this.peek() === ',') {
        this.i++;
        if (this.peek() === '}') break;
        const k = this.expression();
        this.expect(':');
        put(k, this.expression());
      }
      this.expect('}');
      const dict: Record<string, unknown> = {};
      for (const [k, v] of entries.values()) dict[k] = v;
      return dict;
    }
    const items = [first];
    while (this.peek() === ',') {
      this.i++;
      if (this.peek() === '}') break;
      items.push(this.expression());
    }
    this.expect('}');
    // A set: hashable members only, no duplicates (1 and True are the same member).
    const seen = new Set<string>();
    const out: unknown[] = [];
    for (const it of items) {
      const k = hashKey(it);
      if (!seen.has(k)) {
        seen.add(k);
        out.push(it);
      }
    }
    return out;
  }
}

/** Python's equality of hashable literals (1 == 1.0 == True); unhashable ones are not literals here. */
function hashKey(k: unknown): string {
  if (typeof k === 'string') return `s:${k}`;
  if (typeof k === 'number') return `n:${k}`;
  if (typeof k === 'boolean') return `n:${k ? 1 : 0}`;
  if (k === null) return 'null';
  throw NOT_LITERAL;
}

/** A dict key as JSON writes it. */
function jsonKey(k: unknown): string {
  return typeof k === 'string' ? k : String(k);
}

const SIMPLE_ESCAPES: Record<string, string> = {
  '\\': '\\', "'": "'", '"': '"', a: '\x07', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v', '\n': '',
};

/** Python escape sequences; unknown ones keep their backslash, as Python does. */
function unescape(body: string, bytes: boolean): string {
  let out = '';
  for (let i = 0; i < body.length; i++) {
    const c = body[i]!;
    if (c !== '\\') {
      out += c;
      continue;
    }
    const n = body[i + 1]!;
    i++;
    if (n in SIMPLE_ESCAPES) {
      out += SIMPLE_ESCAPES[n];
    } else if (/[0-7]/.test(n)) {
      const m = /^[0-7]{1,3}/.exec(body.slice(i))![0];
      out += String.fromCodePoint(parseInt(m, 8));
      i += m.length - 1;
    } else if (n === 'x') {
      const m = /^[0-9a-fA-F]{2}/.exec(body.slice(i + 1));
      if (!m) throw NOT_LITERAL; // truncated \xXX escape
      out += String.fromCharCode(parseInt(m[0], 16));
      i += 2;
    } else if (!bytes && (n === 'u' || n === 'U')) {
      const len = n === 'u' ? 4 : 8;
      const hex = body.slice(i + 1, i + 1 + len);
      if (!new RegExp(`^[0-9a-fA-F]{${len}}$`).test(hex)) throw NOT_LITERAL;
      const cp = parseInt(hex, 16);
      if (cp > 0x10ffff) throw NOT_LITERAL;
      out += String.fromCodePoint(cp);
      i += len;
    } else if (!bytes && n === 'N') {
      throw NOT_LITERAL; // \N{NAME}: no Unicode name table here
    } else {
      out += '\\' + n;
    }
  }
  return out;
}

/** Ansible's to_text() of a bytes literal: the bytes (one per char here) decoded as UTF-8. */
function decodeLatin1AsUtf8(s: string): string {
  const bytes = Uint8Array.from(s, (ch) => ch.charCodeAt(0) & 0xff);
  return new TextDecoder('utf-8').decode(bytes);
}
