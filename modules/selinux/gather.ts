/**
 * What the selinux module needs to know about a host, read in one round trip with shell
 * builtins (and one `cat`): the running mode from selinuxfs, whether the kernel has SELinux
 * at all, the config file, whether the policy is installed, and which tools exist.
 * No libselinux and no Python: a host without SELinux tools is just a host without them.
 */
import { posix } from 'node:path';
import { ModuleFailure, type GatherContext } from '../../src/index.js';
import { RC_FUNCTION, readSections, type SectionOutput } from '../_shared/read-sections.js';
import { readFileCommand } from '../_shared/read-file-sh.js';

export type SelinuxMode = 'enforcing' | 'permissive' | 'disabled';

export interface SelinuxState {
  /** The running mode: 'disabled' when selinuxfs is not mounted. */
  runtime: SelinuxMode;
  /** The enforce switch of the running SELinux (e.g. /sys/fs/selinux/enforce). */
  enforceFile?: string;
  /** The kernel registers selinuxfs: SELinux is built in and not turned off at boot. */
  kernelSupport: boolean;
  /** The config file's text; null when it does not exist. */
  config: string | null;
  /** Why the config file cannot be used, when it exists but is not a readable regular file. */
  configProblem?: 'not-a-file' | 'unreadable';
  /** The config file's directory exists (needed to create the file). */
  configDirExists: boolean;
  /** /etc/selinux/<policy>/policy exists; undefined when no policy was given. */
  policyInstalled?: boolean;
  /** `setenforce` is on the PATH. */
  hasSetenforce: boolean;
  /** `grubby --info=ALL`, asked only with update_kernel_param. */
  grubby?: { found: boolean; rc: number; stdout: string };
}

export interface SelinuxGatherArgs {
  policy?: string;
  configfile: string;
  update_kernel_param?: boolean;
}

/** The read-only commands, by section name (exported for the unit tests' fake host). */
export function selinuxProbe(args: SelinuxGatherArgs, quote: (s: string) => string): Record<string, string> {
  const f = quote(args.configfile);
  const dir = quote(posix.dirname(args.configfile));
  // Inline sections (read-sections.ts): builtins only, statuses through k8sp_rc, so the
  // whole check starts no process (grubby, when asked, excepted).
  const cmds: Record<string, string> = {
    // is_selinux_enabled(): selinuxfs mounted; security_getenforce(): its enforce file.
    enforce: `k8sp_f=; for k8sp_d in /sys/fs/selinux /selinux; do if [ -r "$k8sp_d/enforce" ] && read -r k8sp_e < "$k8sp_d/enforce"; then echo "$k8sp_d $k8sp_e"; k8sp_f=1; break; fi; done; [ -n "$k8sp_f" ]`,
    kernel: `k8sp_f=; while read -r k8sp_a k8sp_b; do if [ "$k8sp_a" = selinuxfs ] || [ "$k8sp_b" = selinuxfs ]; then k8sp_f=1; break; fi; done < /proc/filesystems; [ -n "$k8sp_f" ]`,
    config: `${RC_FUNCTION}; if [ -f ${f} ]; then { ${readFileCommand(args.configfile, quote)}\n} || k8sp_rc 5; elif [ -e ${f} ]; then k8sp_rc 3; elif [ -d ${dir} ]; then k8sp_rc 2; else k8sp_rc 4; fi`,
    setenforce: 'command -v setenforce',
  };
  if (args.policy) cmds.policy = `[ -e ${quote(`/etc/selinux/${args.policy}/policy`)} ]`;
  if (args.update_kernel_param) cmds.grubby = `${RC_FUNCTION}; if command -v grubby >/dev/null; then grubby --info=ALL; else k8sp_rc 127; fi`;
  return cmds;
}

/** Turn the probe's sections into the observed state (pure). */
export function parseSelinuxProbe(s: Record<string, SectionOutput>, args: SelinuxGatherArgs): SelinuxState {
  const enforce = s.enforce;
  let runtime: SelinuxMode = 'disabled';
  let enforceFile: string | undefined;
  if (enforce && enforce.rc === 0) {
    const [dir, value] = enforce.out.trim().split(/\s+/);
    runtime = value === '1' ? 'enforcing' : 'permissive';
    enforceFile = `${dir}/enforce`;
  }
  const cfg = s.config ?? { out: '', rc: 4 };
  const st: SelinuxState = {
    runtime,
    kernelSupport: s.kernel?.rc === 0,
    config: cfg.rc === 0 ? cfg.out : null,
    configDirExists: cfg.rc !== 4,
    hasSetenforce: s.setenforce?.rc === 0,
  };
  if (cfg.rc === 3) st.configProblem = 'not-a-file';
  if (cfg.rc === 5 || cfg.rc === 1) st.configProblem = 'unreadable';
  if (enforceFile) st.enforceFile = enforceFile;
  if (args.policy) st.policyInstalled = s.policy?.rc === 0;
  if (args.update_kernel_param) {
    const g = s.grubby ?? { out: '', rc: 127 };
    st.grubby = { found: g.rc !== 127, rc: g.rc, stdout: g.out };
  }
  return st;
}

/** Read everything in one ctx.run. */
export async function gatherSelinux(ctx: GatherContext, args: SelinuxGatherArgs): Promise<SelinuxState> {
  const probe = selinuxProbe(args, ctx.quote);
  const sections = await readSections(ctx, probe, { inline: true });
  const missing = Object.keys(probe).filter((k) => !sections[k]);
  if (missing.length) throw new ModuleFailure(`could not read the SELinux state (no answer for: ${missing.join(', ')})`);
  return parseSelinuxProbe(sections, args);
}
