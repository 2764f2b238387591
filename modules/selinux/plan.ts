/**
 * The selinux module's decision, pure: Ansible's ansible.posix.selinux logic (same messages,
 * warnings and reboot_required) over the observed state, with three departures where Ansible
 * fails or misreports:
 * - a missing config file is created (Ansible: "Unable to find file"), so a host without
 *   SELinux packages still ends up with the wanted config;
 * - a policy that is not installed is only a warning while SELinux is not running and the
 *   wanted state is not enforcing (Ansible fails);
 * - the "running policy" is the config file's own SELINUXTYPE (libselinux reads the same value
 *   from /etc/selinux/config), so a custom `configfile` does not report a change on every run.
 */
import { ModuleFailure, type FileDiff, type Plan } from '../../src/index.js';
import { contentDiff } from '../_shared/diffs.js';
import { editSelinuxConfig, newSelinuxConfig, readSelinuxConfig, type SelinuxConfigValues } from './config.js';
import type { SelinuxMode, SelinuxState } from './gather.js';

export interface SelinuxArgs {
  state: SelinuxMode;
  policy?: string;
  configfile: string;
  update_kernel_param: boolean;
}

export type SelinuxChange =
  | { kind: 'config'; content: string; create: boolean; mkdir: boolean }
  | { kind: 'setenforce'; value: 0 | 1 }
  | { kind: 'kernel'; enable: boolean };

/** libselinux's policy type when the config names none. */
const DEFAULT_POLICY = 'targeted';

/**
 * grubby --info=ALL: true when no kernel has selinux=0, false when all have it, null when
 * they disagree or there is no kernel (Ansible then always rewrites the arguments).
 */
export function kernelSelinuxEnabled(info: string): boolean | null {
  let allEnabled = true;
  let allDisabled = true;
  for (const line of info.split('\n')) {
    const m = /^args="(.*)"$/.exec(line);
    if (!m) continue;
    if (m[1]!.split(' ').includes('selinux=0')) allEnabled = false;
    else allDisabled = false;
  }
  return allEnabled === allDisabled ? null : allEnabled;
}

function configFailures(args: SelinuxArgs, st: SelinuxState): void {
  if (st.configProblem === 'not-a-file') {
    throw new ModuleFailure(`Unable to find file ${args.configfile}`, {
      details: 'Please install SELinux-policy package, if this package is not installed previously.',
    });
  }
  if (st.configProblem === 'unreadable') throw new ModuleFailure(`Unable to read ${args.configfile}`);
}

/** Plan the changes for one task. Throws ModuleFailure with Ansible's messages. */
export function planSelinux(args: SelinuxArgs, st: SelinuxState): Plan<SelinuxChange> {
  configFailures(args, st);
  if (args.state !== 'disabled' && !args.policy) throw new ModuleFailure("Policy is required if state is not 'disabled'");
  const cf = args.configfile;
  const current: SelinuxConfigValues = st.config !== null ? readSelinuxConfig(st.config) : {};
  const policy = args.policy || current.policy;
  const msgs: string[] = [];
  const warnings: string[] = [];
  const changes: SelinuxChange[] = [];
  const set: SelinuxConfigValues = {};
  let reboot = false;

  if (st.config === null) msgs.push(`Created ${cf}`);

  const runningPolicy = current.policy ?? DEFAULT_POLICY;
  if (policy !== undefined && policy !== runningPolicy) {
    msgs.push(`Running SELinux policy changed from '${runningPolicy}' to '${policy}'`);
    // A new policy only loads at boot (with a relabel); Ansible does not say so.
    if (st.runtime !== 'disabled') reboot = true;
  }
  if (policy !== undefined && policy !== current.policy) {
    if (st.policyInstalled === false) {
      if (st.runtime !== 'disabled' || args.state === 'enforcing') throw new ModuleFailure(`Policy ${policy} does not exist in /etc/selinux/`);
      warnings.push(`Policy ${policy} does not exist in /etc/selinux/: written to ${cf} anyway, as SELinux is not running on this host`);
    }
    set.policy = policy;
    msgs.push(`SELinux policy configuration in '${cf}' changed from '${current.policy ?? 'None'}' to '${policy}'`);
  }

  if (args.state !== st.runtime) {
    if (st.runtime !== 'disabled') {
      if (args.state === 'disabled') {
        if (st.runtime !== 'permissive') {
          changes.push({ kind: 'setenforce', value: 0 });
          warnings.push(`SELinux state temporarily changed from '${st.runtime}' to 'permissive'. State change will take effect next reboot.`);
        } else {
          warnings.push('SELinux state change will take effect next reboot');
        }
        reboot = true;
      } else {
        changes.push({ kind: 'setenforce', value: args.state === 'enforcing' ? 1 : 0 });
        msgs.push(`SELinux state changed from '${st.runtime}' to '${args.state}'`);
      }
    } else {
      const why = st.kernelSupport ? '' : " (this host's kernel has SELinux turned off: the config file is set, the mode applies once it boots with SELinux)";
      warnings.push(`Reboot is required to set SELinux state to '${args.state}'${why}`);
      reboot = true;
    }
  }

  if (args.state !== current.state) {
    set.state = args.state;
    msgs.push(`Config SELinux state changed from '${current.state ?? 'None'}' to '${args.state}'`);
  }

  const diff: FileDiff[] = [];
  if (set.state !== undefined || set.policy !== undefined) {
    const content = st.config === null
      ? newSelinuxConfig(set.state ?? args.state, set.policy ?? policy)
      : editSelinuxConfig(st.config, set);
    // Config first: Ansible writes the policy before touching the running mode.
    changes.unshift({ kind: 'config', content, create: st.config === null, mkdir: !st.configDirExists });
    diff.push(contentDiff(cf, st.config, content));
  }

  if (args.update_kernel_param) {
    const g = st.grubby;
    if (!g || !g.found) {
      throw new ModuleFailure("'grubby' command not found on host", {
        details: 'In order to update the kernel command line enabled/disabled setting, the grubby package needs to be present on the system.',
      });
    }
    if (g.rc !== 0) throw new ModuleFailure('unable to run grubby', { rc: g.rc });
    const enabled = kernelSelinuxEnabled(g.stdout);
    const wanted = args.state === 'enforcing' || args.state === 'permissive';
    if (enabled !== wanted) {
      changes.push({ kind: 'kernel', enable: wanted });
      const from = enabled === null ? '<inconsistent>' : enabled ? 'enabled' : 'disabled';
      msgs.push(`Kernel SELinux state changed from '${from}' to '${wanted ? 'enabled' : 'disabled'}'`);
    }
  }

  const msg = msgs.join(', ');
  const plan: Plan<SelinuxChange> = {
    changes,
    msg,
    result: { msg, configfile: cf, policy: policy ?? null, state: args.state, reboot_required: reboot },
  };
  if (diff.length) plan.diff = diff;
  if (warnings.length) plan.warnings = warnings;
  return plan;
}
