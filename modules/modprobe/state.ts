/**
 * What the modprobe module reads from a host, in one round trip: where the kernel module is
 * (detect.ts), under check mode modprobe's own dry run, and with `persistent` the *.conf files
 * of /etc/modules-load.d and /etc/modprobe.d.
 */
import { randomBytes } from 'node:crypto';
import type { GatherContext } from '../../src/index.js';
import { readSections } from '../_shared/read-sections.js';
import { shlexSplit } from '../_shared/shlex.js';
import { kernelSectionCommand, parseKernelSection, type KernelModuleInfo } from './detect.js';
import { MODPROBE_DIR, MODULES_LOAD_DIR, type ConfFiles } from './persist.js';

export interface ModprobeState {
  kernel: KernelModuleInfo;
  /** Check mode only: `modprobe -n` (or `-n -r`) status and output. */
  dryRun?: { rc: number; output: string };
  /** With persistent present/absent: the *.conf files and which directories exist. */
  loadFiles?: ConfFiles;
  optFiles?: ConfFiles;
  dirs?: Set<string>;
}

/** The modprobe words for loading: name then Ansible's shlex.split(params). */
export function loadWords(name: string, params: string): string[] {
  return [name, ...shlexSplit(params)];
}

/** A command printing each *.conf file of the two directories after a marker line. */
export function confFilesCommand(marker: string): string {
  return [
    `for d in ${MODULES_LOAD_DIR} ${MODPROBE_DIR}; do`,
    `  [ -d "$d" ] || continue; printf '%s DIR %s\\n' '${marker}' "$d"`,
    `  for f in "$d"/*.conf; do [ -f "$f" ] || continue; printf '%s FILE %s\\n' '${marker}' "$f"; cat -- "$f"; done`,
    'done; true',
  ].join('\n');
}

/** Parse confFilesCommand's output. */
export function parseConfFiles(out: string, marker: string): { loadFiles: ConfFiles; optFiles: ConfFiles; dirs: Set<string> } {
  const loadFiles: ConfFiles = new Map();
  const optFiles: ConfFiles = new Map();
  const dirs = new Set<string>();
  for (const part of out.split(`${marker} `).slice(1)) {
    const nl = part.indexOf('\n');
    const head = nl < 0 ? part : part.slice(0, nl);
    const body = nl < 0 ? '' : part.slice(nl + 1);
    if (head.startsWith('DIR ')) dirs.add(head.slice(4));
    else if (head.startsWith('FILE ')) {
      const path = head.slice(5);
      (path.startsWith(`${MODULES_LOAD_DIR}/`) ? loadFiles : optFiles).set(path, body);
    }
  }
  return { loadFiles, optFiles, dirs };
}

export interface GatherOptions {
  name: string;
  params: string;
  present: boolean;
  persistent: 'disabled' | 'present' | 'absent';
}

/** Read everything the plan needs with one command on the host. */
export async function gatherModprobe(ctx: GatherContext, o: GatherOptions): Promise<ModprobeState> {
  const q = ctx.quote;
  const sections: Record<string, string> = { kernel: kernelSectionCommand(o.name) };
  if (ctx.checkMode) {
    // Ansible's check mode runs modprobe's dry run: a module that does not exist fails here too.
    sections.dryrun = o.present
      ? `modprobe -n -- ${loadWords(o.name, o.params).map(q).join(' ')} 2>&1`
      : `modprobe -n -r -- ${q(o.name)} 2>&1`;
  }
  const marker = `@@k8sp-conf-${randomBytes(6).toString('hex')}@@`;
  if (o.persistent !== 'disabled') sections.conf = confFilesCommand(marker);
  const s = await readSections(ctx, sections);
  if (!s.kernel) throw new Error('reading the kernel module state failed: the host gave no answer');
  const state: ModprobeState = { kernel: parseKernelSection(o.name, s.kernel.out) };
  if (s.dryrun) state.dryRun = { rc: s.dryrun.rc, output: s.dryrun.out.trim() };
  if (s.conf) Object.assign(state, parseConfFiles(s.conf.out, marker));
  return state;
}
