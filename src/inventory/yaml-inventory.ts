/**
 * Ansible's YAML inventory (plugins/inventory/yaml.py): top-level keys are groups; each group may
 * have `hosts` (name -> vars), `vars` and `children` (nested groups). Values keep their YAML types.
 * Where Ansible only warns and skips (an unknown key, a group that is not a mapping), this is an
 * InventoryError at file:line.
 */
import { isMap, isScalar, type Pair, type YAMLMap } from 'yaml';
import { InventoryError, type SourceLocation } from '../errors.js';
import { didYouMean } from '../util/suggest.js';
import { addChildGroup, addGroup, addHost, setGroupVar, setHostVar } from './build.js';
import { expandHostPattern } from './ini.js';
import type { Inventory } from './types.js';
import { isMapping, parseYamlDocument, type YamlFile } from './yaml-file.js';

const SECTIONS = ['hosts', 'vars', 'children'];

/** Why a text is not a YAML inventory (so the caller can try INI instead), or undefined. */
export function notYamlInventory(text: string, file: string): string | undefined {
  let data: unknown;
  try {
    data = parseYamlDocument(text, file).doc.toJS({ maxAliasCount: 1000 });
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  }
  if (!data) return 'Parsed empty YAML file';
  if (!isMapping(data)) return `YAML inventory has invalid structure, it should be a dictionary, got: ${Array.isArray(data) ? 'list' : typeof data}`;
  return undefined;
}

/** Adds one YAML inventory source to an inventory being built. */
export function addYamlSource(inv: Inventory, text: string, file: string): void {
  const y = parseYamlDocument(text, file);
  const root = y.deref(y.doc.contents);
  if (!isMap(root) || root.items.length === 0) {
    throw new InventoryError(`${file} is not a YAML inventory: expected a mapping of group names`, { location: { file, line: 1 } });
  }
  if (root.items.some((p) => keyOf(p) === 'plugin')) {
    throw new InventoryError(`${file} configures an inventory plugin, which k8splay does not support`, { location: y.where(root) });
  }
  for (const pair of root.items) parseGroup(inv, y, pair);
  if (!inv.sources.includes(file)) inv.sources.push(file);
}

function keyOf(pair: Pair): string {
  const k = pair.key;
  return String(isScalar(k) ? k.value : k);
}

function parseGroup(inv: Inventory, y: YamlFile, pair: Pair): string {
  const name = keyOf(pair);
  const at = y.where(pair.key);
  const node = y.deref(pair.value);
  const isNull = node === null || node === undefined || (isScalar(node) && node.value === null);
  if (!isNull && !isMap(node)) {
    throw new InventoryError(`group '${name}' must be a mapping with hosts, vars or children`, { location: at });
  }
  addGroup(inv, name, at);
  if (isNull) return name;
  for (const sec of (node as YAMLMap).items as Pair[]) {
    const key = keyOf(sec);
    const where = y.where(sec.key);
    if (!SECTIONS.includes(key)) {
      throw new InventoryError(
        `unexpected key '${key}' in group '${name}': only "vars", "children" and "hosts" are valid${didYouMean(key, SECTIONS)}`,
        { location: where },
      );
    }
    const body = y.deref(sec.value);
    if (body === null || body === undefined || (isScalar(body) && body.value === null)) continue;
    // A bare string stands for a one-entry mapping (`hosts: web1`).
    const entries: Array<{ key: string; value: unknown; where: SourceLocation; pair?: Pair }> = [];
    if (isScalar(body) && typeof body.value === 'string') {
      entries.push({ key: body.value, value: null, where: y.where(body) });
    } else if (isMap(body)) {
      for (const p of body.items as Pair[]) entries.push({ key: keyOf(p), value: p.value, where: y.where(p.key), pair: p });
    } else {
      throw new InventoryError(`Invalid "${key}" entry for "${name}" group, requires a dictionary`, { location: where });
    }
    for (const e of entries) {
      if (key === 'vars') {
        setGroupVar(inv, name, e.key, y.value(e.value), e.where);
      } else if (key === 'children') {
        const child = e.pair ? parseGroup(inv, y, e.pair) : (addGroup(inv, e.key, e.where), e.key);
        addChildGroup(inv, name, child, e.where);
      } else {
        const vars = e.value === null ? {} : y.value(e.value);
        if (vars !== null && !isMapping(vars)) {
          throw new InventoryError(`variables of host '${e.key}' must be a mapping`, { location: e.where });
        }
        const fail = (message: string): never => {
          throw new InventoryError(message, { location: e.where });
        };
        const { hosts, port } = expandHostPattern(e.key, fail);
        for (const h of hosts) {
          addHost(inv, h, { group: name, ...(port !== undefined ? { port } : {}), location: e.where });
          for (const [k, v] of Object.entries(vars ?? {})) setHostVar(inv, h, k, v);
        }
      }
    }
  }
  return name;
}
