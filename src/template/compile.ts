/**
 * Turns nunjucks' AST into JavaScript closures that evaluate it with Jinja2/Python semantics
 * (python.ts, ops.ts). Each distinct template text is compiled once and cached; running a
 * compiled template is a walk over closures, with no parsing and no code generation.
 */
import { parseTemplate, type AstNode, type ParseMode } from './parse.js';
import { newFrame, type EvalContext, type Frame } from './context.js';
import { Undefined, undefinedFault } from './undefined.js';
import { TemplateFault } from './runtime-error.js';
import {
  Namespace, keyString, pyAdd, pyCompare, pyContains, pyDiv, pyEquals, pyFloorDiv, pyIter, pyModNumber, pyMul, pyNeg,
  pyPos, pyPow, pyStr, pySub, pyTruthy, tuple,
} from './python.js';
import { percentFormat } from './py-format.js';
import { callValue, getAttr, getSlice } from './ops.js';
import { pyCallable } from './callable.js';
import { applyFilter, applyTest, lookupFilter, lookupTest } from './apply.js';

export type Expr = (c: EvalContext) => unknown;
export type Stmt = (c: EvalContext, out: string[]) => void;

export interface Program {
  source: string;
  /** Set when the template is one `{{ expr }}` with only whitespace around it. */
  single?: Expr;
  /**
   * The single expression ends in a filter whose text Ansible never converts back into a
   * list or dict (C.STRING_TYPE_FILTERS: to_json, to_yaml, string...).
   */
  keepsText?: boolean;
  body: Stmt;
}

const CONSTANTS: Record<string, unknown> = { True: true, true: true, False: false, false: false, None: null, none: null };

/** Text a value prints as inside a template (Ansible prints None as nothing). */
function toText(v: unknown): string {
  if (typeof v === 'string') return v;
  if (v === null || v === undefined) return '';
  if (v instanceof Undefined) {
    if (v.soft) return '';
    throw undefinedFault(v);
  }
  return pyStr(v);
}

/** Note the template line on a fault raised inside a statement (for multi-line templates). */
function atLine<T>(node: AstNode, f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof TemplateFault && e.line === undefined) e.line = node.lineno + 1;
    throw e;
  }
}

interface CompiledArgs {
  positional: Expr[];
  keywords: Array<[string, Expr]>;
}

function evalArgs(a: CompiledArgs, c: EvalContext): [unknown[], Record<string, unknown>] {
  const args = a.positional.map((e) => e(c));
  const kw: Record<string, unknown> = {};
  for (const [k, e] of a.keywords) kw[k] = e(c);
  return [args, kw];
}

class Compiler {
  constructor(private readonly mode: ParseMode) {}

  args(list: AstNode | null | undefined): CompiledArgs {
    const positional: Expr[] = [];
    const keywords: Array<[string, Expr]> = [];
    for (const child of list?.children ?? []) {
      if (child.typename === 'KeywordArgs') {
        for (const pair of child.children) keywords.push([String(pair.key.value), this.expr(pair.value)]);
      } else positional.push(this.expr(child));
    }
    return { positional, keywords };
  }

  expr(node: AstNode): Expr {
    switch (node.typename) {
      case 'Literal': {
        const v = node.value;
        return () => v;
      }
      case 'Symbol':
        return this.symbol(String(node.value));
      case 'Group': {
        if (node.children.length === 1) return this.expr(node.children[0]);
        const items = node.children.map((n: AstNode) => this.expr(n));
        return (c) => tuple(items.map((e: Expr) => e(c)));
      }
      case 'Array': {
        const items = node.children.map((n: AstNode) => this.expr(n));
        return (c) => items.map((e: Expr) => e(c));
      }
      case 'Dict': {
        const pairs: Array<[Expr, Expr]> = node.children.map((p: AstNode) => [this.expr(p.key), this.expr(p.value)]);
        return (c) => {
          const out: Record<string, unknown> = {};
          for (const [k, v] of pairs) {
            const key = k(c);
            if (key instanceof Undefined) throw undefinedFault(key);
            setKey(out, keyString(key), v(c));
          }
          return out;
        };
      }
      case 'LookupVal': {
        const target = this.expr(node.target);
        const dot = !!node.dot;
        if (node.val.typename === 'Literal') {
          const key = node.val.value;
          return (c) => getAttr(target(c), key, dot);
        }
        const key = this.expr(node.val);
        return (c) => getAttr(target(c), key(c), false);
      }
      case 'Slice': {
        const target = this.expr(node.target);
        const start = node.start ? this.expr(node.start) : () => null;
        const stop = node.stop ? this.expr(node.stop) : () => null;
        const step = node.step ? this.expr(node.step) : () => null;
        return (c) => getSlice(target(c), start(c), stop(c), step(c));
      }
      case 'FunCall': {
        const callee = this.expr(node.name);
        const args = this.args(node.args);
        return (c) => {
          const fn = callee(c);
          const [a, kw] = evalArgs(args, c);
          return callValue(fn, a, kw);
        };
      }
      case 'Filter':
        return this.filter(node);
      case 'Is':
        return this.test(node);
      case 'In': {
        const l = this.expr(node.left);
        const r = this.expr(node.right);
        return (c) => pyContains(r(c), l(c));
      }
      case 'Not': {
        const t = this.expr(node.target);
        return (c) => !pyTruthy(t(c));
      }
      case 'And': {
        const l = this.expr(node.left);
        const r = this.expr(node.right);
        return (c) => {
          const a = l(c);
          return pyTruthy(a) ? r(c) : a;
        };
      }
      case 'Or': {
        const l = this.expr(node.left);
        const r = this.expr(node.right);
        return (c) => {
          const a = l(c);
          return pyTruthy(a) ? a : r(c);
        };
      }
      case 'InlineIf': {
        const cond = this.expr(node.cond);
        const body = this.expr(node.body);
        const line = node.lineno + 1;
        const els: Expr = node.else_
          ? this.expr(node.else_)
          : () => new Undefined(`the inline if-expression on line ${line} evaluated to false and no else section was defined.`, undefined, [], true);
        return (c) => (pyTruthy(cond(c)) ? body(c) : els(c));
      }
      case 'Add':
        return this.binary(node, pyAdd);
      case 'Sub':
        return this.binary(node, pySub);
      case 'Mul':
        return this.binary(node, pyMul);
      case 'Div':
        return this.binary(node, pyDiv);
      case 'FloorDiv':
        return this.binary(node, pyFloorDiv);
      case 'Pow':
        return this.binary(node, pyPow);
      case 'Mod':
        return this.binary(node, (a, b) => {
          if (typeof a === 'string') return percentFormat(a, b);
          return pyModNumber(a, b);
        });
      case 'Concat':
        return this.binary(node, (a, b) => concatText(a) + concatText(b));
      case 'Neg': {
        const t = this.expr(node.target);
        return (c) => pyNeg(t(c));
      }
      case 'Pos': {
        const t = this.expr(node.target);
        return (c) => pyPos(t(c));
      }
      case 'Compare':
        return this.compare(node);
      case 'Capture': {
        const body = this.stmts(node.body);
        return (c) => {
          const out: string[] = [];
          body(c, out);
          return out.join('');
        };
      }
      case 'Caller':
        return this.macroValue(node, 'caller');
      default:
        throw new TemplateFault(`unsupported expression (${node.typename})`, 'syntax');
    }
  }

  symbol(name: string): Expr {
    if (Object.prototype.hasOwnProperty.call(CONSTANTS, name)) {
      const v = CONSTANTS[name];
      return () => v;
    }
    return (c) => {
      const f = c.frame;
      return name in f ? f[name] : c.scope.lookup(name);
    };
  }

  binary(node: AstNode, op: (a: unknown, b: unknown) => unknown): Expr {
    const l = this.expr(node.left);
    const r = this.expr(node.right);
    return (c) => op(l(c), r(c));
  }

  compare(node: AstNode): Expr {
    const first = this.expr(node.expr);
    const ops: Array<[string, Expr]> = node.ops.map((o: AstNode) => [o.type, this.expr(o.expr)]);
    return (c) => {
      let left = first(c);
      for (const [op, e] of ops) {
        const right = e(c);
        let ok: boolean;
        switch (op) {
          case '==':
          case '===':
            ok = pyEquals(left, right);
            break;
          case '!=':
          case '!==':
            ok = !pyEquals(left, right);
            break;
          default:
            ok = pyCompare(left, right, op as '<' | '<=' | '>' | '>=');
        }
        if (!ok) return false;
        left = right;
      }
      return true;
    };
  }

  filter(node: AstNode): Expr {
    const name = String(node.name.value);
    const def = lookupFilter(name);
    const [input, ...rest] = node.args.children as AstNode[];
    const value = this.expr(input!);
    const args = this.args({ typename: 'NodeList', lineno: 0, colno: 0, children: rest });
    return (c) => {
      const v = value(c);
      const [a, kw] = evalArgs(args, c);
      return applyFilter(def, name, v, a, kw, c);
    };
  }

  test(node: AstNode): Expr {
    const left = this.expr(node.left);
    const t = node.right as AstNode;
    const name = String(t.name);
    const def = lookupTest(name);
    const args = this.args(t.args);
    return (c) => {
      const v = left(c);
      const [a, kw] = evalArgs(args, c);
      return applyTest(def, name, v, a, kw, c);
    };
  }

  /** A macro (or a call block's caller) as a callable value bound to the defining context. */
  macroValue(node: AstNode, name: string): Expr {
    const params: Array<{ name: string; dflt?: Expr }> = [];
    for (const a of node.args?.children ?? []) {
      if (a.typename === 'KeywordArgs') for (const p of a.children) params.push({ name: String(p.key.value), dflt: this.expr(p.value) });
      else params.push({ name: String(a.value) });
    }
    const body = this.stmts(node.body);
    return (c) =>
      pyCallable(name, (args, kw) => {
        const frame = newFrame(c.frame);
        const ctx: EvalContext = { scope: c.scope, frame };
        const extraKw: Record<string, unknown> = { ...kw };
        params.forEach((p, i) => {
          if (i < args.length) frame[p.name] = args[i];
          else if (Object.prototype.hasOwnProperty.call(kw, p.name)) frame[p.name] = kw[p.name];
          else frame[p.name] = p.dflt ? p.dflt(ctx) : new Undefined(`parameter '${p.name}' was not provided`, p.name);
          delete extraKw[p.name];
        });
        frame.varargs = args.slice(params.length);
        if ('caller' in extraKw) {
          frame.caller = extraKw.caller;
          delete extraKw.caller;
        }
        frame.kwargs = extraKw;
        const out: string[] = [];
        body(ctx, out);
        return out.join('');
      });
  }

  stmts(node: AstNode | AstNode[] | null | undefined): Stmt {
    const list: AstNode[] = !node ? [] : Array.isArray(node) ? node : node.children;
    const compiled = list.map((n) => this.stmt(n));
    if (compiled.length === 1) return compiled[0]!;
    return (c, out) => {
      for (const s of compiled) s(c, out);
    };
  }

  stmt(node: AstNode): Stmt {
    switch (node.typename) {
      case 'Output':
        return this.output(node);
      case 'If': {
        const cond = this.expr(node.cond);
        const body = this.stmts(node.body);
        const els: Stmt | null = !node.else_ ? null : node.else_.typename === 'If' ? this.stmt(node.else_) : this.stmts(node.else_);
        return (c, out) => {
          if (atLine(node, () => pyTruthy(cond(c)))) body(c, out);
          else if (els) els(c, out);
        };
      }
      case 'For':
        return this.forLoop(node);
      case 'Set':
        return this.set(node);
      case 'Macro': {
        const name = String(node.name.value);
        const value = this.macroValue(node, name);
        return (c) => {
          c.frame[name] = value(c);
        };
      }
      case 'With': {
        const assigns: Array<[string, Expr]> = node.assigns.map(([t, e]: [AstNode, AstNode]) => [String(t.value), this.expr(e)]);
        const body = this.stmts(node.body);
        return (c, out) => {
          const frame = newFrame(c.frame);
          for (const [name, e] of assigns) frame[name] = e(c);
          body({ scope: c.scope, frame }, out);
        };
      }
      case 'Include': {
        const name = this.expr(node.template);
        const mode = this.mode;
        const ignoreMissing = !!node.ignoreMissing;
        return (c, out) => {
          const loader = c.scope.session.opts.loader;
          const n = toText(name(c));
          let src: string;
          try {
            if (!loader) throw new Error('no template loader');
            src = loader(n);
          } catch (e) {
            if (ignoreMissing) return;
            throw new TemplateFault(`cannot include '${n}': ${(e as Error).message}`, 'other');
          }
          compileTemplate(src, mode).body(c, out);
        };
      }
      case 'Extends':
      case 'Block':
      case 'Import':
      case 'FromImport':
      case 'Switch':
        throw new TemplateFault(`the '${node.typename.toLowerCase()}' tag is not supported`, 'syntax');
      default:
        throw new TemplateFault(`unsupported statement (${node.typename})`, 'syntax');
    }
  }

  output(node: AstNode): Stmt {
    const parts = (node.children as AstNode[]).map((n): Stmt => {
      if (n.typename === 'TemplateData') {
        const s = String(n.value);
        return (_c, out) => {
          out.push(s);
        };
      }
      const e = this.expr(n);
      return (c, out) => {
        out.push(atLine(n, () => toText(e(c))));
      };
    });
    if (parts.length === 1) return parts[0]!;
    return (c, out) => {
      for (const p of parts) p(c, out);
    };
  }

  target(node: AstNode): (c: EvalContext, frame: Frame, value: unknown) => void {
    if (node.typename === 'Symbol') {
      const name = String(node.value);
      return (_c, frame, value) => {
        frame[name] = value;
      };
    }
    if (node.typename === 'LookupVal' && node.val.typename === 'Literal') {
      const obj = this.expr(node.target);
      const key = String(node.val.value);
      return (c, _frame, value) => {
        const ns = obj(c);
        if (!(ns instanceof Namespace)) throw new TemplateFault('cannot assign attribute on non-namespace object', 'type');
        ns.attrs[key] = value;
      };
    }
    if (node.typename === 'Array' || node.typename === 'Group') {
      const subs = node.children.map((n: AstNode) => this.target(n));
      return (c, frame, value) => {
        const items = pyIter(value);
        if (items.length !== subs.length) {
          throw new TemplateFault(`${items.length > subs.length ? 'too many' : 'not enough'} values to unpack (expected ${subs.length}, got ${items.length})`, 'type');
        }
        subs.forEach((s: (c: EvalContext, f: Frame, v: unknown) => void, i: number) => s(c, frame, items[i]));
      };
    }
    throw new TemplateFault('cannot assign to this expression', 'syntax');
  }

  set(node: AstNode): Stmt {
    const targets = (node.targets as AstNode[]).map((t) => this.target(t));
    const value: Expr = node.value ? this.expr(node.value) : this.expr(node.body);
    return (c) => {
      const v = atLine(node, () => value(c));
      if (targets.length > 1 && Array.isArray(v) && v.length === targets.length) targets.forEach((t, i) => t(c, c.frame, v[i]));
      else for (const t of targets) t(c, c.frame, v);
    };
  }

  forLoop(node: AstNode): Stmt {
    const arr = this.expr(node.arr);
    const assign = this.target(node.name);
    const filter = node.filter ? this.expr(node.filter) : null;
    const body = this.stmts(node.body);
    const els = node.else_ ? this.stmts(node.else_) : null;
    const usesLoop = mentionsName(node.body, 'loop');
    return (c, out) => {
      let items = atLine(node, () => pyIter(arr(c)));
      if (filter) {
        items = items.filter((item) => {
          const frame = newFrame(c.frame);
          assign(c, frame, item);
          return pyTruthy(filter({ scope: c.scope, frame }));
        });
      }
      if (!items.length) {
        if (els) els(c, out);
        return;
      }
      const n = items.length;
      let last: unknown;
      let changedLast: unknown = {};
      for (let i = 0; i < n; i++) {
        const item = items[i];
        const frame = newFrame(c.frame);
        if (usesLoop) frame.loop = {
          index: i + 1,
          index0: i,
          revindex: n - i,
          revindex0: n - i - 1,
          first: i === 0,
          last: i === n - 1,
          length: n,
          depth: 1,
          depth0: 0,
          previtem: i > 0 ? last : new Undefined('there is no previous item', 'previtem'),
          nextitem: i < n - 1 ? items[i + 1] : new Undefined('there is no next item', 'nextitem'),
          cycle: pyCallable('cycle', (args) => args[i % args.length]),
          changed: pyCallable('changed', (args) => {
            if (pyEquals(args, changedLast)) return false;
            changedLast = args;
            return true;
          }),
        };
        assign(c, frame, item);
        body({ scope: c.scope, frame }, out);
        last = item;
      }
    };
  }
}

/** obj[key] = value, also for the key "__proto__" (an ordinary key for Python dicts). */
function setKey(obj: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
  else obj[key] = value;
}

/** Whether an AST mentions a variable name anywhere (skips building `loop` when unused). */
function mentionsName(node: unknown, name: string): boolean {
  if (!node || typeof node !== 'object') return false;
  if (Array.isArray(node)) return node.some((n) => mentionsName(n, name));
  const n = node as AstNode;
  if ((n.typename === 'Symbol' && n.value === name) || n.typename === 'Include') return true;
  for (const k of Object.keys(n)) {
    if (k === 'typename' || k === 'lineno' || k === 'colno') continue;
    const v = n[k];
    if (v && typeof v === 'object' && mentionsName(v, name)) return true;
  }
  return false;
}

function concatText(v: unknown): string {
  if (v instanceof Undefined) throw undefinedFault(v);
  return typeof v === 'string' ? v : pyStr(v);
}

/** True when only whitespace text surrounds exactly one expression. */
function singleExpression(root: AstNode): AstNode | undefined {
  let found: AstNode | undefined;
  for (const out of root.children as AstNode[]) {
    if (out.typename !== 'Output') return undefined;
    for (const n of out.children as AstNode[]) {
      if (n.typename === 'TemplateData') {
        if (String(n.value).trim() !== '') return undefined;
      } else {
        if (found) return undefined;
        found = n;
      }
    }
  }
  return found;
}

function modeKey(m: ParseMode): string {
  return `${m.literalBackslashesInVariables ? 1 : 0}${m.trimBlocks ? 1 : 0}${m.lstripBlocks ? 1 : 0}`;
}

const STRING_TYPE_FILTERS = new Set(['string', 'to_json', 'to_nice_json', 'to_yaml', 'to_nice_yaml', 'ppretty', 'json']);

const caches = new Map<string, Map<string, Program>>();
const CACHE_LIMIT = 20000;

/** Compile (once per distinct text and mode) a template into a Program. */
export function compileTemplate(source: string, mode: ParseMode): Program {
  const mk = modeKey(mode);
  let cache = caches.get(mk);
  if (!cache) caches.set(mk, (cache = new Map()));
  const hit = cache.get(source);
  if (hit) return hit;
  const root = parseTemplate(source, mode);
  const compiler = new Compiler(mode);
  const single = singleExpression(root);
  const program: Program = { source, body: compiler.stmts(root) };
  if (single) {
    program.single = compiler.expr(single);
    if (single.typename === 'Filter' && STRING_TYPE_FILTERS.has(String(single.name.value).replace(/^ansible\.builtin\./, ''))) {
      program.keepsText = true;
    }
  }
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(source, program);
  return program;
}

const EXPRESSION_MODE: ParseMode = { literalBackslashesInVariables: false, trimBlocks: true, lstripBlocks: false };
const expressionCache = new Map<string, Expr>();

/** Compile a bare Jinja expression (`x is defined and y`), as `when:` holds. */
export function compileExpression(expr: string): Expr {
  const hit = expressionCache.get(expr);
  if (hit) return hit;
  const program = compileTemplate(`{{ ${expr} }}`, EXPRESSION_MODE);
  if (!program.single) throw new TemplateFault('expected one expression', 'syntax');
  if (expressionCache.size >= CACHE_LIMIT) expressionCache.clear();
  expressionCache.set(expr, program.single);
  return program.single;
}

/** Run a program's statements and return the text. */
export function runText(program: Program, c: EvalContext): string {
  const out: string[] = [];
  program.body(c, out);
  return out.length === 1 ? out[0]! : out.join('');
}
