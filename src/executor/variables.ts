/**
 * Variable scopes, in Ansible's precedence (low to high):
 * inventory (all < parent < child < host, group_vars/ host_vars/) < facts < play vars <
 * vars_files < block vars < task vars < set_fact/register < loop and include params < extra vars.
 * Magic variables (inventory_hostname, groups, hostvars, ...) are set on top.
 */
import type { Inventory } from '../inventory/types.js';
import { hostVars, groupNames, groupsMap } from '../inventory/index.js';
import type { HostState } from './host-state.js';

export interface MagicSettings {
  playbookDir: string;
  checkMode: boolean;
  diffMode: boolean;
  verbosity: number;
  /** Sentinel that makes a module argument absent (`default(omit)`). */
  omit: unknown;
}

export interface PlayScope {
  playHosts: string[];
  batch: string[];
  playName: string;
  /** play vars then vars_files contents, already merged. */
  playVars: Record<string, unknown>;
}

export class VariableManager {
  private readonly inventoryCache = new Map<string, Record<string, unknown>>();
  private readonly groups: Record<string, string[]>;
  private readonly hostvarsProxy: Record<string, unknown>;

  constructor(
    private readonly inventory: Inventory,
    private readonly hosts: Map<string, HostState>,
    private readonly extraVars: Record<string, unknown>,
    private readonly magic: MagicSettings,
    private readonly overrides: Record<string, Record<string, unknown>> = {},
  ) {
    this.groups = groupsMap(inventory);
    // hostvars['h'] is computed when read, so it always shows h's latest facts and registers.
    this.hostvarsProxy = new Proxy({} as Record<string, unknown>, {
      get: (_t, key) => (typeof key === 'string' && this.inventory.hosts.has(key) ? this.hostLevel(key) : undefined),
      has: (_t, key) => typeof key === 'string' && this.inventory.hosts.has(key),
      ownKeys: () => [...this.inventory.hosts.keys()],
      getOwnPropertyDescriptor: (_t, key) =>
        typeof key === 'string' && this.inventory.hosts.has(key)
          ? { enumerable: true, configurable: true, value: this.hostLevel(key) }
          : undefined,
    });
  }

  /** Inventory variables of a host (cached: the inventory does not change during a run). */
  inventoryVars(host: string): Record<string, unknown> {
    let v = this.inventoryCache.get(host);
    if (!v) {
      v = this.inventory.hosts.has(host) ? hostVars(this.inventory, host) : {};
      this.inventoryCache.set(host, v);
    }
    return v;
  }

  /** Facts as variables: `ansible_facts` plus each fact as `ansible_<name>`. */
  private factVars(state: HostState | undefined): Record<string, unknown> {
    if (!state || !state.factsGathered) return { ansible_facts: state?.facts ?? {} };
    const out: Record<string, unknown> = { ansible_facts: state.facts };
    for (const [k, v] of Object.entries(state.facts)) out[k.startsWith('ansible_') ? k : `ansible_${k}`] = v;
    return out;
  }

  /** What `hostvars[host]` shows: everything that is not play- or task-specific. */
  hostLevel(host: string): Record<string, unknown> {
    const state = this.hosts.get(host);
    return {
      ...this.inventoryVars(host),
      ...this.factVars(state),
      ...(state?.runtimeVars ?? {}),
      ...this.extraVars,
      ...(this.overrides[host] ?? {}),
      ...this.hostMagic(host),
    };
  }

  private hostMagic(host: string): Record<string, unknown> {
    return {
      inventory_hostname: host,
      inventory_hostname_short: host.split('.')[0],
      group_names: groupNames(this.inventory, host),
      groups: this.groups,
      hostvars: this.hostvarsProxy,
      playbook_dir: this.magic.playbookDir,
      ansible_check_mode: this.magic.checkMode,
      ansible_diff_mode: this.magic.diffMode,
      ansible_verbosity: this.magic.verbosity,
      omit: this.magic.omit,
    };
  }

  /**
   * The full scope for one task on one host. `layers` are block vars (outer first) then task
   * vars; `params` are loop variables or include parameters.
   */
  taskScope(
    host: string,
    play: PlayScope,
    layers: Array<Record<string, unknown> | undefined>,
    params?: Record<string, unknown>,
  ): Record<string, unknown> {
    const state = this.hosts.get(host);
    const scope: Record<string, unknown> = { ...this.inventoryVars(host), ...this.factVars(state), ...play.playVars };
    for (const l of layers) if (l) Object.assign(scope, l);
    if (state) Object.assign(scope, state.runtimeVars);
    if (params) Object.assign(scope, params);
    Object.assign(scope, this.extraVars, this.overrides[host] ?? {}, this.hostMagic(host));
    scope.play_hosts = play.batch;
    scope.ansible_play_hosts = play.batch;
    scope.ansible_play_batch = play.batch;
    scope.ansible_play_hosts_all = play.playHosts;
    scope.ansible_play_name = play.playName;
    return scope;
  }

  /** Scope for play-level templates (hosts pattern, vars_files names): extra vars only. */
  globalScope(): Record<string, unknown> {
    return { ...this.extraVars, groups: this.groups, hostvars: this.hostvarsProxy, playbook_dir: this.magic.playbookDir, omit: this.magic.omit };
  }
}
