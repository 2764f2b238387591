/**
 * Reading `-i` sources into one Inventory, the way Ansible's InventoryManager does: sources are
 * merged in the order given; a comma list (`-i 'a,b,'`) is a host list; a folder is read entry by
 * entry (sorted, recursively), skipping what Ansible skips (hidden files, group_vars/, host_vars/,
 * and the extensions of inventory_ignore_extensions, which include `.ini`!); a file is read as a
 * YAML inventory when it is one, else as INI. Then the group_vars/ and host_vars/ next to each
 * source, and next to the playbook, are loaded.
 *
 * Files are read with synchronous calls (the functions stay async): inventories are a few small
 * local files, read before any host is contacted, and an asynchronous stat or read costs
 * thread-pool rounds (a read four) and, for a missing path, an Error with its stack.
 */
import { accessSync, constants as fsConstants, readdirSync, readFileSync, statSync, type Stats } from 'node:fs';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { homedir } from 'node:os';
import { InventoryError, K8splayError } from '../errors.js';
import { emptyInventory, reconcileInventory } from './build.js';
import { addHostListSource, isHostListSource } from './host-list.js';
import { addIniSource } from './ini.js';
import type { Inventory, VarsDir } from './types.js';
import { loadVarsDir } from './vars-dirs.js';
import { addYamlSource, notYamlInventory } from './yaml-inventory.js';
import { parseYamlDocument } from './yaml-file.js';

/** Ansible's REJECT_EXTS plus the inventory-only ones ('.orig', '.ini', '.cfg', '.retry'). */
export const INVENTORY_IGNORE_EXTENSIONS: readonly string[] = [
  '.pyc', '.pyo', '.swp', '.bak', '~', '.rpm', '.md', '.txt', '.rst', '.orig', '.ini', '.cfg', '.retry',
];
const IGNORED_NAMES = ['host_vars', 'group_vars', 'vars_plugins'];
const YAML_EXTENSIONS = ['.yml', '.yaml', '.json'];

/** Whether Ansible skips this entry of an inventory folder. */
export function isIgnoredInventoryEntry(name: string): boolean {
  return name.startsWith('.') || IGNORED_NAMES.includes(name) || INVENTORY_IGNORE_EXTENSIONS.some((e) => name.endsWith(e));
}

export interface LoadInventoryOptions {
  /** The playbook's folder: its group_vars/ and host_vars/ win over the inventory's. */
  playbookDir?: string;
  /** Folder relative sources are resolved against (default: process.cwd()). */
  cwd?: string;
}

/** The path's status, or undefined when it cannot be read (missing or otherwise). */
function statOf(p: string): Stats | undefined {
  try {
    return statSync(p, { throwIfNoEntry: false });
  } catch {
    return undefined;
  }
}

function expandHome(p: string): string {
  return p === '~' || p.startsWith('~/') ? join(homedir(), p.slice(1)) : p;
}

/**
 * Reads every source into one inventory (reconciled: `all`, `ungrouped`, implicit localhost),
 * with the vars folders of each source and of `opts.playbookDir`. With no source, the result is
 * an empty inventory where only the implicit localhost exists, as with Ansible.
 */
export async function loadInventory(sources: string[], opts: LoadInventoryOptions = {}): Promise<Inventory> {
  const cwd = opts.cwd ?? process.cwd();
  const inv = emptyInventory();
  const varsDirs: string[] = [];
  for (const src of sources) {
    if (!src) continue;
    const path = resolve(cwd, expandHome(src));
    const st = statOf(path);
    if (isHostListSource(src, st !== undefined)) {
      addHostListSource(inv, src);
      continue;
    }
    if (!st) {
      throw new InventoryError(`inventory source not found: ${src}`, {
        location: { file: path },
        details: src.includes('/') ? [] : [`to name a single host, end it with a comma: -i '${src},'`],
      });
    }
    if (st.isDirectory()) {
      const read = await addDirectorySource(inv, path);
      if (read === 0) {
        const skipped = readdirSync(path).filter((e) => isIgnoredInventoryEntry(e) && !IGNORED_NAMES.includes(e) && !e.startsWith('.'));
        throw new InventoryError(`no inventory file in folder ${src}`, {
          location: { file: path },
          details: skipped.length
            ? [
                `skipped, as Ansible does (inventory_ignore_extensions): ${skipped.join(', ')}`,
                `pass the file itself (-i ${join(src, skipped[0]!)}) or rename it without that extension`,
              ]
            : [],
        });
      }
      varsDirs.push(path);
    } else {
      await addFileSource(inv, path);
      varsDirs.push(dirname(path));
    }
  }
  reconcileInventory(inv);

  const cache = new Map<string, VarsDir>();
  const layers: VarsDir[] = [];
  for (const dir of varsDirs) {
    let layer = cache.get(dir);
    if (!layer) {
      layer = await loadVarsDir(inv, dir, 'inventory');
      cache.set(dir, layer);
    }
    layers.push(layer);
  }
  if (opts.playbookDir) {
    const pdir = resolve(cwd, opts.playbookDir);
    // The same folder as an inventory source holds the same files: loading it twice changes nothing.
    if (!cache.has(pdir)) layers.push(await loadVarsDir(inv, pdir, 'playbook'));
  }
  inv.varsDirs = layers;
  return inv;
}

/** Reads an inventory folder's entries; returns how many files were read as inventories. */
async function addDirectorySource(inv: Inventory, dir: string): Promise<number> {
  let count = 0;
  for (const name of readdirSync(dir).sort()) {
    if (isIgnoredInventoryEntry(name)) continue;
    const full = join(dir, name);
    const st = statSync(full);
    if (st.isDirectory()) count += await addDirectorySource(inv, full);
    else if (st.isFile()) {
      await addFileSource(inv, full);
      count++;
    }
  }
  return count;
}

/** Reads one inventory file: a YAML inventory when it is one, INI otherwise. */
export async function addFileSource(inv: Inventory, file: string): Promise<void> {
  const text = readFileSync(file, 'utf8');
  const ext = extname(file);
  if (ext === '.toml') {
    throw new InventoryError(`TOML inventories are not supported: ${basename(file)}`, { location: { file } });
  }
  if (text.startsWith('#!') && isExecutable(file)) {
    throw new InventoryError(`${file} is an executable inventory script, which k8splay does not run`, {
      location: { file, line: 1 },
      details: ['write the hosts as an INI or YAML inventory instead'],
    });
  }
  if (ext === '' || YAML_EXTENSIONS.includes(ext)) {
    const whyNot = notYamlInventory(text, file);
    if (whyNot === undefined) return addYamlSource(inv, text, file);
    if (ext !== '') {
      // Ansible falls back to the INI reader for a .yml file that is not a YAML inventory.
      try {
        return addIniSource(inv, text, file);
      } catch (e) {
        if (!(e instanceof K8splayError)) throw e;
        parseYamlDocument(text, file); // throws the located YAML syntax error, when that was the problem
        throw new InventoryError(`${file} is neither a YAML nor an INI inventory: ${whyNot}`, {
          location: { file, line: 1 },
          details: [`read as INI: ${e.describe()}`],
        });
      }
    }
  }
  addIniSource(inv, text, file);
}

function isExecutable(file: string): boolean {
  try {
    accessSync(file, fsConstants.X_OK);
    return true;
  } catch {
    return false;
  }
}
