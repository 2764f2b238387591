/**
 * `k8splay PLAYBOOK -i INV --sandbox`: boot (or reuse) the inventory's sandbox, run the playbook
 * on it, then tear it down unless --keep. Every host is forced onto its container's address:
 * the inventory's own addresses are never contacted.
 */
import { dirname, resolve } from 'node:path';
import type { RunOptions } from '../executor/types.js';
import { loadInventory } from '../inventory/index.js';
import { OptionsError } from '../errors.js';
import { sandboxUp } from './up.js';
import { sandboxDown } from './down.js';
import { defaultSandboxName } from './names.js';
import { connectionVars } from './inventory-file.js';
import type { ProgressFn } from './progress.js';

export interface Rehearsal {
  /** The run options pointed at the sandbox. */
  options: RunOptions;
  name: string;
  reused: boolean;
  bootMs?: number;
  /** Tear down unless kept. */
  finish(keep: boolean): Promise<void>;
}

export async function prepareRehearsal(opts: RunOptions, progress?: ProgressFn): Promise<Rehearsal> {
  const sources = opts.inventory ?? [];
  if (!sources.length) throw new OptionsError('--sandbox needs an inventory (-i): its hosts are the ones the sandbox boots');
  const cwd = opts.cwd ?? process.cwd();
  const playbookDir = dirname(resolve(cwd, opts.playbook));
  const inventory = await loadInventory(sources, { playbookDir, cwd });
  const name = defaultSandboxName(resolve(cwd, sources[0]!));
  const state = await sandboxUp({ name, inventory, sources: sources.map((s) => resolve(cwd, s)), ...(progress ? { progress } : {}) });
  const hostOverrides: Record<string, Record<string, unknown>> = {};
  for (const h of state.hosts) {
    hostOverrides[h.name] = connectionVars(h.address, { privateKey: state.privateKey, knownHosts: state.knownHosts, sandboxName: name });
    // Playbooks point their package repositories here during a rehearsal (the hosts reach
    // nothing but the bridge); see inventory/group_vars/k8s.yml.
    if (state.repo?.url) hostOverrides[h.name]!.k8splay_sandbox_repo_url = state.repo.url;
  }
  const options: RunOptions = { ...opts, inventory: [state.inventory], hostOverrides: { ...(opts.hostOverrides ?? {}), ...hostOverrides } };
  return {
    options, name, reused: state.reused, bootMs: state.bootMs,
    finish: async (keep) => {
      if (!keep) await sandboxDown(name, progress ? { progress } : {});
    },
  };
}
