/**
 * The sandbox's package repository: RPMs built on the controller from the spec files in
 * src/sandbox/rpms/ (each cached by the hash of its spec and of the stand-in files it installs)
 * and indexed by createrepo_c, plus the sandbox registry's static tree under registry/.
 */
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SandboxError } from './errors.js';
import { acquireLock } from './lock.js';
import { cacheRoot } from './paths.js';
import { assertSandboxSupported, REPO_TOOLS } from './preflight.js';
import { stderrProgress, type ProgressFn } from './progress.js';
import { REGISTRY_DIR, registryTreeHash, writeRegistryTree } from './registry-tree.js';
import { runCommand } from './run-command.js';

/** The directory of spec files: next to this module, or in the source tree when running from dist/. */
export function specDir(): string {
  const here = fileURLToPath(new URL('.', import.meta.url));
  const candidates = [join(here, 'rpms'), join(here, '../../../src/sandbox/rpms')];
  const found = candidates.find((d) => existsSync(d));
  if (!found) throw new SandboxError(`no RPM spec directory found (looked in ${candidates.join(', ')})`);
  return found;
}

/**
 * The stand-in programs' directory (src/sandbox/standins/), next to the spec directory. Specs
 * install files from it through the `%{k8splay_standins}` macro, e.g.
 * `install -m 0755 %{k8splay_standins}/docker/docker %{buildroot}/usr/bin/docker`.
 */
export function standinsDir(specs = specDir()): string {
  return join(dirname(specs), 'standins');
}

function hashOf(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 12);
}

/** Every file under `dir` (sorted relative paths) with its content, for a cache key. */
function treeText(dir: string): string {
  const parts: string[] = [];
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const p = join(d, e.name);
      if (e.isDirectory()) { if (e.name !== '__pycache__') walk(p); } // bytecode of a local trial is no payload
      else if (e.isFile()) parts.push(`${relative(dir, p)}\n${readFileSync(p, 'utf8')}`);
    }
  };
  if (existsSync(dir)) walk(dir);
  return parts.join('\n');
}

/**
 * Spec files with the hash of their content and of the stand-in directories they install from
 * (`%{k8splay_standins}/NAME/...`), sorted by name: editing a stand-in rebuilds its package.
 */
export function listSpecs(dir = specDir()): Array<{ path: string; name: string; hash: string }> {
  return readdirSync(dir).filter((f) => f.endsWith('.spec')).sort().map((f) => {
    const path = join(dir, f);
    const text = readFileSync(path, 'utf8');
    const used = [...new Set([...text.matchAll(/%\{k8splay_standins\}\/([\w.-]+)/g)].map((m) => m[1]!))].sort();
    const payload = used.map((u) => `${u}:${treeText(join(standinsDir(dir), u))}`).join('\n');
    return { path, name: basename(f, '.spec'), hash: hashOf(payload ? `${text}\n${payload}` : text) };
  });
}

/** Builds one spec's binary RPMs unless they are cached; returns the cache directory holding them. */
async function buildSpec(spec: { path: string; name: string; hash: string }, progress: ProgressFn, standins: string): Promise<string> {
  const out = join(cacheRoot(), 'rpms', `${spec.name}-${spec.hash}`);
  if (existsSync(out)) return out;
  const tmp = `${out}.tmp-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(join(tmp, 'top'), { recursive: true });
  progress(`  rpmbuild ${spec.name}`);
  await runCommand('rpmbuild', [
    '-bb', '--nodeps', '--quiet',
    '--define', `_topdir ${join(tmp, 'top')}`,
    '--define', `_rpmdir ${join(tmp, 'out')}`,
    '--define', '_build_id_links none',
    '--define', `k8splay_standins ${standins}`,
    spec.path,
  ]);
  const rpms: string[] = [];
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.isDirectory()) walk(join(d, e.name));
      else if (e.name.endsWith('.rpm')) rpms.push(join(d, e.name));
    }
  };
  walk(join(tmp, 'out'));
  if (rpms.length === 0) throw new SandboxError(`rpmbuild produced no package from ${spec.path}`);
  mkdirSync(join(tmp, 'rpms'));
  for (const r of rpms) copyFileSync(r, join(tmp, 'rpms', basename(r)));
  rmSync(join(tmp, 'top'), { recursive: true, force: true });
  rmSync(join(tmp, 'out'), { recursive: true, force: true });
  renameSync(join(tmp, 'rpms'), out);
  rmSync(tmp, { recursive: true, force: true });
  return out;
}

/**
 * Builds (or finds cached) the repository of every spec: a directory of RPMs with repodata/ and
 * the registry tree (registry/), ready to be served. Its name carries the hash of all specs,
 * their stand-ins and the registry, so any change makes a new one.
 */
export async function ensurePackageRepo(opts: { progress?: ProgressFn; specs?: string } = {}): Promise<string> {
  const progress = opts.progress ?? stderrProgress;
  const specs = listSpecs(opts.specs);
  const standins = standinsDir(opts.specs);
  const key = [...specs.map((s) => `${s.name}:${s.hash}`), `${REGISTRY_DIR}:${registryTreeHash()}`].join('\n');
  const repo = join(cacheRoot(), `repo-${hashOf(key)}`);
  if (existsSync(join(repo, 'repodata', 'repomd.xml'))) return repo;
  assertSandboxSupported(REPO_TOOLS);
  mkdirSync(join(cacheRoot(), 'rpms'), { recursive: true });
  const release = await acquireLock(join(cacheRoot(), 'repo.lock'), { onWait: () => progress('waiting for another process building the package repository') });
  try {
    if (existsSync(join(repo, 'repodata', 'repomd.xml'))) return repo;
    progress(`building the sandbox package repository (${specs.length} spec${specs.length === 1 ? '' : 's'})`);
    const tmp = `${repo}.tmp-${process.pid}`;
    rmSync(tmp, { recursive: true, force: true });
    mkdirSync(tmp, { recursive: true });
    for (const s of specs) {
      const dir = await buildSpec(s, progress, standins);
      for (const f of readdirSync(dir)) copyFileSync(join(dir, f), join(tmp, f));
    }
    await runCommand('createrepo_c', ['--quiet', tmp]);
    writeRegistryTree(join(tmp, REGISTRY_DIR)); // after indexing: createrepo_c only looks at RPMs anyway
    renameSync(tmp, repo);
    return repo;
  } finally {
    release();
  }
}
