/**
 * ansible.posix.mount's states, pure: which fstab edit and which mount command a task needs,
 * with Ansible's checks, warnings, messages and return values.
 */
import { ModuleFailure, type FileDiff, type Plan } from '../../src/index.js';
import { contentDiff, dictDiff } from '../_shared/diffs.js';
import { isSwapTask, setEntry, unsetEntry, type MountEntry } from './entries.js';
import { mountAt } from './live.js';
import type { FstabState } from './gather.js';

export type MountState = 'mounted' | 'present' | 'unmounted' | 'absent' | 'absent_from_fstab' | 'remounted' | 'ephemeral';

export interface MountArgs {
  path: string;
  state: MountState;
  src?: string;
  fstype?: string;
  opts?: string;
  dump?: string;
  passno?: string;
  fstab?: string;
  boot?: boolean;
  backup?: boolean;
}

export type MountChange =
  | { kind: 'write'; content: string; create: boolean; mkdir: boolean }
  | { kind: 'mkdir' }
  | { kind: 'mount' }
  | { kind: 'remount' }
  | { kind: 'umount' }
  | { kind: 'rmdir' };

/** The task's entry with Ansible's defaults and its `boot` handling (plus the warnings it gives). */
export interface ResolvedEntry {
  entry: MountEntry;
  fstab: string;
  boot: 'yes' | 'no';
  warnings: string[];
}

export const DEFAULT_FSTAB = '/etc/fstab';

/** Ansible's defaults, and `boot: false` as `noauto` in the options. */
export function resolveEntry(args: MountArgs): ResolvedEntry {
  const warnings: string[] = [];
  const entry: MountEntry = {
    name: args.path,
    opts: args.opts ?? 'defaults',
    dump: args.dump ?? '0',
    passno: args.passno ?? '0',
  };
  if (args.src !== undefined) entry.src = args.src;
  if (args.fstype !== undefined) entry.fstype = args.fstype;
  let boot: 'yes' | 'no' = 'yes';
  const opts = entry.opts.split(',');
  if (opts.includes('noauto')) {
    warnings.push("Ignore the 'boot' due to 'opts' contains 'noauto'.");
  } else if (args.boot === false) {
    boot = 'no';
    if (opts.includes('defaults')) warnings.push("Ignore the 'boot' due to 'opts' contains 'defaults'.");
    else entry.opts = [...opts, 'noauto'].join(',');
  }
  return { entry, fstab: args.fstab ?? DEFAULT_FSTAB, boot, warnings };
}

/** Ansible's required_if for src and fstype. */
function checkRequired(args: MountArgs): void {
  if (args.state !== 'mounted' && args.state !== 'present' && args.state !== 'ephemeral') return;
  const missing = (['src', 'fstype'] as const).filter((k) => args[k] === undefined);
  if (missing.length) throw new ModuleFailure(`state is ${args.state} but all of the following are missing: ${missing.join(', ')}`);
}

/** Ansible's return values: the resolved arguments. */
function resultOf(args: MountArgs, r: ResolvedEntry): Record<string, unknown> {
  const out: Record<string, unknown> = {
    name: args.path, opts: r.entry.opts, dump: r.entry.dump, passno: r.entry.passno,
    fstab: r.fstab, boot: r.boot, backup_file: '',
  };
  if (r.entry.src !== undefined) out.src = r.entry.src;
  if (r.entry.fstype !== undefined) out.fstype = r.entry.fstype;
  return out;
}

/** Plan one mount task. Throws ModuleFailure with Ansible's messages. */
export function planMount(args: MountArgs, st: FstabState): Plan<MountChange> {
  checkRequired(args);
  const r = resolveEntry(args);
  const { entry } = r;
  const swap = isSwapTask({ name: entry.name, fstype: entry.fstype });
  if (swap && args.state !== 'present' && args.state !== 'absent' && args.state !== 'absent_from_fstab') {
    throw new ModuleFailure(
      `state=${args.state} does not apply to swap entries: use state=present (or absent) for the fstab line, or 'swap: off' to turn swap off`,
    );
  }
  const before = st.fstab ?? '';
  const changes: MountChange[] = [];
  const diff: FileDiff[] = [];
  const live = (b: Record<string, unknown>, a: Record<string, unknown>) => diff.push(dictDiff(`${entry.name} (mount)`, b, a));
  const mounted = st.mounts ? mountAt(st.mounts, entry.name) : undefined;
  const writeFstab = (content: string) => {
    changes.push({ kind: 'write', content, create: st.fstab === null, mkdir: !st.fstabDirExists });
    diff.push(contentDiff(r.fstab, st.fstab, content));
  };

  switch (args.state) {
    case 'present': {
      const s = setEntry(before, { ...entry, src: entry.src!, fstype: entry.fstype! });
      if (s.changed) writeFstab(s.content);
      break;
    }
    case 'absent':
    case 'absent_from_fstab': {
      const u = unsetEntry(before, entry);
      if (!u.removed.length) break;
      writeFstab(u.content);
      // Ansible only unmounts and removes the directory when the fstab line was there.
      if (args.state === 'absent' && entry.name.startsWith('/')) {
        if (mounted) {
          changes.push({ kind: 'umount' });
          live({ mounted: true }, { mounted: false });
        }
        if (st.pathKind !== 'none') changes.push({ kind: 'rmdir' });
      }
      break;
    }
    case 'unmounted':
      if (mounted) {
        changes.push({ kind: 'umount' });
        live({ mounted: true }, { mounted: false });
      }
      break;
    case 'mounted': {
      if (st.pathKind === 'none') changes.push({ kind: 'mkdir' });
      const s = setEntry(before, { ...entry, src: entry.src!, fstype: entry.fstype! });
      if (s.changed) writeFstab(s.content);
      if (mounted) {
        if (s.changed) changes.push({ kind: 'remount' });
      } else {
        changes.push({ kind: 'mount' });
        live({ mounted: false }, { mounted: true, src: entry.src });
      }
      break;
    }
    case 'remounted':
      // Always changed, as in Ansible.
      changes.push({ kind: 'remount' });
      break;
    case 'ephemeral':
      if (mounted) {
        if (!sameSource(mounted, entry.src!)) {
          throw new ModuleFailure(
            'Ephemeral mount point is already mounted with a different source than the specified one. Failing in order to prevent an unwanted unmount or override operation. Try replacing this command with a "state: unmounted" followed by a "state: ephemeral", or use a different destination path.',
          );
        }
        changes.push({ kind: 'remount' });
      } else {
        if (st.pathKind === 'none') changes.push({ kind: 'mkdir' });
        changes.push({ kind: 'mount' });
        live({ mounted: false }, { mounted: true, src: entry.src });
      }
      break;
  }
  const plan: Plan<MountChange> = { changes, result: resultOf(args, r) };
  if (diff.length) plan.diff = diff;
  if (r.warnings.length) plan.warnings = r.warnings;
  return plan;
}

/** The mounted source is the task's (a device, or for a bind mount the directory mounted). */
function sameSource(m: { src: string; root: string }, src: string): boolean {
  return m.src === src || (m.root !== '/' && m.root === src);
}
