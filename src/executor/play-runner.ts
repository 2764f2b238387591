/**
 * One play: pick its hosts, split them into `serial` batches, gather facts, then run
 * pre_tasks, tasks and post_tasks, each followed by the notified handlers.
 */
import { readFile } from 'node:fs/promises';
import { parseYamlText } from '../playbook/index.js';
import { resolve } from 'node:path';
import type { Play } from '../playbook/model.js';
import type { PlayInfo, TaskInfo, TaskResult } from '../events/types.js';
import type { Runtime, PlayContext } from './runtime.js';
import { isAborted } from './runtime.js';
import { HostState } from './host-state.js';
import { inherit, rootInherited } from './inherit.js';
import { NodeRunner } from './node-runner.js';
import { serialBatches } from './serial.js';
import { countResult } from './stats.js';
import { selectHosts } from '../inventory/index.js';
import { renderValue, markUnsafe } from '../template/index.js';
import { gatherFacts } from '../facts/index.js';
import { PlaybookError, ConnectionError, errorMessage } from '../errors.js';
import { connectionVars } from './connection-vars.js';
import { traceMark } from './run-trace.js';

export async function runPlay(rt: Runtime, play: Play, limitHosts: Set<string> | undefined): Promise<void> {
  traceMark(`play: ${play.name}`);
  const info: PlayInfo = { name: play.name, pattern: play.hosts, location: play.location };
  const global = rt.vars.globalScope();
  const pattern = String(renderValue(play.hosts, global, { location: play.location }) ?? '');
  const matched = selectHosts(rt.inventory, pattern).filter((h) => !limitHosts || limitHosts.has(h));
  // Hosts that failed or went unreachable in an earlier play take no part in later ones.
  const hosts = matched.filter((h) => {
    const st = rt.hosts.get(h);
    return !st || (!st.failed && !st.unreachable);
  });
  for (const h of hosts) if (!rt.hosts.has(h)) rt.hosts.set(h, new HostState(h));
  for (const h of hosts) rt.hosts.get(h)!.ended = false;
  rt.events.emit('play:start', { play: info, hosts });
  if (!hosts.length) {
    rt.events.emit('play:no-hosts', { play: info, reason: 'skipping: no hosts matched' });
    rt.events.emit('play:end', { play: info });
    return;
  }

  const playVars = { ...(play.vars ?? {}), ...(await loadVarsFiles(rt, play)) };
  const pc: PlayContext = {
    play, info, ended: false,
    scope: { playHosts: hosts, batch: hosts, playName: play.name, playVars },
    handlers: play.handlers,
  };
  const runner = new NodeRunner(rt, pc);
  const inh = inherit(rootInherited(), play, { withVars: false, withWhen: false });

  for (const batch of serialBatches(hosts, play.serial)) {
    if (pc.ended || isAborted(rt)) break;
    const states = batch.map((h) => rt.hosts.get(h)!);
    pc.scope = { ...pc.scope, batch };
    if (play.gatherFacts) {
      // Each host's first task is read ahead as soon as its facts are in (lookahead.ts); the
      // next ones once it turns out to change nothing there (a first run would not use them),
      // or at once where the shell was kept from a run that changed nothing (Connection.resumed).
      const first = [play.preTasks, play.tasks, play.postTasks].find((section) => section.length);
      if (first) runner.beginList(first);
      const ahead = first && states.length <= rt.limit.concurrency
        ? (st: HostState, likelyUnchanged: boolean) => runner.readAheadFrom(first, st, inh, likelyUnchanged ? undefined : 1)
        : undefined;
      await gatherStep(rt, pc, states, ahead);
    }
    for (const section of [play.preTasks, play.tasks, play.postTasks]) {
      if (pc.ended || isAborted(rt)) break;
      await runner.runNodes(section, states, inh);
      if (!isAborted(rt)) await runner.flushHandlers(states, inh);
    }
    // Ansible stops the play when every host of a batch failed, or past max_fail_percentage.
    const failed = states.filter((s) => s.failed || s.unreachable).length;
    if (failed === states.length) break;
    if (play.maxFailPercentage !== undefined && (failed / states.length) * 100 > play.maxFailPercentage) break;
  }
  rt.events.emit('play:end', { play: info });
}

async function loadVarsFiles(rt: Runtime, play: Play): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  const scope = { ...rt.vars.globalScope(), ...(play.vars ?? {}) };
  for (const entry of play.varsFiles) {
    // A list means: the first file that exists (Ansible's fallback form).
    const candidates = Array.isArray(entry) ? entry : [entry];
    let loaded = false;
    let lastErr: unknown;
    for (const c of candidates) {
      const path = resolve(play.baseDir, String(renderValue(c, scope, { location: play.location })));
      try {
        // YAML 1.1 as PyYAML reads it, like playbooks (yes/no are booleans).
        const data = parseYamlText(await readFile(path, 'utf8'), path, path).doc?.toJS() ?? null;
        if (data && typeof data === 'object' && !Array.isArray(data)) Object.assign(out, data);
        else if (data !== null && data !== undefined) throw new PlaybookError(`vars file ${path} must contain a mapping`, { location: play.location });
        loaded = true;
        break;
      } catch (e) {
        lastErr = e;
      }
    }
    if (!loaded) {
      throw new PlaybookError(`could not read vars_files entry ${JSON.stringify(entry)}: ${errorMessage(lastErr)}`, { location: play.location, cause: lastErr });
    }
  }
  return out;
}

/** The implicit "Gathering Facts" task: one round trip per host. */
async function gatherStep(rt: Runtime, pc: PlayContext, states: HostState[], ahead?: (st: HostState, likelyUnchanged: boolean) => void): Promise<void> {
  const active = states.filter((s) => s.active);
  if (!active.length) return;
  const info: TaskInfo = { name: 'Gathering Facts', action: 'gather_facts', location: pc.play.location, tags: ['always'] };
  // Fact gathering is tagged 'always' (it still obeys an explicit --skip-tags always).
  if (rt.tags.skip.includes('always')) return;
  rt.events.emit('task:start', { play: pc.info, task: info, hosts: active.map((s) => s.name) });
  const results = await Promise.all(active.map((st) => rt.limit(async (): Promise<TaskResult> => {
    const started = performance.now();
    try {
      const conn = await rt.pool.get(st.name, connectionVars(rt, st.name, pc.play));
      const facts = await gatherFacts((cmd, o) => conn.exec(cmd, o), { subset: pc.play.gatherSubset, timeoutSec: pc.play.gatherTimeout });
      st.facts = markUnsafe(facts);
      st.factsGathered = true;
      rt.lookahead?.varsChanged();
      ahead?.(st, conn.resumed === true);
      return { host: st.name, status: 'ok', changed: false, data: {}, durationMs: performance.now() - started };
    } catch (e) {
      const unreachable = e instanceof ConnectionError;
      return { host: st.name, status: unreachable ? 'unreachable' : 'failed', changed: false, data: {}, msg: errorMessage(e), durationMs: performance.now() - started };
    }
  })));
  for (let i = 0; i < results.length; i++) {
    const st = active[i]!;
    const r = results[i]!;
    countResult(st.stats, r);
    rt.events.emit('host:result', { play: pc.info, task: info, result: r });
    if (r.status === 'failed') st.failed = true;
    if (r.status === 'unreachable') st.unreachable = true;
  }
  rt.records.push({ play: pc.info, task: info, results });
  rt.events.emit('task:end', { play: pc.info, task: info });
}
