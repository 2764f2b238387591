/**
 * Drive one module the way the engine does (gather -> diff -> apply unless check mode),
 * for unit tests and the real-host harness. Mirrors src/executor/invoke-module.ts's rules.
 */
import { ModuleFailure, type ApplyContext, type FileDiff, type ModuleDefinition, type Plan } from '../../src/index.js';
import { validateArgs } from '../../src/module-api/validate-args.js';

/**
 * Validate raw task arguments with the engine's own validator (aliases, type conversion,
 * choices, defaults), so unit tests see exactly the arguments a playbook run would pass.
 */
export function resolveArgs(def: ModuleDefinition, raw: Record<string, unknown>): Record<string, unknown> {
  return validateArgs({ definition: def, source: 'test' }, raw);
}

export interface ModuleRun {
  status: 'ok' | 'changed' | 'skipped' | 'failed';
  plan?: Plan;
  state?: unknown;
  /** plan.result merged with apply's return values (or the failure's data). */
  result: Record<string, unknown>;
  msg?: string;
  diff?: FileDiff[];
  applied: boolean;
  failure?: ModuleFailure;
}

/** Run a module on a context: check mode and diff mode come from the context. */
export async function runModule(def: ModuleDefinition, rawArgs: Record<string, unknown>, ctx: ApplyContext): Promise<ModuleRun> {
  let plan: Plan | undefined;
  let state: unknown;
  try {
    const args = resolveArgs(def, rawArgs);
    state = def.gather ? await def.gather(ctx, args) : undefined;
    plan = def.diff(args, state, ctx);
    const diff = plan.diff?.length ? plan.diff : undefined;
    const base = { plan, state, ...(diff ? { diff } : {}) };
    const wants = plan.changes.length > 0;
    if (plan.skip !== undefined) return { ...base, status: 'skipped', result: { ...(plan.result ?? {}) }, msg: plan.skip, applied: false };
    if (ctx.checkMode && plan.check === 'skip' && wants) {
      return { ...base, status: 'skipped', result: { ...(plan.result ?? {}) }, ...(plan.msg ? { msg: plan.msg } : {}), applied: false };
    }
    const mustApply = wants ? !ctx.checkMode || plan.check === 'run' : plan.check === 'run' && !!def.apply;
    const applied = mustApply && def.apply ? ((await def.apply(ctx, args, plan, state)) ?? {}) : {};
    const result: Record<string, unknown> = { ...(plan.result ?? {}), ...applied };
    const changed = typeof result.changed === 'boolean' ? result.changed : wants;
    const msg = typeof result.msg === 'string' ? result.msg : plan.msg;
    return { ...base, status: changed ? 'changed' : 'ok', result, ...(msg !== undefined ? { msg } : {}), applied: mustApply };
  } catch (e) {
    if (e instanceof ModuleFailure) {
      return { status: 'failed', plan, state, result: { ...e.data }, msg: e.message, applied: false, failure: e };
    }
    throw e;
  }
}
