/**
 * Filters over lists and dicts: map/select/reject(attr), set operations, flatten, zip,
 * combine, dict2items/items2dict, extract, subelements, product.
 */
import { tuple, isDict, keyString, pyContains, pyEquals, pyIter, pyTruthy, pyTypeName, type Dict } from '../python.js';
import { getAttr } from '../ops.js';
import { Undefined } from '../undefined.js';
import { filters, param, type FilterEnv } from './types.js';
import { attrPath, filterFault, need, toList } from './helpers.js';
import { uniqueItems } from './core.js';

function mapFilter(env: FilterEnv, value: unknown, args: unknown[], kw: Record<string, unknown>): unknown[] {
  const items = toList(value);
  if (!args.length && 'attribute' in kw) {
    const dflt = kw.default;
    return items.map((x) => attrPath(x, kw.attribute, dflt));
  }
  if (!args.length) throw filterFault('map requires a filter name or attribute=');
  const name = need(args[0]);
  if (typeof name !== 'string') throw filterFault('map: the filter name must be a string');
  const rest = args.slice(1);
  return items.map((x) => env.filter(name, x, rest, kw));
}

function selectOrReject(env: FilterEnv, value: unknown, args: unknown[], kw: Record<string, unknown>, byAttr: boolean, keep: boolean): unknown[] {
  const items = toList(value);
  let rest = args;
  let attribute: unknown;
  if (byAttr) {
    attribute = rest[0];
    rest = rest.slice(1);
  }
  const check = (v: unknown): boolean => {
    if (!rest.length) return pyTruthy(v);
    const test = need(rest[0]);
    if (typeof test !== 'string') throw filterFault('the test name must be a string');
    return env.test(test, v, rest.slice(1), kw);
  };
  return items.filter((x) => check(byAttr ? attrPath(x, attribute) : x) === keep);
}

/** Ansible's flatten: nested lists (any depth, or `levels`), skipping None/'None'/'null'. */
export function flattenList(list: unknown, levels: number | null, skipNulls: boolean): unknown[] {
  const out: unknown[] = [];
  for (const el of pyIter(list)) {
    if (skipNulls && (el === null || el === undefined || el === 'None' || el === 'null')) continue;
    if (Array.isArray(el) && (levels === null || levels >= 1)) out.push(...flattenList(el, levels === null ? null : levels - 1, skipNulls));
    else out.push(el);
  }
  return out;
}

function requireDict(v: unknown, what: string): Dict {
  if (!isDict(v)) throw filterFault(`${what} expects a dictionary, got ${pyTypeName(v)}`);
  return v;
}

/** Ansible's merge_hash (combine). */
export function mergeHash(x: Dict, y: Dict, recursive: boolean, listMerge: string): Dict {
  if (Object.keys(x).length === 0 || pyEquals(x, y)) return { ...y };
  const out: Dict = { ...x };
  if (!recursive && listMerge === 'replace') return Object.assign(out, y);
  for (const [k, yv] of Object.entries(y)) {
    if (!Object.prototype.hasOwnProperty.call(out, k)) {
      out[k] = yv;
      continue;
    }
    const xv = out[k];
    if (isDict(xv) && isDict(yv)) {
      out[k] = recursive ? mergeHash(xv, yv, recursive, listMerge) : yv;
      continue;
    }
    if (Array.isArray(xv) && Array.isArray(yv)) {
      switch (listMerge) {
        case 'replace':
          out[k] = yv;
          break;
        case 'append':
          out[k] = xv.concat(yv);
          break;
        case 'prepend':
          out[k] = yv.concat(xv);
          break;
        case 'append_rp':
          out[k] = xv.filter((z) => !yv.some((w) => pyEquals(w, z))).concat(yv);
          break;
        case 'prepend_rp':
          out[k] = yv.concat(xv.filter((z) => !yv.some((w) => pyEquals(w, z))));
          break;
        default: // 'keep'
      }
      continue;
    }
    out[k] = yv;
  }
  return out;
}

const LIST_MERGE = ['replace', 'keep', 'append', 'prepend', 'append_rp', 'prepend_rp'];

function product(lists: unknown[][]): unknown[][] {
  let out: unknown[][] = [[]];
  for (const l of lists) out = out.flatMap((prefix) => l.map((x) => [...prefix, x]));
  return out.map(tuple);
}

function combinations(items: unknown[], r: number): unknown[][] {
  if (r === 0) return [[]];
  const out: unknown[][] = [];
  items.forEach((x, i) => {
    for (const rest of combinations(items.slice(i + 1), r - 1)) out.push([x, ...rest]);
  });
  return out;
}

function permutations(items: unknown[], r: number): unknown[][] {
  if (r === 0) return [[]];
  const out: unknown[][] = [];
  items.forEach((x, i) => {
    for (const rest of permutations([...items.slice(0, i), ...items.slice(i + 1)], r - 1)) out.push([x, ...rest]);
  });
  return out;
}

export const collectionFilters = filters({
  map: mapFilter,
  select: (env, v, args, kw) => selectOrReject(env, v, args, kw, false, true),
  reject: (env, v, args, kw) => selectOrReject(env, v, args, kw, false, false),
  selectattr: (env, v, args, kw) => selectOrReject(env, v, args, kw, true, true),
  rejectattr: (env, v, args, kw) => selectOrReject(env, v, args, kw, true, false),
  union: (_env, a, args) => uniqueItems(toList(a).concat(toList(need(args[0]))), true),
  intersect: (_env, a, args) => {
    const b = need(args[0]);
    return uniqueItems(toList(a).filter((x) => pyContains(b, x)), true);
  },
  difference: (_env, a, args) => {
    const b = need(args[0]);
    return uniqueItems(toList(a).filter((x) => !pyContains(b, x)), true);
  },
  symmetric_difference: (_env, a, args) => {
    const b = toList(need(args[0]));
    const la = toList(a);
    const isect = la.filter((x) => b.some((y) => pyEquals(x, y)));
    return uniqueItems(la.concat(b), true).filter((x) => !isect.some((y) => pyEquals(x, y)));
  },
  flatten: (_env, v, args, kw) => {
    const levels = param<number | null>(args, kw, 0, 'levels', null);
    return flattenList(v, levels === null || levels === undefined ? null : Number(levels), pyTruthy(param(args, kw, 1, 'skip_nulls', true)));
  },
  zip: (_env, v, args) => {
    const lists = [toList(v), ...args.map((a) => toList(need(a)))];
    const n = Math.min(...lists.map((l) => l.length));
    return Array.from({ length: n }, (_x, i) => tuple(lists.map((l) => l[i])));
  },
  zip_longest: (_env, v, args, kw) => {
    const fill = kw.fillvalue ?? null;
    const lists = [toList(v), ...args.map((a) => toList(need(a)))];
    const n = Math.max(...lists.map((l) => l.length));
    return Array.from({ length: n }, (_x, i) => tuple(lists.map((l) => (i < l.length ? l[i] : fill))));
  },
  combine: (_env, v, args, kw) => {
    const recursive = pyTruthy(kw.recursive ?? false);
    const listMerge = String(kw.list_merge ?? 'replace');
    if (!LIST_MERGE.includes(listMerge)) throw filterFault(`'${listMerge}' is not a valid list_merge value, must be one of ${LIST_MERGE.join(', ')}`);
    const extra = Object.keys(kw).filter((k) => k !== 'recursive' && k !== 'list_merge');
    if (extra.length) throw filterFault(`'${extra[0]}' is an invalid keyword argument for combine()`);
    const dicts = flattenList([v, ...args], 1, false);
    let out: Dict = {};
    for (const d of dicts) out = mergeHash(out, requireDict(d, 'combine'), recursive, listMerge);
    return out;
  },
  dict2items: (_env, v, args, kw) => {
    if (!isDict(v)) throw filterFault(`dict2items requires a dictionary, got ${pyTypeName(v)} instead.`);
    const k = String(param(args, kw, 0, 'key_name', 'key'));
    const val = String(param(args, kw, 1, 'value_name', 'value'));
    return Object.entries(v).map(([a, b]) => ({ [k]: a, [val]: b }));
  },
  items2dict: (_env, v, args, kw) => {
    const k = String(param(args, kw, 0, 'key_name', 'key'));
    const val = String(param(args, kw, 1, 'value_name', 'value'));
    if (!Array.isArray(v)) throw filterFault(`items2dict requires a list, got ${pyTypeName(v)} instead.`);
    const out: Dict = {};
    for (const item of v) {
      if (!isDict(item)) throw filterFault(`items2dict requires a list of dictionaries, got ${pyTypeName(item)} in the list.`);
      if (!(k in item) || !(val in item)) throw filterFault(`items2dict requires each dictionary to have keys '${k}' and '${val}'`);
      out[keyString(item[k])] = item[val];
    }
    return out;
  },
  extract: {
    viewsOk: true,
    fn: (_env, item, args, kw) => {
      const container = param(args, kw, 0, 'container');
      const morekeys = param<unknown>(args, kw, 1, 'morekeys');
      let value = getAttr(container, item, false);
      if (morekeys !== undefined && morekeys !== null) {
        for (const key of Array.isArray(morekeys) ? morekeys : [morekeys]) value = getAttr(value, key, false);
      }
      return value;
    },
  },
  subelements: (_env, v, args, kw) => {
    const path = String(param(args, kw, 0, 'subelements'));
    const skipMissing = pyTruthy(param(args, kw, 1, 'skip_missing', false));
    const items = isDict(v) ? Object.values(v) : toList(v);
    const out: unknown[][] = [];
    for (const item of items) {
      let sub: unknown = item;
      let ok = true;
      for (const p of path.split('.')) {
        const next = isDict(sub) ? getAttr(sub, p, false) : new Undefined('missing');
        if (next instanceof Undefined) {
          if (skipMissing) {
            ok = false;
            break;
          }
          throw filterFault(`could not find '${p}' key in iterated item '${JSON.stringify(item)}'`);
        }
        sub = next;
      }
      if (!ok) continue;
      if (!Array.isArray(sub)) throw filterFault(`the key ${path} should point to a list, got '${JSON.stringify(sub)}'`);
      for (const s of sub) out.push([item, s]);
    }
    return out;
  },
  product: (_env, v, args, kw) => {
    const repeat = Number(kw.repeat ?? 1);
    const lists = [toList(v), ...args.map((a) => toList(need(a)))];
    const all: unknown[][] = [];
    for (let i = 0; i < repeat; i++) all.push(...lists);
    return product(all);
  },
  combinations: (_env, v, args, kw) => combinations(toList(v), Number(param(args, kw, 0, 'r'))).map(tuple),
  permutations: (_env, v, args, kw) => {
    const items = toList(v);
    return permutations(items, Number(param(args, kw, 0, 'r', items.length))).map(tuple);
  },
});
