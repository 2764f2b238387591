/** Removing one sandbox completely: its containers, repository server, overlays and files. */
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { removeSandboxCgroups } from './cgroups.js';
import { SandboxError } from './errors.js';
import { mountsUnder, unmountAllUnder } from './mounts.js';
import { stopContainers } from './nspawn.js';
import { sandboxDir } from './paths.js';
import { processArgs, waitGone } from './processes.js';
import { stopRepoServer } from './repo-server.js';
import type { SandboxState } from './state.js';

/**
 * Pids of the sandbox's own kinds of process (systemd-nspawn, the `node -e` repository server)
 * whose argv names a path inside `dir`: what a sandbox started, even without a state file.
 * Other programs using its files (an ssh client, a playbook run) are left alone.
 */
export function processesUsing(dir: string): number[] {
  const prefix = dir.replace(/\/+$/, '') + '/';
  const out: number[] = [];
  for (const e of readdirSync('/proc')) {
    if (!/^\d+$/.test(e) || Number(e) === process.pid) continue;
    const args = processArgs(Number(e));
    if (!args || !(args[0]!.endsWith('systemd-nspawn') || args[1] === '-e')) continue;
    if (args.some((a) => a.startsWith(prefix) || a.includes(`=${prefix}`))) out.push(Number(e));
  }
  return out;
}

/**
 * Stops everything of sandbox `name` and deletes its directory. Works from the state file and,
 * for what a crashed `up` may have left without one, from the processes and mounts themselves.
 * Never removes a directory that still has something mounted below it.
 */
export async function teardownSandbox(name: string, state: SandboxState | undefined): Promise<void> {
  const dir = sandboxDir(name);
  if (state) {
    await stopContainers(state.hosts.filter((h) => h.pid > 0).map((h) => ({ pid: h.pid, merged: h.merged, machine: h.machine })));
    if (state.repo?.pid) await stopRepoServer(state.repo.pid, state.repo.dir, `${dir}/repo.port`);
  }
  // Anything else started for this sandbox (a boot interrupted before the state was saved).
  const strays = processesUsing(dir);
  for (const p of strays) {
    try { process.kill(p, 'SIGTERM'); } catch { /* gone */ }
  }
  if (strays.length && !(await waitGone(strays, (p) => processArgs(p) !== undefined, 15_000))) {
    for (const p of strays) {
      try { process.kill(p, 'SIGKILL'); } catch { /* gone */ }
    }
    await waitGone(strays, (p) => processArgs(p) !== undefined, 5_000);
  }
  const cgroupsLeft = removeSandboxCgroups(name);
  if (cgroupsLeft.length) throw new SandboxError(`cannot remove cgroups ${cgroupsLeft.join(', ')} (processes still in them?)`);
  if (!existsSync(dir)) return;
  const left = await unmountAllUnder(dir);
  if (left.length || mountsUnder(dir).length) {
    throw new SandboxError(`cannot unmount ${left.join(', ')}; not removing ${dir}`);
  }
  rmSync(dir, { recursive: true, force: true });
}
