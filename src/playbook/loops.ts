/**
 * What Ansible's lookup plugins do to a `with_<lookup>` value once it is rendered, so a legacy
 * loop yields the same items as in Ansible.
 */
import { PlaybookError, type SourceLocation } from '../errors.js';
import type { LoopWith } from './model.js';

function listify(value: unknown): unknown[] {
  if (value === null || value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

function flattenOnce(value: unknown): unknown[] {
  const out: unknown[] = [];
  for (const item of listify(value)) {
    if (Array.isArray(item)) out.push(...item);
    else out.push(item);
  }
  return out;
}

function flattenDeep(value: unknown): unknown[] {
  const out: unknown[] = [];
  for (const item of listify(value)) {
    if (Array.isArray(item)) out.push(...flattenDeep(item));
    else if (item !== null && item !== undefined) out.push(item);
  }
  return out;
}

function isMapping(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/**
 * The loop items of a rendered `with_<lookup>` value:
 * - items: flattened one level (`[a, [b, c]]` -> `[a, b, c]`);
 * - list: the list as is (a scalar becomes a one-item list);
 * - dict: `{key, value}` per entry (as `dict2items`);
 * - indexed_items: `[index, item]` pairs of the one-level flattened list;
 * - together: the lists zipped, shorter ones padded with null;
 * - nested: every combination (cartesian product);
 * - flattened: flattened all the way down.
 */
export function expandLegacyLoop(kind: LoopWith, value: unknown, location?: SourceLocation): unknown[] {
  switch (kind) {
    case 'items':
      return flattenOnce(value);
    case 'list':
      return listify(value);
    case 'flattened':
      return flattenDeep(value);
    case 'indexed_items':
      return flattenOnce(value).map((item, i) => [i, item]);
    case 'dict': {
      const dicts = Array.isArray(value) ? value : [value];
      const out: unknown[] = [];
      for (const d of dicts) {
        if (!isMapping(d)) {
          throw new PlaybookError(`with_dict expects a dict, got ${JSON.stringify(d)}`, location ? { location } : {});
        }
        for (const [key, v] of Object.entries(d)) out.push({ key, value: v });
      }
      return out;
    }
    case 'together': {
      const lists = listify(value).map(listify);
      const n = Math.max(0, ...lists.map((l) => l.length));
      return Array.from({ length: n }, (_, i) => lists.map((l) => (i < l.length ? l[i] : null)));
    }
    case 'nested': {
      const lists = listify(value).map(listify);
      if (lists.length === 0) return [];
      let combos: unknown[][] = [[]];
      for (const l of lists) combos = combos.flatMap((c) => l.map((x) => [...c, x]));
      return combos;
    }
  }
}
