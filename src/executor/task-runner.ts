/**
 * One task on one host: `when`, `loop`, retries/until, changed_when/failed_when, register,
 * delegate_to, become, environment and no_log. Returns the host's TaskResult; the caller
 * counts stats and emits events.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { isDeepStrictEqual } from 'node:util';
import type { TaskNode } from '../playbook/model.js';
import type { TaskResult, TaskInfo } from '../events/types.js';
import type { HostState } from './host-state.js';
import type { Runtime, PlayContext } from './runtime.js';
import type { Inherited } from './inherit.js';
import { invokeModule, failureOutcome, type AttemptOutcome } from './invoke-module.js';
import { allTrue, renderBool, renderNumber } from './render-keywords.js';
import { renderValue, markUnsafe } from '../template/index.js';
import { PlaybookError, TemplateError, errorMessage } from '../errors.js';
import { expandLegacyLoop } from '../playbook/index.js';
import { censorResult } from './censor.js';
import { contextFor, itemScopeOf, resolveSettings, type Settings } from './task-settings.js';
import type { Worked } from './lookahead.js';
import { scopeWith } from './variables.js';

export interface TaskRunInput {
  rt: Runtime;
  pc: PlayContext;
  task: TaskNode;
  info: TaskInfo;
  inherited: Inherited;
  host: HostState;
}

const now = (): number => performance.now();

/** What one host's turn did to it, as far as reads of the next tasks care. */
interface Turn {
  /** A module's apply started on this turn (the host, or a delegated one, may have changed). */
  applied: boolean;
}

/**
 * Run a task on a host. Never throws: every problem becomes a failed/unreachable result.
 * `settled` is called (once, before returning) when the turn applied nothing and did not fail,
 * after its result is registered: reads of the next tasks sent from then on stay valid.
 */
export async function runTaskOnHost(inp: TaskRunInput, settled?: () => void): Promise<TaskResult> {
  const started = now();
  // What the read-ahead worked out, when still valid (lookahead.ts), else worked out now.
  const worked = inp.rt.lookahead?.workFor(inp.task, inp.host, inp.pc.scope, inp.inherited);
  let settings: Settings;
  try {
    settings = worked?.settings ?? resolveSettings(inp);
  } catch (e) {
    return finish(inp, started, failureOutcome(e, [], inp.rt.verbosity), false);
  }
  const turn: Turn = { applied: false };
  const result = predictedInCheckMode(inp, settings, await runWithSettings(inp, settings, started, turn, worked));
  // ignore_errors / ignore_unreachable are decided per host (they may be templates).
  try {
    const loc = inp.task.location;
    if (result.status === 'failed' && settings.eff.ignoreErrors !== undefined && renderBool(settings.eff.ignoreErrors, settings.scope, loc)) result.ignored = true;
    if (result.status === 'unreachable' && settings.eff.ignoreUnreachable) result.ignored = true;
  } catch { /* a broken ignore_errors template leaves the failure as it is */ }
  if (settled && !turn.applied && result.status !== 'failed' && result.status !== 'unreachable') {
    try {
      settled();
    } catch { /* reading ahead only saves time */ }
  }
  return result;
}

/**
 * Honest check mode: nothing is applied, so a task that needs what an earlier task would have
 * done (a unit from a package not installed) cannot be judged. Such a failure is reported as
 * "unknown until applied", not as an error, once this host has predicted changes.
 */
function predictedInCheckMode(inp: TaskRunInput, s: Settings, r: TaskResult): TaskResult {
  // Under -C even a task forced to run (check_mode: false) sees a host where nothing was applied.
  if (!s.checkMode && !inp.rt.check) return r;
  const pending = inp.host.checkPredicted;
  if (r.status === 'failed' && !r.ignored && pending.length && !r.censored) {
    const latest = pending[pending.length - 1]!;
    return {
      ...r, status: 'skipped', changed: false,
      skipReason: `unknown in check mode: ${pending.length} earlier change(s) not applied, the latest by '${latest}'`,
      data: { ...r.data, check_mode_unknown: true, check_mode_error: r.msg },
    };
  }
  if (r.status === 'changed' && s.checkMode) pending.push(inp.info.name);
  return r;
}

async function runWithSettings(inp: TaskRunInput, settings: Settings, started: number, turn: Turn, worked?: Worked): Promise<TaskResult> {
  const { rt, task, host } = inp;
  const { scope } = settings;
  const loc = task.location;

  if (task.loop === undefined) {
    let run: boolean;
    try {
      run = allTrue(settings.eff.when, scope, loc);
    } catch (e) {
      return finish(inp, started, failureOutcome(e, [], rt.verbosity), settings.noLog);
    }
    if (!run) {
      const skipped = skippedOutcome('Conditional result was False');
      register(inp, settings, resultDict(skipped));
      return finish(inp, started, skipped, settings.noLog);
    }
    const out = await attempts(inp, settings, scope, turn);
    register(inp, settings, resultDict(out));
    return finish(inp, started, out, settings.noLog, settings.delegateTo);
  }

  // Loops: `when` is evaluated per item, as in Ansible.
  let items: unknown = worked?.items;
  if (items === undefined) {
    try {
      items = renderValue(task.loop, scope, { location: loc });
    } catch (e) {
      return finish(inp, started, failureOutcome(e, [], rt.verbosity), settings.noLog);
    }
  }
  if (task.loopWith && worked?.items === undefined) {
    try {
      items = expandLegacyLoop(task.loopWith, items, loc);
    } catch (e) {
      return finish(inp, started, failureOutcome(e, [], rt.verbosity), settings.noLog);
    }
  }
  if (!Array.isArray(items)) {
    const out = failureOutcome(new PlaybookError(`Invalid data passed to 'loop', it requires a list, got this instead: ${JSON.stringify(items)}`, { location: loc }), [], rt.verbosity);
    return finish(inp, started, out, settings.noLog);
  }
  const lc = task.loopControl;
  const loopVar = lc?.loopVar ?? 'item';
  const itemResults: TaskResult[] = [];
  const itemDicts: Array<Record<string, unknown>> = [];
  for (let i = 0; i < items.length; i++) {
    const item = items[i];
    const itemStart = now();
    const itemScope = worked?.scopes[i] ?? itemScopeOf(scope, items, i, lc);
    let out: AttemptOutcome;
    try {
      out = allTrue(settings.eff.when, itemScope, loc) ? await attempts(inp, settings, itemScope, turn) : skippedOutcome('Conditional result was False');
    } catch (e) {
      out = failureOutcome(e, [], rt.verbosity);
    }
    let label: unknown = item;
    if (lc?.label !== undefined) {
      try { label = renderValue(lc.label, itemScope, { location: loc }); } catch { label = item; }
    }
    const dict = { ...resultDict(out), [loopVar]: item, ansible_loop_var: loopVar };
    if (lc?.indexVar) dict[lc.indexVar] = i;
    itemDicts.push(dict);
    const r = toTaskResult(host.name, out, now() - itemStart, settings.noLog, settings.delegateTo);
    r.item = settings.noLog ? undefined : label;
    itemResults.push(r);
    rt.events.emit('item:result', { play: inp.pc.info, task: inp.info, result: r });
    if (out.unreachable) break;
    if (lc?.pause && i < items.length - 1) await sleep(lc.pause * 1000);
  }
  const agg = aggregate(itemResults, itemDicts);
  register(inp, settings, agg.dict);
  const result = toTaskResult(host.name, agg.outcome, now() - started, settings.noLog, settings.delegateTo);
  result.items = itemResults;
  return result;
}

/** Run the module, retrying while `until` is false (retries/delay). */
async function attempts(inp: TaskRunInput, s: Settings, scope: Record<string, unknown>, turn: Turn): Promise<AttemptOutcome> {
  const { rt, task, host } = inp;
  const loc = task.location;
  const hasUntil = !!task.until?.length;
  const retrying = hasUntil || task.retries !== undefined;
  const retries = retrying ? renderNumber(task.retries, scope, 3, loc) : 0;
  const delay = renderNumber(task.delay, scope, 5, loc);
  let out!: AttemptOutcome;
  let attempt = 0;
  for (attempt = 1; attempt <= retries + 1; attempt++) {
    out = await once(inp, s, scope, turn);
    if (out.unreachable) break;
    try {
      applyConditions(task, out, scope);
    } catch (e) {
      out = failureOutcome(e, out.warnings, rt.verbosity);
      break;
    }
    if (!retrying) break;
    let done: boolean;
    try {
      const withResult = task.register ? scopeWith(scope, { [task.register]: resultDict(out) }) : scope;
      done = hasUntil ? allTrue(task.until!, withResult, loc) : !out.failed;
    } catch (e) {
      out = failureOutcome(e, out.warnings, rt.verbosity);
      break;
    }
    if (done) break;
    if (attempt <= retries) {
      rt.events.emit('warning', { host: host.name, message: `FAILED - RETRYING: [${host.name}]: ${inp.info.name} (${retries - attempt + 1} retries left).` });
      if (delay > 0) await sleep(delay * 1000, undefined, rt.signal ? { signal: rt.signal } : undefined).catch(() => undefined);
      if (rt.signal?.aborted) break;
    } else {
      out.failed = true;
      if (!out.msg) out.msg = `Task failed after ${attempt} attempts`;
    }
  }
  if (retrying) out.data.attempts = Math.min(attempt, retries + 1);
  return out;
}

/** One attempt of the module on this host (or on the delegated host). */
async function once(inp: TaskRunInput, s: Settings, scope: Record<string, unknown>, turn: Turn): Promise<AttemptOutcome> {
  const { rt, task, host } = inp;
  const targetHost = s.delegateTo ?? host.name;
  const isController = s.module.definition.target === 'controller';
  const timeoutSec = renderNumber(task.timeout ?? rt.opts.taskTimeout, scope, 0, task.location);
  const deadline = timeoutSec > 0 ? performance.now() + timeoutSec * 1000 : undefined;
  const la = rt.lookahead;
  return invokeModule({
    module: s.module,
    rawArgs: task.args,
    vars: scope,
    location: task.argsLocation ?? task.location,
    argLocations: task.argLocations,
    taskName: inp.info.name,
    checkMode: s.checkMode,
    diffMode: s.diffMode,
    verbosity: rt.verbosity,
    baseDir: rt.playbookDir,
    makeContext: (warnings) => contextFor(inp, s, scope, targetHost, isController, warnings, deadline),
    gathered: la && !s.delegateTo ? (args) => la.take(task, host, args, s) : undefined,
    preparedArgs: la ? (vars) => la.argsFor(vars) : undefined,
    onApply: (phase) => {
      turn.applied = true;
      la?.applyPhase(phase);
    },
  });
}

/** changed_when / failed_when override the module's own verdict (the result is visible under the register name). */
function applyConditions(task: TaskNode, out: AttemptOutcome, scope: Record<string, unknown>): void {
  if (!task.changedWhen?.length && !task.failedWhen?.length) return;
  const withResult = task.register ? scopeWith(scope, { [task.register]: resultDict(out) }) : scope;
  const loc = task.location;
  if (task.changedWhen?.length) {
    try {
      out.changed = allTrue(task.changedWhen, withResult, loc);
    } catch (e) {
      throw wrapCondition('changed_when', e, loc);
    }
  }
  if (task.failedWhen?.length) {
    let failed: boolean;
    try {
      // A failed_when list is ANDed, like when (checked against ansible-playbook 2.14).
      failed = allTrue(task.failedWhen, withResult, loc);
    } catch (e) {
      throw wrapCondition('failed_when', e, loc);
    }
    out.data.failed_when_result = failed;
    out.failed = failed;
  }
}

function wrapCondition(kw: string, e: unknown, location: TaskNode['location']): TemplateError {
  return new TemplateError(`The conditional check '${kw}' failed: ${errorMessage(e)}`, { location, cause: e });
}

function skippedOutcome(reason: string): AttemptOutcome {
  return { failed: false, unreachable: false, skipped: true, changed: false, data: {}, skipReason: reason, warnings: [] };
}

/** The dict a `register:` stores, shaped like Ansible's result. */
export function resultDict(out: AttemptOutcome): Record<string, unknown> {
  const d: Record<string, unknown> = { ...out.data, changed: out.changed, failed: out.failed };
  if (out.msg !== undefined && d.msg === undefined) d.msg = out.msg;
  if (out.skipped) {
    d.skipped = true;
    if (out.skipReason) d.skip_reason = out.skipReason;
  }
  if (out.unreachable) d.unreachable = true;
  if (out.diff) d.diff = out.diff;
  return d;
}

function aggregate(items: TaskResult[], dicts: Array<Record<string, unknown>>): { outcome: AttemptOutcome; dict: Record<string, unknown> } {
  const changed = items.some((r) => r.changed);
  const failed = items.some((r) => r.status === 'failed');
  const unreachable = items.some((r) => r.status === 'unreachable');
  const skipped = items.length === 0 || items.every((r) => r.status === 'skipped');
  const msg = failed ? 'One or more items failed' : skipped && items.length ? undefined : 'All items completed';
  const dict: Record<string, unknown> = { results: dicts, changed, msg, skipped };
  if (failed) dict.failed = true;
  if (skipped && items.length === 0) dict.skipped_reason = 'No items in the list';
  const warnings = items.flatMap((r) => r.warnings ?? []);
  const outcome: AttemptOutcome = {
    failed, unreachable, skipped, changed, msg, data: { results: dicts }, warnings,
    skipReason: skipped ? (items.length ? 'All items skipped' : 'No items in the list') : undefined,
  };
  return { outcome, dict };
}

function register(inp: TaskRunInput, s: Settings, dict: Record<string, unknown>): void {
  const { task, host } = inp;
  const la = inp.rt.lookahead;
  // Host variables may change: what was read ahead with the old ones is not used.
  if (task.register) {
    la?.varsChanged();
    // Module output is data, never a template: a '{{' in stdout must stay as it is.
    host.runtimeVars[task.register] = markUnsafe(dict);
  }
  // set_fact's facts become plain host variables; other modules' facts are ansible_* facts.
  const facts = dict.ansible_facts;
  if (facts && typeof facts === 'object' && !dict.failed) {
    if (s.module.definition.name === 'set_fact') {
      la?.varsChanged();
      Object.assign(host.runtimeVars, facts);
    } else {
      // Modules return facts as ansible_<name> (hostname's ansible_hostname); stored unprefixed,
      // so both ansible_facts.hostname and ansible_hostname see the new value.
      const unprefixed: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(facts as Record<string, unknown>)) unprefixed[k.startsWith('ansible_') ? k.slice(8) : k] = v;
      // Facts equal to those stored keep the same object: what was read ahead and the
      // variables built from it (variables.ts) are compared by identity and stay valid.
      if (host.factsGathered && sameFacts(host.facts, unprefixed)) return;
      la?.varsChanged();
      // A new object, not an in-place change: rendered containers are cached by identity.
      host.facts = markUnsafe(Object.assign({}, host.facts, unprefixed));
      host.factsGathered = true;
    }
  }
}

/** Whether every fact of `update` is already in `facts`, deeply equal. */
function sameFacts(facts: Record<string, unknown>, update: Record<string, unknown>): boolean {
  for (const [k, v] of Object.entries(update)) {
    if (!Object.prototype.hasOwnProperty.call(facts, k) || !isDeepStrictEqual(facts[k], v)) return false;
  }
  return true;
}

function toTaskResult(hostName: string, out: AttemptOutcome, durationMs: number, noLog: boolean, delegatedTo?: string): TaskResult {
  const status = out.unreachable ? 'unreachable' : out.failed ? 'failed' : out.skipped ? 'skipped' : out.changed ? 'changed' : 'ok';
  const r: TaskResult = { host: hostName, status, changed: out.changed, data: out.data, durationMs };
  if (out.msg !== undefined) r.msg = out.msg;
  if (out.diff) r.diff = out.diff;
  if (out.skipReason) r.skipReason = out.skipReason;
  if (out.warnings.length) r.warnings = out.warnings;
  if (delegatedTo) r.delegatedTo = delegatedTo;
  return noLog ? censorResult(r) : r;
}

function finish(inp: TaskRunInput, started: number, out: AttemptOutcome, noLog: boolean, delegatedTo?: string): TaskResult {
  return toTaskResult(inp.host.name, out, now() - started, noLog, delegatedTo);
}
