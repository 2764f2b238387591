/**
 * One round trip for everything the fstab module looks at: the fstab file, and only what the
 * task needs of the live system (mounts, the mount point, active swap, swap.target).
 */
import { posix } from 'node:path';
import { ModuleFailure, type GatherContext } from '../../src/index.js';
import { RC_FUNCTION, readSections, type SectionOutput } from '../_shared/read-sections.js';
import { readFileCommand } from '../_shared/read-file-sh.js';
import { parseMountinfo, parseSwaps, type LiveMount } from './live.js';

export interface FstabState {
  /** The fstab text; null when the file does not exist. */
  fstab: string | null;
  /** The fstab's directory exists. */
  fstabDirExists: boolean;
  /** Live mounts, when the task needs them. */
  mounts?: LiveMount[];
  /** What is at the mount point: a directory, something else, or nothing. */
  pathKind?: 'dir' | 'other' | 'none';
  /** Active swap areas, for swap: off. */
  swaps?: string[];
  /** `swapoff` is on the PATH. */
  hasSwapoff?: boolean;
  /** `systemctl is-enabled swap.target` ('masked', 'static', ...), or null without systemctl. */
  swapTarget?: string | null;
}

/** What to read. */
export interface FstabProbeWants {
  fstab: string;
  /** Mount point to look at. */
  path?: string;
  mounts?: boolean;
  swap?: boolean;
  swapTarget?: boolean;
}

/**
 * The read-only commands, by section name (exported for the unit tests' fake host). They run
 * inline (read-sections.ts): the fstab and /proc/swaps are read with shell builtins, so a
 * swap: off check starts no process; only mountinfo (large) and swap.target use one.
 */
export function fstabProbe(w: FstabProbeWants, quote: (s: string) => string): Record<string, string> {
  const f = quote(w.fstab);
  const cmds: Record<string, string> = {
    fstab: `${RC_FUNCTION}; if [ -f ${f} ]; then { ${readFileCommand(w.fstab, quote)}\n} || k8sp_rc 5; elif [ -e ${f} ]; then k8sp_rc 3; elif [ -d ${quote(posix.dirname(w.fstab))} ]; then k8sp_rc 2; else k8sp_rc 4; fi`,
  };
  if (w.mounts) cmds.mountinfo = 'cat /proc/self/mountinfo';
  if (w.path !== undefined) {
    const p = quote(w.path);
    cmds.path = `if [ -d ${p} ]; then echo dir; elif [ -e ${p} ] || [ -L ${p} ]; then echo other; else echo none; fi`;
  }
  if (w.swap) {
    // Read for parsing only (never rewritten): line by line is enough.
    cmds.swaps = `while IFS= read -r k8sp_l; do printf '%s\\n' "$k8sp_l"; done </proc/swaps`;
    cmds.swapoff = 'command -v swapoff';
  }
  if (w.swapTarget) cmds.swaptarget = `${RC_FUNCTION}; if command -v systemctl >/dev/null; then systemctl is-enabled swap.target; else k8sp_rc 127; fi`;
  return cmds;
}

/** The observed state from the probe's sections (pure). */
export function parseFstabProbe(s: Record<string, SectionOutput>, w: FstabProbeWants): FstabState {
  const f = s.fstab!;
  if (f.rc === 3) throw new ModuleFailure(`${w.fstab} is not a regular file`, { fstab: w.fstab });
  if (f.rc === 5 || f.rc === 1) throw new ModuleFailure(`Failed to open ${w.fstab}: cannot read it`, { fstab: w.fstab });
  const st: FstabState = { fstab: f.rc === 0 ? f.out : null, fstabDirExists: f.rc !== 4 };
  if (w.mounts) {
    if (s.mountinfo?.rc !== 0) throw new ModuleFailure('Cannot open file /proc/self/mountinfo');
    st.mounts = parseMountinfo(s.mountinfo.out);
  }
  if (w.path !== undefined) {
    const k = s.path?.out.trim();
    st.pathKind = k === 'dir' || k === 'other' ? k : 'none';
  }
  if (w.swap) {
    st.swaps = s.swaps?.rc === 0 ? parseSwaps(s.swaps.out) : [];
    st.hasSwapoff = s.swapoff?.rc === 0;
  }
  if (w.swapTarget) {
    const t = s.swaptarget;
    st.swapTarget = !t || t.rc === 127 ? null : t.out.trim() || 'unknown';
  }
  return st;
}

/** Read the fstab and the live state the task needs, in one ctx.run. */
export async function gatherFstab(ctx: GatherContext, w: FstabProbeWants): Promise<FstabState> {
  const probe = fstabProbe(w, ctx.quote);
  const sections = await readSections(ctx, probe, { inline: true });
  const missing = Object.keys(probe).filter((k) => !sections[k]);
  if (missing.length) throw new ModuleFailure(`could not read the mount state (no answer for: ${missing.join(', ')})`);
  return parseFstabProbe(sections, w);
}
