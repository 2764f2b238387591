/**
 * Sends a task's gathers ahead of its turn (the read-ahead: see lookahead.ts for when a read
 * is used). Works the task out on the host as the task runner will (task-settings.ts), with
 * every template rendered purely, so that reading ahead changes nothing.
 */
import type { TaskRunInput } from './task-runner.js';
import type { GatheredState } from './invoke-module.js';
import { prepareArgs } from './invoke-module.js';
import { contextFor, itemScopeOf, resolveSettings, type Settings } from './task-settings.js';
import { allTrue } from './render-keywords.js';
import { connectionVars } from './connection-vars.js';
import { renderValue, renderPurely } from '../template/index.js';
import { expandLegacyLoop } from '../playbook/index.js';

/** Most loop items read ahead for one task on one host. */
const READ_AHEAD_ITEMS = 32;

/**
 * Send the gathers of `inp.task` on `inp.host` ahead of the task's turn (see lookahead.ts):
 * each loop item whose `when` holds, with the arguments rendered as they are now. Does
 * nothing when the task cannot be read ahead; never throws.
 */
export function readAhead(inp: TaskRunInput): void {
  const { rt, task, host } = inp;
  const la = rt.lookahead;
  if (!la || la.has(task, host.name)) return;
  la.claim(task, host.name);
  if (task.until?.length || task.retries !== undefined || task.timeout !== undefined || rt.opts.taskTimeout || task.loopControl?.pause) return;
  const epoch = la.mark;
  const varsEpoch = la.varsMark;
  const hostvarsReads = rt.vars.hostvarsReads;
  const loc = task.location;
  let settings!: Settings;
  let connVars!: Record<string, unknown>;
  let items: unknown[] | undefined;
  const itemScopes: Array<Record<string, unknown>> = [];
  const reads: Array<{ scope: Record<string, unknown>; args: Record<string, unknown>; warnings: string[] }> = [];
  try {
    renderPurely(() => {
      settings = resolveSettings(inp);
      const def = settings.module.definition;
      const eff = settings.eff;
      if (!def.gather || def.target === 'controller' || eff.delegateTo !== undefined || eff.runOnce !== undefined) return;
      const scopes: Array<Record<string, unknown>> = [];
      if (task.loop === undefined) {
        if (allTrue(eff.when, settings.scope, loc)) scopes.push(settings.scope);
      } else {
        let rendered = renderValue(task.loop, settings.scope, { location: loc });
        if (task.loopWith) rendered = expandLegacyLoop(task.loopWith, rendered, loc);
        if (!Array.isArray(rendered)) return;
        items = rendered;
        for (let i = 0; i < rendered.length && i < READ_AHEAD_ITEMS; i++) {
          const itemScope = itemScopeOf(settings.scope, rendered, i, task.loopControl);
          itemScopes.push(itemScope);
          if (allTrue(eff.when, itemScope, loc)) scopes.push(itemScope);
        }
      }
      for (const scope of scopes) {
        const warnings: string[] = [];
        let args: Record<string, unknown>;
        try {
          args = prepareArgs({
            module: settings.module, rawArgs: task.args, vars: scope, location: task.argsLocation ?? loc,
            argLocations: task.argLocations, taskName: inp.info.name, baseDir: rt.playbookDir,
          }, warnings);
        } catch {
          break; // this item fails at its turn; the ones after it are read then
        }
        reads.push({ scope, args, warnings });
      }
      if (reads.length) connVars = connectionVars(rt, host.name, inp.pc.play);
    });
  } catch {
    return;
  }
  if (!reads.length) return;
  // The task at its turn starts from all this, if still valid (lookahead.ts: workFor).
  const marks = { epoch, varsEpoch, readsOthers: rt.vars.hostvarsReads !== hostvarsReads };
  la.keepWork(task, host, marks, inp.pc.scope, inp.inherited, { settings, items, scopes: itemScopes });
  for (const r of reads) la.keepArgs(r.scope, epoch, r.args, r.warnings);
  for (const { scope, args } of reads) {
    const warnings: string[] = [];
    const ctx = contextFor(inp, settings, scope, host.name, false, warnings, undefined, connVars);
    const evaluate = ctx.evaluate;
    if (evaluate) ctx.evaluate = (expr) => renderPurely(() => evaluate(expr));
    const result: Promise<GatheredState | undefined> = (async () => settings.module.definition.gather!(ctx, args))()
      .then((state) => ({ state, warnings }), () => undefined);
    la.add(task, host, epoch, args, settings, result);
  }
}
