/**
 * Jinja2 and Ansible tests (`x is defined`, `result is failed`, `v is version('1.28', '>=')`).
 * Controller-side file tests (file, directory, exists, link, mount) are not provided: they
 * would look at the machine running k8splay, not the target.
 */
import { Undefined } from '../undefined.js';
import { MappingView } from '../mapping-view.js';
import { isPyCallable } from '../callable.js';
import { isDict, pyCompare, pyContains, pyEquals, pyIter, pyStr, pyTruthy, type Dict } from '../python.js';
import { pyMatch, pyRegex } from '../regex.js';
import { compareVersions } from '../version.js';
import { filterFault, need, text } from './helpers.js';
import { param, tests } from './types.js';
import { ansibleBool } from './core.js';

function resultDict(v: unknown, test: string): Dict {
  if (!isDict(v)) throw filterFault(`The '${test}' test expects a dictionary`);
  return v;
}

function changed(v: unknown): boolean {
  const r = resultDict(v, 'changed');
  if (!('changed' in r)) {
    const results = r.results;
    if (Array.isArray(results) && isDict(results[0])) return results.some((x) => isDict(x) && pyTruthy(x.changed ?? false));
    return false;
  }
  return pyTruthy(r.changed);
}

const failed = (v: unknown): boolean => pyTruthy(resultDict(v, 'failed').failed ?? false);
const skipped = (v: unknown): boolean => pyTruthy(resultDict(v, 'skipped').skipped ?? false);

function regexTest(v: unknown, args: unknown[], kw: Record<string, unknown>, matchType: string): boolean {
  const re = pyRegex(text(param(args, kw, 0, 'pattern', '')), {
    ignorecase: pyTruthy(param(args, kw, 1, 'ignorecase', false)),
    multiline: pyTruthy(param(args, kw, 2, 'multiline', false)),
  });
  return pyMatch(re, text(v), matchType === 'match') !== null;
}

function versionTest(v: unknown, args: unknown[], kw: Record<string, unknown>): boolean {
  const strict = param(args, kw, 2, 'strict', null);
  const type = param<string | null>(args, kw, 3, 'version_type', null);
  if (strict !== null && strict !== undefined && type !== null && type !== undefined) throw filterFault("Cannot specify both 'strict' and 'version_type'");
  return compareVersions(pyStr(need(v)), pyStr(need(param(args, kw, 0, 'version'))), String(param(args, kw, 1, 'operator', 'eq')), pyTruthy(strict), type ?? undefined);
}

const isNumber = (v: unknown): boolean => typeof v === 'number' || typeof v === 'boolean';
const cmp = (op: '<' | '<=' | '>' | '>=') => (_e: unknown, v: unknown, args: unknown[]) => pyCompare(v, args[0], op);

function sameItems(a: unknown, b: unknown): boolean {
  const bl = pyIter(need(b));
  return pyIter(need(a)).every((x) => bl.some((y) => pyEquals(x, y)));
}

export const builtinTests = tests({
  defined: { fn: (_e, v) => !(v instanceof Undefined), undefinedOk: true, viewsOk: true },
  undefined: { fn: (_e, v) => v instanceof Undefined, undefinedOk: true, viewsOk: true },
  none: { fn: (_e, v) => v === null || v === undefined, undefinedOk: true, viewsOk: true },
  string: { fn: (_e, v) => typeof v === 'string', undefinedOk: true, viewsOk: true },
  number: { fn: (_e, v) => isNumber(v), undefinedOk: true, viewsOk: true },
  integer: { fn: (_e, v) => typeof v === 'number' && Number.isInteger(v), undefinedOk: true, viewsOk: true },
  float: { fn: (_e, v) => typeof v === 'number' && !Number.isInteger(v), undefinedOk: true, viewsOk: true },
  boolean: { fn: (_e, v) => typeof v === 'boolean', undefinedOk: true, viewsOk: true },
  true: { fn: (_e, v) => v === true, undefinedOk: true },
  false: { fn: (_e, v) => v === false, undefinedOk: true },
  mapping: { fn: (_e, v) => isDict(v) || v instanceof MappingView, undefinedOk: true, viewsOk: true },
  sequence: { fn: (_e, v) => typeof v === 'string' || Array.isArray(v) || isDict(v) || v instanceof MappingView, viewsOk: true },
  iterable: { fn: (_e, v) => typeof v === 'string' || Array.isArray(v) || isDict(v) || v instanceof MappingView, viewsOk: true },
  callable: { fn: (_e, v) => typeof v === 'function' || isPyCallable(v), undefinedOk: true },
  sameas: (_e, v, args) => v === args[0] || (v === null && args[0] === undefined),
  equalto: (_e, v, args) => pyEquals(v, args[0]),
  eq: (_e, v, args) => pyEquals(v, args[0]),
  '==': (_e, v, args) => pyEquals(v, args[0]),
  ne: (_e, v, args) => !pyEquals(v, args[0]),
  '!=': (_e, v, args) => !pyEquals(v, args[0]),
  lt: cmp('<'),
  '<': cmp('<'),
  le: cmp('<='),
  '<=': cmp('<='),
  gt: cmp('>'),
  '>': cmp('>'),
  ge: cmp('>='),
  '>=': cmp('>='),
  in: (_e, v, args) => pyContains(args[0], v),
  contains: (_e, v, args) => pyContains(v, args[0]),
  divisibleby: (_e, v, args) => Number(v) % Number(args[0]) === 0,
  even: (_e, v) => Number(v) % 2 === 0,
  odd: (_e, v) => Math.abs(Number(v) % 2) === 1,
  lower: (_e, v) => {
    const s = text(v);
    return /\p{Ll}/u.test(s) && s === s.toLowerCase();
  },
  upper: (_e, v) => {
    const s = text(v);
    return /\p{Lu}/u.test(s) && s === s.toUpperCase();
  },
  escaped: () => false,
  succeeded: (_e, v) => !failed(v),
  success: (_e, v) => !failed(v),
  successful: (_e, v) => !failed(v),
  failed: (_e, v) => failed(v),
  failure: (_e, v) => failed(v),
  changed: (_e, v) => changed(v),
  change: (_e, v) => changed(v),
  skipped: (_e, v) => skipped(v),
  skip: (_e, v) => skipped(v),
  finished: (_e, v) => {
    const r = resultDict(v, 'finished');
    return 'finished' in r ? pyEquals(r.finished, 1) : true;
  },
  started: (_e, v) => {
    const r = resultDict(v, 'started');
    return 'started' in r ? pyEquals(r.started, 1) : true;
  },
  reachable: (_e, v) => !pyTruthy(resultDict(v, 'reachable').unreachable ?? false),
  unreachable: (_e, v) => pyTruthy(resultDict(v, 'unreachable').unreachable ?? false),
  timedout: (_e, v) => {
    const t = resultDict(v, 'timedout').timedout;
    return isDict(t) && pyTruthy(t.period);
  },
  match: (_e, v, args, kw) => regexTest(v, args, kw, 'match'),
  search: (_e, v, args, kw) => regexTest(v, args, kw, 'search'),
  regex: (_e, v, args, kw) => regexTest(v, args, kw, String(param(args, kw, 3, 'match_type', 'search'))),
  version: (_e, v, args, kw) => versionTest(v, args, kw),
  version_compare: (_e, v, args, kw) => versionTest(v, args, kw),
  subset: (_e, v, args) => sameItems(v, args[0]),
  issubset: (_e, v, args) => sameItems(v, args[0]),
  superset: (_e, v, args) => sameItems(args[0], v),
  issuperset: (_e, v, args) => sameItems(args[0], v),
  any: (_e, v) => pyIter(v).some((x) => pyTruthy(x)),
  all: (_e, v) => pyIter(v).every((x) => pyTruthy(x)),
  truthy: (_e, v, args, kw) => pyTruthy(pyTruthy(param(args, kw, 0, 'convert_bool', false)) ? ansibleBool(v) : v),
  falsy: (_e, v, args, kw) => !pyTruthy(pyTruthy(param(args, kw, 0, 'convert_bool', false)) ? ansibleBool(v) : v),
  abs: (_e, v) => text(v).startsWith('/'),
  nan: (_e, v) => typeof v === 'number' && Number.isNaN(v),
  vault_encrypted: () => false,
});
