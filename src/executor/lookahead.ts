/**
 * Reading ahead: while a task runs, the gathers of the next few tasks (a module's `gather`
 * only reads the host: ModuleDefinition.gather) are sent to each host as well, pipelined on
 * its connection behind the running task's commands. When their turn comes, a task whose
 * state was read this way and is still valid uses it instead of asking the host again: on a
 * host where nothing changes (the common re-run) a task costs no round trip of its own. What
 * the read-ahead worked out on the controller (the task's variables and keywords, loop items,
 * rendered arguments) is used too, under the same conditions, rather than worked out twice.
 *
 * Read-ahead never changes what a run does or shows, only when the reads happen:
 * - a read is used only if nothing can have changed since it was made: no module applied
 *   anything anywhere (any host: a delegated task or a shared file may touch another host), no
 *   template changed a value in place, the host's variables and facts are the same objects, and
 *   the task's arguments and settings (check mode, become, environment) are equal, and no host
 *   failed, became unreachable or was rescued (ansible_play_hosts would differ);
 * - work is used only under the same conditions, for the same play batch and keywords, and,
 *   when its templates read `hostvars`, if no host's variables or facts changed either;
 * - anything else is read or worked out again at the task's turn, as without read-ahead;
 * - a read-ahead that fails in any way (an undefined variable, a module error, a lost
 *   connection) is forgotten: the task at its turn meets the problem itself;
 * - rendering ahead is pure (renderPurely): a template that would change a value (l.append)
 *   stops the read-ahead of that task instead;
 * - tasks whose timing is part of their meaning (retries/until, timeout, loop pauses),
 *   delegated and run_once tasks, handlers, and tasks not selected by tags are never read
 *   ahead.
 * Templates are rendered a little earlier than without read-ahead: `now()` in a task's
 * arguments is the time of the read-ahead (milliseconds before its turn).
 * Reads ahead start on a host once the running task's turn there applied nothing (and its
 * result is registered), and not after a task that changed something anywhere, nor during a
 * task that registers a result or sets facts, a run_once task, or one with more hosts than
 * --forks (a read-ahead keeps every host of the task busy). A run that changes every task
 * reads nothing ahead; one where a change follows unchanged tasks reads some tasks ahead for
 * nothing (the change makes them stale: they are read again at their turn).
 * K8SPLAY_READ_AHEAD=0 turns it off; =N reads N tasks ahead.
 */
import { isDeepStrictEqual } from 'node:util';
import type { TaskNode } from '../playbook/model.js';
import { hostStatusChanges, type HostState } from './host-state.js';
import type { GatheredState } from './invoke-module.js';
import type { Settings } from './task-settings.js';
import { templateChanges } from '../template/index.js';
import { sameVars, snapshotVars, type VarsSnapshot } from './vars-snapshot.js';

/** How many tasks ahead are read by default. */
export const DEFAULT_READ_AHEAD = 6;

/** What a gather's result depends on besides the host: compared before a read-ahead is used. */
export type ReadSettings = Pick<Settings, 'module' | 'checkMode' | 'diffMode' | 'become' | 'environment'>;

interface Entry {
  epoch: number;
  facts: Record<string, unknown>;
  runtimeVars: VarsSnapshot;
  args: Record<string, unknown>;
  settings: ReadSettings;
  result: Promise<GatheredState | undefined>;
  used: boolean;
}

/**
 * What the read-ahead worked out for a task on a host: its settings (variables and rendered
 * keywords) and, for a loop, the rendered items and each item's variables. The task uses them
 * at its turn instead of working them out again, under the same conditions as a read.
 */
export interface Worked {
  settings: Settings;
  /** The loop, rendered (and expanded for with_*); absent without a loop. */
  items?: unknown[];
  /** Each item's variables, by index (the first items only). */
  scopes: Array<Record<string, unknown>>;
}

interface WorkedEntry extends Worked {
  epoch: number;
  varsEpoch: number;
  /** The work read other hosts' variables (hostvars): any host's change makes it stale. */
  readsOthers: boolean;
  facts: Record<string, unknown>;
  runtimeVars: VarsSnapshot;
  /** The play's scope (batch) and the inherited keywords it was worked out with. */
  play: object;
  inherited: object;
}

/** The read-ahead window of one run, from K8SPLAY_READ_AHEAD (0: off). */
export function readAheadWindow(env: NodeJS.ProcessEnv = process.env): number {
  const v = env.K8SPLAY_READ_AHEAD;
  if (v === undefined || v === '') return DEFAULT_READ_AHEAD;
  const n = Number(v);
  return Number.isInteger(n) && n >= 0 ? n : DEFAULT_READ_AHEAD;
}

export class Lookahead {
  /**
   * Counts everything that may have changed a host or a value templates read: applies, in-place
   * changes. One count for every host on purpose: a task on one host can change what another
   * host's checks read (kubectl on the master, the cluster's state on a node), so an apply
   * anywhere makes every host's reads stale, even where nothing changed.
   */
  private epoch = 0;
  /** Counts changes of any host's variables or facts (registered results, set_fact, gathered facts). */
  private varsEpoch = 0;
  /** templateChanges() when last looked at. */
  private templateMark = templateChanges();
  /** hostStatusChanges() when last looked at. */
  private statusMark = hostStatusChanges();
  private applying = 0;
  /** Per task and host: the change count when it was last read ahead, and the reads. */
  private readonly entries = new Map<TaskNode, Map<string, { epoch: number; reads: Entry[] }>>();
  private readonly worked = new Map<TaskNode, Map<string, WorkedEntry>>();
  /** A module's arguments rendered (and validated) in a given scope object, with the render's warnings. */
  private readonly argsByScope = new WeakMap<object, { epoch: number; args: Record<string, unknown>; warnings: string[] }>();
  /** Read-aheads used and sent (for tests and K8SPLAY_TRACE). */
  readonly counts = { sent: 0, used: 0 };

  /** `window`: how many tasks ahead of the running one are read (0: none). */
  constructor(readonly window: number) {}

  /**
   * A host's variables or facts changed. Reads stay valid (their arguments are compared) and so
   * does work on other hosts that did not read `hostvars`; the host's own are checked directly.
   */
  varsChanged(): void {
    this.varsEpoch++;
  }

  /** A module's apply starts or ends: reads made before are stale, and none is made meanwhile. */
  applyPhase(phase: 'start' | 'end'): void {
    this.epoch++;
    this.applying += phase === 'start' ? 1 : -1;
  }

  /** The current change count: a task that leaves it as it found it changed nothing. */
  get mark(): number {
    this.sync();
    return this.epoch;
  }

  /**
   * A template changed a value in place (l.append), or a host failed, became unreachable or
   * was rescued (ansible_play_hosts changes with that), since last looked: a change too.
   */
  private sync(): void {
    const t = templateChanges();
    const h = hostStatusChanges();
    if (t !== this.templateMark || h !== this.statusMark) {
      this.templateMark = t;
      this.statusMark = h;
      this.epoch++;
    }
  }

  /** No apply is running: a read sent now sees a settled host. */
  get quiet(): boolean {
    return this.applying === 0;
  }

  /** Whether `task` was read ahead on `host` since the last change (or could not be). */
  has(task: TaskNode, host: string): boolean {
    this.sync();
    return this.entries.get(task)?.get(host)?.epoch === this.epoch;
  }

  /** Mark `task` as read ahead on `host` now (even when nothing could be read: not tried again until a change). */
  claim(task: TaskNode, host: string): void {
    this.sync();
    let byHost = this.entries.get(task);
    if (!byHost) this.entries.set(task, (byHost = new Map()));
    const e = byHost.get(host);
    if (e) e.epoch = this.epoch;
    else byHost.set(host, { epoch: this.epoch, reads: [] });
  }

  /** Record a read sent for `task` on `host` at change count `epoch` with these arguments and settings. */
  add(task: TaskNode, host: HostState, epoch: number, args: Record<string, unknown>, settings: ReadSettings, result: Promise<GatheredState | undefined>): void {
    this.claim(task, host.name);
    this.entries.get(task)!.get(host.name)!.reads.push({
      epoch, facts: host.facts, runtimeVars: snapshotVars(host.runtimeVars), args, result, used: false,
      // Only what is compared (a task's whole settings hold its scope: ~250 variables).
      settings: { module: settings.module, checkMode: settings.checkMode, diffMode: settings.diffMode, become: settings.become, environment: settings.environment },
    });
    this.counts.sent++;
  }

  /**
   * The state read ahead for `task` on `host` with equal arguments and settings, if it is still
   * valid (see the file's comment); each read is used once.
   */
  take(task: TaskNode, host: HostState, args: Record<string, unknown>, settings: ReadSettings): Promise<GatheredState | undefined> | undefined {
    const list = this.entries.get(task)?.get(host.name)?.reads;
    if (!list) return undefined;
    this.sync();
    for (const e of list) {
      if (e.used || e.epoch !== this.epoch || e.facts !== host.facts || !sameVars(e.runtimeVars, host.runtimeVars)) continue;
      if (!sameSettings(e.settings, settings) || !same(e.args, args)) continue;
      e.used = true;
      this.counts.used++;
      return e.result;
    }
    return undefined;
  }

  /** The count of variable changes, to pass to keepWork. */
  get varsMark(): number {
    return this.varsEpoch;
  }

  /**
   * Keep what was worked out for `task` on `host` at change counts `epoch` and `varsEpoch`, with
   * `play` (the play's scope) and `inherited` (keywords), reading other hosts' variables or not.
   */
  keepWork(
    task: TaskNode, host: HostState, marks: { epoch: number; varsEpoch: number; readsOthers: boolean },
    play: object, inherited: object, work: Worked,
  ): void {
    let byHost = this.worked.get(task);
    if (!byHost) this.worked.set(task, (byHost = new Map()));
    byHost.set(host.name, {
      settings: work.settings, items: work.items, scopes: work.scopes,
      epoch: marks.epoch, varsEpoch: marks.varsEpoch, readsOthers: marks.readsOthers,
      facts: host.facts, runtimeVars: snapshotVars(host.runtimeVars), play, inherited,
    });
  }

  /** What was worked out for `task` on `host`, if nothing it depends on has changed since. Used once. */
  workFor(task: TaskNode, host: HostState, play: object, inherited: object): Worked | undefined {
    const byHost = this.worked.get(task);
    const w = byHost?.get(host.name);
    if (!w) return undefined;
    byHost!.delete(host.name);
    this.sync();
    if (w.epoch !== this.epoch || (w.readsOthers && w.varsEpoch !== this.varsEpoch)) return undefined;
    if (w.facts !== host.facts || w.play !== play || w.inherited !== inherited || !sameVars(w.runtimeVars, host.runtimeVars)) return undefined;
    return w;
  }

  /** Keep a module's arguments rendered in `scope` (the object itself, as worked out above) at change count `epoch`. */
  keepArgs(scope: object, epoch: number, args: Record<string, unknown>, warnings: string[]): void {
    this.argsByScope.set(scope, { epoch, args, warnings });
  }

  /**
   * The arguments rendered in this very scope object by the read-ahead, if nothing changed
   * since (an earlier loop item's apply may change a file a lookup reads).
   */
  argsFor(scope: object): { args: Record<string, unknown>; warnings: string[] } | undefined {
    const a = this.argsByScope.get(scope);
    if (!a) return undefined;
    this.sync();
    return a.epoch === this.epoch ? a : undefined;
  }

  /** Forget what was read and worked out for `task` (its turn is over). */
  drop(task: TaskNode): void {
    this.entries.delete(task);
    this.worked.delete(task);
  }
}


function sameSettings(a: ReadSettings, b: ReadSettings): boolean {
  return a.module === b.module && a.checkMode === b.checkMode && a.diffMode === b.diffMode
    && same(a.become, b.become) && same(a.environment, b.environment);
}

/**
 * Deep equality, the same value first: a task at its turn usually compares what the read-ahead
 * worked out with itself, and node:util's comparison costs a module load on its first call.
 */
function same(a: unknown, b: unknown): boolean {
  return Object.is(a, b) || isDeepStrictEqual(a, b);
}
