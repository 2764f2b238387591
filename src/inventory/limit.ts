/**
 * `--limit` as Ansible reads it (InventoryManager.subset): a host pattern, where an `@file` part
 * is replaced by the file's lines (one pattern per line, e.g. a .retry file).
 */
import { readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { InventoryError } from '../errors.js';
import { splitHostPattern } from './patterns.js';

export interface ParseLimitOptions {
  /** Folder `@file` paths are relative to (default: process.cwd()). */
  cwd?: string;
  /** Reads a limit file (default: the file system). Returns undefined when it does not exist. */
  readFile?: (path: string) => string | undefined;
}

function readFromDisk(path: string): string | undefined {
  let st;
  try {
    st = statSync(path);
  } catch {
    return undefined;
  }
  if (st.isDirectory()) throw new InventoryError(`Limit starting with "@" must be a file, not a directory: ${path}`);
  return readFileSync(path, 'utf8');
}

/** The limit patterns for SelectOptions.limit, with every `@file` read. */
export function parseLimit(limit: string | string[], opts: ParseLimitOptions = {}): string[] {
  const read = opts.readFile ?? readFromDisk;
  const out: string[] = [];
  for (const p of splitHostPattern(limit)) {
    if (p[0] !== '@') {
      out.push(p);
      continue;
    }
    const path = resolve(opts.cwd ?? process.cwd(), p.slice(1));
    const text = read(path);
    if (text === undefined) throw new InventoryError(`Unable to find limit file ${path}`, { location: { file: path } });
    out.push(...text.split('\n').map((l) => l.trim()).filter((l) => l));
  }
  return out;
}
