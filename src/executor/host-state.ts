/**
 * What the executor knows about one host during a run: its runtime variables (registered
 * results, set_fact), facts, failure state and notified handlers. Lives for the whole run so
 * later plays (and other hosts through `hostvars`) see what earlier tasks produced.
 */
import type { HostStats } from '../events/types.js';

/** Counts hosts becoming failed or unreachable, or rescued: ansible_play_hosts changes with it. */
let statusChanges = 0;

/** How many times any host's failed or unreachable state changed so far. */
export function hostStatusChanges(): number {
  return statusChanges;
}

export class HostState {
  readonly name: string;
  /** Registered results and set_fact values (precedence above play and task vars). */
  readonly runtimeVars: Record<string, unknown> = {};
  /** Gathered facts, unprefixed (ansible_facts.distribution). */
  facts: Record<string, unknown> = {};
  factsGathered = false;
  private isFailed = false;
  private isUnreachable = false;
  /** meta: end_host, or end_play for this host. */
  ended = false;
  /** The last failure (for ansible_failed_task / ansible_failed_result in rescue). */
  lastFailure?: { task: Record<string, unknown>; result: Record<string, unknown> };
  /** Check mode: names of tasks that predicted a change here (not applied). */
  readonly checkPredicted: string[] = [];
  /** Handlers notified on this host, by handler index in the play. */
  readonly notified = new Set<number>();
  readonly stats: HostStats = { ok: 0, changed: 0, unreachable: 0, failed: 0, skipped: 0, rescued: 0, ignored: 0 };

  constructor(name: string) {
    this.name = name;
  }

  /** Failed and not rescued: takes no further part in the play, nor in later plays. */
  get failed(): boolean {
    return this.isFailed;
  }

  set failed(v: boolean) {
    if (v !== this.isFailed) statusChanges++;
    this.isFailed = v;
  }

  get unreachable(): boolean {
    return this.isUnreachable;
  }

  set unreachable(v: boolean) {
    if (v !== this.isUnreachable) statusChanges++;
    this.isUnreachable = v;
  }

  /** Still runs tasks. */
  get active(): boolean {
    return !this.failed && !this.unreachable && !this.ended;
  }
}
