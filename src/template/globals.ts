/**
 * Names every template sees unless a variable hides them: Jinja2's range/dict/namespace,
 * Ansible's lookup/query/q, now(), undef() and omit. Lookups run on the controller; the
 * built-in ones are env, vars, file, items, list, indexed_items and dict, and callers may add
 * more through the `lookups` option.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pyCallable } from './callable.js';
import { Namespace, isDict, pyStr, pyTruthy } from './python.js';
import { Undefined, undefinedFault } from './undefined.js';
import { OMIT } from './omit.js';
import { TemplateFault, typeFault } from './runtime-error.js';
import type { LookupFunction, LookupVars, Scope } from './context.js';
import { flattenList } from './filters/collections.js';
import { assertMayAct } from './pure.js';

function range(args: unknown[]): number[] {
  const nums = args.map((a) => {
    if (typeof a !== 'number' || !Number.isInteger(a)) throw typeFault(`'${pyStr(a)}' object cannot be interpreted as an integer`);
    return a;
  });
  const [start, stop, step] = nums.length === 1 ? [0, nums[0]!, 1] : [nums[0]!, nums[1]!, nums[2] ?? 1];
  if (step === 0) throw typeFault('range() arg 3 must not be zero');
  const out: number[] = [];
  if (Math.abs((stop - start) / step) > 100000) throw typeFault('range too big');
  for (let i = start; step > 0 ? i < stop : i > stop; i += step) out.push(i);
  return out;
}

const BUILTIN_LOOKUPS: Record<string, LookupFunction> = {
  env: (terms, kw) => terms.map((t) => process.env[String(t)] ?? (kw.default !== undefined ? kw.default : '')),
  vars: (terms, kw, vars) =>
    terms.map((t) => {
      const name = String(t);
      if (vars.has(name)) return vars.get(name);
      if (kw.default !== undefined) return kw.default;
      throw new TemplateFault(`No variable found with this name: ${name}`, 'undefined');
    }),
  items: (terms) => flattenList(terms, 1, false),
  list: (terms) => terms,
  indexed_items: (terms) => flattenList(terms, 1, false).map((x, i) => [i, x]),
  dict: (terms) =>
    terms.flatMap((t) => {
      if (!isDict(t)) throw new TemplateFault('with_dict expects a dict', 'filter');
      return Object.entries(t).map(([key, value]) => ({ key, value }));
    }),
};

function fileLookup(baseDir: string | undefined): LookupFunction {
  return (terms, kw) =>
    terms.map((t) => {
      const path = resolve(baseDir ?? process.cwd(), String(t));
      let content: string;
      try {
        content = readFileSync(path, 'utf8');
      } catch {
        throw new TemplateFault(`could not locate file in lookup: ${String(t)}`, 'filter');
      }
      if (kw.rstrip === undefined || pyTruthy(kw.rstrip)) content = content.replace(/\s+$/, '');
      if (pyTruthy(kw.lstrip ?? false)) content = content.replace(/^\s+/, '');
      return content;
    });
}

function runLookup(scope: Scope, args: unknown[], kw: Record<string, unknown>, wantList: boolean): unknown {
  const [nameRaw, ...terms] = args;
  if (nameRaw instanceof Undefined) throw undefinedFault(nameRaw);
  const name = String(nameRaw).replace(/^ansible\.(builtin|legacy)\./, '');
  for (const t of terms) if (t instanceof Undefined) throw undefinedFault(t);
  const opts = scope.session.opts;
  const own = opts.lookups?.[name];
  if (own) assertMayAct(`lookup('${name}')`);
  const fn = own ?? (name === 'file' ? fileLookup(opts.baseDir) : BUILTIN_LOOKUPS[name]);
  if (!fn) throw new TemplateFault(`lookup plugin (${name}) not found`, 'filter');
  const { wantlist, errors, ...rest } = kw;
  const vars: LookupVars = {
    has: (n) => !(scope.lookup(n) instanceof Undefined),
    get: (n) => scope.lookup(n),
  };
  let results: unknown[];
  try {
    results = fn(terms, rest, vars);
  } catch (e) {
    if (errors === 'ignore') return wantList ? [] : null;
    if (errors === 'warn') {
      opts.warn?.(`An unhandled exception occurred while running the lookup plugin '${name}': ${(e as Error).message}`);
      return wantList ? [] : null;
    }
    throw e;
  }
  if (wantList || pyTruthy(wantlist ?? false)) return results;
  // Ansible joins results with commas unless the plugin returned one value.
  return results.length === 1 ? results[0] : results.map((r) => pyStr(r)).join(',');
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

/** strftime for the common directives (now(fmt=...)). */
function strftime(d: Date, fmt: string, utc: boolean): string {
  const g = utc
    ? { Y: d.getUTCFullYear(), m: d.getUTCMonth() + 1, d: d.getUTCDate(), H: d.getUTCHours(), M: d.getUTCMinutes(), S: d.getUTCSeconds() }
    : { Y: d.getFullYear(), m: d.getMonth() + 1, d: d.getDate(), H: d.getHours(), M: d.getMinutes(), S: d.getSeconds() };
  return fmt.replace(/%([YmdHMSsf%])/g, (_m, c: string) => {
    switch (c) {
      case 'Y':
        return String(g.Y);
      case 'm':
        return pad(g.m);
      case 'd':
        return pad(g.d);
      case 'H':
        return pad(g.H);
      case 'M':
        return pad(g.M);
      case 'S':
        return pad(g.S);
      case 's':
        return String(Math.floor(d.getTime() / 1000));
      case 'f':
        return String(d.getMilliseconds() * 1000).padStart(6, '0');
      default:
        return '%';
    }
  });
}

type GlobalFactory = (scope: Scope) => unknown;

const GLOBALS: Record<string, GlobalFactory> = {
  range: () => pyCallable('range', (args) => range(args)),
  dict: () => pyCallable('dict', (args, kw) => ({ ...(isDict(args[0]) ? args[0] : {}), ...kw })),
  namespace: () => pyCallable('namespace', (args, kw) => new Namespace({ ...(isDict(args[0]) ? args[0] : {}), ...kw })),
  lookup: (scope) => pyCallable('lookup', (args, kw) => runLookup(scope, args, kw, false)),
  query: (scope) => pyCallable('query', (args, kw) => runLookup(scope, args, kw, true)),
  q: (scope) => pyCallable('q', (args, kw) => runLookup(scope, args, kw, true)),
  now: () =>
    pyCallable('now', (args, kw) => {
      const utc = pyTruthy(args[0] ?? kw.utc ?? false);
      const fmt = args[1] ?? kw.fmt;
      const d = new Date();
      if (fmt !== undefined && fmt !== null) return strftime(d, String(fmt), utc);
      return strftime(d, '%Y-%m-%d %H:%M:%S.%f', utc);
    }),
  undef: () =>
    pyCallable('undef', (args, kw) => {
      const hint = args[0] ?? kw.hint;
      return new Undefined(hint ? String(hint) : 'Mandatory variable has not been overridden');
    }),
  omit: () => OMIT,
};

/** The global `name` for this scope, or undefined when there is none. */
export function globalValue(name: string, scope: Scope): unknown {
  const f = Object.prototype.hasOwnProperty.call(GLOBALS, name) ? GLOBALS[name] : undefined;
  return f ? f(scope) : undefined;
}

export function globalNames(): string[] {
  return Object.keys(GLOBALS);
}
