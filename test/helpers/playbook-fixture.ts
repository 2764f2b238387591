/**
 * Runs a playbook written inline, in a temporary directory, on hosts that use the local
 * connection (commands run in the temp dir only), and records every event.
 */
import { after } from 'node:test';
import { mkdtempSync, writeFileSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { run } from '../../src/index.js';
import { RunEventBus } from '../../src/events/bus.js';
import { createConnection } from '../../src/connection/index.js';
import type { ConnectionFactory } from '../../src/connection/types.js';
import type { RunOptions, RunResult } from '../../src/executor/types.js';
import type { RunEvents, TaskResult } from '../../src/events/types.js';

export interface Recorded {
  result: RunResult;
  events: Array<{ name: keyof RunEvents; payload: unknown }>;
  dir: string;
  /** host:result payloads as [task name, host, status]. */
  lines: Array<[string, string, string]>;
  resultsOf(task: string): TaskResult[];
}

export function tempProject(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'k8splay-test-'));
  for (const [name, text] of Object.entries(files)) {
    const p = join(dir, name);
    mkdirSync(dirname(p), { recursive: true });
    writeFileSync(p, text.replaceAll('$DIR', dir));
  }
  return dir;
}

export function cleanup(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

/** A `project(files)` for a test file: temp projects removed when the file's tests end. */
export function projectsForThisFile(): (files: Record<string, string>) => string {
  const dirs: string[] = [];
  after(() => dirs.forEach(cleanup));
  return (files) => {
    const d = tempProject(files);
    dirs.push(d);
    return d;
  };
}

/** Inventory of local hosts (each one a local shell on the controller). */
export function localInventory(hosts: string[], extra = ''): string {
  return hosts.map((h) => `${h} ansible_connection=local`).join('\n') + '\n' + extra;
}

/** What a test watches or changes on a local connection (localWith). */
export interface LocalHooks {
  /** The connection's kind (default: local's). */
  kind?: string;
  /** What the connection reports while opening, per host (Connection.warnings). */
  warnings?(host: string): string[];
  /** Told of each command (`exec`) and file read (`get`) as it is sent to the host. */
  sent?(host: string, kind: 'exec' | 'get', what: string): void;
  /** Milliseconds to hold a command's answer before passing it on (a slow host). */
  delay?(host: string, command: string): number;
  /** Connection.resumed, per host (a shell kept from a run that changed nothing). */
  resumed?(host: string): boolean;
}

/** A connection type for run({ connections }): the local connection, watched or slowed by `hooks`. */
export function localWith(hooks: LocalHooks): ConnectionFactory {
  return (o) => {
    const c = createConnection('local', o);
    return {
      kind: hooks.kind ?? c.kind, host: c.host,
      ...(hooks.warnings ? { warnings: hooks.warnings(o.host) } : {}),
      ...(hooks.resumed ? { resumed: hooks.resumed(o.host) } : {}),
      connect: () => c.connect(), close: () => c.close(),
      get: (path, g) => {
        hooks.sent?.(o.host, 'get', path);
        return c.get(path, g);
      },
      exec: async (cmd, e) => {
        hooks.sent?.(o.host, 'exec', cmd);
        const r = await c.exec(cmd, e);
        const ms = hooks.delay?.(o.host, cmd) ?? 0;
        if (ms) await new Promise((res) => setTimeout(res, ms));
        return r;
      },
    };
  };
}

export async function runIn(dir: string, opts: Partial<RunOptions> = {}): Promise<Recorded> {
  const events = new RunEventBus();
  const rec: Recorded['events'] = [];
  const names: Array<keyof RunEvents> = ['run:start', 'play:start', 'task:start', 'host:result', 'item:result', 'task:end', 'play:end', 'play:no-hosts', 'warning', 'run:end'];
  for (const n of names) events.on(n, (p: unknown) => rec.push({ name: n, payload: p }));
  const result = await run({ playbook: join(dir, 'site.yml'), inventory: [join(dir, 'hosts.ini')], events, cwd: dir, ...opts });
  const lines: Array<[string, string, string]> = rec
    .filter((e) => e.name === 'host:result')
    .map((e) => {
      const p = e.payload as RunEvents['host:result'];
      return [p.task.name, p.result.host, p.result.status];
    });
  return {
    result, events: rec, dir, lines,
    resultsOf: (task) => result.tasks.filter((t) => t.task.name === task).flatMap((t) => t.results),
  };
}
