/**
 * `run()`: load and validate everything first (an input error touches no host), then run the
 * plays in order and return per-host stats and per-task results.
 */
import pLimit from 'p-limit';
import type { RunOptions, RunResult } from './types.js';
import type { Runtime } from './runtime.js';
import { RunEventBus } from '../events/bus.js';
import { HostState } from './host-state.js';
import { VariableManager } from './variables.js';
import { ConnectionPool } from './connection-pool.js';
import { ParkPolicy } from './park-policy.js';
import { runPlay } from './play-runner.js';
import { prepareRun } from './prepare.js';
import { OMIT } from '../template/index.js';
import { compareNames } from '../inventory/index.js';
import { traceMark } from './run-trace.js';
import { Lookahead, readAheadWindow } from './lookahead.js';
import { OptionsError } from '../errors.js';
import type { HostStats } from '../events/types.js';

/** Default forks: high enough that 50 hosts run a task together. */
export const DEFAULT_FORKS = 50;

/**
 * Run a playbook.
 *
 * @example
 * ```ts
 * import { run } from 'k8splay';
 * const result = await run({ playbook: 'playbooks/cluster.yml', inventory: ['inventory/lab.ini'], check: true });
 * console.log(result.exitCode, result.stats);
 * ```
 * Rejects with an InputError (inventory, playbook or module argument problems) before any
 * host is touched; host failures are reported in the result, never thrown.
 */
export async function run(opts: RunOptions): Promise<RunResult> {
  const started = performance.now();
  const events = opts.events ?? new RunEventBus();
  if (opts.forks !== undefined && (!Number.isInteger(opts.forks) || opts.forks < 1)) {
    throw new OptionsError(`forks must be a positive integer, got ${opts.forks}`);
  }
  const { playbookPath, playbookDir, registry, inventory, playbook, hostsFor, limit } = await prepareRun(opts);
  const limitHosts = limit ? new Set(hostsFor('all')) : undefined;

  const hosts = new Map<string, HostState>();
  for (const h of inventory.hosts.keys()) hosts.set(h, new HostState(h));
  const extraVars = opts.extraVars ?? {};
  const vars = new VariableManager(inventory, hosts, extraVars, {
    playbookDir, checkMode: !!opts.check, diffMode: !!opts.diff, verbosity: opts.verbosity ?? 0, omit: OMIT,
  }, opts.hostOverrides);
  const pool = new ConnectionPool({
    connection: opts.connection, user: opts.user, privateKeyFile: opts.privateKeyFile,
    password: opts.connectionPassword, timeout: opts.timeout, factories: opts.connections,
    hostKeyChecking: opts.hostKeyChecking,
    warn: (host, message) => events.emit('warning', { host, message }),
  });
  const rt: Runtime = {
    opts, check: !!opts.check, diff: !!opts.diff, verbosity: opts.verbosity ?? 0,
    registry, inventory, vars, hosts, pool, events,
    limit: pLimit(opts.forks ?? DEFAULT_FORKS),
    playbookDir, records: [], signal: opts.signal,
    tags: { only: splitTags(opts.tags), skip: splitTags(opts.skipTags) },
  };
  if (opts.startAtTask) rt.startAt = { name: opts.startAtTask, found: false };
  const window = readAheadWindow();
  if (window > 0) rt.lookahead = new Lookahead(window);

  const parking = new ParkPolicy(events);
  let completed = false;
  events.emit('run:start', { playbook: playbookPath, check: rt.check, diff: rt.diff });
  try {
    for (const play of playbook.plays) {
      if (opts.signal?.aborted) break;
      await runPlay(rt, play, limitHosts);
    }
    completed = !opts.signal?.aborted;
  } finally {
    traceMark(`run: plays done${rt.lookahead ? ` (read ahead: ${rt.lookahead.counts.used} of ${rt.lookahead.counts.sent} used)` : ''}`);
    // Shells of hosts this run changed nothing on may wait for the next run (park-policy.ts).
    await pool.closeAll(completed ? (h) => parking.mayPark(h) : undefined);
    traceMark('run: connections closed');
  }
  const interrupted = !!opts.signal?.aborted;
  const stats: Record<string, HostStats> = {};
  // By code point, as Ansible's recap (Python's sorted); not localeCompare, whose first call
  // loads ICU's collator (~12 ms of every run).
  for (const [name, st] of [...hosts.entries()].sort(([a], [b]) => compareNames(a, b))) {
    const s = st.stats;
    if (s.ok + s.changed + s.failed + s.skipped + s.unreachable + s.rescued + s.ignored > 0) stats[name] = { ...s };
  }
  const failedHosts = [...hosts.values()].filter((h) => h.failed && !h.unreachable).map((h) => h.name);
  const unreachableHosts = [...hosts.values()].filter((h) => h.unreachable).map((h) => h.name);
  events.emit('run:end', { stats, interrupted });
  return {
    exitCode: interrupted ? 99 : unreachableHosts.length ? 4 : failedHosts.length ? 2 : 0,
    stats, tasks: rt.records, failedHosts, unreachableHosts, interrupted,
    durationMs: performance.now() - started,
  };
}

function splitTags(list: string[] | undefined): string[] {
  return (list ?? []).flatMap((t) => t.split(',')).map((t) => t.trim()).filter(Boolean);
}

