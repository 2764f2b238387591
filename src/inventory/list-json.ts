/**
 * The document `ansible-inventory -i FILE --list` prints (cli/inventory.py json_inventory):
 * `_meta.hostvars` holds every host's merged variables (hosts without any are left out, and so
 * are Ansible's internal ones such as inventory_file); each group shows its direct `hosts` and
 * `children` (empty lists omitted, a group with neither omitted); `all` shows only children.
 * Ansible prints it with sorted keys and an indent of 4, which formatListJson reproduces.
 */
import { compareNames, groupHosts, hostVars } from './host-vars.js';
import type { Inventory } from './types.js';

/** Variables ansible-inventory never prints (its INTERNAL_VARS). */
export const INTERNAL_VARS: ReadonlySet<string> = new Set([
  'ansible_diff_mode', 'ansible_config_file', 'ansible_facts', 'ansible_forks', 'ansible_inventory_sources',
  'ansible_limit', 'ansible_playbook_python', 'ansible_run_tags', 'ansible_skip_tags', 'ansible_verbosity',
  'ansible_version', 'inventory_dir', 'inventory_file', 'inventory_hostname', 'inventory_hostname_short',
  'groups', 'group_names', 'omit', 'playbook_dir',
]);

/** Ansible's `--list` document (keys in the order Ansible prints them: sorted). */
export function inventoryListJson(inv: Inventory): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const seen = new Set<string>();
  const formatGroup = (name: string): void => {
    const g = inv.groups.get(name)!;
    const entry: Record<string, unknown> = {};
    // Ansible creates the group's entry before its children's, then removes it if it stays empty.
    out[name] = entry;
    if (name !== 'all' && g.hosts.length) entry['hosts'] = [...g.hosts];
    if (g.children.length) entry['children'] = [...g.children];
    for (const c of g.children) {
      if (!seen.has(c)) {
        formatGroup(c);
        seen.add(c);
      }
    }
    if (Object.keys(entry).length === 0) delete out[name];
  };
  formatGroup('all');

  const hostvars: Record<string, unknown> = {};
  for (const h of groupHosts(inv, 'all')) {
    const vars = hostVars(inv, h);
    for (const k of INTERNAL_VARS) delete vars[k];
    if (Object.keys(vars).length) hostvars[h] = vars;
  }
  out['_meta'] = { hostvars };
  return sortKeys(out) as Record<string, unknown>;
}

/** A copy with every object's keys sorted (Python's json.dumps(sort_keys=True)). */
export function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(o).sort(compareNames)) out[k] = sortKeys(o[k]);
    return out;
  }
  return v;
}

/**
 * Text as Python's `json.dumps(v, sort_keys=True, indent=4, ensure_ascii=False)` writes it,
 * so `k8splay inventory --list` can print what ansible-inventory prints.
 */
export function formatListJson(v: unknown, indent = ''): string {
  const inner = indent + '    ';
  if (Array.isArray(v)) {
    if (v.length === 0) return '[]';
    return `[\n${v.map((x) => inner + formatListJson(x, inner)).join(',\n')}\n${indent}]`;
  }
  if (v && typeof v === 'object') {
    const keys = Object.keys(v).sort(compareNames);
    if (keys.length === 0) return '{}';
    const o = v as Record<string, unknown>;
    return `{\n${keys.map((k) => `${inner}${JSON.stringify(k)}: ${formatListJson(o[k], inner)}`).join(',\n')}\n${indent}}`;
  }
  if (typeof v === 'number' && !Number.isFinite(v)) return Number.isNaN(v) ? 'NaN' : v > 0 ? 'Infinity' : '-Infinity';
  return JSON.stringify(v ?? null);
}
