/**
 * Python's ast.literal_eval for the text a template produced, with JSON's true/false/null
 * accepted too (Ansible's Json2Python). Ansible runs it on output that starts with `[` or `{`
 * or is True/False, which is how `"[{{ a }}, {{ b }}]"` becomes a list.
 */

export type LiteralResult = { ok: true; value: unknown } | { ok: false };

const FAIL: LiteralResult = { ok: false };

class LiteralParser {
  private i = 0;
  constructor(private readonly s: string) {}

  parseAll(): LiteralResult {
    try {
      const v = this.value();
      this.ws();
      return this.i === this.s.length ? { ok: true, value: v } : FAIL;
    } catch {
      return FAIL;
    }
  }

  private ws(): void {
    while (this.i < this.s.length && /\s/.test(this.s[this.i]!)) this.i++;
  }

  private fail(): never {
    throw new Error('not a literal');
  }

  private value(): unknown {
    this.ws();
    const c = this.s[this.i];
    if (c === undefined) this.fail();
    if (c === '[') return this.seq(']');
    if (c === '(') {
      return this.seq(')', true);
    }
    if (c === '{') return this.dict();
    if (c === '"' || c === "'") {
      // Adjacent string literals concatenate, as in Python.
      let out = this.str();
      for (;;) {
        const save = this.i;
        this.ws();
        const n = this.s[this.i];
        if (n === '"' || n === "'") out += this.str();
        else {
          this.i = save;
          return out;
        }
      }
    }
    if (c === '-' || c === '+' || /[0-9.]/.test(c)) return this.num();
    const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(this.s.slice(this.i));
    if (m) {
      this.i += m[0].length;
      switch (m[0]) {
        case 'True':
        case 'true':
          return true;
        case 'False':
        case 'false':
          return false;
        case 'None':
        case 'null':
          return null;
        default:
          this.fail();
      }
    }
    return this.fail();
  }

  private seq(close: string, tuple = false): unknown[] {
    this.i++; // open
    const out: unknown[] = [];
    let sawComma = false;
    for (;;) {
      this.ws();
      if (this.s[this.i] === close) {
        this.i++;
        // "(x)" is just x in Python; only callers with tuple=true reach here for "(...)".
        if (tuple && out.length === 1 && !sawComma) return out[0] as unknown[];
        return out;
      }
      out.push(this.value());
      this.ws();
      if (this.s[this.i] === ',') {
        this.i++;
        sawComma = true;
      } else if (this.s[this.i] !== close) this.fail();
    }
  }

  private dict(): Record<string, unknown> {
    this.i++;
    const out: Record<string, unknown> = {};
    for (;;) {
      this.ws();
      if (this.s[this.i] === '}') {
        this.i++;
        return out;
      }
      const k = this.value();
      if (k !== null && typeof k === 'object') this.fail();
      this.ws();
      if (this.s[this.i] !== ':') this.fail();
      this.i++;
      const v = this.value();
      out[typeof k === 'string' ? k : k === null ? 'None' : typeof k === 'boolean' ? (k ? 'True' : 'False') : String(k)] = v;
      this.ws();
      if (this.s[this.i] === ',') this.i++;
      else if (this.s[this.i] !== '}') this.fail();
    }
  }

  private num(): number {
    const m = /^[-+]?\s*(0[xX][0-9a-fA-F_]+|0[oO][0-7_]+|0[bB][01_]+|(\d[\d_]*)?\.?\d[\d_]*([eE][-+]?\d+)?|\d[\d_]*\.)/.exec(this.s.slice(this.i));
    if (!m) this.fail();
    this.i += m[0].length;
    const text = m[0].replace(/[\s_]/g, '');
    const neg = text.startsWith('-');
    const body = text.replace(/^[-+]/, '');
    let n: number;
    if (/^0[xX]/.test(body)) n = parseInt(body.slice(2), 16);
    else if (/^0[oO]/.test(body)) n = parseInt(body.slice(2), 8);
    else if (/^0[bB]/.test(body)) n = parseInt(body.slice(2), 2);
    else n = Number(body);
    if (Number.isNaN(n)) this.fail();
    return neg ? -n : n;
  }

  private str(): string {
    const q = this.s[this.i]!;
    const triple = this.s.startsWith(q.repeat(3), this.i);
    const end = triple ? q.repeat(3) : q;
    this.i += end.length;
    let out = '';
    for (;;) {
      if (this.i >= this.s.length) this.fail();
      if (this.s.startsWith(end, this.i)) {
        this.i += end.length;
        return out;
      }
      const c = this.s[this.i]!;
      if (c === '\n' && !triple) this.fail();
      if (c === '\\') {
        const [text, used] = pythonEscape(this.s, this.i);
        out += text;
        this.i += used;
      } else {
        out += c;
        this.i++;
      }
    }
  }
}

const SIMPLE_ESCAPES: Record<string, string> = {
  '\\': '\\', "'": "'", '"': '"', a: '\x07', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v', '\n': '',
};

/**
 * Decode one Python escape sequence starting at `s[i] === '\\'`. Returns the text and how many
 * characters were read. Unknown escapes keep their backslash, as Python does.
 */
export function pythonEscape(s: string, i: number): [string, number] {
  const c = s[i + 1];
  if (c === undefined) return ['\\', 1];
  const simple = SIMPLE_ESCAPES[c];
  if (simple !== undefined) return [simple, 2];
  if (c >= '0' && c <= '7') {
    const m = /^[0-7]{1,3}/.exec(s.slice(i + 1))!;
    return [String.fromCodePoint(parseInt(m[0], 8)), 1 + m[0].length];
  }
  const hexLen = c === 'x' ? 2 : c === 'u' ? 4 : c === 'U' ? 8 : 0;
  if (hexLen) {
    const hex = s.slice(i + 2, i + 2 + hexLen);
    if (hex.length === hexLen && /^[0-9a-fA-F]+$/.test(hex)) return [String.fromCodePoint(parseInt(hex, 16)), 2 + hexLen];
  }
  return ['\\' + c, 2];
}

/** Parse `text` as a Python/JSON literal. */
export function literalEval(text: string): LiteralResult {
  return new LiteralParser(text).parseAll();
}
