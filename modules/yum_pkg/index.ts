/**
 * yum_pkg: install, upgrade and remove RPM packages with dnf or yum (Ansible:
 * ansible.builtin.yum / ansible.builtin.dnf). What is installed is read with one rpm query,
 * so an unchanged run never loads the package manager; a list is one transaction; exact
 * versions (kubelet-1.13.3 with kubernetes-cni-0.6.0) go to one `dnf install` together; check
 * mode asks dnf with --assumeno what it would do; failures are dnf's own words, with the
 * argument that fixes them when there is one.
 */
import { defineModule, ModuleFailure, type ApplyContext, type GatherContext, type JsonSchema } from '../../src/index.js';
import { commandLine, pkgCommand, type PkgArgs } from './command.js';
import { decide, isEmpty, wantedState } from './decide.js';
import { describeFailure, nothingToDo, parseTransaction, changesOf, resultLines, type TxPackage } from './dnf-output.js';
import { excludeConfigCommand, excludeHints, parseExcludeRules } from './excludes.js';
import { parseRpmLines, rpmQueryCommand, RPM_QF, type InstalledPackage } from './installed.js';
import { changesFor, failureOf, planPkg, type PkgChange, type PkgState, type Preview } from './plan.js';
import { parseSpec, splitNames } from './specs.js';

const list = (description: string): JsonSchema => ({ type: 'array', items: { type: 'string' }, default: [], description });
const bool = (description: string, dflt = false): JsonSchema => ({ type: 'boolean', default: dflt, description });

const schema: JsonSchema = {
  type: 'object',
  properties: {
    name: { ...list('Packages: names, name-version[-release], "name >= version", globs, .rpm files or URLs.'), 'x-aliases': ['pkg'] },
    state: { type: 'string', enum: ['absent', 'installed', 'latest', 'present', 'removed'], description: 'present (default), latest or absent.' },
    enablerepo: list('Repository ids (globs) enabled for this run.'),
    disablerepo: list('Repository ids (globs) disabled for this run (applied before enablerepo).'),
    disable_excludes: { type: 'string', description: "Ignore exclude= of 'all', 'main' or a repository id (the Kubernetes repo's exclude=kube*)." },
    disable_gpg_check: bool('Do not check package signatures (--nogpgcheck).'),
    allow_downgrade: bool('Install an older version than the one installed when asked for by version.'),
    update_cache: { ...bool('Refresh the repository metadata first.'), 'x-aliases': ['expire-cache'] },
    exclude: list('Packages to exclude for this run.'),
    use_backend: { type: 'string', enum: ['auto', 'yum', 'yum4', 'dnf'], default: 'auto', description: 'auto: dnf when installed, else yum.' },
    autoremove: bool('Also remove dependencies nothing needs any more (alone: dnf autoremove).'),
    bugfix: bool('With latest: only bugfix updates.'),
    security: bool('With latest: only security updates.'),
    cacheonly: bool('Use only the cached metadata (-C).'),
    conf_file: { type: 'string', description: 'Another dnf/yum configuration file.' },
    disable_plugin: list('Plugins disabled for this run.'),
    enable_plugin: list('Plugins enabled for this run.'),
    download_only: bool('Download the packages, do not install them.'),
    download_dir: { type: 'string', description: 'Where download_only puts the packages.' },
    install_weak_deps: bool('Install weak dependencies (Recommends).', true),
    installroot: { type: 'string', default: '/', description: 'Alternative root for installing.' },
    releasever: { type: 'string', description: 'Release version for $releasever.' },
    skip_broken: bool('Skip packages with broken dependencies.'),
    update_only: bool('With latest: only update installed packages, install nothing new.'),
    sslverify: bool('Verify repository certificates.', true),
    validate_certs: bool('Verify repository certificates.', true),
    allowerasing: bool('Allow removing installed packages to resolve conflicts (dnf).'),
    nobest: bool('Do not insist on the newest candidate (dnf).'),
    lock_timeout: { type: 'integer', default: 30, description: 'Accepted for compatibility: dnf waits for its lock itself.' },
    install_repoquery: bool('Accepted for compatibility (yum 3 only).', true),
    list: { type: 'string', description: 'Not supported: use command: dnf list ...' },
  },
  additionalProperties: false,
};

async function run(ctx: GatherContext, line: string) {
  const r = await ctx.run(line);
  return { ...r, cmd: line };
}

/** Which exclude= hides the excluded specs (read only when dnf said so). */
async function hintsFor(ctx: GatherContext, args: PkgArgs, excluded: string[]): Promise<string[]> {
  if (!excluded.length) return [];
  const r = await ctx.run(excludeConfigCommand(args.conf_file));
  return excludeHints(excluded, parseExcludeRules(r.stdout));
}

/** dnf's --assumeno answer for every run apply would make. */
async function preview(ctx: GatherContext, args: PkgArgs, backend: string, changes: PkgChange[]): Promise<Preview> {
  const tx: TxPackage[] = [];
  for (const c of changes) {
    if (c.kind === 'makecache') continue;
    const r = await run(ctx, commandLine(pkgCommand(backend, c.kind, c.specs, args, { dryRun: true, refresh: args.update_cache }), ctx.quote));
    const rows = parseTransaction(r.stdout);
    // --assumeno ends with rc 1 and "Operation aborted" when there was something to do.
    if (r.rc !== 0 && !rows.length && !nothingToDo(r.stdout)) {
      const f = describeFailure(r.stdout, r.stderr);
      const hints = await hintsFor(ctx, args, f.excluded);
      return { tx, before: [], failure: { ...f, details: [...f.details, ...hints], rc: r.rc, cmd: r.cmd, stdout: r.stdout, stderr: r.stderr } };
    }
    tx.push(...rows);
  }
  let before: InstalledPackage[] = [];
  if (tx.length) {
    const names = [...new Set(tx.map((p) => p.name))];
    const r = await ctx.run(`LC_ALL=C rpm -q --qf '${RPM_QF}' ${names.map(ctx.quote).join(' ')}`);
    before = parseRpmLines(r.stdout);
  }
  return { tx, before };
}

async function gatherPkg(ctx: GatherContext, args: PkgArgs): Promise<PkgState> {
  if (args.list) throw new ModuleFailure('list is not supported by yum_pkg: use `command: dnf list ...` (or dnf repoquery)');
  const names = splitNames(args.name);
  const state = wantedState(args);
  if (!names.length && !args.update_cache && !(state === 'absent' && args.autoremove)) {
    throw new ModuleFailure('one of the following is required: name, list, update_cache');
  }
  if (args.autoremove && state !== 'absent') throw new ModuleFailure('Autoremove should be used alone or with state=absent');
  const specs = names.map(parseSpec);
  if (state === 'absent' && specs.some((s) => s.kind === 'file')) throw new ModuleFailure('Cannot remove paths -- please specify package name.');
  const root = args.installroot && args.installroot !== '/' ? args.installroot : undefined;
  const script = [
    'command -v dnf >/dev/null 2>&1 && echo B:dnf',
    'command -v yum >/dev/null 2>&1 && echo B:yum',
    'command -v rpm >/dev/null 2>&1 && echo B:rpm',
    specs.length ? `LC_ALL=C; export LC_ALL; ${rpmQueryCommand(specs, ctx.quote, root)}` : '',
  ].filter(Boolean).join('; ');
  const r = await ctx.run(`( ${script} ) 2>&1`);
  const has = (b: string) => r.stdout.split('\n').includes(`B:${b}`);
  if (!has('rpm')) throw new ModuleFailure('rpm is not installed on this host: yum_pkg manages RPM packages (dnf or yum hosts)');
  const backend = args.use_backend === 'yum' ? 'yum' : args.use_backend === 'auto' ? (has('dnf') ? 'dnf' : 'yum') : 'dnf';
  if (!has(backend)) {
    throw new ModuleFailure(args.use_backend === 'auto' ? 'neither dnf nor yum is installed on this host' : `use_backend: ${args.use_backend}, but ${backend} is not installed on this host`);
  }
  const fileHeaders: Record<number, InstalledPackage> = {};
  specs.forEach((s, i) => {
    if (s.kind === 'file' && !s.remote) {
      const h = parseRpmLines(r.stdout, `F${i}`)[0];
      if (!h) throw new ModuleFailure(`No RPM file matching '${s.path}' found on system`, { results: [`No RPM file matching '${s.path}' found on system`] });
      fileHeaders[i] = h;
    }
  });
  const st: PkgState = { backend, specs, installed: parseRpmLines(r.stdout), fileHeaders };
  const d = decide(args, specs, st.installed, fileHeaders);
  // Check mode must say what would happen and diff mode show it: ask dnf, changing nothing.
  if ((ctx.checkMode || ctx.diffMode) && !isEmpty(d)) st.preview = await preview(ctx, args, backend, changesFor(d));
  return st;
}

async function applyPkg(ctx: ApplyContext, args: PkgArgs, changes: PkgChange[], st: PkgState): Promise<Record<string, unknown>> {
  const tx: TxPackage[] = [];
  if (!changes.length) {
    // Only update_cache: refresh the metadata (not in check mode), report no change.
    if (args.update_cache && !ctx.checkMode) {
      await ctx.run(commandLine(pkgCommand(st.backend, 'makecache', [], args, { refresh: true }), ctx.quote), { check: true });
    }
    return {};
  }
  for (const c of changes) {
    const r = await run(ctx, commandLine(pkgCommand(st.backend, c.kind, c.specs, args, { refresh: args.update_cache }), ctx.quote));
    if (r.rc !== 0) {
      const f = describeFailure(r.stdout, r.stderr);
      const hints = await hintsFor(ctx, args, f.excluded);
      const e = failureOf({ ...f, rc: r.rc, cmd: r.cmd, stdout: r.stdout, stderr: r.stderr }, hints);
      // An earlier run of this task (latest: install, then upgrade) did change the host.
      if (tx.length) e.data.changed = true;
      throw e;
    }
    tx.push(...parseTransaction(r.stdout));
  }
  const d = decide(args, st.specs, st.installed, st.fileHeaders);
  return {
    changed: tx.length > 0,
    msg: tx.length ? '' : 'Nothing to do',
    rc: 0,
    results: [...d.notes, ...resultLines(tx, args.download_only)],
    changes: changesOf(tx),
  };
}

export default defineModule<PkgArgs, PkgState, PkgChange>({
  name: 'yum_pkg',
  description: 'Install, upgrade or remove RPM packages with dnf or yum (Ansible: ansible.builtin.yum / ansible.builtin.dnf)',
  schema,
  gather: gatherPkg,
  diff: (args, st, ctx) => planPkg(args, st, ctx),
  apply: (ctx, args, plan, st) => applyPkg(ctx, args, plan.changes, st),
});

