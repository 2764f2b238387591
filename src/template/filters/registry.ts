/**
 * Every filter and test by name. Fully-qualified names (`ansible.builtin.to_json`,
 * `community.general.dict_kv`) resolve to the short name. Plugins may add their own.
 */
import { coreFilters } from './core.js';
import { collectionFilters } from './collections.js';
import { textFilters } from './text.js';
import { dataFilters } from './data.js';
import { builtinTests } from './tests.js';
import type { FilterDef, FilterFn, TestDef, TestFn } from './types.js';

const FILTERS = new Map<string, FilterDef>(Object.entries({ ...coreFilters, ...collectionFilters, ...textFilters, ...dataFilters }));
const TESTS = new Map<string, TestDef>(Object.entries(builtinTests));

const PREFIXES = ['ansible.builtin.', 'ansible.legacy.', 'ansible.utils.', 'ansible.netcommon.', 'community.general.'];

function shortName(name: string): string {
  for (const p of PREFIXES) if (name.startsWith(p)) return name.slice(p.length);
  return name;
}

export function getFilter(name: string): FilterDef | undefined {
  return FILTERS.get(name) ?? FILTERS.get(shortName(name));
}

export function getTest(name: string): TestDef | undefined {
  return TESTS.get(name) ?? TESTS.get(shortName(name));
}

export function filterNames(): string[] {
  return [...FILTERS.keys()];
}

export function testNames(): string[] {
  return [...TESTS.keys()];
}

/** Add or replace a filter. `fn` gets the value, the positional and the keyword arguments. */
export function registerFilter(name: string, fn: FilterFn | FilterDef): void {
  FILTERS.set(name, typeof fn === 'function' ? { fn } : fn);
}

/** Add or replace a test. */
export function registerTest(name: string, fn: TestFn | TestDef): void {
  TESTS.set(name, typeof fn === 'function' ? { fn } : fn);
}
