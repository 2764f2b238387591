/**
 * The sysctl decision, pure: arguments + what the host showed -> the steps to take.
 *
 * Ansible's rules (ansible.posix.sysctl), with its known problems fixed:
 * - changed when the file's value differs, or (reload or sysctl_set) the live value differs
 *   (ansible/ansible#59632);
 * - duplicates: the last line of a key is the one sysctl -p keeps, so that is the one compared
 *   and edited; nothing else in the file is touched (Ansible deletes the later duplicates and
 *   reformats every line);
 * - a key that does not exist on the host is an error saying why (Ansible reports "changed"
 *   on every run and leaves the live value alone), a warning with ignoreerrors;
 * - the live value is set (and checked) BEFORE the file is written, so a value the kernel
 *   refuses fails the task without leaving it in the file for the next boot.
 */
import { ModuleFailure, type FileDiff, type Plan } from '../../src/index.js';
import { contentDiff } from '../_shared/diffs.js';
import { editConf } from './conf.js';
import { checkName, checkValue, normaliseValue, procPath, valuesEqual } from './keys.js';
import { isBridgeKey, type SysctlState } from './state.js';

export interface SysctlArgs {
  name: string;
  value?: string | number | boolean;
  state?: 'present' | 'absent';
  reload?: boolean;
  sysctl_set?: boolean;
  ignoreerrors?: boolean;
  sysctl_file?: string;
  /** k8splay: kernel module to load (modprobe) when the key's /proc/sys entry is missing. */
  load_module?: string;
  /** k8splay: keep a timestamped copy of the file before changing it. */
  backup?: boolean;
}

/** Arguments after Ansible's clean-up: name trimmed, value normalised, defaults applied. */
export interface SysctlWanted {
  name: string;
  value?: string;
  present: boolean;
  reload: boolean;
  sysctlSet: boolean;
  ignoreErrors: boolean;
  file: string;
  loadModule?: string;
  backup: boolean;
}

export type SysctlChange =
  | { kind: 'modprobe'; module: string }
  | { kind: 'set'; value: string }
  | { kind: 'write'; content: string; create: boolean }
  | { kind: 'reload' };

export const DEFAULT_SYSCTL_FILE = '/etc/sysctl.conf';

/** Check and normalise the arguments (Ansible's messages for blank name/value). */
export function wanted(args: SysctlArgs): SysctlWanted {
  const name = String(args.name ?? '').trim();
  checkName(name);
  const present = (args.state ?? 'present') === 'present';
  const value = present ? normaliseValue(args.value) : undefined;
  if (present && value === undefined) throw new ModuleFailure('value cannot be None');
  checkValue(value);
  if (args.load_module !== undefined && !/^[A-Za-z0-9_][A-Za-z0-9_.:-]*$/.test(args.load_module)) {
    throw new ModuleFailure(`invalid kernel module name in load_module: '${args.load_module}'`);
  }
  return {
    name, present,
    ...(value !== undefined ? { value } : {}),
    reload: args.reload ?? true,
    sysctlSet: args.sysctl_set ?? false,
    ignoreErrors: args.ignoreerrors ?? false,
    file: args.sysctl_file ?? DEFAULT_SYSCTL_FILE,
    ...(args.load_module ? { loadModule: args.load_module } : {}),
    backup: args.backup ?? false,
  };
}

/** The error for a key with no /proc/sys entry, naming the module to load where we know it. */
export function missingKeyError(w: SysctlWanted, st: SysctlState): ModuleFailure {
  const path = `/proc/sys/${procPath(w.name)}`;
  if (isBridgeKey(w.name) && st.bridgeLoaded === false) {
    return new ModuleFailure(
      `sysctl key ${w.name} does not exist on this host (${path} is missing): the br_netfilter kernel module is not loaded`,
      { name: w.name },
      { details: [
        'Load it first with the modprobe module (name: br_netfilter, persistent: present keeps it loaded after a reboot),',
        'or add "load_module: br_netfilter" to this sysctl task.',
      ] },
    );
  }
  return new ModuleFailure(`sysctl key ${w.name} does not exist on this host (no ${path})`, { name: w.name }, {
    details: [
      'Check the name. If a kernel module provides the key, load it first (modprobe, or load_module on this task);',
      'ignoreerrors: true only writes the file and skips the live value.',
    ],
  });
}

function liveLine(name: string, value: string | undefined): string {
  return value === undefined ? '' : `${name} = ${value}\n`;
}

/** Compare wanted with observed state. */
export function planSysctl(args: SysctlArgs, st: SysctlState): Plan<SysctlChange> {
  const w = wanted(args);
  const warnings: string[] = [];
  if (st.file.kind === 'directory') throw new ModuleFailure(`${w.file} is a directory, not a sysctl file`);
  if (st.file.kind === 'other') throw new ModuleFailure(`${w.file} is not a regular file`);
  if (st.file.kind === 'unreadable') throw new ModuleFailure(`Failed to open ${w.file}: ${st.file.message}`);
  const exists = st.file.kind === 'file';
  const before = st.file.kind === 'file' ? st.file.content : '';

  const edit = editConf(before, w.name, w.value);
  const changes: SysctlChange[] = [];
  const diff: FileDiff[] = [];

  // Live value first: a refused value must fail before the file keeps it for the next boot.
  let liveChanged = false;
  if (w.present && (w.reload || w.sysctlSet)) {
    const live = st.live;
    if (live.kind === 'directory') {
      throw new ModuleFailure(`'${w.name}' is a group of sysctl keys (/proc/sys/${procPath(w.name)} is a directory), not a key`);
    }
    if (live.kind === 'missing') {
      if (w.loadModule) {
        changes.push({ kind: 'modprobe', module: w.loadModule }, { kind: 'set', value: w.value! });
        liveChanged = true;
        diff.push({ path: `/proc/sys/${procPath(w.name)}`, before: '', after: liveLine(w.name, w.value), afterHeader: `${w.name} (after modprobe ${w.loadModule})` });
      } else if (w.ignoreErrors) {
        warnings.push(`sysctl key ${w.name} does not exist on this host; ignored (ignoreerrors): only the file is managed`);
      } else {
        throw missingKeyError(w, st);
      }
    } else if (live.kind === 'unreadable' || !valuesEqual(live.value, w.value)) {
      if (live.kind === 'unreadable') warnings.push(`the live value of ${w.name} cannot be read; it is set on every run`);
      changes.push({ kind: 'set', value: w.value! });
      liveChanged = true;
      const header = `/proc/sys/${procPath(w.name)} (live value)`;
      diff.push({
        path: `/proc/sys/${procPath(w.name)}`,
        before: live.kind === 'value' ? liveLine(w.name, live.value) : '', after: liveLine(w.name, w.value),
        beforeHeader: header, afterHeader: header,
      });
    }
  } else if (w.present && st.live.kind === 'missing' && isBridgeKey(w.name) && st.bridgeLoaded === false && edit.changed) {
    warnings.push(`${w.name} does not exist on this host yet (br_netfilter is not loaded): only the file is changed`);
  }

  if (edit.changed) {
    if (!exists && !st.dirExists) {
      throw new ModuleFailure(`Destination directory of ${w.file} does not exist`, { sysctl_file: w.file });
    }
    changes.push({ kind: 'write', content: edit.text, create: !exists });
    diff.unshift(contentDiff(w.file, exists ? before : null, edit.text));
    if (edit.lines.length > 1) {
      warnings.push(`${w.name} is set on lines ${edit.lines.join(', ')} of ${w.file}: the last one is what sysctl -p keeps, so that line was ${w.present ? 'changed' : 'removed with the others'}`);
    }
  }
  if ((edit.changed || liveChanged) && w.reload) changes.push({ kind: 'reload' });

  const plan: Plan<SysctlChange> = { changes };
  if (diff.length) plan.diff = diff;
  if (warnings.length) plan.warnings = warnings;
  return plan;
}
