/**
 * Walks a task list with Ansible's linear strategy: each task runs on every active host of the
 * batch in parallel (bounded by --forks), then the next task. Blocks, rescue/always, includes,
 * meta tasks and handlers live here; a single task on a single host is task-runner's job.
 */
import { resolve } from 'node:path';
import type { BlockNode, IncludeNode, MetaNode, Node, TaskNode } from '../playbook/model.js';
import type { SourceLocation } from '../errors.js';
import type { TaskInfo, TaskResult } from '../events/types.js';
import type { HostState } from './host-state.js';
import type { Runtime, PlayContext } from './runtime.js';
import { isAborted } from './runtime.js';
import pLimit from 'p-limit';
import { inherit, type Inherited } from './inherit.js';
import { runTaskOnHost } from './task-runner.js';
import { readAhead } from './read-ahead.js';
import { tagsSelected } from './tags.js';
import { allTrue, renderBool, renderNumber, renderString } from './render-keywords.js';
import { renderValue } from '../template/index.js';
import { loadTaskFile, expandLegacyLoop } from '../playbook/index.js';
import { errorMessage } from '../errors.js';
import { countResult } from './stats.js';
import { traceMark } from './run-trace.js';
import { scopeWith } from './variables.js';

export class NodeRunner {
  /**
   * Per node list being run: how many of its nodes have started (a read-ahead, which runs in
   * steps, skips them: their turn has come).
   */
  private readonly started = new WeakMap<Node[], number>();

  constructor(private readonly rt: Runtime, private readonly pc: PlayContext) {}

  /** `nodes` is about to run (again, for another batch): none of its nodes has started. */
  beginList(nodes: Node[]): void {
    this.started.set(nodes, 0);
  }

  /** Run nodes in order on the hosts that are still active. */
  async runNodes(nodes: Node[], hosts: HostState[], inh: Inherited): Promise<void> {
    const la = this.rt.lookahead;
    // Whether the task before changed nothing (then the next ones are likely unchanged too: read ahead).
    let settled = true;
    this.beginList(nodes);
    try {
      for (let i = 0; i < nodes.length; i++) {
        const node = nodes[i]!;
        this.started.set(nodes, i + 1);
        if (this.pc.ended || isAborted(this.rt)) return;
        const active = hosts.filter((h) => h.active);
        if (!active.length) return;
        const mark = la?.mark;
        switch (node.kind) {
          case 'task': {
            // Not from a task that registers a result or sets facts (lookahead.ts).
            const ahead = settled && !setsVars(node) ? (host: HostState) => this.readAheadFrom(nodes, host, inh) : undefined;
            await this.runTask(node, active, inh, false, ahead);
            break;
          }
          case 'block': await this.runBlock(node, active, inh); break;
          case 'include': await this.runInclude(node, active, inh); break;
          case 'meta': await this.runMeta(node, active, inh); break;
        }
        settled = la?.mark === mark;
      }
    } finally {
      this.started.set(nodes, nodes.length);
    }
  }

  /**
   * Read ahead (lookahead.ts), on `host`, the tasks of `nodes` that have not started, up to
   * `max` of them (default: the window): one task per step, each step once the reads of the
   * one before are on their way (the hosts start on them while the next ones are rendered).
   * Steps are microtasks, not later turns of the event loop: on a fast host the tasks read
   * ahead would otherwise come before the reads do.
   * Consecutive tasks only (a block, include or meta ends it), and none after a task that sets
   * variables (register, set_fact), whose reads its result would make stale.
   */
  readAheadFrom(nodes: Node[], host: HostState, inh: Inherited, max?: number): void {
    const la = this.rt.lookahead;
    if (la) this.readAheadStep(nodes, host, inh, -1, max ?? la.window);
  }

  /** One step of readAheadFrom: the first task after `after` that has not started, `left` to go. */
  private readAheadStep(nodes: Node[], host: HostState, inh: Inherited, after: number, left: number): void {
    const la = this.rt.lookahead;
    if (!la || !la.quiet || this.pc.ended || isAborted(this.rt)) return;
    // (Callers read ahead only where the task's hosts fit in --forks.)
    if (this.rt.startAt?.found === false) return;
    const i = Math.max(after + 1, this.started.get(nodes) ?? 0);
    if (i >= nodes.length || left <= 0) return;
    const task = nodes[i]!;
    if (task.kind !== 'task') return;
    try {
      // A throttled task limits how many hosts work at once: its reads wait for its turn.
      if (task.throttle !== undefined || inh.throttle !== undefined) return;
      const eff = inherit(inh, task, { withWhen: false, withVars: false });
      if (tagsSelected(eff.tags, this.rt.tags.only, this.rt.tags.skip)) {
        const info = this.taskInfo(task, eff);
        if (host.active) readAhead({ rt: this.rt, pc: this.pc, task, info, inherited: inh, host });
      }
    } catch {
      return; // reading ahead only saves time: the tasks meet any problem at their turn
    }
    if (setsVars(task)) return;
    queueMicrotask(() => this.readAheadStep(nodes, host, inh, i, left - 1));
  }

  private async runBlock(b: BlockNode, hosts: HostState[], inh: Inherited): Promise<void> {
    const inner = inherit(inh, b);
    await this.runNodes(b.block, hosts, inner);
    const failedHere = hosts.filter((h) => h.failed && !h.unreachable);
    if (b.rescue.length && failedHere.length && !this.pc.ended) {
      // Ansible's rescue sees what failed: ansible_failed_task and ansible_failed_result.
      this.rt.lookahead?.varsChanged();
      for (const h of failedHere) {
        h.failed = false;
        h.runtimeVars.ansible_failed_task = h.lastFailure?.task ?? {};
        h.runtimeVars.ansible_failed_result = h.lastFailure?.result ?? {};
      }
      await this.runNodes(b.rescue, failedHere, inner);
      this.rt.lookahead?.varsChanged();
      for (const h of failedHere) {
        delete h.runtimeVars.ansible_failed_task;
        delete h.runtimeVars.ansible_failed_result;
      }
      for (const h of failedHere) {
        if (!h.failed && !h.unreachable) {
          h.stats.failed = Math.max(0, h.stats.failed - 1);
          h.stats.rescued++;
        }
      }
    }
    if (b.always.length && !this.pc.ended) {
      // Hosts that failed in the block still run `always`, and stay failed afterwards.
      const still = hosts.filter((h) => !h.unreachable && !h.ended);
      const wasFailed = new Set(still.filter((h) => h.failed));
      for (const h of wasFailed) h.failed = false;
      await this.runNodes(b.always, still, inner);
      for (const h of wasFailed) h.failed = true;
    }
  }

  private taskInfo(task: TaskNode | IncludeNode | MetaNode, eff: Inherited, handler = false): TaskInfo {
    const action = task.kind === 'task' ? task.action : task.kind === 'include' ? 'include_tasks' : 'meta';
    const info: TaskInfo = { name: task.name ?? action, action, location: task.location, tags: eff.tags };
    if (handler) info.handler = true;
    if (eff.runOnce !== undefined && eff.runOnce !== false) info.runOnce = true;
    return info;
  }

  /** Task names are templates too (`Install {{ version }}`); Ansible renders them with play-level vars. */
  private displayName(name: string, firstScope: () => Record<string, unknown>): string {
    if (!name.includes('{{') && !name.includes('{%')) return name;
    try {
      return renderString(name, firstScope());
    } catch {
      return name; // e.g. `{{ item }}` outside the loop: shown as written, like Ansible
    }
  }

  /** Tag selection and --start-at-task: should this task run at all? */
  private selected(name: string | undefined, eff: Inherited, handler: boolean): boolean {
    if (!handler && !tagsSelected(eff.tags, this.rt.tags.only, this.rt.tags.skip)) return false;
    const sa = this.rt.startAt;
    if (sa && !sa.found && !handler) {
      if (name === undefined || !matchesName(name, sa.name)) return false;
      sa.found = true;
    }
    return true;
  }

  /**
   * `ahead`: called with each host whose turn applied nothing, once its result is in (reads
   * the next tasks ahead there: lookahead.ts).
   */
  async runTask(task: TaskNode, hosts: HostState[], inh: Inherited, handler = false, ahead?: (host: HostState) => void): Promise<void> {
    const { rt, pc } = this;
    const eff = inherit(inh, task, { withWhen: false, withVars: false });
    if (!this.selected(task.name, eff, handler)) return;
    const active = hosts.filter((h) => h.active);
    if (!active.length) return;
    // The first host's variables, for the name, run_once and throttle: made only if one needs them.
    let scope: Record<string, unknown> | undefined;
    const firstScope = (): Record<string, unknown> => (scope ??= rt.vars.taskScope(active[0]!.name, pc.scope, eff.varsLayers, eff.params));
    const info = this.taskInfo(task, eff, handler);
    info.name = this.displayName(info.name, firstScope);
    traceMark(`task: ${info.name}`);
    rt.events.emit('task:start', { play: pc.info, task: info, hosts: active.map((h) => h.name) });

    const runOnce = eff.runOnce !== undefined && renderBool(eff.runOnce, firstScope(), task.location);
    const targets = runOnce ? [active[0]!] : active;
    const before = runOnce ? { ...active[0]!.runtimeVars } : undefined;
    // A task that has started is not read ahead any more (its own reads are under way).
    if (rt.lookahead) for (const h of targets) rt.lookahead.claim(task, h.name);
    const throttle = taskThrottle(eff, firstScope, task.location);
    // throttle: fewer hosts at once than --forks for this task only (Ansible: it cannot raise forks).
    const limit = throttle > 0 && throttle < targets.length ? pLimit(throttle) : undefined;
    // Not after run_once (its result is shared with every host), nor with more hosts than
    // --forks (a read-ahead would keep more hosts busy than that).
    const readOn = ahead && !runOnce && targets.length <= rt.limit.concurrency ? ahead : undefined;
    const running = Promise.all(
      targets.map((host) => {
        const onSettled = readOn && ((): void => readOn(host));
        const one = (): Promise<TaskResult> => rt.limit(() => runTaskOnHost({ rt, pc, task, info, inherited: inh, host }, onSettled));
        return limit ? limit(one) : one();
      }),
    );
    const results = await running;
    rt.lookahead?.drop(task);
    if (runOnce && before) {
      rt.lookahead?.varsChanged();
      shareRunOnce(active[0]!, active.slice(1), before);
    }

    for (let i = 0; i < results.length; i++) this.settle(targets[i]!, results[i]!, info, task.notify);
    rt.records.push({ play: pc.info, task: info, results });
    rt.events.emit('task:end', { play: pc.info, task: info });
    // any_errors_fatal: one failure ends the play for every host once the task is done.
    if (eff.anyErrorsFatal && results.some((r) => (r.status === 'failed' || r.status === 'unreachable') && !r.ignored)) pc.ended = true;
  }

  /** Count, emit, and apply a result's consequences (failure, notify). */
  private settle(host: HostState, r: TaskResult, info: TaskInfo, notify: string[] = []): void {
    countResult(host.stats, r);
    this.rt.events.emit('host:result', { play: this.pc.info, task: info, result: r });
    if (r.status === 'failed' && !r.ignored) {
      host.failed = true;
      host.lastFailure = {
        // An unnamed task's name is '' in Ansible (info.name then shows the action).
        task: { name: info.name === info.action ? '' : info.name, action: info.action, ...(info.location ? { path: `${info.location.file}:${info.location.line}` } : {}) },
        result: { ...r.data, failed: true, changed: r.changed, ...(r.msg !== undefined ? { msg: r.msg } : {}) },
      };
    }
    if (r.status === 'unreachable' && !r.ignored) host.unreachable = true;
    if (r.changed && notify.length) this.notify(host, notify);
  }

  private notify(host: HostState, names: string[]): void {
    for (const name of names) {
      this.pc.handlers.forEach((h, i) => {
        if (h.name === name || h.listen.includes(name)) host.notified.add(i);
      });
    }
  }

  /** Run notified handlers in definition order (meta: flush_handlers and the end of each section). */
  async flushHandlers(hosts: HostState[], inh: Inherited): Promise<void> {
    const force = this.pc.play.forceHandlers === true;
    for (let i = 0; i < this.pc.handlers.length; i++) {
      if (this.pc.ended || isAborted(this.rt)) return;
      const notified = hosts.filter((h) => h.notified.has(i) && (h.active || (force && h.failed && !h.unreachable)));
      for (const h of hosts) h.notified.delete(i);
      if (!notified.length) continue;
      const forced = notified.filter((h) => !h.active);
      for (const h of forced) h.failed = false;
      await this.runTask(this.pc.handlers[i]!, notified, inh, true);
      for (const h of forced) if (!h.failed) h.failed = true;
    }
  }

  private async runInclude(node: IncludeNode, hosts: HostState[], inh: Inherited): Promise<void> {
    const { rt, pc } = this;
    const eff = inherit(inh, node, { withWhen: false, withVars: false });
    if (!this.selected(undefined, eff, false)) return;
    const info = this.taskInfo(node, eff);
    rt.events.emit('task:start', { play: pc.info, task: info, hosts: hosts.map((h) => h.name) });
    // Each host resolves its own file and items; hosts that agree run the tasks together.
    const groups = new Map<string, { file: string; params: Record<string, unknown>; hosts: HostState[] }>();
    const results: TaskResult[] = [];
    for (const host of hosts) {
      const started = performance.now();
      const scope = rt.vars.taskScope(host.name, pc.scope, [...eff.varsLayers, ...(node.vars ? [node.vars] : [])], eff.params);
      try {
        if (!allTrue([...inh.when, ...node.when], scope, node.location)) {
          const r: TaskResult = { host: host.name, status: 'skipped', changed: false, data: {}, skipReason: 'Conditional result was False', durationMs: 0 };
          results.push(r);
          this.settle(host, r, info);
          continue;
        }
        let items = node.loop === undefined ? [undefined] : renderValue(node.loop, scope, { location: node.location });
        if (node.loop !== undefined && node.loopWith) items = expandLegacyLoop(node.loopWith, items, node.location);
        if (!Array.isArray(items)) throw new Error(`Invalid data passed to 'loop', it requires a list, got this instead: ${JSON.stringify(items)}`);
        const loopVar = node.loopControl?.loopVar ?? 'item';
        for (const item of items) {
          const itemScope = node.loop === undefined ? scope : scopeWith(scope, { [loopVar]: item });
          const file = resolve(node.baseDir, renderString(node.file, itemScope, node.location));
          const params: Record<string, unknown> = { ...(eff.params ?? {}) };
          if (node.vars) Object.assign(params, renderValue(node.vars, itemScope, { location: node.location }) as Record<string, unknown>);
          if (node.loop !== undefined) params[loopVar] = item;
          const key = JSON.stringify([file, params]);
          let g = groups.get(key);
          if (!g) groups.set(key, (g = { file, params, hosts: [] }));
          g.hosts.push(host);
        }
      } catch (e) {
        const r: TaskResult = { host: host.name, status: 'failed', changed: false, data: {}, msg: errorMessage(e), durationMs: performance.now() - started };
        results.push(r);
        this.settle(host, r, info);
      }
    }
    for (const g of groups.values()) {
      for (const h of g.hosts) {
        const r: TaskResult = { host: h.name, status: 'ok', changed: false, data: { include: g.file }, msg: `included: ${g.file}`, durationMs: 0 };
        results.push(r);
        rt.events.emit('host:result', { play: pc.info, task: info, result: r });
      }
    }
    rt.records.push({ play: pc.info, task: info, results });
    rt.events.emit('task:end', { play: pc.info, task: info });
    for (const g of groups.values()) {
      let nodes: Node[];
      try {
        nodes = await loadTaskFile(g.file, { registry: rt.registry, cwd: rt.opts.cwd, moduleDefaults: node.moduleDefaults });
      } catch (e) {
        for (const h of g.hosts) {
          const r: TaskResult = { host: h.name, status: 'failed', changed: false, data: {}, msg: errorMessage(e), durationMs: 0 };
          this.settle(h, r, info);
        }
        continue;
      }
      const childInh: Inherited = { ...inherit(inh, node), params: g.params };
      childInh.when = inh.when; // the include's own `when` was evaluated above
      await this.runNodes(nodes, g.hosts, childInh);
    }
  }

  private async runMeta(node: MetaNode, hosts: HostState[], inh: Inherited): Promise<void> {
    const eff = inherit(inh, node);
    if (!this.selected(node.name, eff, false) && node.action !== 'flush_handlers') return;
    const applies = (h: HostState): boolean =>
      allTrue(eff.when, this.rt.vars.taskScope(h.name, this.pc.scope, eff.varsLayers, eff.params), node.location);
    switch (node.action) {
      case 'flush_handlers': await this.flushHandlers(hosts, inh); break;
      case 'end_play': if (hosts.some(applies)) this.pc.ended = true; break;
      case 'end_host': for (const h of hosts) if (applies(h)) h.ended = true; break;
      case 'end_batch': if (hosts.some(applies)) for (const h of hosts) h.ended = true; break;
      case 'clear_facts':
        this.rt.lookahead?.varsChanged();
        for (const h of hosts) if (applies(h)) { h.facts = {}; h.factsGathered = false; }
        break;
      case 'clear_host_errors': for (const h of this.rt.hosts.values()) if (h.failed) h.failed = false; break;
      case 'reset_connection': for (const h of hosts) this.rt.pool.forget(h.name); break;
      default: break;
    }
  }
}

/** Copy what a run_once task registered or set on its host to the other hosts of the batch. */
function shareRunOnce(from: HostState, to: HostState[], before: Record<string, unknown>): void {
  for (const [k, v] of Object.entries(from.runtimeVars)) {
    if (before[k] !== v) for (const h of to) h.runtimeVars[k] = v;
  }
}

/** A task that registers its result or sets facts: reads made before its result is in go stale. */
function setsVars(task: TaskNode): boolean {
  return task.register !== undefined || task.action === 'set_fact';
}

function matchesName(name: string, wanted: string): boolean {
  if (name === wanted) return true;
  // Ansible also accepts a glob.
  const re = new RegExp('^' + wanted.replace(/[.+^${}()|\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.') + '$');
  return re.test(name);
}



/** The task's `throttle` (inherited from its blocks), rendered in the first host's variables; 0: none. */
function taskThrottle(eff: Inherited, scope: () => Record<string, unknown>, location: SourceLocation): number {
  if (eff.throttle === undefined) return 0;
  const n = renderNumber(eff.throttle, scope(), 0, location);
  return Number.isInteger(n) && n > 0 ? n : 0;
}
