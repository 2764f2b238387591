/**
 * Loads what --list-hosts/--list-tasks/--list-tags/--syntax-check need, the same way run()
 * loads it (modules, inventory, playbook, validation), without connecting anywhere.
 */
import { dirname, resolve } from 'node:path';
import type { RunOptions } from '../executor/types.js';
import type { Inventory } from '../inventory/types.js';
import type { Playbook } from '../playbook/model.js';
import { buildRegistry } from '../module-api/loader.js';
import { loadInventory, parseLimit, selectHosts } from '../inventory/index.js';
import { loadPlaybook, validatePlaybook } from '../playbook/index.js';

export interface LoadedForListing {
  playbook: Playbook;
  inventory: Inventory;
  /** Hosts of a play pattern with --limit applied, in inventory order. */
  hostsFor(pattern: string): string[];
}

/** Load and validate the playbook and inventory of `opts`; throws InputError on bad input. */
export async function loadForListing(opts: RunOptions): Promise<LoadedForListing> {
  const cwd = opts.cwd ?? process.cwd();
  const playbookPath = resolve(cwd, opts.playbook);
  const playbookDir = dirname(playbookPath);
  // Imported when needed, as run() does: built-in modules import the public API.
  const { builtinModules } = await import('../../modules/index.js');
  const registry = await buildRegistry({ builtins: builtinModules, playbookDir, plugins: opts.plugins, modules: opts.modules, cwd });
  const inventory = await loadInventory(opts.inventory ?? [], { playbookDir, cwd });
  const playbook = await loadPlaybook(playbookPath, { registry });
  validatePlaybook(playbook, registry);
  const limit = opts.limit !== undefined ? parseLimit(opts.limit, { cwd }) : undefined;
  return {
    playbook,
    inventory,
    hostsFor: (pattern) => selectHosts(inventory, pattern, limit ? { limit } : {}),
  };
}
