/**
 * Checks that need the whole playbook, run before anything connects: every task's module
 * arguments (templates left for run time), notify targets, register names. All problems are
 * reported together.
 */
import type { ModuleRegistry } from '../module-api/registry.js';
import { checkArgs } from '../module-api/validate-args.js';
import { isTemplated } from '../module-api/templated.js';
import { K8splayError } from '../errors.js';
import type { Node, Play, Playbook, TaskNode } from './model.js';
import { Diagnostics } from './diagnostics.js';
import { didYouMean } from '../util/suggest.js';

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

function* tasksOf(nodes: Node[]): Generator<TaskNode> {
  for (const n of nodes) {
    if (n.kind === 'task') yield n;
    else if (n.kind === 'block') for (const part of [n.block, n.rescue, n.always]) yield* tasksOf(part);
  }
}

function byPosition(a: K8splayError, b: K8splayError): number {
  return (a.location?.line ?? 0) - (b.location?.line ?? 0) || (a.location?.column ?? 0) - (b.location?.column ?? 0);
}

/** Check one task, reporting its problems in the order they appear in the file. */
function checkTask(task: TaskNode, play: Play, handlerNames: Set<string>, registry: ModuleRegistry, diag: Diagnostics): void {
  const own = new Diagnostics();
  collectTaskErrors(task, play, handlerNames, registry, own);
  for (const e of [...own.errors].sort(byPosition)) diag.add(e);
}

function collectTaskErrors(task: TaskNode, play: Play, handlerNames: Set<string>, registry: ModuleRegistry, diag: Diagnostics): void {
  const mod = registry.resolve(task.action);
  const what = task.name ? ` in task '${task.name}'` : '';
  if (!mod) {
    diag.error(`unknown module '${task.action}'${what}`, task.argsLocation ?? task.location, didYouMean(task.action, registry.names()));
  } else {
    try {
      const { errors } = checkArgs(mod, task.args, {
        location: task.argsLocation ?? task.location,
        ...(task.argLocations ? { argLocations: task.argLocations } : {}),
        ...(task.name ? { taskName: task.name } : {}),
        partial: true,
      });
      for (const e of errors) diag.add(e);
    } catch (e) {
      // A broken module schema (ModuleLoadError) is reported with the rest.
      if (e instanceof K8splayError) diag.add(e);
      else throw e;
    }
  }
  if (task.register !== undefined && !IDENTIFIER.test(task.register)) {
    diag.error(`'${task.register}' is not a valid variable name for register${what} (use letters, digits and underscores, not starting with a digit)`, task.keywordLocations?.['register'] ?? task.location);
  }
  for (const n of task.notify) {
    // A templated handler name could match anything: such a play's notify is checked at run time.
    if (isTemplated(n) || handlerNames.has(n) || [...handlerNames].some(isTemplated)) continue;
    diag.error(`notify names a handler that does not exist: '${n}'${what} (play '${play.name}')`, task.keywordLocations?.['notify'] ?? task.location, didYouMean(n, handlerNames));
  }
}

/**
 * Validate every task of a loaded playbook (imported blocks and handlers included). Throws one
 * PlaybookError listing each problem on its own line, or returns when all is well.
 */
export function validatePlaybook(playbook: Playbook, registry: ModuleRegistry): void {
  const diag = new Diagnostics();
  for (const play of playbook.plays) {
    const handlerNames = new Set<string>();
    for (const h of play.handlers) {
      if (h.name) handlerNames.add(h.name);
      for (const l of h.listen) handlerNames.add(l);
    }
    for (const section of [play.preTasks, play.tasks, play.postTasks]) {
      for (const t of tasksOf(section)) checkTask(t, play, handlerNames, registry, diag);
    }
    for (const h of play.handlers) checkTask(h, play, handlerNames, registry, diag);
  }
  diag.throwIfAny();
}
