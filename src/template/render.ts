/**
 * The public rendering functions. Each call gets its own session (variable cache, hostvars
 * views); compiled templates are shared by all calls. Every failure surfaces as a
 * TemplateError naming the template and the reason, with the caller's location.
 */
import { TemplateError, K8splayError, type SourceLocation } from '../errors.js';
import type { SessionOptions } from './context.js';
import { newFrame } from './context.js';
import { compileExpression, compileTemplate, runText } from './compile.js';
import type { ParseMode } from './parse.js';
import { TemplateFault } from './runtime-error.js';
import { Undefined, undefinedFault } from './undefined.js';
import { pyTruthy, toPlain } from './python.js';
import { isUnsafe } from './unsafe.js';
import { RenderSession, VALUE_MODE, keepTrailingNewlines, renderProgramValue } from './session.js';
import { VarScope, isPossiblyTemplate, isSettled, markClean, varNames } from './scope.js';

export interface RenderOptions {
  /** Where the value was written; put on errors. */
  location?: SourceLocation;
  /** Receives warnings (e.g. a `when:` holding `{{ }}`). */
  warn?: (message: string) => void;
  /** Extra lookup plugins by name: `lookup('name', ...)` calls them with the terms. */
  lookups?: SessionOptions['lookups'];
  /** Directory for relative paths in lookup('file', ...). Default: the process's cwd. */
  baseDir?: string;
  /**
   * Ansible's convert_data (default true): rendered text that reads as a Python list, dict or
   * bool literal becomes that value.
   */
  convertData?: boolean;
}

export interface TemplateFileOptions extends RenderOptions {
  /** Jinja2's trim_blocks (default true, as Ansible's template module). */
  trimBlocks?: boolean;
  /** Jinja2's lstrip_blocks (default false). */
  lstripBlocks?: boolean;
  /** Source of templates named by `{% include %}`. */
  loader?: (name: string) => string;
  /** Path of the template file: errors point at its lines. */
  templatePath?: string;
}

type Vars = Record<string, unknown>;

const lazyTargets = new WeakMap<object, VarScope>();

function sessionOf(opts: RenderOptions & { loader?: (name: string) => string }): RenderSession {
  const so: SessionOptions = {};
  if (opts.location) so.location = opts.location;
  if (opts.warn) so.warn = opts.warn;
  if (opts.lookups) so.lookups = opts.lookups;
  if (opts.baseDir) so.baseDir = opts.baseDir;
  if (opts.loader) so.loader = opts.loader;
  return new RenderSession(so);
}

/** The scope for `vars` (which may be a lazyVars() view). */
function scopeOf(vars: Vars, session: RenderSession): VarScope {
  const inner = lazyTargets.get(vars);
  return new VarScope(inner ? inner.raw : vars, session);
}

function snippet(src: string): string {
  const one = src.length > 200 ? src.slice(0, 200) + '...' : src;
  return one;
}

/** Turn whatever a render threw into a TemplateError for users. */
function toTemplateError(e: unknown, source: string, opts: RenderOptions, prefix = ''): K8splayError {
  let location = opts.location;
  if (e instanceof K8splayError) {
    if (e.location || !location) return e;
    return new TemplateError(e.message, { location, cause: e.cause, details: e.details });
  }
  let message: string;
  let details: string[] = [];
  const multiLine = source.includes('\n');
  if (e instanceof TemplateFault) {
    details = e.details;
    if (e.kind === 'syntax') message = `template error while templating string: ${e.message}`;
    else message = e.message;
    if (e.line !== undefined && multiLine) {
      if (location && location.line === undefined) location = { ...location, line: e.line };
      else message += ` (line ${e.line} of the template)`;
    }
  } else if (e instanceof RangeError && /call stack/i.test(e.message)) {
    message = 'recursive loop detected in template string (maximum recursion depth exceeded)';
  } else {
    message = `unexpected templating error: ${(e as Error)?.message ?? String(e)}`;
  }
  if (prefix) message = prefix + message;
  else if (!(e instanceof TemplateFault && e.kind === 'recursion')) {
    if (!(multiLine && source.length > 200)) message += `${message.endsWith('.') ? '' : '.'} String: ${snippet(source)}`;
  }
  const o: { location?: SourceLocation; cause: unknown; details: string[] } = { cause: e, details };
  if (location) o.location = location;
  return new TemplateError(message, o);
}

/**
 * Render every string inside `value` (strings, arrays, object values; keys stay as written,
 * as in Ansible). A string that is one `{{ expr }}` gives the expression's value (list, dict,
 * number, bool, None); other strings give text. Strings without `{{`, `{%` or `{#` are
 * returned untouched without any parsing.
 *
 * @throws TemplateError (undefined variable, syntax error, failing filter...)
 */
export function renderValue(value: unknown, vars: Vars, opts: RenderOptions = {}): unknown {
  if (typeof value === 'string' && !isPossiblyTemplate(value)) return value;
  if (value === null || (typeof value !== 'object' && typeof value !== 'string')) return value;
  const session = sessionOf(opts);
  const scope = scopeOf(vars, session);
  let current = '';
  try {
    if (typeof value === 'string') {
      current = value;
      return renderProgramValue(compileTemplate(value, VALUE_MODE), scope, opts.convertData !== false);
    }
    return renderDeepTracked(value, scope, opts.convertData !== false, (s) => (current = s));
  } catch (e) {
    throw toTemplateError(e, current, opts);
  }
}

function renderDeepTracked(value: unknown, scope: VarScope, convertData: boolean, track: (s: string) => void): unknown {
  if (typeof value === 'string') {
    if (!isPossiblyTemplate(value)) return value;
    track(value);
    return renderProgramValue(compileTemplate(value, VALUE_MODE), scope, convertData);
  }
  if (value === null || typeof value !== 'object' || isUnsafe(value)) return value;
  if (Array.isArray(value)) return markClean(value.map((v) => renderDeepTracked(v, scope, convertData, track)));
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return value;
  const out: Vars = {};
  for (const k of Object.keys(value)) out[k] = renderDeepTracked((value as Vars)[k], scope, convertData, track);
  return markClean(out);
}

/**
 * Render a template file's text (the `template` module): always a string, Jinja2's
 * trim_blocks on, Python string escapes, the file's trailing newlines kept.
 */
export function renderTemplate(source: string, vars: Vars, opts: TemplateFileOptions = {}): string {
  const mode: ParseMode = {
    literalBackslashesInVariables: false,
    trimBlocks: opts.trimBlocks !== false,
    lstripBlocks: opts.lstripBlocks === true,
  };
  const session = sessionOf(opts);
  const scope = scopeOf(vars, session);
  const o: RenderOptions = { ...opts };
  if (opts.templatePath) o.location = { file: opts.templatePath };
  try {
    const program = compileTemplate(source, mode);
    return keepTrailingNewlines(source, runText(program, { scope, frame: newFrame() }));
  } catch (e) {
    throw toTemplateError(e, source, o);
  }
}

/**
 * Evaluate a raw Jinja2 expression (`result.rc != 0`, `x | default(1)`) and return its value.
 * A string holding `{{ }}` is rendered as a template instead.
 */
export function evaluate(expr: string, vars: Vars, opts: RenderOptions = {}): unknown {
  if (typeof expr !== 'string') return expr;
  if (isPossiblyTemplate(expr)) return renderValue(expr, vars, opts);
  const session = sessionOf(opts);
  const scope = scopeOf(vars, session);
  try {
    const v = compileExpression(expr)({ scope, frame: newFrame() });
    if (v instanceof Undefined) {
      if (v.soft) return '';
      throw undefinedFault(v);
    }
    return markClean(toPlain(v === undefined ? null : v, isSettled));
  } catch (e) {
    throw toTemplateError(e, expr, opts);
  }
}

/**
 * Evaluate a `when` / `changed_when` / `failed_when` / `until` condition as Ansible does:
 * booleans are themselves; a raw expression is evaluated and its Python truth taken (so the
 * string "False" held in a variable is true, as in Ansible); a condition holding `{{ }}`
 * gives a warning and is rendered first (then "False", "" and the like are false).
 *
 * @throws TemplateError "The conditional check '...' failed. The error was: ..."
 */
export function evaluateCondition(cond: string | boolean | unknown, vars: Vars, opts: RenderOptions = {}): boolean {
  if (typeof cond === 'boolean') return cond;
  if (cond === null || cond === undefined || cond === '') return true;
  if (typeof cond !== 'string') return pyTruthy(cond);
  let expr: string = cond;
  const session = sessionOf(opts);
  const scope = scopeOf(vars, session);
  try {
    if (isPossiblyTemplate(expr)) {
      opts.warn?.(`conditional statements should not include jinja2 templating delimiters such as {{ }} or {% %}. Found: ${cond}`);
      const rendered = renderProgramValue(compileTemplate(expr, VALUE_MODE), scope, true);
      if (typeof rendered !== 'string' || rendered === '') return pyTruthy(rendered);
      expr = rendered;
    }
    const v = compileExpression(expr)({ scope, frame: newFrame() });
    return pyTruthy(v);
  } catch (e) {
    throw toTemplateError(e, cond, opts, `The conditional check '${cond}' failed. The error was: `);
  }
}

/** Evaluate a list of conditions (a `when:` list is ANDed); true when empty. */
export function evaluateConditions(conds: ReadonlyArray<string | boolean>, vars: Vars, opts: RenderOptions = {}): boolean {
  for (const c of conds) if (!evaluateCondition(c, vars, opts)) return false;
  return true;
}

/** Whether a string contains template syntax (`{{`, `{%` or `{#`). */
export function isTemplate(value: unknown): boolean {
  return typeof value === 'string' && isPossiblyTemplate(value);
}

/**
 * A read-only view of `vars` whose values are rendered when read (what a module sees as
 * `host.vars`). Missing names read as undefined. Rendering errors throw TemplateError.
 * Passing the view back to renderValue() uses the underlying variables directly.
 */
export function lazyVars(vars: Vars, opts: RenderOptions = {}): Readonly<Vars> {
  const session = sessionOf(opts);
  const scope = scopeOf(vars, session);
  const raw = scope.raw;
  const read = (key: string): unknown => {
    try {
      const v = scope.lookup(key);
      if (v instanceof Undefined) throw undefinedFault(v);
      return toPlain(v, isSettled);
    } catch (e) {
      throw toTemplateError(e, typeof raw[key] === 'string' ? (raw[key] as string) : key, opts);
    }
  };
  // The target is an empty object so that frozen variables cannot trip Proxy invariants.
  const proxy = new Proxy(Object.create(null) as Vars, {
    get: (_t, key) => (typeof key === 'string' && scope.has(key) ? read(key) : undefined),
    has: (_t, key) => typeof key === 'string' && scope.has(key),
    ownKeys: () => varNames(raw),
    getOwnPropertyDescriptor: (_t, key) =>
      typeof key === 'string' && scope.has(key) ? { get: () => read(key), enumerable: true, configurable: true } : undefined,
    set: () => false,
    defineProperty: () => false,
    deleteProperty: () => false,
  });
  lazyTargets.set(proxy, scope);
  return proxy;
}
