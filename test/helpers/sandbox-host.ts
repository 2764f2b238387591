/**
 * Real sandbox hosts for module and playbook tests: boots a small sandbox once per test file,
 * runs playbooks on it through run() (the ssh transport, the generated inventory), and reads
 * the hosts' state with the system OpenSSH client, independently of our own transport.
 *
 * Usage:
 * ```ts
 * const sb = sandboxSuite('sysctl', ['h1']);
 * describe('sysctl on a sandbox host', { skip: sb.skip }, () => {
 *   before(sb.up); after(sb.down);
 *   test('...', async () => { const r = await sb.play(`- hosts: all ...`); sb.sh('h1', 'cat /etc/x'); });
 * });
 * ```
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import {
  findRootfs, HOST_TOOLS, REPO_TOOLS, sandboxDown, sandboxUnsupportedReason, sandboxUp, type SandboxUpResult,
} from '../../src/sandbox/index.js';
import type { Inventory } from '../../src/inventory/types.js';
import { run } from '../../src/executor/run.js';
import { RunEventBus } from '../../src/events/bus.js';
import type { RunOptions, RunResult } from '../../src/executor/types.js';
import type { RunEvents, TaskResult } from '../../src/events/types.js';
import { isK8splayError } from '../../src/errors.js';

/** Why sandbox tests cannot run here (not root, tools missing, no root filesystem), or undefined. */
export function sandboxSkipReason(tools: string[] = [...HOST_TOOLS, ...REPO_TOOLS, 'ssh']): string | undefined {
  const why = sandboxUnsupportedReason(tools);
  if (why) return why;
  try {
    if (!findRootfs()) return 'the sandbox root filesystem is not built: run .ci/setup-sandbox.sh (k8splay sandbox prepare) first';
  } catch (e) {
    return (e as Error).message;
  }
  return undefined;
}

export interface PlayRun {
  result: RunResult;
  events: Array<{ name: keyof RunEvents; payload: unknown }>;
  /** Results of the tasks with this name, across hosts. */
  resultsOf(task: string): TaskResult[];
  /** Sum of changed over all hosts. */
  changed: number;
}

export interface SandboxSuite {
  /** Reason to skip (not root, no nspawn, no root filesystem), or false. */
  skip: string | false;
  up(): Promise<void>;
  down(): Promise<void>;
  state(): SandboxUpResult;
  /** Run a shell command on a host with OpenSSH (host key verified). */
  sh(host: string, command: string): { rc: number; stdout: string; stderr: string };
  /** Like sh, but throws when the command fails. Returns stdout. */
  shOk(host: string, command: string): string;
  /** Write a playbook (and extra files) to a temp dir and run it on the sandbox. */
  play(yaml: string, opts?: Partial<RunOptions> & { files?: Record<string, string> }): Promise<PlayRun>;
  /**
   * The error a playbook gives: the located input error run() rejects with, or else the
   * failure message of the task named `task`.
   */
  errorText(yaml: string, task: string): Promise<string>;
}

/** One sandbox for a test file. `groups` maps group name -> hosts (default: all in 'all'). */
export function sandboxSuite(label: string, hosts: string[], groups: Record<string, string[]> = {}): SandboxSuite {
  const skip = sandboxSkipReason();
  if (skip) process.stderr.write(`# sandbox tests '${label}' skipped: ${skip}\n`);
  const name = `t-${label}-${process.pid}`.slice(0, 40);
  let sb: SandboxUpResult | undefined;
  let tmp = '';
  let knownHosts = '';

  const inventory = (): Inventory => {
    const hostMap = new Map(hosts.map((h) => [h, { name: h, groups: Object.entries(groups).filter(([, hs]) => hs.includes(h)).map(([g]) => g), vars: {} }]));
    const g = (n: string, hs: string[], parents: string[], children: string[] = []) => ({ name: n, vars: {}, hosts: hs, children, parents });
    const groupMap = new Map([
      ['all', g('all', [], [], ['ungrouped', ...Object.keys(groups)])],
      ['ungrouped', g('ungrouped', hosts.filter((h) => !Object.values(groups).some((hs) => hs.includes(h))), ['all'])],
      ...Object.entries(groups).map(([n, hs]) => [n, g(n, hs, ['all'])] as const),
    ]);
    return { sources: [], hosts: hostMap, groups: groupMap };
  };

  const addr = (host: string): string => {
    const h = sb?.hosts.find((x) => x.name === host);
    if (!h) throw new Error(`no sandbox host '${host}'`);
    return h.address;
  };

  const suite: SandboxSuite = {
    skip: skip ?? false,
    async up() {
      tmp = mkdtempSync(join(tmpdir(), `k8sp-${label}-`));
      sb = await sandboxUp({ name, inventory: inventory(), progress: () => {} });
      knownHosts = join(tmp, 'known_hosts');
      writeFileSync(knownHosts, sb.hosts.map((h) => `${h.address} ${h.hostKey}\n`).join(''));
    },
    async down() {
      if (sb) await sandboxDown(name, { progress: () => {} }).catch(() => {});
      if (tmp) rmSync(tmp, { recursive: true, force: true });
    },
    state() {
      if (!sb) throw new Error('sandbox is not up');
      return sb;
    },
    sh(host, command) {
      const r = spawnSync('ssh', [
        '-F', '/dev/null', '-i', suite.state().privateKey, '-o', `UserKnownHostsFile=${knownHosts}`,
        '-o', 'StrictHostKeyChecking=yes', '-o', 'BatchMode=yes', '-o', 'ConnectTimeout=10', `root@${addr(host)}`, command,
      ], { encoding: 'utf8', timeout: 120_000 });
      return { rc: r.status ?? 255, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
    },
    shOk(host, command) {
      const r = suite.sh(host, command);
      if (r.rc !== 0) throw new Error(`'${command}' on ${host} failed (rc=${r.rc}): ${r.stderr}`);
      return r.stdout;
    },
    async play(yaml, opts = {}) {
      const { files, ...runOpts } = opts;
      const dir = mkdtempSync(join(tmp, 'play-'));
      writeFileSync(join(dir, 'site.yml'), yaml);
      for (const [f, text] of Object.entries(files ?? {})) {
        mkdirSync(dirname(join(dir, f)), { recursive: true });
        writeFileSync(join(dir, f), text);
      }
      const events = new RunEventBus();
      const rec: PlayRun['events'] = [];
      for (const n of ['play:start', 'task:start', 'host:result', 'warning', 'run:end'] as const) events.on(n, (p: unknown) => rec.push({ name: n, payload: p }));
      const result = await run({ playbook: join(dir, 'site.yml'), inventory: [suite.state().inventory], events, cwd: dir, ...runOpts });
      return {
        result, events: rec,
        resultsOf: (task) => result.tasks.filter((t) => t.task.name === task).flatMap((t) => t.results),
        changed: Object.values(result.stats).reduce((a, s) => a + s.changed, 0),
      };
    },
    async errorText(yaml, task) {
      try {
        const r = await suite.play(yaml);
        return r.resultsOf(task)[0]?.msg ?? JSON.stringify(r.result.tasks);
      } catch (e) {
        return isK8splayError(e) ? e.describe() : String(e);
      }
    },
  };
  return suite;
}
