/**
 * Building an Inventory the way Ansible's InventoryData does: the implicit `all` and `ungrouped`
 * groups, child links with loop checks, and the final reconcile step (top-level groups under
 * `all`, `ungrouped` holding exactly the hosts in no other group, the implicit localhost).
 */
import { InventoryError, type SourceLocation } from '../errors.js';
import type { Inventory, InventoryGroup, InventoryHost } from './types.js';

/** Names that mean "this machine" to Ansible (C.LOCALHOST). */
export const LOCALHOST_NAMES: readonly string[] = ['127.0.0.1', 'localhost', '::1'];

/** A new inventory holding only `all` and its child `ungrouped`. */
export function emptyInventory(): Inventory {
  const inv: Inventory = { hosts: new Map(), groups: new Map(), sources: [] };
  addGroup(inv, 'all');
  addGroup(inv, 'ungrouped');
  addChildGroup(inv, 'all', 'ungrouped');
  return inv;
}

/** Adds a group if it is not there yet; returns it. */
export function addGroup(inv: Inventory, name: string, location?: SourceLocation): InventoryGroup {
  let g = inv.groups.get(name);
  if (!g) {
    if (!name) throw new InventoryError('Invalid empty group name', location ? { location } : {});
    g = { name, vars: {}, hosts: [], children: [], parents: [] };
    if (location) g.location = location;
    inv.groups.set(name, g);
  }
  return g;
}

export interface AddHostOptions {
  /** Group to put the host in (must exist). */
  group?: string;
  /** `host:port` in the source: sets ansible_port, only when the host is new (as in Ansible). */
  port?: number;
  /** Where the host is declared; its file becomes the host's inventory_file (see hostVars). */
  location?: SourceLocation;
}

/** Adds a host if it is not there yet (and to `opts.group`); returns it. */
export function addHost(inv: Inventory, name: string, opts: AddHostOptions = {}): InventoryHost {
  const errOpts = opts.location ? { location: opts.location } : {};
  if (!name) throw new InventoryError('Invalid empty host name', errOpts);
  let group: InventoryGroup | undefined;
  if (opts.group !== undefined) {
    group = inv.groups.get(opts.group);
    if (!group) throw new InventoryError(`Could not find group ${opts.group} in inventory`, errOpts);
  }
  let h = inv.hosts.get(name);
  if (h?.implicit) {
    // A real localhost replaces the implicit one.
    inv.hosts.delete(name);
    h = undefined;
  }
  if (!h) {
    h = { name, vars: {}, groups: [] };
    if (opts.port !== undefined) h.vars['ansible_port'] = opts.port;
    if (opts.location) h.location = opts.location;
    inv.hosts.set(name, h);
  }
  if (group && !group.hosts.includes(name)) {
    group.hosts.push(name);
    h.groups.push(group.name);
  }
  return h;
}

/** All ancestors of a group (parents, their parents, ...). */
export function groupAncestors(inv: Inventory, name: string): Set<string> {
  const seen = new Set<string>();
  const todo = [...(inv.groups.get(name)?.parents ?? [])];
  while (todo.length) {
    const g = todo.pop()!;
    if (seen.has(g)) continue;
    seen.add(g);
    todo.push(...(inv.groups.get(g)?.parents ?? []));
  }
  return seen;
}

/** Makes `child` a child group of `parent` (both must exist). Refuses loops, as Ansible does. */
export function addChildGroup(inv: Inventory, parent: string, child: string, location?: SourceLocation): void {
  const errOpts = location ? { location } : {};
  const p = inv.groups.get(parent);
  const c = inv.groups.get(child);
  if (!p) throw new InventoryError(`${parent} is not a known group`, errOpts);
  if (!c) throw new InventoryError(`${child} is not a known host nor group`, errOpts);
  if (parent === child) throw new InventoryError(`can't add group ${parent} to itself`, errOpts);
  if (p.children.includes(child)) return;
  if (groupAncestors(inv, parent).has(child)) {
    throw new InventoryError(
      `Adding group '${child}' as child to '${parent}' creates a recursive dependency loop.`,
      errOpts,
    );
  }
  p.children.push(child);
  if (!c.parents.includes(parent)) c.parents.push(parent);
}

/**
 * Sets a group variable. `ansible_group_priority` is not a variable but the group's priority
 * (Ansible's Group.set_variable), so it must be an integer.
 */
export function setGroupVar(inv: Inventory, group: string, key: string, value: unknown, location?: SourceLocation): void {
  const g = inv.groups.get(group);
  if (!g) throw new InventoryError(`Could not identify group or host named ${group}`, location ? { location } : {});
  if (key === 'ansible_group_priority') {
    const n = typeof value === 'number' ? value : typeof value === 'string' && /^\s*[+-]?\d+\s*$/.test(value) ? Number(value) : NaN;
    if (!Number.isInteger(n)) {
      throw new InventoryError(`ansible_group_priority of group ${group} must be an integer, got ${JSON.stringify(value)}`, location ? { location } : {});
    }
    g.priority = n;
    return;
  }
  g.vars[key] = value;
}

/** Sets a variable on a host (which must exist). */
export function setHostVar(inv: Inventory, host: string, key: string, value: unknown): void {
  const h = inv.hosts.get(host);
  if (!h) throw new InventoryError(`Could not identify group or host named ${host}`);
  h.vars[key] = value;
}

/** The host that answers `localhost`: the first localhost-like inventory host, else the implicit one. */
export function localhostName(inv: Inventory): string | undefined {
  for (const h of inv.hosts.values()) if (!h.implicit && LOCALHOST_NAMES.includes(h.name)) return h.name;
  for (const h of inv.hosts.values()) if (h.implicit) return h.name;
  return undefined;
}

/**
 * Ansible's reconcile_inventory, run once all sources are read: groups without a parent go under
 * `all`; `ungrouped` keeps only hosts that are in no other group and gains the hosts in none;
 * and when no host is named like localhost, an implicit `localhost` (connection local) is added.
 */
export function reconcileInventory(inv: Inventory): Inventory {
  for (const g of inv.groups.values()) {
    if (g.name !== 'all' && g.parents.length === 0) addChildGroup(inv, 'all', g.name);
  }
  const ungrouped = inv.groups.get('ungrouped')!;
  for (const h of inv.hosts.values()) {
    if (h.implicit) continue;
    const others = h.groups.filter((g) => g !== 'all' && g !== 'ungrouped');
    if (h.groups.includes('ungrouped')) {
      if (others.length) {
        h.groups = h.groups.filter((g) => g !== 'ungrouped');
        ungrouped.hosts = ungrouped.hosts.filter((n) => n !== h.name);
      }
    } else if (others.length === 0) {
      ungrouped.hosts.push(h.name);
      h.groups.push('ungrouped');
    }
  }
  const hasLocal = [...inv.hosts.values()].some((h) => !h.implicit && LOCALHOST_NAMES.includes(h.name));
  if (hasLocal) {
    for (const h of [...inv.hosts.values()]) if (h.implicit) inv.hosts.delete(h.name);
  } else if (!inv.hosts.has('localhost')) {
    inv.hosts.set('localhost', { name: 'localhost', vars: { ansible_connection: 'local' }, groups: [], implicit: true });
  }
  return inv;
}
