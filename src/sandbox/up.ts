/**
 * `sandboxUp`: boots one systemd-nspawn container per inventory host on the project bridge and
 * waits until each answers ssh. Reuses a sandbox that is already up with the same hosts.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Inventory } from '../inventory/types.js';
import { ensureBridge, type BridgeInfo } from './bridge.js';
import { hostCgroups } from './cgroups.js';
import { removeUnusedBridge } from './down.js';
import { SandboxError } from './errors.js';
import { writeHostFiles } from './host-files.js';
import { raiseInotifyLimit } from './inotify-limit.js';
import { inventoryHostNames, writeSandboxInventory } from './inventory-file.js';
import { formatCidr, hostAddresses, intToIp, ipToInt } from './ipv4.js';
import { acquireLock } from './lock.js';
import { mountOverlay } from './mounts.js';
import { assertSandboxName, containerHostname, hostDirNames, machineName } from './names.js';
import { startContainer, type StartedContainer } from './nspawn.js';
import { ensurePackageRepo } from './package-repo.js';
import { sandboxDir, sandboxesRoot } from './paths.js';
import { assertSandboxSupported, HOST_TOOLS, REPO_TOOLS } from './preflight.js';
import { containerMemoryKiB, memAvailableKiB } from './processes.js';
import { stderrProgress, type ProgressFn } from './progress.js';
import { startRepoServer } from './repo-server.js';
import { ensureRootfs } from './rootfs.js';
import { waitForSsh } from './ssh-probe.js';
import { waitSystemReady } from './system-ready.js';
import { allStates, globalLockPath, readState, writeState, type SandboxHostState, type SandboxState } from './state.js';
import { sandboxHealth } from './status.js';
import { teardownSandbox } from './teardown.js';

export interface SandboxUpOptions {
  /** Sandbox name (a directory name; see assertSandboxName). */
  name: string;
  /** Hosts to create, in order. Defaults to the inventory's hosts. */
  hosts?: Array<{ name: string }>;
  /** The inventory the sandbox stands in for: its groups and variables go into the generated one. */
  inventory?: Inventory;
  /** Inventory source paths, recorded in the state. */
  sources?: string[];
  progress?: ProgressFn;
  /** Give up waiting for ssh after this long (default 60 s plus 2 s per host). */
  bootTimeoutMs?: number;
  /** Build and serve the package repository (default true). */
  repo?: boolean;
}

export interface SandboxUpResult extends SandboxState {
  /** True when an already running sandbox was reused instead of booted. */
  reused: boolean;
}

/** First address handed to hosts (.1 is the bridge; a few are kept for the controller side). */
const FIRST_HOST_OFFSET = 10;

/** IPv4 host names and ansible_host / ansible_ssh_host values anywhere in the inventory: the bridge subnet must not contain them. */
export function inventoryAddresses(inv: Inventory | undefined): string[] {
  if (!inv) return [];
  const out = new Set<string>();
  const scan = (vars: Record<string, unknown>): void => {
    for (const k of ['ansible_host', 'ansible_ssh_host']) {
      const v = vars[k];
      if (typeof v === 'string' && ipToInt(v) !== undefined) out.add(v);
    }
  };
  for (const h of inv.hosts.values()) { scan(h.vars); if (ipToInt(h.name) !== undefined) out.add(h.name); }
  for (const g of inv.groups.values()) scan(g.vars);
  for (const d of inv.varsDirs ?? []) for (const layer of [d.groupVars, d.hostVars]) for (const v of layer.values()) scan(v);
  return [...out];
}

/** Boots (or reuses) sandbox `opts.name`; resolves once every host answers ssh. */
export async function sandboxUp(opts: SandboxUpOptions): Promise<SandboxUpResult> {
  const progress = opts.progress ?? stderrProgress;
  assertSandboxName(opts.name);
  const hostNames = opts.hosts?.map((h) => h.name) ?? (opts.inventory ? inventoryHostNames(opts.inventory) : []);
  if (hostNames.length === 0) throw new SandboxError('the sandbox needs at least one host');
  const dup = hostNames.find((h, i) => hostNames.indexOf(h) !== i);
  if (dup) throw new SandboxError(`host '${dup}' is listed twice`);
  const repo = opts.repo ?? true;
  assertSandboxSupported(repo ? [...HOST_TOOLS, ...REPO_TOOLS] : HOST_TOOLS);

  const rootfs = await ensureRootfs({ progress });
  const repoDir = repo ? await ensurePackageRepo({ progress }) : undefined;
  mkdirSync(sandboxesRoot(), { recursive: true });
  const release = await acquireLock(globalLockPath(), { onWait: () => progress('waiting for another sandbox operation to finish') });
  try {
    const existing = readState(opts.name);
    if (existing) {
      const sameHosts = existing.hosts.map((h) => h.name).join('\n') === hostNames.join('\n');
      const sameBase = existing.rootfs === rootfs.root && existing.repo?.dir === repoDir;
      const health = sameHosts && sameBase ? await sandboxHealth(existing) : undefined;
      if (health?.healthy) {
        const inventory = writeInventory(existing, opts.inventory);
        progress(`sandbox '${opts.name}' is already up (${existing.hosts.length} hosts): reusing it`);
        return { ...existing, inventory, reused: true };
      }
      progress(`sandbox '${opts.name}' exists but ${!sameHosts ? 'has other hosts' : !sameBase ? 'was built from another root filesystem or package repository' : 'is not healthy'}: recreating it`);
      await teardownSandbox(opts.name, existing);
    } else if (existsSync(sandboxDir(opts.name))) {
      await teardownSandbox(opts.name, undefined); // leftovers of an interrupted run
    }
    raiseInotifyLimit(progress);
    const bridge = await ensureBridge({ avoid: inventoryAddresses(opts.inventory), progress });
    const state = planSandbox(opts, hostNames, bridge, rootfs.root, rootfs.privateKey);
    try {
      await bootSandbox(state, { opts, progress, repoDir });
    } catch (e) {
      progress(`boot failed: removing sandbox '${opts.name}'`);
      await teardownSandbox(opts.name, readState(opts.name) ?? state)
        .then(() => removeUnusedBridge(progress))
        .catch((t) => progress(`cleanup failed: ${(t as Error).message}`));
      throw e;
    }
    return { ...state, reused: false };
  } finally {
    release();
  }
}

/** Chooses slot, addresses, names and paths; nothing is created yet. */
function planSandbox(opts: SandboxUpOptions, hostNames: string[], bridge: BridgeInfo, rootfs: string, privateKey: string): SandboxState {
  const others = allStates().filter((s) => s.name !== opts.name);
  const usedSlots = new Set(others.map((s) => s.slot));
  let slot = 0;
  while (usedSlots.has(slot)) slot++;
  const used = new Set([bridge.gateway, ...others.flatMap((s) => s.hosts.map((h) => h.address))]);
  const free = hostAddresses(bridge.subnet).slice(FIRST_HOST_OFFSET - 1).map(intToIp).filter((a) => !used.has(a));
  if (free.length < hostNames.length) {
    throw new SandboxError(`not enough free addresses on ${bridge.name} (${formatCidr(bridge.subnet)}): ${free.length} left, ${hostNames.length} needed`);
  }
  const dir = sandboxDir(opts.name);
  const dirs = hostDirNames(hostNames);
  const hosts: SandboxHostState[] = hostNames.map((name, i) => {
    const hdir = join(dir, 'hosts', dirs[i]!);
    return {
      name, machine: machineName(slot, i, name), hostname: containerHostname(name), address: free[i]!, pid: 0,
      dir: hdir, merged: join(hdir, 'merged'), consoleLog: join(hdir, 'console.log'), hostKey: '',
    };
  });
  return {
    version: 1, name: opts.name, slot, status: 'booting', created: new Date().toISOString(),
    bridge: bridge.name, gateway: bridge.gateway, subnet: formatCidr(bridge.subnet), prefix: bridge.subnet.prefix,
    rootfs, privateKey, knownHosts: join(dir, 'known_hosts'), inventory: join(dir, 'inventory', 'hosts.ini'),
    sources: opts.sources ?? [], hosts,
  };
}

function writeInventory(state: SandboxState, inventory: Inventory | undefined): string {
  return writeSandboxInventory(join(sandboxDir(state.name), 'inventory'), {
    sandboxName: state.name, inventory, hosts: state.hosts, privateKey: state.privateKey, knownHosts: state.knownHosts,
  });
}

function tail(file: string, lines = 12): string[] {
  if (!existsSync(file)) return [];
  // Console output carries colour codes and carriage returns: keep the words.
  return readFileSync(file, 'utf8').replace(/\x1b\[[0-9;]*m/g, '').replace(/\r/g, '').trim().split('\n').slice(-lines);
}

function mb(kib: number): string {
  return `${(kib / 1024).toFixed(1)} MB`;
}

/** Creates directories, overlays and host files, starts every container and waits for ssh. */
async function bootSandbox(state: SandboxState, ctx: { opts: SandboxUpOptions; progress: ProgressFn; repoDir?: string }): Promise<void> {
  const { progress } = ctx;
  const dir = sandboxDir(state.name);
  mkdirSync(dir, { recursive: true });
  writeState(state); // from here on, `down` can clean up whatever happens

  if (ctx.repoDir) {
    const portFile = join(dir, 'repo.port');
    const logFile = join(dir, 'repo.log');
    const srv = await startRepoServer(ctx.repoDir, state.gateway, portFile, logFile);
    state.repo = { dir: ctx.repoDir, url: srv.url, pid: srv.pid, port: srv.port, logFile };
    writeState(state);
  }

  const peers = state.hosts.map((h) => ({ hostname: h.hostname, address: h.address }));
  await Promise.all(state.hosts.map(async (h) => {
    for (const d of ['upper', 'work', 'merged']) mkdirSync(join(h.dir, d), { recursive: true });
    await mountOverlay(state.rootfs, join(h.dir, 'upper'), join(h.dir, 'work'), h.merged);
    h.hostKey = await writeHostFiles(h.merged, {
      hostname: h.hostname, address: h.address, prefix: state.prefix, peers,
      ...(state.repo ? { repoUrl: state.repo.url } : {}),
    });
  }));
  writeFileSync(state.knownHosts, state.hosts.map((h) => `${h.address} ${h.hostKey}\n`).join(''));
  state.inventory = writeInventory(state, ctx.opts.inventory);
  writeState(state);

  progress(`booting ${state.hosts.length} host${state.hosts.length === 1 ? '' : 's'} of sandbox '${state.name}' on ${state.bridge} (${state.subnet})`);
  const memBefore = memAvailableKiB();
  const t0 = Date.now();
  const started: StartedContainer[] = await Promise.all(state.hosts.map((h) =>
    startContainer({ merged: h.merged, machine: h.machine, bridge: state.bridge, logFile: h.consoleLog, cgroups: hostCgroups(state.name, h.machine) })));
  started.forEach((c, i) => { state.hosts[i]!.pid = c.pid; });
  writeState(state);

  const deadline = t0 + (ctx.opts.bootTimeoutMs ?? 60_000 + 2_000 * state.hosts.length);
  const systems: Array<{ state: string; failed: string[] } | undefined> = [];
  const waits = await Promise.all(state.hosts.map(async (h, i) => {
    const ms = await waitForSsh(h.address, { deadline, stillBooting: () => started[i]!.exitCode() === undefined });
    if (ms === undefined) return undefined;
    systems[i] = await waitSystemReady(h.pid, deadline);
    h.bootMs = Date.now() - t0;
    return ms;
  }));
  const failed = state.hosts.filter((_, i) => waits[i] === undefined);
  if (failed.length) {
    const details = failed.flatMap((h, i) => {
      const code = started[state.hosts.indexOf(h)]!.exitCode();
      const why = code === undefined ? `no ssh answer within ${Math.round((deadline - t0) / 1000)} s` : `systemd-nspawn exited with ${code}`;
      return [`${h.name} (${h.machine}, ${h.address}): ${why}; console (${h.consoleLog}):`, ...tail(h.consoleLog).map((l) => `    ${l}`), ...(i < failed.length - 1 ? [''] : [])];
    });
    throw new SandboxError(`${failed.length} of ${state.hosts.length} sandbox hosts did not come up`, { details });
  }
  state.bootMs = Date.now() - t0;
  state.hosts.forEach((h, i) => {
    const sys = systems[i];
    if (sys && sys.state !== 'running') progress(`warning: ${h.name}: systemd says ${sys.state}${sys.failed.length ? ` (failed: ${sys.failed.join(', ')})` : ''}; see ${h.consoleLog}`);
  });
  for (const h of state.hosts) h.memoryKiB = containerMemoryKiB(h.pid);
  state.status = 'up';
  writeState(state);

  const width = Math.max(...state.hosts.map((h) => h.name.length));
  for (const h of state.hosts) {
    progress(`  ${h.name.padEnd(width)}  ${h.address.padEnd(15)}  ready after ${((h.bootMs ?? 0) / 1000).toFixed(1)} s  ${mb(h.memoryKiB ?? 0)}`);
  }
  const total = state.hosts.reduce((s, h) => s + (h.memoryKiB ?? 0), 0);
  progress(`${state.hosts.length} host${state.hosts.length === 1 ? '' : 's'} up in ${(state.bootMs / 1000).toFixed(1)} s; memory ${mb(total)} (PSS of their processes; controller MemAvailable down ${mb(Math.max(0, memBefore - memAvailableKiB()))})`);
  if (state.repo) progress(`package repository: ${state.repo.url}`);
  progress(`inventory: ${state.inventory}`);
}
