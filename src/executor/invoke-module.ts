/**
 * One module, one host, one attempt: render and validate the arguments, read state, plan,
 * and apply unless in check mode. Check mode and diff mode live here, once for every module.
 */
import type { LoadedModule, Plan, FileDiff, ApplyContext } from '../module-api/types.js';
import { validateArgs } from '../module-api/validate-args.js';
import { renderValue, OMIT } from '../template/index.js';
import { ConnectionError, K8splayError, ModuleFailure, errorMessage, type SourceLocation } from '../errors.js';

export interface AttemptOutcome {
  failed: boolean;
  unreachable: boolean;
  skipped: boolean;
  changed: boolean;
  msg?: string;
  data: Record<string, unknown>;
  diff?: FileDiff[];
  skipReason?: string;
  warnings: string[];
}

export interface AttemptInputs {
  module: LoadedModule;
  rawArgs: Record<string, unknown>;
  vars: Record<string, unknown>;
  location?: SourceLocation;
  argLocations?: Record<string, SourceLocation>;
  taskName?: string;
  checkMode: boolean;
  diffMode: boolean;
  makeContext(warnings: string[]): ApplyContext;
  verbosity: number;
  /** Directory for lookup('file', ...) and relative controller paths. */
  baseDir?: string;
  /**
   * The state already read for these validated arguments (by the lookahead, see
   * lookahead.ts), to use instead of calling gather; undefined (or a promise of undefined)
   * when there is none.
   */
  gathered?(args: Record<string, unknown>): Promise<GatheredState | undefined> | undefined;
  /** Told before apply is called and after it returns or throws. */
  onApply?(phase: 'start' | 'end'): void;
  /**
   * The arguments already rendered in `vars` and validated (by the lookahead), with the
   * warnings rendering gave; undefined to render them here.
   */
  preparedArgs?(vars: Record<string, unknown>): { args: Record<string, unknown>; warnings: string[] } | undefined;
}

/** A module's gather result read ahead of time, with the warnings it gave meanwhile. */
export interface GatheredState {
  state: unknown;
  warnings: string[];
}

/** Drop arguments that rendered to `omit` (Ansible's default(omit)). */
function dropOmitted(args: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(args)) if (v !== OMIT) out[k] = v;
  return out;
}

/** The module's arguments, rendered in the task's variables and validated. Throws as invokeModule reports. */
export function prepareArgs(inp: Pick<AttemptInputs, 'module' | 'rawArgs' | 'vars' | 'location' | 'argLocations' | 'taskName' | 'baseDir'>, warnings: string[]): Record<string, unknown> {
  const rendered = dropOmitted(renderValue(inp.rawArgs, inp.vars, { location: inp.location, baseDir: inp.baseDir, warn: (m) => warnings.push(m) }) as Record<string, unknown>);
  return validateArgs(inp.module, rendered, {
    location: inp.location, argLocations: inp.argLocations, taskName: inp.taskName, partial: false,
  });
}

export async function invokeModule(inp: AttemptInputs): Promise<AttemptOutcome> {
  const warnings: string[] = [];
  const def = inp.module.definition;
  try {
    const prepared = inp.preparedArgs?.(inp.vars);
    if (prepared) warnings.push(...prepared.warnings);
    const args = prepared ? prepared.args : prepareArgs(inp, warnings);
    const ctx = inp.makeContext(warnings);
    let state: unknown;
    if (def.gather) {
      const early = await inp.gathered?.(args);
      if (early) {
        warnings.push(...early.warnings);
        state = early.state;
      } else {
        state = await def.gather(ctx, args);
      }
    }
    const plan: Plan = def.diff(args, state, ctx);
    if (plan.warnings) warnings.push(...plan.warnings);
    const wantsChange = plan.changes.length > 0;
    const diff = inp.diffMode && plan.diff?.length ? plan.diff : undefined;

    if (plan.skip !== undefined) {
      return {
        failed: false, unreachable: false, skipped: true, changed: false, warnings,
        msg: plan.msg, data: { ...(plan.result ?? {}) }, skipReason: plan.skip,
      };
    }
    if (inp.checkMode && plan.check === 'skip' && wantsChange) {
      return {
        failed: false, unreachable: false, skipped: true, changed: false, warnings,
        msg: plan.msg, data: { ...(plan.result ?? {}) },
        skipReason: 'Check mode is not supported for this task: it would have run',
      };
    }
    let applied: Record<string, unknown> = {};
    const mustApply = wantsChange ? !inp.checkMode || plan.check === 'run' : plan.check === 'run' && !!def.apply;
    if (mustApply && def.apply) {
      inp.onApply?.('start');
      try {
        applied = (await def.apply(ctx, args, plan, state)) ?? {};
      } finally {
        inp.onApply?.('end');
      }
    }
    const data: Record<string, unknown> = { ...(plan.result ?? {}), ...applied };
    const changed = typeof data.changed === 'boolean' ? data.changed : wantsChange;
    delete data.changed;
    const msg = (typeof data.msg === 'string' ? data.msg : undefined) ?? plan.msg;
    return { failed: false, unreachable: false, skipped: false, changed, msg, data, diff, warnings };
  } catch (e) {
    return failureOutcome(e, warnings, inp.verbosity);
  }
}

/** Turn anything thrown by a module or the transport into a task outcome. */
export function failureOutcome(e: unknown, warnings: string[], verbosity: number): AttemptOutcome {
  if (e instanceof ConnectionError) {
    return { failed: false, unreachable: true, skipped: false, changed: false, msg: e.describe(), data: {}, warnings };
  }
  if (e instanceof ModuleFailure) {
    const data = { ...e.data };
    const changed = data.changed === true;
    delete data.changed;
    return { failed: true, unreachable: false, skipped: false, changed, msg: e.describe(), data, warnings };
  }
  if (e instanceof K8splayError) {
    return { failed: true, unreachable: false, skipped: false, changed: false, msg: e.describe(), data: {}, warnings };
  }
  // A bug in a module: say so, with the stack only when asked for (-vvv).
  const err = e as Error;
  const data: Record<string, unknown> = {};
  if (verbosity >= 3 && err?.stack) data.exception = err.stack;
  return {
    failed: true, unreachable: false, skipped: false, changed: false,
    msg: `MODULE FAILURE: ${errorMessage(e)}`, data, warnings,
  };
}
