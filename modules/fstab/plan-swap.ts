/**
 * `swap: off`, pure: every swap line of the fstab commented out (or removed) one by one,
 * whatever its mount point field; `swapoff -a` when /proc/swaps lists an active area; and
 * optionally swap.target masked. What kubespray needs three tasks for (and Ansible's mount
 * module cannot do: it only deletes, and collapses or misses swap lines).
 */
import { ModuleFailure, type FileDiff, type Plan } from '../../src/index.js';
import { contentDiff, dictDiff } from '../_shared/diffs.js';
import { swapOffEdit } from './entries.js';
import type { FstabState } from './gather.js';
import { DEFAULT_FSTAB } from './plan-mount.js';

export interface SwapOffArgs {
  fstab?: string;
  swap_lines?: 'comment' | 'remove';
  mask_swap_target?: boolean;
  backup?: boolean;
}

export type SwapChange =
  | { kind: 'write'; content: string }
  | { kind: 'swapoff' }
  | { kind: 'mask' };

/** Plan `swap: off`. Throws ModuleFailure when a needed tool is missing. */
export function planSwapOff(args: SwapOffArgs, st: FstabState): Plan<SwapChange> {
  const fstab = args.fstab ?? DEFAULT_FSTAB;
  const how = args.swap_lines ?? 'comment';
  const changes: SwapChange[] = [];
  const diff: FileDiff[] = [];
  const msgs: string[] = [];

  const edit = st.fstab === null ? { content: '', lines: [] } : swapOffEdit(st.fstab, how);
  if (edit.lines.length) {
    changes.push({ kind: 'write', content: edit.content });
    diff.push(contentDiff(fstab, st.fstab, edit.content));
    msgs.push(`${edit.lines.length} swap line(s) ${how === 'comment' ? 'commented out' : 'removed'} in ${fstab}`);
  }

  const active = st.swaps ?? [];
  if (active.length) {
    if (!st.hasSwapoff) throw new ModuleFailure(`swap is active (${active.join(', ')}) but swapoff is not installed`, { swap_active: active });
    changes.push({ kind: 'swapoff' });
    diff.push(dictDiff('swap (live)', { active }, { active: [] }));
    msgs.push(`swapoff -a (was active: ${active.join(', ')})`);
  }

  if (args.mask_swap_target) {
    if (st.swapTarget === null) throw new ModuleFailure('mask_swap_target needs systemctl, which is not installed');
    if (st.swapTarget !== 'masked') {
      changes.push({ kind: 'mask' });
      diff.push(dictDiff('swap.target', { state: st.swapTarget }, { state: 'masked' }));
      msgs.push('swap.target masked');
    }
  }

  const msg = msgs.length ? msgs.join(', ') : 'swap is off';
  const result: Record<string, unknown> = {
    msg, fstab, swap_lines: edit.lines, swap_active: active, backup_file: '',
  };
  if (args.mask_swap_target) result.swap_target = changes.some((c) => c.kind === 'mask') ? 'masked' : st.swapTarget;
  const plan: Plan<SwapChange> = { changes, msg, result };
  if (diff.length) plan.diff = diff;
  return plan;
}
