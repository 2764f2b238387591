/**
 * The sandbox registry: static JSON files generated from REGISTRY_IMAGES and served under
 * `registry/` by the sandbox repository server. Layout (the contract with the docker stand-in,
 * src/sandbox/standins/CONTRACT.md):
 *   registry/<host>/_catalog.json        {"repositories": [...], "tags": {"<path>": [...]}}
 *   registry/<host>/<path>/<tag>.json    {"id", "digest", "size", "created", "layers"}
 * A host with a tree is reachable; any other registry is out of reach, as from a machine
 * behind the walkthrough's firewall.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { SandboxError } from './errors.js';
import { REGISTRY_IMAGES, type RegistryImage } from './registry-images.js';

/** Where each host finds the registry's base URL (written by `up`). */
export const REGISTRY_URL_FILE = 'etc/k8splay-standin/registry.url';

/** The registry's directory inside the package repository, and so in its URL. */
export const REGISTRY_DIR = 'registry';

export interface RegistryManifest {
  /** Image id, "sha256:<64 hex>". */
  id: string;
  /** Manifest digest, "sha256:<64 hex>" (what `docker pull` prints and RepoDigests hold). */
  digest: string;
  size: number;
  created: string;
  /** Layer digests, base first. */
  layers: string[];
}

function sha(text: string): string {
  return `sha256:${createHash('sha256').update(text).digest('hex')}`;
}

/** Splits "host/path:tag"; a reference without a registry host or tag is refused (the list is explicit). */
export function splitImageRef(ref: string): { host: string; path: string; tag: string } {
  const m = /^([a-z0-9.-]+(?::\d+)?)\/([a-z0-9]+(?:[._-][a-z0-9]+)*(?:\/[a-z0-9]+(?:[._-][a-z0-9]+)*)*):([\w][\w.-]{0,127})$/.exec(ref);
  if (!m || !m[1]!.includes('.')) throw new SandboxError(`registry image '${ref}' must be written host/path:tag`);
  return { host: m[1]!, path: m[2]!, tag: m[3]! };
}

/** The manifest of one image: fixed fake ids derived from its content. */
export function manifestOf(img: RegistryImage): RegistryManifest {
  return {
    id: sha(`k8splay sandbox stand-in image: ${img.content}`),
    digest: sha(`k8splay sandbox stand-in manifest: ${img.content}`),
    size: img.size,
    created: img.created,
    layers: img.layers.map((l) => sha(`k8splay sandbox stand-in layer: ${l}`)),
  };
}

/** Every file of the registry tree: path relative to the registry directory -> content. */
export function registryFiles(images: readonly RegistryImage[] = REGISTRY_IMAGES): Map<string, string> {
  const files = new Map<string, string>();
  const catalogs = new Map<string, Map<string, string[]>>();
  for (const img of images) {
    const { host, path, tag } = splitImageRef(img.ref);
    const file = `${host}/${path}/${tag}.json`;
    if (files.has(file)) throw new SandboxError(`registry image '${img.ref}' is listed twice`);
    files.set(file, JSON.stringify(manifestOf(img), null, 2) + '\n');
    const repos = catalogs.get(host) ?? new Map<string, string[]>();
    catalogs.set(host, repos);
    repos.set(path, [...(repos.get(path) ?? []), tag]);
  }
  for (const [host, repos] of catalogs) {
    const names = [...repos.keys()].sort();
    const catalog = { repositories: names, tags: Object.fromEntries(names.map((n) => [n, repos.get(n)!.sort()])) };
    files.set(`${host}/_catalog.json`, JSON.stringify(catalog, null, 2) + '\n');
  }
  return files;
}

/** A short hash of the whole tree (part of the package repository's cache key). */
export function registryTreeHash(images: readonly RegistryImage[] = REGISTRY_IMAGES): string {
  const files = registryFiles(images);
  const text = [...files.keys()].sort().map((k) => `${k}\n${files.get(k)}`).join('\n');
  return sha(text).slice(7, 19);
}

/** Writes the registry tree into `dir` (the repository's registry/ directory). */
export function writeRegistryTree(dir: string, images: readonly RegistryImage[] = REGISTRY_IMAGES): void {
  for (const [rel, text] of registryFiles(images)) {
    const p = join(dir, rel);
    mkdirSync(dirname(p), { recursive: true });
    writeFileSync(p, text);
  }
}

/** The registry's base URL for a package repository URL ("http://10.x.0.1:PORT/"). */
export function registryUrl(repoUrl: string): string {
  return `${repoUrl.endsWith('/') ? repoUrl : `${repoUrl}/`}${REGISTRY_DIR}/`;
}
