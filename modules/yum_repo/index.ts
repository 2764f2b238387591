/**
 * yum_repo: add, change or remove one repository of a `.repo` file (Ansible:
 * ansible.builtin.yum_repository). Same parameters, end state and return values; unlike
 * Ansible, the file's comments and other sections are kept as written, the diff is the real
 * file, and a repository defined again in another file is reported.
 */
import { defineModule, ModuleFailure, type GatherContext, type JsonSchema } from '../../src/index.js';
import { applyAttrs, attrSchemaProperties, writeAttrs } from '../_shared/file-attrs.js';
import { parseProbe, parseTypeProbe, probeCommand, typeProbeCommand } from '../_shared/probe.js';
import { readFileCommand } from '../_shared/read-file-sh.js';
import { readSections } from '../_shared/read-sections.js';
import { backupFile } from '../_shared/backup.js';
import { planYumRepo, repoFilePath, type YumRepoArgs, type YumRepoChange, type YumRepoState } from './plan.js';

const str = (description: string, extra: JsonSchema = {}): JsonSchema => ({ type: 'string', description, ...extra });
const bool = (description: string, extra: JsonSchema = {}): JsonSchema => ({ type: 'boolean', description, ...extra });
const list = (description: string): JsonSchema => ({ type: 'array', items: { type: 'string' }, description });

const schema: JsonSchema = {
  type: 'object',
  properties: {
    name: str('Repository id: the [section] of the .repo file.'),
    description: str('Human name of the repository (the `name=` key). Required with state=present.'),
    baseurl: list('URL(s) of the repository (one of baseurl, metalink, mirrorlist is required with state=present).'),
    metalink: str('URL of a metalink file.'),
    mirrorlist: str('URL of a mirror list.'),
    file: str('File name without .repo (default: name).'),
    reposdir: str('Directory of .repo files (must exist).', { default: '/etc/yum.repos.d' }),
    state: str('present or absent.', { enum: ['present', 'absent'], default: 'present' }),
    enabled: bool('Enable the repository.'),
    gpgcheck: bool('Check GPG signatures of packages.'),
    gpgkey: list('URL(s) of the GPG key(s); a changed list is rewritten.'),
    repo_gpgcheck: bool('Check the GPG signature of the metadata.'),
    exclude: list('Packages never taken from this repository (globs allowed), e.g. kube*.'),
    includepkgs: list('Only these packages are taken from this repository.'),
    priority: str('Priority (1-99, lower wins).'),
    cost: str('Cost of the repository.'),
    sslverify: bool('Verify the server certificate.', { 'x-aliases': ['validate_certs'] }),
    sslcacert: str('CA certificate file.', { 'x-aliases': ['ca_cert'] }),
    sslclientcert: str('Client certificate file.', { 'x-aliases': ['client_cert'] }),
    sslclientkey: str('Client key file.', { 'x-aliases': ['client_key'] }),
    ssl_check_cert_permissions: bool('Check the permissions of the certificate files.'),
    skip_if_unavailable: bool('Keep going when the repository cannot be reached.'),
    async: bool('Download in parallel with other repositories.'),
    bandwidth: str('Maximum bandwidth (throttle).'),
    deltarpm_metadata_percentage: str('When to download deltarpm metadata.'),
    deltarpm_percentage: str('When to use delta RPMs.'),
    enablegroups: bool('Use the package groups of the repository.'),
    failovermethod: str('yum 3 only: roundrobin or priority.', { enum: ['roundrobin', 'priority'] }),
    gpgcakey: str('CA key for the GPG keys.'),
    module_hotfixes: bool('Take packages of this repository even if a module filters them.'),
    http_caching: str('What HTTP caches may keep.', { enum: ['all', 'packages', 'none'] }),
    include: str('Include another config file or URL.'),
    ip_resolve: str('IPv4 or IPv6 only.', { enum: ['4', '6', 'IPv4', 'IPv6', 'whatever'] }),
    keepalive: bool('HTTP keepalive.'),
    keepcache: str('Keep downloaded packages.', { enum: ['0', '1'] }),
    metadata_expire: str('Time after which the metadata is refreshed.'),
    metadata_expire_filter: str('Which commands refresh expired metadata.', { enum: ['never', 'read-only:past', 'read-only:present', 'read-only:future'] }),
    mirrorlist_expire: str('Time after which the mirror list is refreshed.'),
    password: str('Password for HTTP authentication.'),
    protect: bool('Protect packages from updates from other repositories.'),
    proxy: str('Proxy URL (or _none_).'),
    proxy_password: str('Proxy password.'),
    proxy_username: str('Proxy user.'),
    retries: str('Download retries.'),
    s3_enabled: bool('The repository is on S3.'),
    throttle: str('Bandwidth throttle.'),
    timeout: str('Network timeout in seconds.'),
    ui_repoid_vars: str('Variables appended to the repo id in output.'),
    username: str('User for HTTP authentication.'),
    params: { type: 'object', description: 'Removed in Ansible 2.5: an error.' },
    ...attrSchemaProperties,
    backup: bool('Keep a timestamped copy of the file before changing it (k8splay addition).', { default: false }),
    unsafe_writes: bool('Accepted for compatibility (writes are always atomic).', { default: false }),
  },
  required: ['name'],
  additionalProperties: false,
};

/** `s` as a POSIX ERE matching itself: the characters special in an ERE get a backslash. */
export function ereLiteral(s: string): string {
  return s.replace(/[.[\\()*+?{|^$]/g, '\\$&');
}

/**
 * A read-sections command (inline-safe) listing the `<prefix>*.repo` files that define
 * `[name]`, `skip` excepted. A header is dnf's: blanks allowed around it, then nothing or a
 * `#`/`;` comment (yum 3's iniparse reads the same). One grep for all the files: the shell's
 * `read` costs dash a system call per byte, several times grep's CPU for a reposdir of a few
 * KB; no process at all when there is no other .repo file. A name holding `]` or a newline
 * (which would split grep's pattern) is refused by planYumRepo, so its answer is never used.
 */
export function definedInCommand(prefix: string, name: string, skip: string, quote: (s: string) => string): string {
  const header = quote(`^[[:space:]]*\\[${ereLiteral(name)}][[:space:]]*([#;].*)?$`);
  // A function, so its own positional parameters hold the list (the caller's stay as they are).
  return [
    `k8sp_ri() { for k8sp_f; do shift; [ "$k8sp_f" != ${quote(skip)} ] && [ -f "$k8sp_f" ] && set -- "$@" "$k8sp_f"; done`,
    `  [ $# -eq 0 ] || grep -lE -e ${header} -- "$@"; }`,
    `k8sp_ri ${quote(prefix)}*.repo`,
  ].join('\n');
}

/**
 * File, directory and other definitions of the repository in one round trip. Without
 * mode/owner/group the only process on the host is the grep for other definitions (none when
 * reposdir has no other .repo file).
 */
async function gatherRepo(ctx: GatherContext, args: YumRepoArgs): Promise<YumRepoState> {
  const dest = repoFilePath(args);
  const q = ctx.quote;
  // The directory as it appears in dest, so the paths the glob lists are comparable with it.
  const prefix = dest.slice(0, dest.lastIndexOf('/') + 1);
  const dir = prefix.slice(0, -1) || '/';
  const attrs = args.mode != null || args.owner != null || args.group != null;
  const s = await readSections(ctx, {
    dir: `test -d ${q(dir)}`,
    stat: attrs ? probeCommand(dest, q) : typeProbeCommand(dest, q),
    others: definedInCommand(prefix, args.name, dest, q),
    content: `if [ -f ${q(dest)} ]; then ${readFileCommand(dest, q)}\nfi`,
  }, { inline: true });
  if (!s.stat) throw new ModuleFailure(`cannot read ${dest}: the host gave no answer`, { dest });
  const stat = attrs ? parseProbe(s.stat.out) : parseTypeProbe(s.stat.out);
  const others = (s.others?.out ?? '').split('\n').filter((l) => l !== '');
  const isFile = stat.exists && stat.type === 'file';
  if (isFile && (s.content === undefined || s.content.rc !== 0)) throw new ModuleFailure(`cannot read ${dest}`, { dest });
  return {
    dest,
    reposdirExists: s.dir?.rc === 0,
    stat,
    content: isFile ? s.content!.out : '',
    alsoDefinedIn: others,
  };
}

const yumRepo = defineModule<YumRepoArgs, YumRepoState, YumRepoChange>({
  name: 'yum_repo',
  description: 'Add, change or remove a yum/dnf repository in a .repo file (Ansible: ansible.builtin.yum_repository)',
  schema,
  secretArgs: ['password', 'proxy_password'],
  gather: (ctx, args) => gatherRepo(ctx, args),
  diff: (args, state) => planYumRepo(args, state),
  async apply(ctx, args, plan, st) {
    const out: Record<string, unknown> = {};
    const attrs = { mode: args.mode ?? null, owner: args.owner ?? null, group: args.group ?? null };
    for (const c of plan.changes) {
      if (c.kind === 'write') {
        const r = await ctx.writeFile(st.dest, c.content, {
          ...(c.create ? writeAttrs(attrs, undefined) : writeAttrs(attrs, st.stat)),
          backup: !!args.backup && !c.create,
        });
        if (r.backupFile) out.backup_file = r.backupFile;
      } else if (c.kind === 'remove') {
        if (args.backup) out.backup_file = await backupFile(ctx, st.dest);
        await ctx.run(`rm -f -- ${ctx.quote(st.dest)}`, { check: true });
      } else if (!plan.changes.some((x) => x.kind === 'write')) {
        // A rewrite already set the attributes; otherwise set them on the file as it is.
        await applyAttrs(ctx, c.change);
      }
    }
    return out;
  },
});

export default yumRepo;
