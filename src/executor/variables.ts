/**
 * Variable scopes, in Ansible's precedence (low to high):
 * inventory (all < parent < child < host, group_vars/ host_vars/) < facts < play vars <
 * vars_files < block vars < task vars < set_fact/register < loop and include params < extra vars.
 * Magic variables (inventory_hostname, groups, hostvars, ...) are set on top.
 */
import type { Inventory } from '../inventory/types.js';
import { hostVars, groupNames, groupsMap } from '../inventory/index.js';
import { hostStatusChanges, type HostState } from './host-state.js';
import { sameVars, snapshotVars, type VarsSnapshot } from './vars-snapshot.js';

/** Fact name -> variable name (`distribution` -> `ansible_distribution`), made once per run, not per host. */
const FACT_VAR_NAMES = new Map<string, string>();
/**
 * Names kept at most: fact names include interface names (a Kubernetes node's `cali...` and
 * `veth...` come and go with its pods), and a long-lived process (the warm engine) runs on.
 */
export const FACT_VAR_NAMES_LIMIT = 10_000;

/** The variable a fact is also known as (`distribution` -> `ansible_distribution`). */
export function factVarName(fact: string): string {
  let name = FACT_VAR_NAMES.get(fact);
  if (name === undefined) {
    if (FACT_VAR_NAMES.size >= FACT_VAR_NAMES_LIMIT) FACT_VAR_NAMES.clear();
    FACT_VAR_NAMES.set(fact, (name = fact.startsWith('ansible_') ? fact : `ansible_${fact}`));
  }
  return name;
}

/** How many fact names factVarName() keeps now (for tests: bounded by FACT_VAR_NAMES_LIMIT). */
export function factVarNamesKept(): number {
  return FACT_VAR_NAMES.size;
}

/** hostLevelSubset's answer for one host and filter (see there). */
interface Subset {
  base: Record<string, unknown>;
  runtime: VarsSnapshot;
  vars: Record<string, unknown>;
  magicNames: string[];
}

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

/*
 * The layer that stays the same between tasks (inventory variables with facts, ~250 names) is
 * built once per host and reused until the host's facts change. A task's scope inherits it
 * (a prototype chain) and holds only the layers above as its own properties: copying it into
 * every scope cost ~0.1 ms each (a task on 50 hosts builds 50 scopes, a loop one per item).
 * Whatever reads a scope must therefore see inherited variables: property reads do; the
 * template engine's hasVar/varNames/flatVars (src/template/scope.ts) do for the rest; modules
 * get a flat copy (module-context.ts). Never `{ ...scope }` or Object.assign({}, scope): use
 * scopeWith(). hostLevel() (what hostvars shows) stays one flat object.
 */

/**
 * `scope` with `extra` on top (a loop item, a registered result): a new object inheriting
 * `scope`'s variables rather than copying them. Neither argument is changed.
 */
export function scopeWith(scope: Record<string, unknown>, extra: Record<string, unknown>): Record<string, unknown> {
  return Object.assign(Object.create(scope) as Record<string, unknown>, extra);
}
export class VariableManager {
  private readonly inventoryCache = new Map<string, Record<string, unknown>>();
  /** Per host: inventory variables then facts as variables, for the facts object they were made from. */
  private readonly baseCache = new Map<string, { facts: object | undefined; gathered: boolean; base: Record<string, unknown> }>();
  private readonly groupNamesCache = new Map<string, string[]>();
  /**
   * Per host and `keep` function: hostLevelSubset's last answer without the magic variables,
   * with the layers it came from, and the magic variables' names that pass `keep`.
   */
  private readonly subsets = new Map<string, Map<(name: string) => boolean, Subset>>();
  private readonly groups: Record<string, string[]>;
  private playListsCache?: { play: PlayScope; mark: number; hosts: string[]; batch: string[] };
  private readonly hostvarsProxy: Record<string, unknown>;
  /** How many times `hostvars` was read (the read-ahead tells work that depends on other hosts). */
  hostvarsReads = 0;

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
      get: (_t, key) => {
        this.hostvarsReads++;
        return typeof key === 'string' && this.inventory.hosts.has(key) ? this.hostLevel(key) : undefined;
      },
      has: (_t, key) => {
        this.hostvarsReads++;
        return typeof key === 'string' && this.inventory.hosts.has(key);
      },
      ownKeys: () => {
        this.hostvarsReads++;
        return [...this.inventory.hosts.keys()];
      },
      getOwnPropertyDescriptor: (_t, key) => {
        this.hostvarsReads++;
        return typeof key === 'string' && this.inventory.hosts.has(key)
          ? { enumerable: true, configurable: true, value: this.hostLevel(key) }
          : undefined;
      },
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

  /** Facts as variables, set on `out`: `ansible_facts` plus each fact as `ansible_<name>`. */
  private static addFactVars(out: Record<string, unknown>, facts: Record<string, unknown> | undefined, gathered: boolean): Record<string, unknown> {
    if (!gathered) {
      out.ansible_facts = facts ?? {};
      return out;
    }
    out.ansible_facts = facts;
    for (const [k, v] of Object.entries(facts ?? {})) out[factVarName(k)] = v;
    return out;
  }

  /**
   * Inventory variables then facts: made again only when the host's facts change (a module
   * that returns facts replaces the facts object, it never edits it: see task-runner.ts).
   * Read-only: callers copy it or inherit from it.
   */
  private hostBase(host: string): Record<string, unknown> {
    const state = this.hosts.get(host);
    const facts = state?.facts;
    const gathered = !!state?.factsGathered;
    const hit = this.baseCache.get(host);
    if (hit && hit.facts === facts && hit.gathered === gathered) return hit.base;
    const base = VariableManager.addFactVars(Object.assign({}, this.inventoryVars(host)), facts, gathered);
    this.baseCache.set(host, { facts, gathered, base });
    return base;
  }

  /** What `hostvars[host]` shows: everything that is not play- or task-specific. */
  hostLevel(host: string): Record<string, unknown> {
    const state = this.hosts.get(host);
    return Object.assign(
      {}, this.hostBase(host), state?.runtimeVars, this.extraVars, this.overrides[host], this.hostMagic(host),
    );
  }

  /**
   * The variables of hostLevel(host) whose names pass `keep`, without copying the others
   * (connection settings are read for every task on every host). `keep` must depend on the
   * name only. The answer is remembered per host and `keep` until the inventory-and-facts
   * layer (~250 names) is made again or the host's runtime variables change; extra vars and
   * overrides do not change during a run, and magic variables are read fresh (group_names is
   * a new list each time).
   */
  hostLevelSubset(host: string, keep: (name: string) => boolean): Record<string, unknown> {
    const state = this.hosts.get(host);
    const runtime = state?.runtimeVars ?? {};
    const base = this.hostBase(host);
    let byKeep = this.subsets.get(host);
    if (!byKeep) this.subsets.set(host, (byKeep = new Map()));
    let s = byKeep.get(keep);
    if (!s || s.base !== base || !sameVars(s.runtime, runtime)) {
      const vars: Record<string, unknown> = {};
      for (const k of Object.keys(base)) if (keep(k)) vars[k] = base[k];
      for (const layer of [runtime, this.extraVars, this.overrides[host]]) {
        if (layer) for (const k of Object.keys(layer)) if (keep(k)) vars[k] = layer[k];
      }
      const magicNames = s?.magicNames ?? Object.keys(this.hostMagic(host)).filter(keep);
      byKeep.set(keep, (s = { base, runtime: snapshotVars(runtime), vars, magicNames }));
    }
    const out = { ...s.vars };
    if (s.magicNames.length) {
      const magic = this.hostMagic(host);
      for (const k of s.magicNames) out[k] = magic[k];
    }
    return out;
  }

  /** The magic variables of a host. */
  private hostMagic(host: string): Record<string, unknown> {
    let names = this.groupNamesCache.get(host);
    if (!names) {
      names = groupNames(this.inventory, host);
      this.groupNamesCache.set(host, names);
    }
    return {
      inventory_hostname: host,
      inventory_hostname_short: host.split('.')[0],
      // A copy each time: a template may change a list in place (group_names.append(...)).
      group_names: [...names],
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
    // Inherits the host's base layer (see the comment above the class).
    const scope = Object.assign(Object.create(this.hostBase(host)) as Record<string, unknown>, play.playVars);
    for (const l of layers) if (l) Object.assign(scope, l);
    Object.assign(scope, state?.runtimeVars, params, this.extraVars, this.overrides[host], this.hostMagic(host));
    const lists = this.playLists(play);
    scope.play_hosts = lists.batch;
    scope.ansible_play_hosts = lists.hosts;
    scope.ansible_play_batch = lists.batch;
    scope.ansible_play_hosts_all = play.playHosts;
    scope.ansible_play_name = play.playName;
    return scope;
  }

  /**
   * Ansible's ansible_play_hosts (the play's hosts) and ansible_play_batch (the batch's), both
   * without the hosts that failed or were unreachable; worked out again only when a host's
   * state changed.
   */
  private playLists(play: PlayScope): { hosts: string[]; batch: string[] } {
    const mark = hostStatusChanges();
    const c = this.playListsCache;
    if (c && c.play === play && c.mark === mark) return c;
    const stays = (h: string): boolean => {
      const st = this.hosts.get(h);
      return !st || (!st.failed && !st.unreachable);
    };
    this.playListsCache = { play, mark, hosts: play.playHosts.filter(stays), batch: play.batch.filter(stays) };
    return this.playListsCache;
  }

  /** Scope for play-level templates (hosts pattern, vars_files names): extra vars only. */
  globalScope(): Record<string, unknown> {
    return { ...this.extraVars, groups: this.groups, hostvars: this.hostvarsProxy, playbook_dir: this.magic.playbookDir, omit: this.magic.omit };
  }
}
