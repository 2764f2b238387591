/**
 * Where the manifest comes from, and how kubectl gets it:
 *
 * - `src` on the host (the default, as kubernetes.core.k8s's src, and as someone types
 *   `kubectl apply -f` on the master) or a URL: passed to `-f` as is; kubectl reads it there.
 * - `src` with `src_on: controller`: read on the controller (relative to the playbook; a
 *   directory gives its *.yaml, *.yml and *.json files in name order) and piped to `-f -`.
 * - `definition` (alias resource_definition): a YAML string, or a mapping or list of mappings
 *   (sent as JSON documents, which kubectl reads as YAML), piped to `-f -`.
 *
 * Piping on standard input writes nothing on the host: nothing to clean up, nothing left
 * behind in check mode.
 */
import { stat, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ModuleFailure, type GatherContext } from '../../src/index.js';
import type { FileArg } from './command.js';

export interface SourceArgs {
  src?: string;
  src_on: 'host' | 'controller';
  definition?: unknown;
}

/** The manifest, ready for kubectl. */
export interface Source {
  file: FileArg;
  /** Standard input for kubectl when `file` is stdin. */
  content?: string;
  /** What to call it in messages: the path, the URL, or "definition". */
  label: string;
}

/** A URL kubectl fetches itself. */
export function isUrl(s: string): boolean {
  return /^https?:\/\//i.test(s);
}

/** Check that exactly one source is given, with Ansible's wording. */
export function checkSourceArgs(a: SourceArgs): void {
  if (a.src != null && a.definition != null) throw new ModuleFailure('parameters are mutually exclusive: src|definition');
  if (a.src == null && a.definition == null) throw new ModuleFailure('one of the following is required: src, definition');
  if (a.src != null && a.src_on === 'controller' && isUrl(a.src)) {
    throw new ModuleFailure(`src_on: controller takes a file, not a URL: ${a.src} (kubectl on the host fetches URLs; use src_on: host)`);
  }
}

/** A definition as kubectl input: a string as written, mappings as JSON documents. */
export function definitionText(def: unknown): string {
  if (typeof def === 'string') {
    if (!def.trim()) throw new ModuleFailure('definition is empty');
    return def.endsWith('\n') ? def : `${def}\n`;
  }
  const docs = Array.isArray(def) ? def : [def];
  if (docs.length === 0) throw new ModuleFailure('definition is an empty list');
  for (const [i, d] of docs.entries()) {
    if (!d || typeof d !== 'object' || Array.isArray(d)) {
      throw new ModuleFailure(`definition${Array.isArray(def) ? `[${i}]` : ''} must be a mapping (a Kubernetes object), got ${Array.isArray(d) ? 'a list' : typeof d}`);
    }
  }
  return docs.map((d) => `${JSON.stringify(d)}\n`).join('---\n');
}

const MANIFEST_FILE = /\.(ya?ml|json)$/i;

/** A file or directory on the controller, as one stream of documents. */
async function controllerText(ctx: GatherContext, src: string): Promise<string> {
  const full = ctx.controller.resolve(src);
  let isDir = false;
  try {
    isDir = (await stat(full)).isDirectory();
  } catch {
    // Not on the local disk (or missing): controller.readFile says which.
  }
  try {
    if (!isDir) return (await ctx.controller.readFile(src)).toString('utf8');
    const names = (await readdir(full)).filter((n) => MANIFEST_FILE.test(n)).sort();
    if (names.length === 0) throw new ModuleFailure(`no *.yaml, *.yml or *.json file in directory ${full} on the controller`);
    const texts = await Promise.all(names.map((n) => readFile(join(full, n), 'utf8')));
    return texts.map((t) => (t.endsWith('\n') ? t : `${t}\n`)).join('---\n');
  } catch (e) {
    if (e instanceof ModuleFailure) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new ModuleFailure(`could not find src ${src} on the controller (looked at ${full})`);
    throw new ModuleFailure(`could not read src ${src} on the controller: ${(e as Error).message}`);
  }
}

/** Resolve the source (reads controller files; touches nothing on the host). */
export async function resolveSource(ctx: GatherContext, a: SourceArgs): Promise<Source> {
  checkSourceArgs(a);
  if (a.definition != null) return { file: { stdin: true }, content: definitionText(a.definition), label: 'definition' };
  const src = a.src!;
  if (a.src_on === 'controller') return { file: { stdin: true }, content: await controllerText(ctx, src), label: src };
  return { file: { path: src }, label: src };
}
