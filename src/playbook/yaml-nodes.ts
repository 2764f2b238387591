/**
 * Walking parsed YAML nodes: mappings with their keys' positions, aliases followed and
 * `<<` merge keys expanded, values converted to plain data on demand.
 */
import { isAlias, isMap, isScalar, isSeq, type Node as YNode, type YAMLMap, type YAMLSeq } from 'yaml';
import type { YamlFile } from './yaml-source.js';

/** One `key: value` of a mapping. `keyNode` carries the key's position. */
export interface MapEntry {
  key: string;
  keyNode: YNode;
  value: YNode | null;
}

/** Follow an alias (`*name`) to the node it stands for. */
export function deref(file: YamlFile, node: unknown): YNode | null {
  let n = node as YNode | null | undefined;
  for (let i = 0; i < 100 && n && isAlias(n); i++) n = file.doc ? (n.resolve(file.doc) as YNode | undefined) : undefined;
  return n ?? null;
}

export function asMap(file: YamlFile, node: unknown): YAMLMap | null {
  const n = deref(file, node);
  return n && isMap(n) ? n : null;
}

export function asSeq(file: YamlFile, node: unknown): YAMLSeq | null {
  const n = deref(file, node);
  return n && isSeq(n) ? n : null;
}

function isMergeKey(key: unknown): boolean {
  return isScalar(key) && (typeof key.value === 'symbol' || (key.source === '<<' && key.type === 'PLAIN'));
}

/** Entries of a mapping in source order. Merged (`<<`) entries come first; the mapping's own keys win. */
export function mapEntries(file: YamlFile, map: YAMLMap): MapEntry[] {
  const own: MapEntry[] = [];
  const merged: MapEntry[] = [];
  for (const pair of map.items) {
    if (isMergeKey(pair.key)) {
      const v = deref(file, pair.value);
      const sources = v && isSeq(v) ? v.items.map((i) => deref(file, i)) : [v];
      for (const s of sources) {
        if (s && isMap(s)) {
          for (const e of mapEntries(file, s)) if (!merged.some((m) => m.key === e.key)) merged.push(e);
        }
      }
      continue;
    }
    const keyNode = pair.key as YNode;
    const key = isScalar(keyNode) ? String(keyNode.value) : String(keyNode);
    own.push({ key, keyNode, value: deref(file, pair.value) });
  }
  return [...merged.filter((m) => !own.some((o) => o.key === m.key)), ...own];
}

/** Plain data of a node (aliases and merges resolved), null for an empty value. */
export function toData(file: YamlFile, node: YNode | null): unknown {
  if (!node || !file.doc) return null;
  return node.toJS(file.doc);
}

/** "a string", "a list"... for messages about the wrong kind of value. */
export function describeKind(value: unknown): string {
  if (value === null || value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'number') return Number.isInteger(value) ? 'an integer' : 'a number';
  if (typeof value === 'boolean') return 'a boolean';
  return 'a string';
}

/**
 * The node a data path points at inside `value` (mapping keys by name, list items by index):
 * the deepest key (or item) that exists. Used to place keyword errors.
 */
export function nodeAtPath(file: YamlFile, keyNode: YNode, value: YNode | null, path: Array<string | number>): YNode {
  let best = keyNode;
  let cur = value;
  for (const seg of path) {
    const n = deref(file, cur);
    if (n && isMap(n) && typeof seg === 'string') {
      const e = mapEntries(file, n).find((x) => x.key === seg);
      if (!e) break;
      best = e.keyNode;
      cur = e.value;
    } else if (n && isSeq(n) && typeof seg === 'number') {
      const item = deref(file, n.items[seg]);
      if (!item) break;
      best = item;
      cur = item;
    } else break;
  }
  return best;
}
