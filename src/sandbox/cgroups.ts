/**
 * A cgroup of its own for each host. With --keep-unit and no systemd on the controller, nspawn
 * puts every container's payload in the same cgroup (`/payload` of the caller's), so the systemd
 * of each host would manage one shared tree: a unit started or stopped in one host could kill
 * processes of the same unit in another, and boots fail at random with status 219/CGROUP.
 * Starting each nspawn inside `/k8splay/<sandbox>/<machine>` of every cgroup hierarchy systemd
 * uses keeps the hosts apart.
 */
import { existsSync, readdirSync, rmdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = '/sys/fs/cgroup';
const TOP = 'k8splay';

/**
 * Mount points of the hierarchies systemd manages: the unified (cgroup2) one and, on legacy and
 * hybrid setups, the named `systemd` one.
 */
export function systemdHierarchies(): string[] {
  if (existsSync(join(ROOT, 'cgroup.controllers'))) return [ROOT]; // pure cgroup v2
  return [join(ROOT, 'unified'), join(ROOT, 'systemd')].filter((d) => existsSync(join(d, 'cgroup.procs')));
}

/** The cgroup directories (one per hierarchy) that host `machine` of `sandbox` runs in. */
export function hostCgroups(sandbox: string, machine: string): string[] {
  return systemdHierarchies().map((h) => join(h, TOP, sandbox, machine));
}

/**
 * A shell prefix that creates the host's cgroups and moves the shell into them, to be followed
 * by `exec systemd-nspawn ...` (so nspawn, and everything it starts, begins there).
 */
export function enterCgroupsScript(dirs: string[]): string {
  return dirs.map((d) => `mkdir -p '${d}' && echo $$ > '${d}/cgroup.procs' || exit 97;`).join(' ');
}

/** Removes a cgroup tree bottom-up (cgroups are removed with rmdir once empty). */
function removeTree(dir: string): void {
  if (!existsSync(dir)) return;
  for (const e of readdirSync(dir)) {
    const p = join(dir, e);
    try { if (statSync(p).isDirectory()) removeTree(p); } catch { /* vanished */ }
  }
  try { rmdirSync(dir); } catch { /* still in use, or not empty */ }
}

/** Removes the cgroups of a sandbox (after its containers stopped), and the top one when unused. */
export function removeSandboxCgroups(sandbox: string): string[] {
  const left: string[] = [];
  for (const h of systemdHierarchies()) {
    const dir = join(h, TOP, sandbox);
    removeTree(dir);
    if (existsSync(dir)) left.push(dir);
    try { rmdirSync(join(h, TOP)); } catch { /* other sandboxes still there */ }
  }
  return left;
}
