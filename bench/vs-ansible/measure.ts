/**
 * Runs one tool as a child process and measures it the same way for both tools: wall time,
 * the largest single process (/usr/bin/time %M) and the peak of the sum of the RSS of all its
 * processes (sampled from /proc), including the helpers that detach from the tree but are
 * part of the controller's memory: Ansible's ssh ControlMaster processes and k8splay's
 * connection keeper (and their children), found by the control directory on their command line.
 * A run too short to be sampled (a re-run on one host) is counted as its largest process plus
 * the helpers' own peaks (VmHWM): an upper bound.
 */
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';

export interface ToolRun {
  ms: number;
  exitCode: number;
  /** Largest single process (KiB). */
  maxProcessKiB: number;
  /** Peak of the sum over the tool's processes (KiB). */
  peakTreeKiB: number;
  output: string;
}

const PAGE_KIB = 4;

interface ProcInfo { ppid: number; comm: string; rssKiB: number }

/** Detached helper processes: Ansible's ssh masters, k8splay's keeper (node). */
const HELPER_COMMS = new Set(['ssh', 'node']);

/** PIDs of detached helpers whose command line holds `marker`. */
function helpers(procs: Map<number, ProcInfo>, marker: string): number[] {
  const out: number[] = [];
  for (const [pid, p] of procs) {
    if (!HELPER_COMMS.has(p.comm)) continue;
    try { if (readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(marker)) out.push(pid); } catch { /* gone */ }
  }
  return out;
}

/** `roots` and all their descendants (processes listed in `procs`). */
function descendants(procs: Map<number, ProcInfo>, roots: number[]): Set<number> {
  const children = new Map<number, number[]>();
  for (const [pid, p] of procs) (children.get(p.ppid) ?? children.set(p.ppid, []).get(p.ppid)!).push(pid);
  const seen = new Set<number>();
  const stack = [...roots];
  while (stack.length) {
    const pid = stack.pop()!;
    if (seen.has(pid)) continue;
    seen.add(pid);
    stack.push(...(children.get(pid) ?? []));
  }
  return seen;
}

/** Sum of the peak RSS (VmHWM) of the detached helpers holding `marker`, and of their descendants. */
function helpersPeakKiB(marker: string): number {
  const procs = readProcs();
  let sum = 0;
  for (const pid of descendants(procs, helpers(procs, marker))) {
    try {
      const m = /^VmHWM:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
      if (m) sum += Number(m[1]);
    } catch { /* exited meanwhile */ }
  }
  return sum;
}

function readProcs(): Map<number, ProcInfo> {
  const out = new Map<number, ProcInfo>();
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const s = readFileSync(`/proc/${d}/stat`, 'utf8');
      const close = s.lastIndexOf(')');
      const comm = s.slice(s.indexOf('(') + 1, close);
      const f = s.slice(close + 2).split(' ');
      // Fields after comm: state ppid ... rss is field 24 overall (index 21 here).
      out.set(Number(d), { ppid: Number(f[1]), comm, rssKiB: Number(f[21]) * PAGE_KIB });
    } catch { /* exited meanwhile */ }
  }
  return out;
}

/**
 * Sum of RSS of `root`'s descendants plus detached helpers whose command line holds `marker`
 * and their own descendants (a keeper run from source has tsx's esbuild service).
 */
function treeRssKiB(root: number, marker: string | undefined): number {
  const procs = readProcs();
  let sum = 0;
  for (const pid of descendants(procs, [root, ...(marker ? helpers(procs, marker) : [])])) {
    // /usr/bin/time itself is the benchmark's wrapper, not the tool.
    const p = procs.get(pid);
    if (p && pid !== root) sum += p.rssKiB;
  }
  return sum;
}

/**
 * Runs `argv` under /usr/bin/time; `detachedMarker` names a string in the command line of
 * detached helper processes that count as the tool's (Ansible's ssh control path directory).
 */
export async function runTool(argv: string[], env: NodeJS.ProcessEnv, detachedMarker?: string): Promise<ToolRun> {
  const timeFile = join(tmpdir(), `k8splay-bench-time-${process.pid}-${Date.now()}`);
  const t0 = performance.now();
  const child = spawn('/usr/bin/time', ['-f', '%M', '-o', timeFile, ...argv], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (d: Buffer) => { output += d.toString(); });
  child.stderr.on('data', (d: Buffer) => { output += d.toString(); });
  let peak = 0;
  const sample = (): void => { if (child.pid) peak = Math.max(peak, treeRssKiB(child.pid, detachedMarker)); };
  const timer = setInterval(sample, 200);
  currentChild = child;
  const exitCode = await new Promise<number>((res) => child.on('close', (c) => res(c ?? 1)));
  const ms = performance.now() - t0;
  clearInterval(timer);
  currentChild = undefined;
  let maxProcessKiB = 0;
  try { maxProcessKiB = Number(readFileSync(timeFile, 'utf8').trim().split('\n').pop()); } catch { /* time failed */ }
  rmSync(timeFile, { force: true });
  // A run shorter than the sampling period is never sampled: only then is it counted as its
  // largest process plus the peaks of the helpers still running (which outlive it), an upper bound.
  const peakTreeKiB = peak > 0 ? peak : maxProcessKiB + (detachedMarker ? helpersPeakKiB(detachedMarker) : 0);
  return { ms, exitCode, maxProcessKiB, peakTreeKiB, output };
}

let currentChild: ReturnType<typeof spawn> | undefined;

/** Stops the tool run in progress, if any (SIGINT handling). */
export function killCurrentTool(): void {
  if (currentChild?.pid) { try { process.kill(currentChild.pid, 'SIGTERM'); } catch { /* already gone */ } }
}

/** The PLAY RECAP's changed= count per host (both tools print Ansible's recap). */
export function recapChanged(output: string): Map<string, number> {
  const out = new Map<string, number>();
  const recap = output.slice(output.lastIndexOf('PLAY RECAP'));
  for (const m of recap.matchAll(/^(\S+)\s+:\s+ok=\d+\s+changed=(\d+)/gm)) out.set(m[1]!, Number(m[2]));
  return out;
}

/** Ends the detached helpers (Ansible's ssh masters, k8splay's keeper) whose command line holds `marker`, by PID. */
export function killDetached(marker: string): number {
  let n = 0;
  for (const pid of helpers(readProcs(), marker)) {
    try { process.kill(pid, 'SIGTERM'); n++; } catch { /* gone */ }
  }
  // Wait (bounded) for them to go: a keeper removes its socket files as it exits, and the
  // caller deletes the directory next.
  const pause = new Int32Array(new SharedArrayBuffer(4));
  for (let waited = 0; n > 0 && waited < 5000 && helpers(readProcs(), marker).length > 0; waited += 50) Atomics.wait(pause, 0, 0, 50);
  return n;
}
