/**
 * Which hosts may keep their shells for the next run (Connection.close({ park })): those where
 * the run changed nothing. A host where a task changed something, failed (ignored or not), was
 * unreachable, or ran a command (command, shell, raw, script: they may change what a new login
 * would find without saying so) gets a new login session next time, so changes to its
 * environment, PATH or groups are seen as Ansible, which logs in anew per task, sees them.
 */
import type { RunEventBus } from '../events/bus.js';
import type { TaskInfo, TaskResult } from '../events/types.js';

/** Actions that run arbitrary commands (short names; FQCN prefixes are stripped). */
const RUNS_COMMANDS = new Set(['command', 'shell', 'raw', 'script']);

export class ParkPolicy {
  private readonly touched = new Set<string>();

  /** Watch the run's results on `events`. */
  constructor(events: RunEventBus) {
    events.on('host:result', ({ task, result }) => this.note(task, result));
  }

  /** Take one task result into account (also the host it was delegated to). */
  private note(task: TaskInfo, result: TaskResult): void {
    if (!touches(task, result)) return;
    this.touched.add(result.host);
    if (result.delegatedTo) this.touched.add(result.delegatedTo);
  }

  /** True when nothing this run did on `host` calls for a new login session next time. */
  mayPark(host: string): boolean {
    return !this.touched.has(host);
  }
}

function touches(task: TaskInfo, r: TaskResult): boolean {
  if (r.changed || r.ignored || (r.status !== 'ok' && r.status !== 'skipped')) return true;
  if (r.status === 'skipped') return false;
  const action = task.action.slice(task.action.lastIndexOf('.') + 1);
  // A loop's result is already changed/failed when an item was (task-runner's aggregate).
  return RUNS_COMMANDS.has(action);
}
