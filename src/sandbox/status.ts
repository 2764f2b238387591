/** `sandboxStatus`: is each host's container running and is its sshd answering. */
import { containerMarkers } from './nspawn.js';
import { isOurProcess } from './processes.js';
import { repoServerMarkers } from './repo-server.js';
import { sshBanner } from './ssh-probe.js';
import { sandboxDir } from './paths.js';
import { readState, type SandboxState } from './state.js';

export interface HostHealth {
  name: string;
  address: string;
  /** The recorded systemd-nspawn pid is still that process. */
  running: boolean;
  /** sshd answered with a banner. */
  ssh: boolean;
}

export interface SandboxHealth {
  hosts: HostHealth[];
  /** Package repository server running (undefined when the sandbox has none). */
  repo?: boolean;
  /** Every host running with ssh answering, and the repository server (if any) running. */
  healthy: boolean;
}

export interface SandboxStatus extends SandboxHealth {
  state: SandboxState;
}

/** Checks every host of a sandbox (processes and one ssh banner each, in parallel). */
export async function sandboxHealth(state: SandboxState): Promise<SandboxHealth> {
  const hosts = await Promise.all(state.hosts.map(async (h): Promise<HostHealth> => {
    const running = isOurProcess(h.pid, containerMarkers(h));
    const ssh = running && (await sshBanner(h.address, 22, 2_000)) !== undefined;
    return { name: h.name, address: h.address, running, ssh };
  }));
  const repo = state.repo ? isOurProcess(state.repo.pid, repoServerMarkers(state.repo.dir, `${sandboxDir(state.name)}/repo.port`)) : undefined;
  return { hosts, ...(repo === undefined ? {} : { repo }), healthy: state.status === 'up' && hosts.every((h) => h.running && h.ssh) && repo !== false };
}

/** The state and health of sandbox `name`, or undefined when it does not exist. */
export async function sandboxStatus(name: string): Promise<SandboxStatus | undefined> {
  const state = readState(name);
  if (!state) return undefined;
  return { state, ...(await sandboxHealth(state)) };
}
