/**
 * The `--json` reporter: collects the run and prints one JSON document at the end, shaped like
 * Ansible's json callback (plays -> tasks -> hosts results, plus stats). Nothing else is
 * written to its stream.
 */
import type { Writable } from 'node:stream';
import { randomUUID } from 'node:crypto';
import type { RunEventBus } from '../events/bus.js';
import type { PlayInfo, RunEvents, TaskInfo, TaskResult } from '../events/types.js';
import type { SourceLocation } from '../errors.js';
import { pyJson } from './python-json.js';
import { CENSORED_MSG } from './result-format.js';

export interface JsonDuration { start: string; end?: string }

export interface JsonTask {
  task: { duration: JsonDuration; id: string; name: string; path?: string; action: string; handler?: boolean };
  hosts: Record<string, Record<string, unknown>>;
}

export interface JsonPlay {
  play: { duration: JsonDuration; id: string; name: string; path?: string; hosts: string[] };
  tasks: JsonTask[];
}

/** Ansible's stats keys (`failures`, not `failed`). */
export interface JsonStats {
  ok: number; changed: number; unreachable: number; failures: number; skipped: number; rescued: number; ignored: number;
}

export interface JsonDocument {
  custom_stats: Record<string, unknown>;
  global_custom_stats: Record<string, unknown>;
  plays: JsonPlay[];
  stats: Record<string, JsonStats>;
  /** k8splay addition: warnings of the run, in order. */
  warnings: string[];
  /** k8splay addition: true when the run was interrupted. */
  interrupted: boolean;
}

export interface JsonReporterOptions {
  /** Where the document is printed. Default process.stdout. */
  out?: Writable;
  /** Clock, for tests. */
  now?: () => Date;
}

function path(loc: SourceLocation | undefined): string | undefined {
  return loc ? `${loc.file}${loc.line !== undefined ? `:${loc.line}` : ''}` : undefined;
}

/** One result as Ansible's json callback stores it: module data plus status keys. */
export function jsonResult(task: TaskInfo, r: TaskResult): Record<string, unknown> {
  const d: Record<string, unknown> = r.censored
    ? { censored: CENSORED_MSG }
    : { ...(r.data ?? {}) };
  d.action = task.action;
  d.changed = r.changed;
  if (r.msg !== undefined && d.msg === undefined && !r.censored) d.msg = r.msg;
  if (r.status === 'failed') d.failed = true;
  if (r.status === 'skipped') {
    d.skipped = true;
    if (r.skipReason !== undefined) d.skip_reason = r.skipReason;
  }
  if (r.status === 'unreachable') d.unreachable = true;
  if (r.ignored) d.ignored = true;
  if (r.delegatedTo) d.delegated_to = r.delegatedTo;
  if (r.item !== undefined) d.item = r.censored ? null : r.item;
  if (r.warnings?.length) d.warnings = [...r.warnings];
  if (r.diff?.length) {
    d.diff = r.diff.map((x) => ({
      before: x.before, after: x.after,
      before_header: x.beforeHeader ?? x.path, after_header: x.afterHeader ?? x.path,
    }));
  }
  if (r.items?.length) {
    d.results = r.items.map((it) => {
      const x = jsonResult(task, it);
      delete x.action;
      return x;
    });
    if (d.msg === undefined && r.status !== 'skipped') d.msg = r.status === 'failed' ? 'One or more items failed' : 'All items completed';
  }
  d.duration_ms = r.durationMs;
  return d;
}

export class JsonReporter {
  private readonly out: Writable;
  private readonly now: () => Date;
  private readonly doc: JsonDocument = {
    custom_stats: {}, global_custom_stats: {}, plays: [], stats: {}, warnings: [], interrupted: false,
  };
  private play: JsonPlay | undefined;
  private task: JsonTask | undefined;
  private taskInfo: TaskInfo | undefined;
  private printed = false;

  constructor(opts: JsonReporterOptions = {}) {
    this.out = opts.out ?? process.stdout;
    this.now = opts.now ?? (() => new Date());
  }

  /** Subscribe to `bus`; returns a function that unsubscribes. */
  attach(bus: RunEventBus): () => void {
    const subs: Array<[keyof RunEvents, (p: never) => void]> = [];
    const on = <K extends keyof RunEvents>(ev: K, fn: (p: RunEvents[K]) => void): void => {
      const guarded = (p: RunEvents[K]): void => { try { fn.call(this, p); } catch { /* never break a run */ } };
      bus.on(ev, guarded as never);
      subs.push([ev, guarded as never]);
    };
    on('play:start', this.onPlayStart);
    on('task:start', this.onTaskStart);
    on('host:result', this.onHostResult);
    on('task:end', this.onTaskEnd);
    on('play:end', this.onPlayEnd);
    on('warning', (p) => this.doc.warnings.push(p.host ? `${p.host}: ${p.message}` : p.message));
    on('run:end', this.onRunEnd);
    return () => { for (const [ev, fn] of subs) bus.off(ev, fn as never); };
  }

  /** The document collected so far. */
  document(): JsonDocument {
    return this.doc;
  }

  private stamp(): string {
    return this.now().toISOString();
  }

  onPlayStart(p: RunEvents['play:start']): void {
    this.closePlay();
    this.play = {
      play: { duration: { start: this.stamp() }, id: randomUUID(), name: p.play.name || p.play.pattern, path: path(p.play.location), hosts: [...p.hosts] },
      tasks: [],
    };
    this.doc.plays.push(this.play);
  }

  onTaskStart(p: RunEvents['task:start']): void {
    this.closeTask();
    this.openTask(p.play, p.task);
  }

  onHostResult(p: RunEvents['host:result']): void {
    // A result outside its task's start/end (run_once copies, late results) opens an entry.
    if (!this.task || (this.taskInfo !== p.task && this.task.task.name !== p.task.name)) this.openTask(p.play, p.task);
    this.task!.hosts[p.result.host] = jsonResult(p.task, p.result);
  }

  onTaskEnd(_p: RunEvents['task:end']): void {
    this.closeTask();
  }

  onPlayEnd(_p: RunEvents['play:end']): void {
    this.closePlay();
  }

  onRunEnd(p: RunEvents['run:end']): void {
    this.closePlay();
    for (const [h, s] of Object.entries(p.stats)) {
      this.doc.stats[h] = {
        changed: s.changed, failures: s.failed, ignored: s.ignored, ok: s.ok, rescued: s.rescued, skipped: s.skipped, unreachable: s.unreachable,
      };
    }
    this.doc.interrupted = p.interrupted;
    if (this.printed) return;
    this.printed = true;
    this.out.write(pyJson(this.doc, { indent: 4 }) + '\n');
  }

  private openTask(play: PlayInfo, task: TaskInfo): void {
    if (!this.play) this.onPlayStart({ play, hosts: [] });
    this.task = {
      task: {
        duration: { start: this.stamp() }, id: randomUUID(), name: task.name, path: path(task.location), action: task.action,
        ...(task.handler ? { handler: true } : {}),
      },
      hosts: {},
    };
    this.taskInfo = task;
    this.play!.tasks.push(this.task);
  }

  private closeTask(): void {
    if (this.task && this.task.task.duration.end === undefined) this.task.task.duration.end = this.stamp();
    this.task = undefined;
    this.taskInfo = undefined;
  }

  private closePlay(): void {
    this.closeTask();
    if (this.play && this.play.play.duration.end === undefined) this.play.play.duration.end = this.stamp();
    this.play = undefined;
  }
}

/** Create a JSON reporter and subscribe it to `bus`. */
export function attachJsonReporter(bus: RunEventBus, opts: JsonReporterOptions = {}): JsonReporter {
  const r = new JsonReporter(opts);
  r.attach(bus);
  return r;
}
