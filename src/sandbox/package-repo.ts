/**
 * The sandbox's package repository: RPMs built on the controller from the spec files in
 * src/sandbox/rpms/ (each cached by the hash of its spec) and indexed by createrepo_c.
 */
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SandboxError } from './errors.js';
import { acquireLock } from './lock.js';
import { cacheRoot } from './paths.js';
import { assertSandboxSupported, REPO_TOOLS } from './preflight.js';
import { stderrProgress, type ProgressFn } from './progress.js';
import { runCommand } from './run-command.js';

/** The directory of spec files: next to this module, or in the source tree when running from dist/. */
export function specDir(): string {
  const here = fileURLToPath(new URL('.', import.meta.url));
  const candidates = [join(here, 'rpms'), join(here, '../../../src/sandbox/rpms')];
  const found = candidates.find((d) => existsSync(d));
  if (!found) throw new SandboxError(`no RPM spec directory found (looked in ${candidates.join(', ')})`);
  return found;
}

function hashOf(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 12);
}

/** Spec files with the hash of their content, sorted by name. */
export function listSpecs(dir = specDir()): Array<{ path: string; name: string; hash: string }> {
  return readdirSync(dir).filter((f) => f.endsWith('.spec')).sort().map((f) => {
    const path = join(dir, f);
    return { path, name: basename(f, '.spec'), hash: hashOf(readFileSync(path, 'utf8')) };
  });
}

/** Builds one spec's binary RPMs unless they are cached; returns the cache directory holding them. */
async function buildSpec(spec: { path: string; name: string; hash: string }, progress: ProgressFn): Promise<string> {
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
 * Builds (or finds cached) the repository of every spec: a directory of RPMs with repodata/,
 * ready to be served. Its name carries the hash of all specs, so a changed spec makes a new one.
 */
export async function ensurePackageRepo(opts: { progress?: ProgressFn; specs?: string } = {}): Promise<string> {
  const progress = opts.progress ?? stderrProgress;
  const specs = listSpecs(opts.specs);
  const repo = join(cacheRoot(), `repo-${hashOf(specs.map((s) => `${s.name}:${s.hash}`).join('\n'))}`);
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
      const dir = await buildSpec(s, progress);
      for (const f of readdirSync(dir)) copyFileSync(join(dir, f), join(tmp, f));
    }
    await runCommand('createrepo_c', ['--quiet', tmp]);
    renameSync(tmp, repo);
    return repo;
  } finally {
    release();
  }
}
