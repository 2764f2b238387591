/**
 * k8splay's public API.
 *
 * @example Run a playbook from a script
 * ```ts
 * import { run, RunEventBus } from 'k8splay';
 * const events = new RunEventBus();
 * events.on('host:result', ({ task, result }) => console.log(task.name, result.host, result.status));
 * const { exitCode, stats } = await run({ playbook: 'playbooks/cluster.yml', inventory: ['inventory/lab.ini'], events });
 * ```
 *
 * @example Write a module
 * ```ts
 * import { defineModule } from 'k8splay';
 * export default defineModule({ name: 'motd', description: '...', schema: {...}, gather, diff, apply });
 * ```
 */
export * from './errors.js';
export * from './module-api/types.js';
export { defineModule } from './module-api/define.js';
export { ModuleRegistry } from './module-api/registry.js';
export { run, DEFAULT_FORKS } from './executor/run.js';
export type { RunOptions, RunResult, TaskRecord } from './executor/types.js';
export { RunEventBus } from './events/bus.js';
export type * from './events/types.js';
export type * from './connection/types.js';
export { shellQuote, shellJoin } from './connection/quote.js';
