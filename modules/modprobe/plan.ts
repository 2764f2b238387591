/**
 * The modprobe decision, pure (community.general.modprobe's order: load or unload first,
 * then persistence).
 */
import { ModuleFailure, type FileDiff, type Plan } from '../../src/index.js';
import { contentDiff, dictDiff } from '../_shared/diffs.js';
import { ShlexError } from '../_shared/shlex.js';
import { isPresent, isUnloadable, MODULE_NAME_RE, modprobeHints } from './detect.js';
import { MODPROBE_DIR, MODULES_LOAD_DIR, persistAbsent, persistPresent, type FileEdit } from './persist.js';
import { loadWords, type ModprobeState } from './state.js';

export interface ModprobeArgs {
  name: string;
  state?: 'present' | 'absent';
  params?: string;
  persistent?: 'disabled' | 'present' | 'absent';
  /** k8splay: keep a timestamped copy of a config file before changing it. */
  backup?: boolean;
}

export type ModprobeChange =
  | { kind: 'load' }
  | { kind: 'unload' }
  | { kind: 'mkdir'; path: string }
  | { kind: 'write'; edit: FileEdit };

/** Check the arguments that the schema cannot. */
export function checkModprobeArgs(a: ModprobeArgs): void {
  if (!MODULE_NAME_RE.test(a.name)) {
    throw new ModuleFailure(`invalid kernel module name '${a.name}': letters, digits, '-' and '_' only`, { name: a.name });
  }
  try {
    loadWords(a.name, a.params ?? '');
  } catch (e) {
    if (e instanceof ShlexError) throw new ModuleFailure(`params: ${e.message}`, { name: a.name, params: a.params ?? '' });
    throw e;
  }
}

/** Ansible's result fields. */
export function baseResult(a: ModprobeArgs): Record<string, unknown> {
  return { name: a.name, params: a.params ?? '', state: a.state ?? 'present' };
}

export function planModprobe(a: ModprobeArgs, st: ModprobeState): Plan<ModprobeChange> {
  checkModprobeArgs(a);
  const present = (a.state ?? 'present') === 'present';
  const params = a.params ?? '';
  const result = baseResult(a);
  const changes: ModprobeChange[] = [];
  const diff: FileDiff[] = [];
  const loaded = isPresent(st.kernel);

  if (present !== loaded) {
    if (!present && !isUnloadable(st.kernel)) {
      // Present but not in /proc/modules: built in (modules.builtin, /sys/module, or what it provides).
      const evidence = st.kernel.builtin ? 'modules.builtin lists it' : st.kernel.inSysModule ? `/sys/module/${a.name} exists` : st.kernel.provides ?? '';
      throw new ModuleFailure(`cannot unload kernel module ${a.name}: it is built into the kernel (${evidence})`, result);
    }
    if (st.dryRun && st.dryRun.rc !== 0) {
      throw new ModuleFailure(st.dryRun.output || `modprobe dry run failed (rc=${st.dryRun.rc})`, { ...result, rc: st.dryRun.rc, stderr: st.dryRun.output }, {
        details: modprobeHints(a.name, st.dryRun.output, st.kernel),
      });
    }
    changes.push({ kind: present ? 'load' : 'unload' });
    diff.push(dictDiff(`kernel module ${a.name}`, { name: a.name, state: loaded ? 'present' : 'absent' }, { name: a.name, state: present ? 'present' : 'absent' }));
  }

  const persistent = a.persistent ?? 'disabled';
  if (persistent !== 'disabled') {
    const loadFiles = st.loadFiles ?? new Map<string, string>();
    const optFiles = st.optFiles ?? new Map<string, string>();
    const edits = persistent === 'present'
      ? persistPresent(loadFiles, optFiles, a.name, params.split(/\s+/).filter(Boolean))
      : persistAbsent(loadFiles, optFiles, a.name);
    const dirs = st.dirs ?? new Set<string>();
    for (const dir of [MODULES_LOAD_DIR, MODPROBE_DIR]) {
      if (!dirs.has(dir) && edits.some((e) => e.path.startsWith(`${dir}/`))) changes.push({ kind: 'mkdir', path: dir });
    }
    for (const edit of edits) {
      changes.push({ kind: 'write', edit });
      diff.push(contentDiff(edit.path, edit.before ?? null, edit.after));
    }
  }
  const plan: Plan<ModprobeChange> = { changes, result };
  if (diff.length) plan.diff = diff;
  return plan;
}
