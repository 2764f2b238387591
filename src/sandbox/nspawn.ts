/** Starting and stopping the systemd-nspawn process of one sandbox host. */
import { spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { enterCgroupsScript } from './cgroups.js';
import { SandboxError } from './errors.js';
import { descendants, isOurProcess, waitGone } from './processes.js';

export interface ContainerSpec {
  /** Cgroup directories to start in (see cgroups.ts); none: the caller's. */
  cgroups?: string[];
  /** The overlay's merged directory (the container's root). */
  merged: string;
  machine: string;
  bridge: string;
  /** Console output goes here. */
  logFile: string;
}

export interface StartedContainer {
  pid: number;
  /** Exit status once the process ended while this controller process watched it. */
  exitCode(): number | null | undefined;
}

/** The argv markers that identify this container's nspawn process (pids get reused). */
export function containerMarkers(spec: { merged: string; machine: string }): string[] {
  return ['systemd-nspawn', spec.merged, `--machine=${spec.machine}`];
}

/**
 * Boots a container in its own session (so it outlives the CLI), stdin from /dev/null and
 * console output into `logFile`. Resolves once the process exists, not when it has booted.
 */
export function startContainer(spec: ContainerSpec): Promise<StartedContainer> {
  const args = [
    '-D', spec.merged,
    // No machined and no systemd on the controller: neither register nor create a scope unit.
    '--register=no', '--keep-unit',
    '-b',
    `--network-bridge=${spec.bridge}`,
    `--machine=${spec.machine}`,
    // Never bind the controller's journal directory nor copy its resolver or time zone files.
    '--link-journal=no', '--resolv-conf=off', '--timezone=off',
    // Swap is the kernel's, shared with the controller (/proc/swaps shows the controller's):
    // a rehearsed `swapoff -a` must never switch off the controller's swap.
    '--system-call-filter=~@swap',
  ];
  const fd = openSync(spec.logFile, 'a');
  return new Promise((resolve, reject) => {
    let code: number | null | undefined;
    // sh enters the host's cgroups, then becomes systemd-nspawn (same pid) with exec.
    const script = `${enterCgroupsScript(spec.cgroups ?? [])} exec systemd-nspawn "$@"`;
    const child = spawn('/bin/sh', ['-c', script, 'systemd-nspawn', ...args], { detached: true, stdio: ['ignore', fd, fd] });
    child.once('error', (e) => { closeSync(fd); reject(new SandboxError(`cannot start systemd-nspawn for ${spec.machine}: ${e.message}`, { cause: e })); });
    child.once('spawn', () => {
      closeSync(fd);
      child.unref();
      resolve({ pid: child.pid!, exitCode: () => code });
    });
    child.once('exit', (c, sig) => { code = c ?? (sig ? 128 + 9 : null); });
  });
}

export interface RunningContainer {
  pid?: number;
  merged: string;
  machine: string;
}

/**
 * Stops containers by their nspawn pid: SIGTERM (nspawn asks the container's systemd to power
 * off), then after `graceMs` SIGKILL to what is left. Pids whose process is no longer the one we
 * started are left alone.
 */
export async function stopContainers(list: RunningContainer[], graceMs = 15_000): Promise<void> {
  const ours = list.filter((c) => isOurProcess(c.pid, containerMarkers(c)));
  const running = (pid: number): boolean => {
    const c = ours.find((o) => o.pid === pid)!;
    return isOurProcess(pid, containerMarkers(c));
  };
  for (const c of ours) {
    try { process.kill(c.pid!, 'SIGTERM'); } catch { /* already gone */ }
  }
  const pids = ours.map((c) => c.pid!);
  if (await waitGone(pids, running, graceMs)) return;
  for (const c of ours) {
    if (!running(c.pid!)) continue;
    // Container processes first: killing nspawn first would orphan them.
    for (const p of descendants(c.pid!).reverse()) {
      try { process.kill(p, 'SIGKILL'); } catch { /* gone */ }
    }
    try { process.kill(c.pid!, 'SIGKILL'); } catch { /* gone */ }
  }
  if (!(await waitGone(pids, running, 5_000))) {
    throw new SandboxError(`systemd-nspawn did not exit: pid ${pids.filter(running).join(', ')}`);
  }
}
