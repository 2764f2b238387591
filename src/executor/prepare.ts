/**
 * Loading and validation shared by run() and the CLI listing options (--list-tasks and friends,
 * inventory, playbook, arguments. Throws InputError before any host is contacted.
 */
import { dirname, resolve } from 'node:path';
import type { RunOptions } from './types.js';
import type { Inventory } from '../inventory/types.js';
import type { Playbook } from '../playbook/model.js';
import type { ModuleRegistry } from '../module-api/registry.js';
import { buildRegistry } from '../module-api/loader.js';
import { loadInventory, parseLimit, selectHosts } from '../inventory/index.js';
import { loadPlaybook, validatePlaybook } from '../playbook/index.js';
import { traceMark } from './run-trace.js';

export interface PreparedRun {
  cwd: string;
  playbookPath: string;
  playbookDir: string;
  registry: ModuleRegistry;
  inventory: Inventory;
  playbook: Playbook;
  /** --limit patterns (split, @files read), or undefined. */
  limit?: string[];
  /** Hosts of a pattern with --limit applied, in inventory order. */
  hostsFor(pattern: string): string[];
}

export async function prepareRun(opts: RunOptions): Promise<PreparedRun> {
  const cwd = opts.cwd ?? process.cwd();
  const playbookPath = resolve(cwd, opts.playbook);
  const playbookDir = dirname(playbookPath);
  traceMark('prepare: start');
  // Imported when needed: built-in modules import the public API, which exports run().
  const { builtinModules } = await import('../../modules/index.js');
  traceMark('prepare: modules imported');
  const registry = await buildRegistry({ builtins: builtinModules, playbookDir, plugins: opts.plugins, modules: opts.modules, cwd });
  traceMark('prepare: registry built');
  const inventory = await loadInventory(opts.inventory ?? [], { playbookDir, cwd });
  traceMark('prepare: inventory loaded');
  const playbook = await loadPlaybook(playbookPath, { registry, cwd });
  traceMark('prepare: playbook loaded');
  validatePlaybook(playbook, registry);
  traceMark('prepare: playbook validated');
  const limit = opts.limit !== undefined ? parseLimit(opts.limit, { cwd }) : undefined;
  return {
    cwd, playbookPath, playbookDir, registry, inventory, playbook, limit,
    hostsFor: (pattern) => selectHosts(inventory, pattern, limit ? { limit } : {}),
  };
}
