/**
 * k8splay against ansible-playbook on the same sandbox hosts (needs root; see the README's
 * "Benchmarks"). For each host count: boots fresh hosts, runs the host-preparation playbook
 * with one tool (first run, then an unchanged re-run), checks the end state over ssh, tears the
 * hosts down, and does the same with the other tool; the tools alternate which goes first.
 * Prints medians, the ratio Ansible / k8splay and each tool's peak controller memory.
 *   npm run build && npx tsx bench/vs-ansible.ts [--reps 3] 1 3 20
 * K8SPLAY_BIN overrides the k8splay executable (default dist/src/cli/bin.js).
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sandboxDown, sandboxUp, type SandboxUpResult } from '../src/sandbox/index.js';
import { errorMessage } from '../src/errors.js';
import { assertEndState, expectedEndState } from './vs-ansible/end-state.js';
import { killCurrentTool, killDetached, recapChanged, runTool, type ToolRun } from './vs-ansible/measure.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(HERE, '..');
const K8SPLAY_BIN = process.env.K8SPLAY_BIN ?? join(ROOT, 'dist/src/cli/bin.js');
type Tool = 'k8splay' | 'ansible';

function parseArgs(argv: string[]): { reps: number; counts: number[] } {
  let reps = 3;
  const counts: number[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--reps' || a === '-r') reps = Number(argv[++i]);
    else if (a.startsWith('--reps=')) reps = Number(a.slice(7));
    else counts.push(Number(a));
  }
  const bad = !Number.isInteger(reps) || reps < 1 || counts.some((n) => !Number.isInteger(n) || n < 1 || n > 200);
  if (bad) {
    process.stderr.write('usage: npx tsx bench/vs-ansible.ts [--reps R] N [N...]   (host counts 1-200)\n');
    process.exit(5);
  }
  return { reps, counts: counts.length ? counts : [1, 3] };
}

/** The command line of one tool's run over the sandbox's inventory. */
function command(tool: Tool, sb: SandboxUpResult, n: number, controlDir: string): { argv: string[]; env: NodeJS.ProcessEnv; marker?: string } {
  const extra = ['-e', `repo_url=${sb.repo!.url}`];
  const forks = String(Math.max(n, 5));
  if (tool === 'k8splay') {
    // Like Ansible's ssh masters, k8splay's connection keeper lives in the round's control
    // directory: its memory is counted as k8splay's, and it is ended with the round.
    return {
      // The executable itself, as `k8splay` runs (its launcher lines included), not `node FILE`.
      argv: [K8SPLAY_BIN, join(HERE, 'vs-ansible/k8splay.yml'), '-i', sb.inventory, '-f', forks, ...extra],
      env: { ...process.env, K8SPLAY_CONTROL_PATH_DIR: controlDir },
      marker: controlDir,
    };
  }
  return {
    argv: ['ansible-playbook', join(HERE, 'vs-ansible/ansible.yml'), '-i', sb.inventory, '-f', forks, ...extra],
    env: { ...process.env, ANSIBLE_CONFIG: join(HERE, 'vs-ansible/ansible.cfg'), ANSIBLE_SSH_CONTROL_PATH_DIR: controlDir, ANSIBLE_NOCOLOR: '1' },
    marker: controlDir,
  };
}

function check(run: ToolRun, label: string, hosts: string[], unchanged: boolean): void {
  if (run.exitCode !== 0) throw new Error(`${label}: exit code ${run.exitCode}\n${run.output.slice(-4000)}`);
  const changed = recapChanged(run.output);
  for (const h of hosts) {
    const c = changed.get(h);
    if (c === undefined) throw new Error(`${label}: no PLAY RECAP line for ${h}\n${run.output.slice(-3000)}`);
    if (unchanged && c !== 0) throw new Error(`${label}: ${h} changed=${c} on a run with nothing to change\n${run.output.slice(-4000)}`);
    if (!unchanged && c === 0) throw new Error(`${label}: ${h} changed nothing on fresh hosts\n${run.output.slice(-4000)}`);
  }
}

let liveSandbox: string | undefined;
process.on('SIGINT', () => {
  killCurrentTool();
  const name = liveSandbox;
  process.stderr.write(`\ninterrupted${name ? `: tearing down ${name}` : ''}\n`);
  void (name ? sandboxDown(name, { progress: () => {} }) : Promise.resolve()).finally(() => process.exit(130));
});

interface Series { first: number[]; rerun: number[]; peakTreeKiB: number; maxProcessKiB: number }

/** Fresh hosts, first run, re-run, end-state checks, teardown: one tool, one repetition. */
async function oneRound(tool: Tool, n: number, series: Series): Promise<void> {
  const name = `bench-vs-${n}`;
  const hostNames = Array.from({ length: n }, (_, i) => `h${String(i + 1).padStart(2, '0')}`);
  liveSandbox = name;
  await sandboxDown(name, { progress: () => {} });
  const controlDir = mkdtempSync(join(tmpdir(), 'k8splay-bench-cp-'));
  try {
    const sb = await sandboxUp({ name, hosts: hostNames.map((h) => ({ name: h })), progress: () => {} });
    if (!sb.repo) throw new Error('the sandbox has no package repository');
    const targets = sb.hosts.map((h) => ({ name: h.name, address: h.address, privateKey: sb.privateKey, knownHosts: sb.knownHosts }));
    const expected = expectedEndState(sb.repo.url);
    const cmd = command(tool, sb, n, controlDir);
    for (const step of ['first', 'rerun'] as const) {
      const label = `${tool} ${step} run, ${n} host(s)`;
      const r = await runTool(cmd.argv, cmd.env, cmd.marker);
      check(r, label, hostNames, step === 'rerun');
      await assertEndState(targets, expected, label);
      series[step].push(r.ms);
      series.peakTreeKiB = Math.max(series.peakTreeKiB, r.peakTreeKiB);
      series.maxProcessKiB = Math.max(series.maxProcessKiB, r.maxProcessKiB);
      process.stderr.write(`  ${label}: ${(r.ms / 1000).toFixed(2)} s, peak RSS ${(r.peakTreeKiB / 1024).toFixed(0)} MB (largest process ${(r.maxProcessKiB / 1024).toFixed(0)} MB)\n`);
    }
  } finally {
    killDetached(controlDir);
    rmSync(controlDir, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 });
    await sandboxDown(name, { progress: () => {} });
    liveSandbox = undefined;
  }
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

async function main(): Promise<void> {
  const { reps, counts } = parseArgs(process.argv.slice(2));
  if (!existsSync(K8SPLAY_BIN)) throw new Error(`${K8SPLAY_BIN} does not exist: run \`npm run build\` first (or set K8SPLAY_BIN)`);
  const rows: string[] = [];
  for (const n of counts) {
    const s: Record<Tool, Series> = {
      k8splay: { first: [], rerun: [], peakTreeKiB: 0, maxProcessKiB: 0 },
      ansible: { first: [], rerun: [], peakTreeKiB: 0, maxProcessKiB: 0 },
    };
    for (let r = 0; r < reps; r++) {
      const order: Tool[] = r % 2 === 0 ? ['k8splay', 'ansible'] : ['ansible', 'k8splay'];
      process.stderr.write(`${n} host(s), repetition ${r + 1}/${reps}: ${order.join(' then ')}\n`);
      for (const tool of order) await oneRound(tool, n, s[tool]);
    }
    const sec = (ms: number): string => (ms / 1000).toFixed(2).padStart(9);
    const mb = (kib: number): string => (kib / 1024).toFixed(0);
    for (const step of ['first', 'rerun'] as const) {
      const k = median(s.k8splay[step]);
      const a = median(s.ansible[step]);
      rows.push(`${String(n).padStart(5)}  ${(step === 'first' ? 'first run' : 'unchanged re-run').padEnd(17)}${sec(k)}${sec(a)}   ${(a / k).toFixed(1).padStart(6)}x`);
    }
    rows.push(`${''.padStart(5)}  ${'peak RSS, MB'.padEnd(17)}${`${mb(s.k8splay.peakTreeKiB)} (${mb(s.k8splay.maxProcessKiB)})`.padStart(11)}${`${mb(s.ansible.peakTreeKiB)} (${mb(s.ansible.maxProcessKiB)})`.padStart(11)}`);
  }
  console.log(`\nmedians of ${reps} repetition(s), seconds of wall time per run (fresh hosts for every first run)`);
  console.log(`hosts  step                k8splay  ansible   ansible/k8splay`);
  for (const r of rows) console.log(r);
  console.log('peak RSS: sum over the tool\'s controller processes (largest single process in parentheses)');
}

main().catch((e: unknown) => {
  process.stderr.write(`ERROR! ${errorMessage(e)}\n`);
  process.exitCode = 1;
});
