/**
 * The pure plan of yum_pkg: from the rpm query (and, in check or diff mode, dnf's own
 * --assumeno answer) to the changes, the Ansible return values and a before/after diff of
 * the installed packages.
 */
import { ModuleFailure, type FileDiff, type Plan } from '../../src/index.js';
import type { PkgArgs, Subcommand } from './command.js';
import { decide, isEmpty, type Decision } from './decide.js';
import { changesOf, resultLines, type DnfFailure, type TxPackage } from './dnf-output.js';
import { nevra, type InstalledPackage } from './installed.js';
import type { PackageSpec } from './specs.js';

/** One dnf run apply will make. */
export interface PkgChange {
  kind: Subcommand;
  specs: string[];
}

/** dnf's answer to --assumeno, when gather asked (check or diff mode). */
export interface Preview {
  tx: TxPackage[];
  failure?: DnfFailure & { rc: number; cmd: string; stdout: string; stderr: string };
  /** Installed packages of the names in tx (the diff's "before"). */
  before: InstalledPackage[];
}

export interface PkgState {
  /** 'dnf' or 'yum': the program run. */
  backend: string;
  specs: PackageSpec[];
  installed: InstalledPackage[];
  fileHeaders: Record<number, InstalledPackage>;
  preview?: Preview;
}

export const CHECK_MSG = 'Check mode: No changes made, but would have if not in check mode';

/** The dnf runs for a decision, in order. */
export function changesFor(d: Decision): PkgChange[] {
  const c: PkgChange[] = [];
  if (d.install.length) c.push({ kind: 'install', specs: d.install });
  if (d.upgrade.length) c.push({ kind: 'upgrade', specs: d.upgrade });
  if (d.remove.length) c.push({ kind: 'remove', specs: d.remove });
  if (d.autoremove) c.push({ kind: 'autoremove', specs: [] });
  return c;
}

/** Installed packages before and after a transaction, one NEVRA per line. */
export function packagesDiff(tx: TxPackage[], before: InstalledPackage[]): FileDiff {
  const was = before.map(nevra).sort();
  const replaced = new Set(tx.filter((p) => p.action !== 'install').map((p) => `${p.name}.${p.arch}`));
  const removed = new Set(tx.filter((p) => p.action === 'remove').map((p) => p.nevra));
  const now = [
    ...before.filter((p) => !replaced.has(`${p.name}.${p.arch}`) && !removed.has(nevra(p))).map(nevra),
    ...tx.filter((p) => p.action !== 'remove').map((p) => p.nevra),
  ].sort();
  const text = (l: string[]) => (l.length ? l.join('\n') + '\n' : '');
  return { path: 'packages', before: text(was), after: text(now), beforeHeader: 'installed packages (before)', afterHeader: 'installed packages (after)' };
}

/** The failure of a dnf run as the task's failure. */
export function failureOf(f: NonNullable<Preview['failure']>, hints: string[] = []): ModuleFailure {
  return new ModuleFailure(f.msg, {
    rc: f.rc, cmd: f.cmd, failures: f.failures, results: [], stdout: f.stdout, stderr: f.stderr,
  }, { details: [...f.details, ...hints] });
}

/** Compare, plan and (with a preview) predict. */
export function planPkg(args: PkgArgs, st: PkgState, ctx: { checkMode: boolean }): Plan<PkgChange> {
  const d = decide(args, st.specs, st.installed, st.fileHeaders);
  const warnings = d.warnings;
  const base: Record<string, unknown> = { rc: 0, results: [...d.notes] };
  const withWarnings = (p: Plan<PkgChange>) => (warnings.length ? { ...p, warnings } : p);
  if (isEmpty(d)) {
    const plan: Plan<PkgChange> = { changes: [], msg: 'Nothing to do', result: { ...base, msg: 'Nothing to do' } };
    if (args.update_cache) {
      // Refresh the metadata anyway (Ansible does), without reporting a change.
      plan.check = 'run';
      if (!args.name.length) {
        plan.msg = 'Cache updated';
        plan.result = { ...base, msg: 'Cache updated' };
      }
    }
    return withWarnings(plan);
  }
  const changes = changesFor(d);
  if (!st.preview) {
    // Normal run: dnf decides in apply; the results come from what it did.
    return withWarnings({ changes, result: base });
  }
  const p = st.preview;
  if (p.failure) throw failureOf(p.failure);
  if (!p.tx.length) {
    return withWarnings({ changes: [], msg: 'Nothing to do', result: { ...base, msg: 'Nothing to do' } });
  }
  const msg = ctx.checkMode ? CHECK_MSG : '';
  const result = {
    ...base, msg,
    results: [...d.notes, ...resultLines(p.tx, args.download_only)],
    changes: changesOf(p.tx),
  };
  return withWarnings({ changes, msg, result, diff: [packagesDiff(p.tx, p.before)] });
}
