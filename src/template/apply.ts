/**
 * Calling filters and tests: unknown names fail with a suggestion, Undefined arguments fail
 * with their message (except for filters like default that inspect them), lazy mappings
 * (hostvars) are read into plain objects unless the filter handles them, and JS errors in a
 * filter become template faults naming the filter.
 */
import type { EvalContext } from './context.js';
import { Undefined, undefinedFault } from './undefined.js';
import { TemplateFault } from './runtime-error.js';
import { MappingView } from './mapping-view.js';
import { getFilter, getTest, filterNames, testNames } from './filters/registry.js';
import type { FilterDef, FilterEnv, TestDef } from './filters/types.js';
import { didYouMean } from '../util/suggest.js';

class FilterEnvImpl implements FilterEnv {
  constructor(readonly ctx: EvalContext) {}
  filter(name: string, value: unknown, args: unknown[], kw: Record<string, unknown>): unknown {
    return applyFilter(lookupFilter(name), name, value, args, kw, this.ctx);
  }
  test(name: string, value: unknown, args: unknown[], kw: Record<string, unknown>): boolean {
    return applyTest(lookupTest(name), name, value, args, kw, this.ctx);
  }
}

export function lookupFilter(name: string): FilterDef {
  const f = getFilter(name);
  if (!f) throw new TemplateFault(`no filter named '${name}'${didYouMean(name, filterNames())}`, 'syntax');
  return f;
}

export function lookupTest(name: string): TestDef {
  const t = getTest(name);
  if (!t) throw new TemplateFault(`no test named '${name}'${didYouMean(name, testNames())}`, 'syntax');
  return t;
}

function checkArgs(args: unknown[], kw: Record<string, unknown>): void {
  for (const a of args) if (a instanceof Undefined) throw undefinedFault(a);
  for (const k in kw) if (kw[k] instanceof Undefined) throw undefinedFault(kw[k] as Undefined);
}

function plainArg(v: unknown): unknown {
  return v instanceof MappingView ? v.materialize() : v;
}

export function applyFilter(def: FilterDef, name: string, value: unknown, args: unknown[], kw: Record<string, unknown>, ctx: EvalContext): unknown {
  if (!def.undefinedOk) {
    if (value instanceof Undefined) throw undefinedFault(value);
    checkArgs(args, kw);
  }
  if (!def.viewsOk) {
    value = plainArg(value);
    args = args.map(plainArg);
  }
  try {
    return def.fn(new FilterEnvImpl(ctx), value, args, kw);
  } catch (e) {
    if (e instanceof TemplateFault) throw e;
    throw new TemplateFault(`${name}: ${(e as Error).message ?? String(e)}`, 'filter');
  }
}

export function applyTest(def: TestDef, name: string, value: unknown, args: unknown[], kw: Record<string, unknown>, ctx: EvalContext): boolean {
  if (!def.undefinedOk) {
    if (value instanceof Undefined) throw undefinedFault(value);
    checkArgs(args, kw);
  }
  if (!def.viewsOk) {
    value = plainArg(value);
    args = args.map(plainArg);
  }
  try {
    return def.fn(new FilterEnvImpl(ctx), value, args, kw);
  } catch (e) {
    if (e instanceof TemplateFault) throw e;
    throw new TemplateFault(`test ${name}: ${(e as Error).message ?? String(e)}`, 'filter');
  }
}
