/**
 * What the selinux module needs to know about a host, read in one round trip with shell
 * builtins (and one `cat`): the running mode from selinuxfs, whether the kernel has SELinux
 * at all, the config file, whether the policy is installed, and which tools exist.
 * No libselinux and no Python: a host without SELinux tools is just a host without them.
 */
import { posix } from 'node:path';
import { ModuleFailure, type GatherContext } from '../../src/index.js';
import { readSections, type SectionOutput } from '../_shared/read-sections.js';

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
  const cmds: Record<string, string> = {
    // is_selinux_enabled(): selinuxfs mounted; security_getenforce(): its enforce file.
    enforce: 'for d in /sys/fs/selinux /selinux; do if [ -r "$d/enforce" ] && read -r e < "$d/enforce"; then echo "$d $e"; exit 0; fi; done; exit 1',
    kernel: 'while read -r a b; do if [ "$a" = selinuxfs ] || [ "$b" = selinuxfs ]; then exit 0; fi; done < /proc/filesystems; exit 1',
    config: `if [ -f ${f} ]; then cat -- ${f} || exit 5; elif [ -e ${f} ]; then exit 3; elif [ -d ${dir} ]; then exit 2; else exit 4; fi`,
    setenforce: 'command -v setenforce',
  };
  if (args.policy) cmds.policy = `[ -e ${quote(`/etc/selinux/${args.policy}/policy`)} ]`;
  if (args.update_kernel_param) cmds.grubby = 'command -v grubby >/dev/null || exit 127; grubby --info=ALL';
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
  const sections = await readSections(ctx, probe);
  const missing = Object.keys(probe).filter((k) => !sections[k]);
  if (missing.length) throw new ModuleFailure(`could not read the SELinux state (no answer for: ${missing.join(', ')})`);
  return parseSelinuxProbe(sections, args);
}
