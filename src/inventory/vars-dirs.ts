/**
 * group_vars/ and host_vars/ folders (Ansible's host_group_vars plugin). For a group or host
 * NAME, the first of `NAME`, `NAME.yml`, `NAME.yaml`, `NAME.json` that exists is used; when it is
 * a folder, every file in it (sorted, recursively, hidden and `~` files skipped, only those with
 * no extension or a YAML/JSON one) is merged in order.
 *
 * The folders are read with synchronous calls (the functions stay async): a run looks for ~4
 * folders that usually do not exist, and an asynchronous stat costs a thread-pool round and,
 * when missing, an Error with its stack, several times what the call itself does.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join } from 'node:path';
import { InventoryError } from '../errors.js';
import type { Inventory, VarsDir } from './types.js';
import { isMapping, parseYamlFile } from './yaml-file.js';

const VARS_EXTENSIONS = ['.yml', '.yaml', '.json'];

/**
 * The variables of one vars file's text: a mapping, or nothing for an empty file.
 * Throws InventoryError for anything else.
 */
export function parseVarsFile(text: string, file: string): Record<string, unknown> {
  const data = parseYamlFile(text, file);
  if (data === null || data === undefined || data === '' || data === false) return {};
  if (!isMapping(data)) {
    const kind = Array.isArray(data) ? 'a list' : `a ${typeof data}`;
    throw new InventoryError(`${file} must hold a mapping of variable names to values, not ${kind}`, { location: { file, line: 1 } });
  }
  return data;
}

function kindOf(path: string): 'file' | 'dir' | undefined {
  try {
    const s = statSync(path, { throwIfNoEntry: false });
    return s?.isDirectory() ? 'dir' : s?.isFile() ? 'file' : undefined;
  } catch {
    return undefined;
  }
}

/** The files of a NAME/ vars folder, in the order Ansible merges them. */
async function filesInVarsFolder(dir: string): Promise<string[]> {
  const out: string[] = [];
  const entries = readdirSync(dir).sort();
  for (const e of entries) {
    if (e.startsWith('.') || e.endsWith('~')) continue;
    const full = join(dir, e);
    const ext = extname(e);
    const k = kindOf(full);
    if (k === 'dir' && !ext) out.push(...(await filesInVarsFolder(full)));
    else if (k === 'file' && (!ext || VARS_EXTENSIONS.includes(ext))) out.push(full);
  }
  return out;
}

/** The vars files for entity `name` under `base` (a group_vars/ or host_vars/ folder). */
export async function findVarsFiles(base: string, name: string): Promise<string[]> {
  for (const ext of ['', ...VARS_EXTENSIONS]) {
    const p = join(base, name + ext);
    const k = kindOf(p);
    if (k === 'dir') return filesInVarsFolder(p);
    if (k === 'file') return [p];
  }
  return [];
}

/** Reads and merges (later files win, whole values replaced) the vars files of one entity. */
async function loadEntityVars(base: string, name: string): Promise<Record<string, unknown> | undefined> {
  // Names that are paths ('chroot' style hosts) are skipped, as Ansible does.
  if (name.startsWith('/')) return undefined;
  const files = await findVarsFiles(base, name);
  if (files.length === 0) return undefined;
  let merged: Record<string, unknown> = {};
  for (const f of files) merged = { ...merged, ...parseVarsFile(readFileSync(f, 'utf8'), f) };
  return merged;
}

/**
 * Reads `dir`/group_vars and `dir`/host_vars for every group and host of `inv`.
 * Missing folders are fine; a group_vars or host_vars that is not a folder is an error.
 */
export async function loadVarsDir(inv: Inventory, dir: string, kind: VarsDir['kind']): Promise<VarsDir> {
  const out: VarsDir = { dir, kind, groupVars: new Map(), hostVars: new Map() };
  const plan: Array<[string, Iterable<string>, Map<string, Record<string, unknown>>]> = [
    ['group_vars', inv.groups.keys(), out.groupVars],
    ['host_vars', inv.hosts.keys(), out.hostVars],
  ];
  for (const [sub, names, target] of plan) {
    const base = join(dir, sub);
    const k = kindOf(base);
    if (k === undefined) continue;
    if (k !== 'dir') throw new InventoryError(`${base} is not a directory`, { location: { file: base } });
    for (const name of names) {
      const vars = await loadEntityVars(base, name);
      if (vars) target.set(name, vars);
    }
  }
  return out;
}
