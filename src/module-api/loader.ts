/**
 * Where modules come from: the built-ins, a `library/` folder next to the playbook, packages
 * named with --plugin, and `run({ modules })`. All go through the same registry, so a name
 * clash is always an error naming both sources.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { ModuleRegistry } from './registry.js';
import type { ModuleDefinition } from './types.js';
import { ModuleLoadError } from '../errors.js';

export interface ModuleSources {
  builtins: ModuleDefinition[];
  /** Directory of the playbook: its `library/` folder is searched. */
  playbookDir?: string;
  /** Package names (resolved from cwd). */
  plugins?: string[];
  /** Modules given in code. */
  modules?: ModuleDefinition[];
  cwd?: string;
}

const MODULE_FILE = /\.(m?js|ts)$/;

function definitionsOf(mod: Record<string, unknown>, source: string): ModuleDefinition[] {
  const candidates: unknown[] = [];
  const def = mod.default;
  if (Array.isArray(def)) candidates.push(...def);
  else if (def) candidates.push(def);
  if (Array.isArray(mod.modules)) candidates.push(...(mod.modules as unknown[]));
  const out: ModuleDefinition[] = [];
  for (const c of candidates) {
    if (!c || typeof c !== 'object' || typeof (c as ModuleDefinition).name !== 'string' || typeof (c as ModuleDefinition).diff !== 'function') {
      throw new ModuleLoadError(`${source} does not export a module definition (expected defineModule({ name, schema, diff, ... }) as default export or a 'modules' array)`);
    }
    out.push(c as ModuleDefinition);
  }
  if (!out.length) throw new ModuleLoadError(`${source} exports no module`);
  return out;
}

/** Whether this process has imported a custom module (a library/ file or a plugin package). */
let importedCustomCode = false;

/**
 * Whether a custom module's code was imported in this process: Node keeps an imported file for
 * good, so a long-lived process (the warm engine, src/cli/warm/) would run the old code after
 * the file changed.
 */
export function customCodeLoaded(): boolean {
  return importedCustomCode;
}

async function importFile(path: string): Promise<ModuleDefinition[]> {
  let mod: Record<string, unknown>;
  importedCustomCode = true;
  try {
    mod = (await import(pathToFileURL(path).href)) as Record<string, unknown>;
  } catch (e) {
    throw new ModuleLoadError(`cannot load module file ${path}: ${(e as Error).message}`, { cause: e });
  }
  return definitionsOf(mod, path);
}

/** Module files in a library/ folder: `x.js`, `x.mjs`, `x.ts` (when run through a TS loader), or `x/index.js`. */
function libraryFiles(dir: string): string[] {
  const files: string[] = [];
  for (const e of readdirSync(dir).sort()) {
    const p = join(dir, e);
    const st = statSync(p);
    if (st.isFile() && MODULE_FILE.test(e) && !e.endsWith('.d.ts') && !e.endsWith('.test.ts')) files.push(p);
    else if (st.isDirectory()) {
      for (const idx of ['index.js', 'index.mjs', 'index.ts']) if (existsSync(join(p, idx))) { files.push(join(p, idx)); break; }
    }
  }
  return files;
}

export async function buildRegistry(src: ModuleSources): Promise<ModuleRegistry> {
  const reg = new ModuleRegistry();
  for (const m of src.builtins) reg.register(m, 'built-in');
  if (src.playbookDir) {
    const lib = join(src.playbookDir, 'library');
    if (existsSync(lib) && statSync(lib).isDirectory()) {
      for (const f of libraryFiles(lib)) for (const d of await importFile(f)) reg.register(d, f);
    }
  }
  const cwd = src.cwd ?? process.cwd();
  for (const pkg of src.plugins ?? []) {
    let path: string;
    try {
      path = createRequire(join(resolve(cwd), 'noop.js')).resolve(pkg);
    } catch (e) {
      throw new ModuleLoadError(`plugin package '${pkg}' not found (install it next to your playbooks: npm install ${pkg})`, { cause: e });
    }
    let mod: Record<string, unknown>;
    importedCustomCode = true;
    try {
      mod = (await import(pathToFileURL(path).href)) as Record<string, unknown>;
    } catch (e) {
      throw new ModuleLoadError(`cannot load plugin package '${pkg}': ${(e as Error).message}`, { cause: e });
    }
    for (const d of definitionsOf(mod, `plugin '${pkg}'`)) reg.register(d, `plugin '${pkg}'`);
  }
  for (const m of src.modules ?? []) reg.register(m, 'run({ modules })');
  return reg;
}
