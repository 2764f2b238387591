/**
 * The event stream shared by the console reporter, the JSON reporter and API users.
 * Payloads are plain data; values marked no_log are already censored when emitted.
 */
import type { FileDiff } from '../module-api/types.js';
import type { SourceLocation } from '../errors.js';

export type HostStatus = 'ok' | 'changed' | 'failed' | 'skipped' | 'unreachable';

export interface TaskInfo {
  /** Display name: the task's name, or the module name when unnamed. */
  name: string;
  /** Module (action) name, or 'include_tasks', 'meta', ... */
  action: string;
  location?: SourceLocation;
  /** True for handlers. */
  handler?: boolean;
  /** Task tags after inheritance. */
  tags: string[];
  /** Task is run once for the batch (run_once). */
  runOnce?: boolean;
}

export interface PlayInfo {
  name: string;
  /** The `hosts` pattern as written. */
  pattern: string;
  location?: SourceLocation;
}

/** One task's result on one host (or one loop item). */
export interface TaskResult {
  host: string;
  status: HostStatus;
  changed: boolean;
  /** Failure message or module message. */
  msg?: string;
  /** Module return values (rc, stdout, stderr, ...), censored under no_log. */
  data: Record<string, unknown>;
  diff?: FileDiff[];
  /** Loop results, one per item. */
  items?: TaskResult[];
  /** The loop item (or its label) for an item result. */
  item?: unknown;
  /** A failure that ignore_errors turned into "ok". */
  ignored?: boolean;
  /** Host the task actually ran on (delegate_to). */
  delegatedTo?: string;
  /** Task was skipped because check mode cannot predict it, or because of `when`. */
  skipReason?: string;
  /** Censored by no_log. */
  censored?: boolean;
  warnings?: string[];
  /** Whole task duration on this host, ms. */
  durationMs: number;
}

export interface HostStats {
  ok: number;
  changed: number;
  unreachable: number;
  failed: number;
  skipped: number;
  rescued: number;
  ignored: number;
}

export interface RunEvents {
  'run:start': { playbook: string; check: boolean; diff: boolean };
  'play:start': { play: PlayInfo; hosts: string[] };
  'task:start': { play: PlayInfo; task: TaskInfo; hosts: string[] };
  'host:result': { play: PlayInfo; task: TaskInfo; result: TaskResult };
  /** One loop item finished (the final host:result carries all items). */
  'item:result': { play: PlayInfo; task: TaskInfo; result: TaskResult };
  'task:end': { play: PlayInfo; task: TaskInfo };
  'play:end': { play: PlayInfo };
  /** Nothing was left to run on any host of the play. */
  'play:no-hosts': { play: PlayInfo; reason: string };
  warning: { message: string; host?: string };
  'run:end': { stats: Record<string, HostStats>; interrupted: boolean };
}

export type RunEventName = keyof RunEvents;
