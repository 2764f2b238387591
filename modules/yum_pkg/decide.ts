/**
 * Which specs need the package manager, decided from the rpm query alone (pure): what to
 * install, upgrade or remove, with Ansible's rules for versions (a newer installed version
 * stays unless allow_downgrade) and for `latest` (only dnf knows whether an update exists).
 */
import { nevra, specStatus, type InstalledPackage } from './installed.js';
import type { PkgArgs } from './command.js';
import type { PackageSpec } from './specs.js';

export interface Decision {
  /** Specs for `dnf install` (one transaction). */
  install: string[];
  /** Specs for `dnf upgrade` (state latest: installed ones). */
  upgrade: string[];
  /** Installed packages (NEVRA) for `dnf remove`. */
  remove: string[];
  /** `dnf autoremove` alone (autoremove with no names). */
  autoremove: boolean;
  /** Lines for Ansible's `results` that are not transaction rows. */
  notes: string[];
  warnings: string[];
}

/** Normalised state: installed -> present, removed -> absent, default present (absent with autoremove). */
export function wantedState(a: Pick<PkgArgs, 'state' | 'autoremove'>): 'present' | 'latest' | 'absent' {
  const s = a.state ?? (a.autoremove ? 'absent' : 'present');
  return s === 'installed' ? 'present' : s === 'removed' ? 'absent' : s;
}

/** The argument dnf gets for a spec. */
function specArg(s: PackageSpec): string {
  return s.kind === 'constraint' ? s.arg : s.raw;
}

/** True when the spec pins a version (its installed match was found through a versioned reading). */
function pinsVersion(s: PackageSpec, installed: InstalledPackage[]): boolean {
  if (s.kind === 'constraint') return true;
  if (s.kind !== 'name') return false;
  const f = s.forms.find((x) => installed.some((p) => p.name === x.name));
  return f?.version !== undefined;
}

/** Decide from the specs and what rpm reported (`fileHeaders`: rpm -qp answers by spec index). */
export function decide(args: PkgArgs, specs: PackageSpec[], installed: InstalledPackage[], fileHeaders: Record<number, InstalledPackage> = {}): Decision {
  const d: Decision = { install: [], upgrade: [], remove: [], autoremove: false, notes: [], warnings: [] };
  const state = wantedState(args);
  if (state === 'absent') {
    if (!specs.length && args.autoremove) d.autoremove = true;
    const seen = new Set<string>();
    specs.forEach((s, i) => {
      for (const p of specStatus(s, installed, fileHeaders[i]).matches) {
        const n = nevra(p);
        if (!seen.has(n)) {
          seen.add(n);
          d.remove.push(n);
        }
      }
    });
    return d;
  }
  const satisfiedPins: string[] = [];
  specs.forEach((s, i) => {
    const st = specStatus(s, installed, fileHeaders[i]);
    if (state === 'latest' && s.kind !== 'file') {
      if (st.matches.length) d.upgrade.push(specArg(s));
      else if (args.update_only) d.notes.push(`Packages providing ${s.raw} not installed due to update_only specified`);
      else d.install.push(specArg(s));
      return;
    }
    if (st.matches.length) {
      if (pinsVersion(s, installed)) satisfiedPins.push(specArg(s));
      return;
    }
    if (st.newer.length && !args.allow_downgrade) {
      d.warnings.push(
        `${s.raw}: ${st.newer.map(nevra).join(', ')} is installed, newer than asked for; left as it is (allow_downgrade: true installs the older version)`,
      );
      return;
    }
    d.install.push(specArg(s));
  });
  // Exact pins already satisfied go into the same transaction, so the solver keeps them.
  if (d.install.length) d.install.push(...satisfiedPins);
  return d;
}

/** Nothing for the package manager to do. */
export function isEmpty(d: Decision): boolean {
  return !d.install.length && !d.upgrade.length && !d.remove.length && !d.autoremove;
}
