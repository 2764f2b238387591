/**
 * Jinja2 syntax through nunjucks' lexer and parser, with the pieces of Jinja2 that nunjucks
 * lacks added on a private subclass (nothing global is patched):
 * - slices `x[1:]`, `x[::-1]` and `x.0`;
 * - tests with arguments written without parentheses (`x is divisibleby 3`, `x is in list`);
 * - `{% for x in xs if cond %}` and `{% with %}`;
 * - nested dict literals inside `{{ }}` (`{{ {'a': {'b': 1}} }}`);
 * - Python string escapes, and Ansible's backslash rule for playbook strings: inside `{{ }}`
 *   a backslash is literal (Ansible doubles them before Jinja sees the text).
 */
// Only the lexer, parser and nodes, not the package's index (environment, compiler, loaders,
// runtime: ~2 ms of start-up and a bigger bundle for nothing); see nunjucks-parts.d.ts.
import lexer from 'nunjucks/src/lexer.js';
import parser from 'nunjucks/src/parser.js';
import nodes from 'nunjucks/src/nodes.js';
import { TemplateFault } from './runtime-error.js';
import { pythonEscape } from './literal-eval.js';

/* eslint-disable @typescript-eslint/no-explicit-any */

/** A nunjucks AST node (see node_modules/nunjucks/src/nodes.js), plus our own Slice/Test. */
export interface AstNode {
  typename: string;
  lineno: number;
  colno: number;
  [field: string]: any;
}

export interface ParseMode {
  /** Ansible's escape_backslashes: backslashes in string literals inside `{{ }}` are literal. */
  literalBackslashesInVariables: boolean;
  trimBlocks: boolean;
  lstripBlocks: boolean;
}

const ARG_STOP_WORDS = new Set(['and', 'or', 'not', 'in', 'is', 'if', 'else']);

/** Read a string literal the tokenizer is positioned on (its opening quote). */
function readString(tok: any, delimiter: string, literalBackslashes: boolean): string {
  tok.forward();
  let out = '';
  while (!tok.isFinished() && tok.current() !== delimiter) {
    const cur = tok.current();
    if (cur === '\\') {
      if (literalBackslashes) {
        // The backslash still protects the next character from ending the string.
        out += cur;
        tok.forward();
        if (!tok.isFinished()) {
          out += tok.current();
          tok.forward();
        }
        continue;
      }
      const [text, used] = pythonEscape(tok.str, tok.index);
      out += text;
      for (let i = 0; i < used; i++) tok.forward();
      continue;
    }
    out += cur;
    tok.forward();
  }
  if (tok.isFinished()) throw new TemplateFault('unexpected end of string: missing closing quote', 'syntax');
  tok.forward();
  return out;
}

/**
 * Number forms nunjucks does not lex: exponents (1e3, 1.5e-7) and underscores (1_000).
 * Rewrites the token in place, consuming the rest of the number from the source.
 */
function numberToken(tok: any, t: any): void {
  if (t.type === lexer.TOKEN_SYMBOL && typeof t.value === 'string' && /^\d/.test(t.value)) {
    const v: string = t.value;
    if (/^\d[\d_]*$/.test(v)) {
      t.type = lexer.TOKEN_INT;
      t.value = v.replace(/_/g, '');
    } else if (/^\d[\d_]*[eE]\d+$/.test(v)) {
      t.type = lexer.TOKEN_FLOAT;
      t.value = v.replace(/_/g, '');
    } else if (/^\d[\d_]*[eE]$/.test(v)) {
      const m = /^[+-]\d+/.exec(tok.str.slice(tok.index));
      if (m) {
        for (let i = 0; i < m[0].length; i++) tok.forward();
        t.type = lexer.TOKEN_FLOAT;
        t.value = v.replace(/_/g, '') + m[0];
      }
    }
    return;
  }
  if ((t.type === lexer.TOKEN_INT || t.type === lexer.TOKEN_FLOAT) && !String(t.value).endsWith('.')) {
    const m = /^[eE][+-]?\d+/.exec(tok.str.slice(tok.index));
    if (m) {
      for (let i = 0; i < m[0].length; i++) tok.forward();
      t.type = lexer.TOKEN_FLOAT;
      t.value = String(t.value) + m[0];
    }
  }
}

/** A nunjucks tokenizer with our string and brace handling, configured per instance. */
function tokenize(src: string, mode: ParseMode): any {
  const tok = lexer.lex(src, { trimBlocks: mode.trimBlocks, lstripBlocks: mode.lstripBlocks });
  const baseNext = tok.nextToken;
  let inVariable = false;
  let braces = 0;
  tok.nextToken = function nextToken(this: any) {
    // Inside `{{ }}`, a "}}" that closes dict literals is two braces, not the end tag.
    if (this.in_code && braces > 0 && this.current() === '}') {
      const t = { type: lexer.TOKEN_RIGHT_CURLY, value: '}', lineno: this.lineno, colno: this.colno };
      this.forward();
      braces--;
      return t;
    }
    const t = baseNext.call(this);
    if (t && this.in_code) numberToken(this, t);
    if (t) {
      switch (t.type) {
        case lexer.TOKEN_VARIABLE_START:
          inVariable = true;
          braces = 0;
          break;
        case lexer.TOKEN_BLOCK_START:
          inVariable = false;
          braces = 0;
          break;
        case lexer.TOKEN_VARIABLE_END:
        case lexer.TOKEN_BLOCK_END:
          inVariable = false;
          break;
        case lexer.TOKEN_LEFT_CURLY:
          braces++;
          break;
        case lexer.TOKEN_RIGHT_CURLY:
          if (braces > 0) braces--;
          break;
        default:
      }
    }
    return t;
  };
  tok._parseString = function parseString(this: any, delimiter: string) {
    return readString(this, delimiter, mode.literalBackslashesInVariables && inVariable);
  };
  return tok;
}

const BaseParser = parser.Parser as new (tokens: any) => any;

class JinjaParser extends BaseParser {
  [k: string]: any;

  parsePostfix(node: AstNode): AstNode {
    let tok = this.peekToken();
    // Adjacent string literals concatenate, as in Python ('it''s' is "its").
    if (node && node.typename === 'Literal' && typeof node.value === 'string') {
      while (tok && tok.type === lexer.TOKEN_STRING) {
        node.value += this.nextToken().value;
        tok = this.peekToken();
      }
    }
    while (tok) {
      if (tok.type === lexer.TOKEN_LEFT_PAREN) {
        node = new nodes.FunCall(tok.lineno, tok.colno, node, this.parseSignature());
      } else if (tok.type === lexer.TOKEN_LEFT_BRACKET) {
        node = this.parseSubscript(node);
      } else if (tok.type === lexer.TOKEN_OPERATOR && tok.value === '.') {
        this.nextToken();
        const val = this.nextToken();
        if (!val) this.fail('expected a name after "."');
        let lookup: AstNode;
        let dot = true;
        if (val.type === lexer.TOKEN_SYMBOL || val.type === lexer.TOKEN_BOOLEAN || val.type === lexer.TOKEN_NONE) {
          lookup = new nodes.Literal(val.lineno, val.colno, val.value);
        } else if (val.type === lexer.TOKEN_INT) {
          // `x.0` is an index in Jinja2.
          lookup = new nodes.Literal(val.lineno, val.colno, parseInt(val.value, 10));
          dot = false;
        } else if (val.type === lexer.TOKEN_FLOAT && /^\d+\.\d*$/.test(val.value)) {
          // `x.0.name` lexes as x . "0." name; `x.0.1` as x . "0.1".
          const [a, b] = String(val.value).split('.') as [string, string];
          node = new nodes.LookupVal(tok.lineno, tok.colno, node, new nodes.Literal(val.lineno, val.colno, parseInt(a, 10)));
          if (b) lookup = new nodes.Literal(val.lineno, val.colno, parseInt(b, 10));
          else {
            this.pushToken({ type: lexer.TOKEN_OPERATOR, value: '.', lineno: val.lineno, colno: val.colno });
            tok = this.peekToken();
            continue;
          }
          dot = false;
        } else {
          this.fail(`expected name as lookup value, got ${val.value}`, val.lineno, val.colno);
        }
        node = new nodes.LookupVal(tok.lineno, tok.colno, node, lookup!);
        node.dot = dot;
      } else {
        break;
      }
      tok = this.peekToken();
    }
    return node;
  }

  /** `[expr]` or a slice `[start:stop:step]`. */
  parseSubscript(target: AstNode): AstNode {
    const open = this.nextToken();
    const parts: Array<AstNode | null> = [null, null, null];
    let idx = 0;
    let isSlice = false;
    for (;;) {
      const t = this.peekToken();
      if (!t) this.fail('unexpected end of template, expected "]"');
      if (t.type === lexer.TOKEN_COLON) {
        this.nextToken();
        isSlice = true;
        idx++;
        if (idx > 2) this.fail('invalid slice', t.lineno, t.colno);
        continue;
      }
      if (t.type === lexer.TOKEN_RIGHT_BRACKET) {
        this.nextToken();
        break;
      }
      if (parts[idx] !== null) this.fail('expected "]"', t.lineno, t.colno);
      parts[idx] = this.parseExpression();
    }
    if (!isSlice) {
      if (!parts[0]) this.fail('expected an index inside "[]"', open.lineno, open.colno);
      return new nodes.LookupVal(open.lineno, open.colno, target, parts[0]);
    }
    return { typename: 'Slice', lineno: open.lineno, colno: open.colno, target, start: parts[0], stop: parts[1], step: parts[2] };
  }

  parseIs(): AstNode {
    let node: AstNode = this.parseCompare();
    while (this.skipSymbol('is')) {
      const not = this.skipSymbol('not');
      const nameTok = this.nextToken();
      let name: string;
      if (nameTok && nameTok.type === lexer.TOKEN_SYMBOL) name = nameTok.value;
      else if (nameTok && (nameTok.type === lexer.TOKEN_NONE || nameTok.type === lexer.TOKEN_BOOLEAN)) name = nameTok.value;
      else return this.fail('expected a test name after "is"', nameTok?.lineno, nameTok?.colno);
      while (this.skipValue(lexer.TOKEN_OPERATOR, '.')) name += '.' + this.expect(lexer.TOKEN_SYMBOL).value;
      let args: AstNode = new nodes.NodeList(nameTok.lineno, nameTok.colno);
      const next = this.peekToken();
      if (next && next.type === lexer.TOKEN_LEFT_PAREN) {
        args = this.parseSignature();
      } else if (next && this.startsTestArgument(next)) {
        args.addChild(this.parsePrimary());
      }
      const test: AstNode = { typename: 'Test', lineno: nameTok.lineno, colno: nameTok.colno, name, args };
      node = new nodes.Is(node.lineno, node.colno, node, test);
      if (not) node = new nodes.Not(node.lineno, node.colno, node);
    }
    return node;
  }

  startsTestArgument(tok: any): boolean {
    switch (tok.type) {
      case lexer.TOKEN_STRING:
      case lexer.TOKEN_INT:
      case lexer.TOKEN_FLOAT:
      case lexer.TOKEN_LEFT_BRACKET:
      case lexer.TOKEN_LEFT_CURLY:
      case lexer.TOKEN_NONE:
      case lexer.TOKEN_BOOLEAN:
        return true;
      case lexer.TOKEN_SYMBOL:
        return !ARG_STOP_WORDS.has(tok.value);
      default:
        return false;
    }
  }

  parseFor(): AstNode {
    const forTok = this.peekToken();
    if (!this.skipSymbol('for')) this.fail('expected for', forTok.lineno, forTok.colno);
    const node: AstNode = new nodes.For(forTok.lineno, forTok.colno);
    node.name = this.parsePrimary();
    if (this.peekToken().type === lexer.TOKEN_COMMA) {
      const first = node.name;
      node.name = new nodes.Array(first.lineno, first.colno);
      node.name.addChild(first);
      while (this.skip(lexer.TOKEN_COMMA)) node.name.addChild(this.parsePrimary());
    }
    if (!this.skipSymbol('in')) this.fail('expected "in" in for loop', forTok.lineno, forTok.colno);
    node.arr = this.parseOr();
    node.filter = this.skipSymbol('if') ? this.parseOr() : null;
    this.skipSymbol('recursive');
    this.advanceAfterBlockEnd(forTok.value);
    node.body = this.parseUntilBlocks('endfor', 'else');
    if (this.skipSymbol('else')) {
      this.advanceAfterBlockEnd('else');
      node.else_ = this.parseUntilBlocks('endfor');
    }
    this.advanceAfterBlockEnd();
    return node;
  }

  /** `{% set a = 1 %}`, `{% set a, b = 1, 2 %}` (tuple without parentheses) or a block set. */
  parseSet(): AstNode {
    const tag = this.peekToken();
    if (!this.skipSymbol('set')) this.fail('expected set', tag.lineno, tag.colno);
    const node: AstNode = new nodes.Set(tag.lineno, tag.colno, []);
    let target: AstNode;
    while ((target = this.parsePrimary())) {
      node.targets.push(target);
      if (!this.skip(lexer.TOKEN_COMMA)) break;
    }
    if (!this.skipValue(lexer.TOKEN_OPERATOR, '=')) {
      if (!this.skip(lexer.TOKEN_BLOCK_END)) this.fail('expected = or block end in set tag', tag.lineno, tag.colno);
      node.body = new nodes.Capture(tag.lineno, tag.colno, this.parseUntilBlocks('endset'));
      node.value = null;
      this.advanceAfterBlockEnd();
      return node;
    }
    const first = this.parseExpression();
    if (this.peekToken()?.type === lexer.TOKEN_COMMA) {
      const group = new nodes.Group(first.lineno, first.colno);
      group.addChild(first);
      while (this.skip(lexer.TOKEN_COMMA)) group.addChild(this.parseExpression());
      node.value = group;
    } else node.value = first;
    this.advanceAfterBlockEnd(tag.value);
    return node;
  }

  /** `{% with a = 1, b = 2 %}...{% endwith %}` */
  parseWith(): AstNode {
    const tok = this.peekToken();
    this.skipSymbol('with');
    const assigns: Array<[AstNode, AstNode]> = [];
    while (this.peekToken() && this.peekToken().type !== lexer.TOKEN_BLOCK_END) {
      if (assigns.length && !this.skip(lexer.TOKEN_COMMA)) this.fail('expected "," in with statement');
      const target = this.parsePrimary();
      if (!this.skipValue(lexer.TOKEN_OPERATOR, '=')) this.fail('expected "=" in with statement');
      assigns.push([target, this.parseExpression()]);
    }
    this.advanceAfterBlockEnd('with');
    const body = this.parseUntilBlocks('endwith');
    this.advanceAfterBlockEnd();
    return { typename: 'With', lineno: tok.lineno, colno: tok.colno, assigns, body };
  }

  parseStatement(): AstNode | null {
    const tok = this.peekToken();
    if (tok && tok.type === lexer.TOKEN_SYMBOL && tok.value === 'with') {
      if (this.breakOnBlocks && this.breakOnBlocks.includes('with')) return null;
      return this.parseWith();
    }
    return super.parseStatement();
  }
}

const TOKEN_TEXT: Record<string, string> = {
  'variable-end': "'}}'", 'block-end': "'%}'", 'variable-start': "'{{'", 'block-start': "'{%'",
  'left-paren': "'('", 'right-paren': "')'", 'left-bracket': "'['", 'right-bracket': "']'",
  'left-curly': "'{'", 'right-curly': "'}'", comma: "','", colon: "':'", pipe: "'|'", tilde: "'~'",
  symbol: 'a name', string: 'a string', int: 'a number', float: 'a number',
};

function tokenNames(m: string): string {
  return m.replace(/\b(expected|got) ([a-z-]+)\b/g, (all, w: string, t: string) => (TOKEN_TEXT[t] ? `${w} ${TOKEN_TEXT[t]}` : all));
}

/** Turn nunjucks' parser messages into readable ones. */
function readableSyntaxMessage(msg: string): string {
  let m = msg.replace(/^Template render error:\s*/, '').replace(/^\([^)]*\)\s*/, '').trim();
  m = m.replace(/^\[Line \d+, Column \d+\]\s*/, '');
  m = m.replace(/^(parse\w+|advanceAfterBlockEnd): /, '');
  const table: Array<[RegExp, string]> = [
    [/^expected variable end$/, "expected '}}' to end the expression"],
    [/^expected comma after expression$/, "expected ',' or a closing bracket"],
    [/^expected block end in (\S+) statement$/, "expected '%}' to end the '$1' tag"],
    [/^unexpected end of file$/, 'unexpected end of template'],
    [/^expected elif, else, or endif, got end of file$/, "unexpected end of template: missing '{% endif %}'"],
    [/^unknown block tag: (\S+)$/, "unknown tag '$1'"],
    [/^unexpected token: (.*)$/, "unexpected '$1'"],
    [/^expected (\S+), got (\S+)$/, 'expected $1, got $2'],
  ];
  for (const [re, rep] of table) if (re.test(m)) return tokenNames(m.replace(re, rep));
  return tokenNames(m);
}

/** Parse a template into nunjucks' AST. Syntax errors become TemplateFault('syntax'). */
export function parseTemplate(src: string, mode: ParseMode): AstNode {
  try {
    const p = new JinjaParser(tokenize(src, mode));
    return p.parseAsRoot();
  } catch (e) {
    if (e instanceof TemplateFault) throw e;
    const err = e as { message?: string; lineno?: number; colno?: number };
    let msg = readableSyntaxMessage(String(err.message ?? e));
    if (err.lineno !== undefined && src.includes('\n')) msg += ` (line ${err.lineno}, column ${err.colno ?? 0})`;
    throw new TemplateFault(msg, 'syntax');
  }
}
