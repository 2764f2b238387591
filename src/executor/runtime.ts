/**
 * Run-wide services shared by the play, block and task runners.
 */
import type { LimitFunction } from 'p-limit';
import type { RunOptions, TaskRecord } from './types.js';
import type { ModuleRegistry } from '../module-api/registry.js';
import type { VariableManager, PlayScope } from './variables.js';
import type { HostState } from './host-state.js';
import type { ConnectionPool } from './connection-pool.js';
import type { RunEventBus } from '../events/bus.js';
import type { PlayInfo } from '../events/types.js';
import type { Inventory } from '../inventory/types.js';
import type { Play, TaskNode } from '../playbook/model.js';
import type { Lookahead } from './lookahead.js';

export interface Runtime {
  opts: RunOptions;
  check: boolean;
  diff: boolean;
  verbosity: number;
  registry: ModuleRegistry;
  inventory: Inventory;
  vars: VariableManager;
  hosts: Map<string, HostState>;
  pool: ConnectionPool;
  events: RunEventBus;
  /** Bounds how many hosts run a task at once (--forks). */
  limit: LimitFunction;
  playbookDir: string;
  records: TaskRecord[];
  signal?: AbortSignal;
  /** Tag selection (already normalised). */
  tags: { only: string[]; skip: string[] };
  /** --start-at-task: still looking for the task when set. */
  startAt?: { name: string; found: boolean };
  /** Gathers of the next tasks sent ahead (lookahead.ts); absent when turned off. */
  lookahead?: Lookahead;
}

/** State of the play being run. */
export interface PlayContext {
  play: Play;
  info: PlayInfo;
  scope: PlayScope;
  /** Handlers flattened in definition order (index = HostState.notified key). */
  handlers: TaskNode[];
  /** Set by meta: end_play or any_errors_fatal. */
  ended: boolean;
}

export function isAborted(rt: Runtime): boolean {
  return rt.signal?.aborted === true;
}
