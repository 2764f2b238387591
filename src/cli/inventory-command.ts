/**
 * `k8splay inventory`: ansible-inventory's --list (same JSON), --host and --graph.
 */
import { resolve } from 'node:path';
import type { Writable } from 'node:stream';
import { OptionsError } from '../errors.js';
import type { Inventory } from '../inventory/types.js';
import { formatListJson, inventoryListJson, loadInventory } from '../inventory/index.js';
import { didYouMean } from '../util/suggest.js';
import type { InventoryInvocation } from './args.js';

/** ansible-inventory --graph: `@group:` lines with `  |--` per level; hosts under their groups. */
export function inventoryGraph(inv: Inventory, group = 'all'): string {
  if (!inv.groups.has(group)) {
    throw new OptionsError(`Pattern must be valid group name when using --graph${didYouMean(group, inv.groups.keys())}`);
  }
  const lines: string[] = [];
  const name = (n: string, depth: number): string => (depth ? `${'  |'.repeat(depth)}--${n}` : n);
  const walk = (g: string, depth: number): void => {
    const grp = inv.groups.get(g)!;
    lines.push(name(`@${g}:`, depth));
    for (const c of grp.children) walk(c, depth + 1);
    if (g !== 'all') for (const h of grp.hosts) lines.push(name(h, depth + 1));
  };
  walk(group, 0);
  return lines.join('\n');
}

/** The text `k8splay inventory` prints for an invocation (without the final newline). */
export function inventoryOutput(inv: Inventory, cmd: Pick<InventoryInvocation, 'action' | 'host' | 'group'>): string {
  if (cmd.action === 'graph') return inventoryGraph(inv, cmd.group);
  const doc = inventoryListJson(inv);
  if (cmd.action === 'list') return formatListJson(doc);
  const host = cmd.host!;
  if (!inv.hosts.has(host)) {
    throw new OptionsError(`You must pass a single valid host to --host parameter${didYouMean(host, inv.hosts.keys())}`);
  }
  const hostvars = (doc['_meta'] as { hostvars: Record<string, unknown> }).hostvars;
  return formatListJson(hostvars[host] ?? {});
}

/** Run `k8splay inventory`; returns the exit code. */
export async function inventoryCommand(cmd: InventoryInvocation, out: Writable, cwd: string): Promise<number> {
  const inv = await loadInventory(cmd.inventory, { cwd, ...(cmd.playbookDir ? { playbookDir: resolve(cwd, cmd.playbookDir) } : {}) });
  out.write(inventoryOutput(inv, cmd) + '\n');
  return 0;
}
