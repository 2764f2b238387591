/**
 * What a task is on one host before any module runs: its variables and rendered keywords
 * (Settings), a loop item's scope, and the context a module sees. Shared by the task runner
 * and the read-ahead, which must work them out the same way.
 */
import type { TaskNode } from '../playbook/model.js';
import type { BecomeSpec } from '../connection/types.js';
import type { ApplyContext, LoadedModule } from '../module-api/types.js';
import type { TaskRunInput } from './task-runner.js';
import { inherit, type Inherited } from './inherit.js';
import { createModuleContext } from './module-context.js';
import { renderBool, renderEnvironment, renderString } from './render-keywords.js';
import { PlaybookError } from '../errors.js';
import { connectionVars } from './connection-vars.js';
import { scopeWith } from './variables.js';

/** A task's keywords on one host, rendered in its variables. */
export interface Settings {
  scope: Record<string, unknown>;
  checkMode: boolean;
  diffMode: boolean;
  noLog: boolean;
  become: BecomeSpec | false;
  environment?: Record<string, string>;
  delegateTo?: string;
  module: LoadedModule;
  eff: Inherited;
}

/** The scope of loop item `i`: the loop variable, index_var and ansible_loop on top of `scope`. */
export function itemScopeOf(scope: Record<string, unknown>, items: unknown[], i: number, lc: TaskNode['loopControl']): Record<string, unknown> {
  const loopVar = lc?.loopVar ?? 'item';
  const item = items[i];
  const params: Record<string, unknown> = { [loopVar]: item, ansible_loop_var: loopVar };
  if (lc?.indexVar) params[lc.indexVar] = i;
  if (lc?.extended) {
    params.ansible_loop = {
      allitems: items, index: i + 1, index0: i, revindex: items.length - i, revindex0: items.length - i - 1,
      first: i === 0, last: i === items.length - 1, length: items.length,
      previtem: i > 0 ? items[i - 1] : undefined, nextitem: i < items.length - 1 ? items[i + 1] : undefined,
    };
  }
  // On top of the task's scope, not a copy of it: see variables.ts.
  return scopeWith(scope, params);
}

/** Work out a task's settings on a host. Throws PlaybookError (unknown module) or TemplateError. */
export function resolveSettings(inp: TaskRunInput): Settings {
  const { rt, pc, task, host } = inp;
  const eff = inherit(inp.inherited, task);
  const scope = rt.vars.taskScope(host.name, pc.scope, eff.varsLayers, eff.params);
  const loc = task.location;
  const module = rt.registry.resolve(task.action);
  if (!module) throw new PlaybookError(`unknown module '${task.action}'`, { location: loc });
  const checkMode = eff.checkMode !== undefined ? renderBool(eff.checkMode, scope, loc) : rt.check;
  const diffMode = eff.diff !== undefined ? eff.diff : rt.diff;
  const noLog = eff.noLog !== undefined ? renderBool(eff.noLog, scope, loc) : false;
  const becomeOn = eff.become !== undefined ? renderBool(eff.become, scope, loc)
    : rt.opts.become ?? (scope.ansible_become !== undefined ? renderBool(scope.ansible_become, scope, loc) : false);
  let become: BecomeSpec | false = false;
  if (becomeOn) {
    const user = renderString(eff.becomeUser ?? rt.opts.becomeUser ?? scope.ansible_become_user ?? 'root', scope, loc) || 'root';
    const method = renderString(eff.becomeMethod ?? rt.opts.becomeMethod ?? scope.ansible_become_method ?? 'sudo', scope, loc);
    if (method !== 'sudo' && method !== 'su') throw new PlaybookError(`unsupported become method '${method}' (supported: sudo, su)`, { location: loc });
    const pw = rt.opts.becomePassword ?? scope.ansible_become_password ?? scope.ansible_become_pass;
    become = { method, user };
    if (pw !== undefined) become.password = renderString(pw, scope, loc);
    if (scope.ansible_become_flags !== undefined) become.flags = renderString(scope.ansible_become_flags, scope, loc);
  }
  const environment = renderEnvironment(eff.environment, scope, loc);
  const delegateTo = eff.delegateTo !== undefined ? renderString(eff.delegateTo, scope, loc) || undefined : undefined;
  const s: Settings = { scope, checkMode, diffMode, noLog, become, module, eff };
  if (environment) s.environment = environment;
  if (delegateTo && delegateTo !== host.name) s.delegateTo = delegateTo;
  return s;
}

/** The module's context for one attempt on `targetHost`. */
export function contextFor(
  inp: TaskRunInput, s: Settings, scope: Record<string, unknown>, targetHost: string, isController: boolean,
  warnings: string[], deadline?: number, connVars?: Record<string, unknown>,
): ApplyContext {
  const { rt, task, host } = inp;
  return createModuleContext({
    host: host.name,
    vars: scope,
    facts: host.facts,
    checkMode: s.checkMode,
    diffMode: s.diffMode,
    verbosity: rt.verbosity,
    become: s.become,
    environment: s.environment,
    // Worked out once per attempt, not per command the module runs (host variables cannot change meanwhile).
    connection: isController ? undefined : () => rt.pool.get(targetHost, connVars ??= connectionVars(rt, targetHost, inp.pc.play)),
    deadline,
    searchDirs: [...new Set([task.location.file ? dirOf(task.location.file) : rt.playbookDir, rt.playbookDir])],
    warn: (m) => warnings.push(m),
  });
}

function dirOf(file: string): string {
  const i = file.lastIndexOf('/');
  return i > 0 ? file.slice(0, i) : '.';
}
