/**
 * The shape of filters and tests. Arguments arrive as Python passes them: positional values
 * and keyword values; `param` reads one by position or name.
 */
import type { EvalContext } from '../context.js';

export interface FilterEnv {
  readonly ctx: EvalContext;
  /** Apply another filter by name (used by map). */
  filter(name: string, value: unknown, args: unknown[], kw: Record<string, unknown>): unknown;
  /** Apply a test by name (used by select, selectattr). */
  test(name: string, value: unknown, args: unknown[], kw: Record<string, unknown>): boolean;
}

export type FilterFn = (env: FilterEnv, value: unknown, args: unknown[], kw: Record<string, unknown>) => unknown;
export type TestFn = (env: FilterEnv, value: unknown, args: unknown[], kw: Record<string, unknown>) => boolean;

export interface FilterDef {
  fn: FilterFn;
  /** The filter inspects Undefined itself (default, mandatory); others fail on it. */
  undefinedOk?: boolean;
  /** The filter reads lazy mappings (hostvars) itself instead of getting plain objects. */
  viewsOk?: boolean;
}

export interface TestDef {
  fn: TestFn;
  undefinedOk?: boolean;
  viewsOk?: boolean;
}

/** Argument `i` (0-based, after the filtered value) or keyword `name`, else `dflt`. */
export function param<T = unknown>(args: unknown[], kw: Record<string, unknown>, i: number, name: string, dflt?: T): T {
  if (i < args.length) return args[i] as T;
  if (Object.prototype.hasOwnProperty.call(kw, name)) return kw[name] as T;
  return dflt as T;
}

export function filters(table: Record<string, FilterFn | FilterDef>): Record<string, FilterDef> {
  const out: Record<string, FilterDef> = {};
  for (const [k, v] of Object.entries(table)) out[k] = typeof v === 'function' ? { fn: v } : v;
  return out;
}

export function tests(table: Record<string, TestFn | TestDef>): Record<string, TestDef> {
  const out: Record<string, TestDef> = {};
  for (const [k, v] of Object.entries(table)) out[k] = typeof v === 'function' ? { fn: v } : v;
  return out;
}
