/**
 * A host's inventory variables, merged in Ansible's order (VariableManager.get_vars with the
 * default precedence), low to high:
 *   `all` vars of the inventory < group_vars/all next to the inventory < next to the playbook
 *   < the host's other groups' inventory vars < their group_vars/ files (inventory, then playbook)
 *   < inventory_file/inventory_dir < the host's own vars < host_vars/ files (inventory, then playbook).
 * Groups are merged by depth (parents before children), then ansible_group_priority (higher wins),
 * then name. Values are replaced whole (hash_behaviour=replace).
 */
import { dirname } from 'node:path';
import { InventoryError } from '../errors.js';
import type { Inventory, InventoryHost } from './types.js';

/** Each group's depth: its longest path from `all` (all = 0, top-level groups = 1). */
export function groupDepths(inv: Inventory): Map<string, number> {
  const depth = new Map<string, number>();
  const visit = (name: string): number => {
    const known = depth.get(name);
    if (known !== undefined) return known;
    const parents = inv.groups.get(name)?.parents ?? [];
    let d = 0;
    for (const p of parents) d = Math.max(d, visit(p) + 1);
    depth.set(name, d);
    return d;
  };
  for (const name of inv.groups.keys()) visit(name);
  return depth;
}

/** Python's sort of strings (by code point). */
export function compareNames(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Groups in the order their vars are merged: depth, then priority, then name (Ansible's sort_groups). */
export function sortGroups(inv: Inventory, names: Iterable<string>, depths = groupDepths(inv)): string[] {
  const key = (n: string): [number, number] => [depths.get(n) ?? 0, inv.groups.get(n)?.priority ?? 1];
  return [...names].sort((a, b) => {
    const [da, pa] = key(a);
    const [db, pb] = key(b);
    return da - db || pa - pb || compareNames(a, b);
  });
}

function getHost(inv: Inventory, host: string): InventoryHost {
  const h = inv.hosts.get(host);
  if (!h) throw new InventoryError(`unknown host '${host}': it is in no inventory source`);
  return h;
}

/** Every group a host is in: its direct groups and all their ancestors (including `all`). */
export function hostGroups(inv: Inventory, host: string): Set<string> {
  const out = new Set<string>();
  const todo = [...getHost(inv, host).groups];
  while (todo.length) {
    const g = todo.pop()!;
    if (out.has(g)) continue;
    out.add(g);
    todo.push(...(inv.groups.get(g)?.parents ?? []));
  }
  return out;
}

/** Ansible's `group_names`: the host's groups and their ancestors, sorted, without `all`. */
export function groupNames(inv: Inventory, host: string): string[] {
  return [...hostGroups(inv, host)].filter((g) => g !== 'all').sort(compareNames);
}

/**
 * The hosts of a group and of its descendants, in Ansible's order (Group.get_hosts): the group's
 * own hosts, then its children's, then grandchildren's, level by level. `all` never lists the
 * implicit localhost. Within one level Ansible visits sibling groups in Python set order (object
 * addresses, so not stable); here they are visited in definition order.
 */
export function groupHosts(inv: Inventory, group: string): string[] {
  const g = inv.groups.get(group);
  if (!g) return [];
  const ordered = [group, ...g.children];
  const seenGroups = new Set(ordered);
  let level = [...g.children];
  while (level.length) {
    const next: string[] = [];
    for (const name of level) {
      for (const c of inv.groups.get(name)?.children ?? []) {
        if (!seenGroups.has(c)) {
          seenGroups.add(c);
          ordered.push(c);
          next.push(c);
        }
      }
    }
    level = next;
  }
  const hosts: string[] = [];
  const seen = new Set<string>();
  for (const name of ordered) {
    for (const h of inv.groups.get(name)?.hosts ?? []) {
      if (seen.has(h)) continue;
      seen.add(h);
      if (group === 'all' && inv.hosts.get(h)?.implicit) continue;
      hosts.push(h);
    }
  }
  return hosts;
}

/** Ansible's `groups` magic variable: every group (with `all` and `ungrouped`) -> its hosts. */
export function groupsMap(inv: Inventory): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const name of inv.groups.keys()) out[name] = groupHosts(inv, name);
  return out;
}

/**
 * inventory_file and inventory_dir: the source a host was first read from (Ansible sets them on
 * the host when it creates it, so the host's own vars override them). A host-list host (no line)
 * has the list as its file and no folder; the implicit localhost has neither.
 */
function sourceVars(h: InventoryHost): Record<string, unknown> | undefined {
  const file = h.location?.file;
  if (h.implicit || file === undefined) return undefined;
  return { inventory_file: file, inventory_dir: h.location?.line === undefined ? null : dirname(file) };
}

/** The merged inventory variables of one host (a fresh copy the caller may change). */
export function hostVars(inv: Inventory, host: string): Record<string, unknown> {
  const h = getHost(inv, host);
  const groups = sortGroups(inv, [...hostGroups(inv, host)].filter((g) => g !== 'all'));
  const layers = inv.varsDirs ?? [];
  const byKind = [layers.filter((l) => l.kind === 'inventory'), layers.filter((l) => l.kind === 'playbook')];
  const out: Record<string, unknown> = {};
  const merge = (v: Record<string, unknown> | undefined): void => {
    if (v) Object.assign(out, v);
  };

  merge(inv.groups.get('all')?.vars);
  for (const kind of byKind) for (const l of kind) merge(l.groupVars.get('all'));
  for (const g of groups) merge(inv.groups.get(g)?.vars);
  for (const kind of byKind) for (const l of kind) for (const g of groups) merge(l.groupVars.get(g));
  merge(sourceVars(h));
  merge(h.vars);
  for (const kind of byKind) for (const l of kind) merge(l.hostVars.get(host));
  return structuredClone(out);
}
