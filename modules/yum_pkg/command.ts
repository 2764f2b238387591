/**
 * dnf / yum command lines from the task's arguments: the options Ansible's yum and dnf
 * modules set through the Python API, said as command-line flags.
 */

export interface PkgArgs {
  name: string[];
  state?: 'absent' | 'installed' | 'latest' | 'present' | 'removed';
  enablerepo: string[];
  disablerepo: string[];
  disable_excludes?: string;
  disable_gpg_check: boolean;
  allow_downgrade: boolean;
  update_cache: boolean;
  exclude: string[];
  use_backend: 'auto' | 'yum' | 'yum4' | 'dnf';
  autoremove: boolean;
  bugfix: boolean;
  security: boolean;
  cacheonly: boolean;
  conf_file?: string;
  disable_plugin: string[];
  enable_plugin: string[];
  download_only: boolean;
  download_dir?: string;
  install_weak_deps: boolean;
  installroot: string;
  releasever?: string;
  skip_broken: boolean;
  update_only: boolean;
  sslverify: boolean;
  validate_certs: boolean;
  allowerasing: boolean;
  nobest: boolean;
  lock_timeout: number;
  list?: string;
}

export type Subcommand = 'install' | 'upgrade' | 'remove' | 'autoremove' | 'makecache';

/**
 * argv of one dnf/yum run. `dryRun` answers "no" to the confirmation (nothing changes; the
 * transaction table is still printed); otherwise "yes".
 */
export function pkgCommand(bin: string, sub: Subcommand, specs: string[], a: PkgArgs, opts: { dryRun?: boolean; refresh?: boolean } = {}): string[] {
  const argv = [bin, opts.dryRun ? '--assumeno' : '-y'];
  if (a.conf_file) argv.push('-c', a.conf_file);
  if (a.installroot && a.installroot !== '/') argv.push(`--installroot=${a.installroot}`);
  if (a.releasever) argv.push(`--releasever=${a.releasever}`);
  // Disabling first, then enabling: `disablerepo: '*'` plus `enablerepo: kubernetes` works.
  for (const r of a.disablerepo) argv.push(`--disablerepo=${r}`);
  for (const r of a.enablerepo) argv.push(`--enablerepo=${r}`);
  for (const p of a.disable_plugin) argv.push(`--disableplugin=${p}`);
  for (const p of a.enable_plugin) argv.push(`--enableplugin=${p}`);
  if (a.disable_excludes) argv.push(`--disableexcludes=${a.disable_excludes}`);
  if (a.exclude.length) argv.push(`--exclude=${a.exclude.join(',')}`);
  if (a.disable_gpg_check) argv.push('--nogpgcheck');
  if (!a.sslverify || !a.validate_certs) argv.push('--setopt=sslverify=0');
  if (!a.install_weak_deps) argv.push('--setopt=install_weak_deps=False');
  if (a.cacheonly) argv.push('-C');
  if (opts.refresh) argv.push('--refresh');
  if (a.skip_broken) argv.push('--skip-broken');
  if (bin !== 'yum' && a.allowerasing) argv.push('--allowerasing');
  if (bin !== 'yum' && a.nobest) argv.push('--nobest');
  if (a.security) argv.push('--security');
  if (a.bugfix) argv.push('--bugfix');
  if (a.download_only && (sub === 'install' || sub === 'upgrade')) {
    argv.push('--downloadonly');
    if (a.download_dir) argv.push(`--downloaddir=${a.download_dir}`);
  }
  // Ansible removes only what was named (clean_requirements_on_remove = autoremove), unlike
  // dnf's default on EL, which also drops dependencies nothing else needs.
  if (sub === 'remove') argv.push(`--setopt=clean_requirements_on_remove=${a.autoremove ? 'True' : 'False'}`);
  argv.push(sub, ...specs);
  return argv;
}

/** The line run on the host: the C locale, so the output can be read. */
export function commandLine(argv: string[], quote: (s: string) => string): string {
  return `LC_ALL=C LANG=C ${argv.map(quote).join(' ')}`;
}
