/**
 * Entry points: a playbook file, or a task file (include_tasks at run time), read into the
 * model with every error collected and reported at once.
 */
import { dirname, resolve } from 'node:path';
import type { ModuleRegistry } from '../module-api/registry.js';
import type { Node, Playbook } from './model.js';
import { Diagnostics } from './diagnostics.js';
import { readYamlFile } from './yaml-source.js';
import { displayPath } from './paths.js';
import { parsePlays } from './plays.js';
import { type Scope, parseTaskFile } from './tasks.js';
import type { ModuleDefaults } from './module-call.js';

export interface LoadOptions {
  /** Modules the playbook may use (resolves names, FQCN and Ansible names). */
  registry: ModuleRegistry;
  /** Directory relative paths are resolved from and shown relative to (default: process.cwd()). */
  cwd?: string;
}

export interface LoadTaskFileOptions extends LoadOptions {
  /** module_defaults in force at the include (IncludeNode.moduleDefaults). */
  moduleDefaults?: Record<string, Record<string, unknown>>;
}

function scopeFor(opts: LoadOptions, diag: Diagnostics, defaults: ModuleDefaults = new Map()): Scope {
  return { registry: opts.registry, diag, cwd: resolve(opts.cwd ?? process.cwd()), stack: [], moduleDefaults: defaults };
}

/**
 * Read a playbook: YAML with positions, plays and `import_playbook` spliced, tasks normalised.
 * Throws a PlaybookError (a PlaybookErrorList when there are several) naming file:line:col.
 * Module arguments are not validated here: call `validatePlaybook` next.
 */
export async function loadPlaybook(path: string, opts: LoadOptions): Promise<Playbook> {
  const diag = new Diagnostics();
  const scope = scopeFor(opts, diag);
  const abs = resolve(scope.cwd, path);
  const file = await readYamlFile(abs, displayPath(abs, scope.cwd));
  const plays = await parsePlays(file, { ...scope, stack: [abs] });
  diag.throwIfAny();
  return { path: abs, baseDir: dirname(abs), plays };
}

/**
 * Read a task file (what include_tasks loads at run time): same parsing as tasks in a playbook;
 * `path` is resolved against `cwd` (the executor passes an absolute path).
 */
export async function loadTaskFile(path: string, opts: LoadTaskFileOptions): Promise<Node[]> {
  const diag = new Diagnostics();
  const defaults: ModuleDefaults = new Map();
  for (const [name, args] of Object.entries(opts.moduleDefaults ?? {})) defaults.set(name, { args, locations: {} });
  const scope = scopeFor(opts, diag, defaults);
  const abs = resolve(scope.cwd, path);
  const file = await readYamlFile(abs, displayPath(abs, scope.cwd));
  const nodes = await parseTaskFile(file, scope);
  diag.throwIfAny();
  return nodes;
}
