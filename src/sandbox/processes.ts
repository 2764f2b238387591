/**
 * Looking at controller processes through /proc: is a recorded pid still the process we
 * started (pids get reused), what runs inside a container, how much memory it uses.
 */
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';

/** The process's argv, or undefined when it is gone (or a zombie, whose cmdline is empty). */
export function processArgs(pid: number): string[] | undefined {
  try {
    const raw = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    if (!raw) return undefined;
    return raw.replace(/\0$/, '').split('\0');
  } catch {
    return undefined;
  }
}

/** True when `pid` is running (not a zombie) and its argv contains every one of `markers`. */
export function isOurProcess(pid: number | undefined, markers: string[]): boolean {
  if (!pid) return false;
  const args = processArgs(pid);
  return !!args && markers.every((m) => args.some((a) => a === m || a.includes(m)));
}

function allPids(): number[] {
  return readdirSync('/proc').filter((e) => /^\d+$/.test(e)).map(Number);
}

function parentOf(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name may contain spaces and parentheses: fields resume after the last ')'.
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  } catch {
    return undefined;
  }
}

/** All descendants of `pid` (children first), from a snapshot of /proc. */
export function descendants(pid: number): number[] {
  const children = new Map<number, number[]>();
  for (const p of allPids()) {
    const pp = parentOf(p);
    if (pp !== undefined) children.set(pp, [...(children.get(pp) ?? []), p]);
  }
  const out: number[] = [];
  const queue = [...(children.get(pid) ?? [])];
  while (queue.length) {
    const p = queue.shift()!;
    out.push(p);
    queue.push(...(children.get(p) ?? []));
  }
  return out;
}

function pidNamespace(pid: number): string | undefined {
  try { return readlinkSync(`/proc/${pid}/ns/pid`); } catch { return undefined; }
}

/** The container's init (its pid 1, seen from the controller) under nspawn process `nspawnPid`. */
export function containerInit(nspawnPid: number): number | undefined {
  const own = pidNamespace(nspawnPid);
  return descendants(nspawnPid).find((p) => { const ns = pidNamespace(p); return ns !== undefined && ns !== own; });
}

/** Processes inside the container started by the nspawn process `nspawnPid` (its pid namespace). */
export function containerProcesses(nspawnPid: number): number[] {
  const init = containerInit(nspawnPid);
  const inner = init === undefined ? undefined : pidNamespace(init);
  if (!inner) return [];
  return allPids().filter((p) => pidNamespace(p) === inner);
}

/** Proportional set size of a process in KiB (shared pages divided among their users). */
export function pssKiB(pid: number): number {
  try {
    const m = /^Pss:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'));
    return m ? Number(m[1]) : 0;
  } catch {
    return 0;
  }
}

/** Memory of everything running inside a container, in KiB (sum of PSS). */
export function containerMemoryKiB(nspawnPid: number): number {
  return containerProcesses(nspawnPid).reduce((s, p) => s + pssKiB(p), 0);
}

/** The controller's MemAvailable in KiB. */
export function memAvailableKiB(): number {
  const m = /^MemAvailable:\s+(\d+) kB/m.exec(readFileSync('/proc/meminfo', 'utf8'));
  return m ? Number(m[1]) : 0;
}

/** Resolves once none of the pids is running any more, or after `timeoutMs` (then false). */
export async function waitGone(pids: number[], isRunning: (pid: number) => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (pids.some(isRunning)) {
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, 50));
  }
  return true;
}
