/**
 * What is installed, read with ONE rpm query for every name a task could mean (no package
 * manager loaded: about 30 ms on a host), and how each spec compares with it.
 */
import { compareEvr, type Evr } from './rpmver.js';
import { candidateNames, type PackageSpec, type SpecForm } from './specs.js';
import { globToRegExp } from './glob.js';

/** One installed package. */
export interface InstalledPackage {
  name: string;
  epoch: number;
  version: string;
  release: string;
  arch: string;
}

/** rpm's query format: one tab-separated line per package. */
export const RPM_QF = 'P\\t%{NAME}\\t%{EPOCHNUM}\\t%{VERSION}\\t%{RELEASE}\\t%{ARCH}\\n';

/** dnf's way of naming a package: name-[epoch:]version-release.arch. */
export function nevra(p: InstalledPackage): string {
  return `${p.name}-${p.epoch ? `${p.epoch}:` : ''}${p.version}-${p.release}.${p.arch}`;
}

/** Parse lines printed with RPM_QF (other lines, e.g. "package x is not installed", are skipped). */
export function parseRpmLines(stdout: string, prefix = 'P'): InstalledPackage[] {
  const seen = new Set<string>();
  const out: InstalledPackage[] = [];
  for (const line of stdout.split('\n')) {
    const f = line.split('\t');
    if (f[0] !== prefix || f.length < 6) continue;
    const p: InstalledPackage = { name: f[1]!, epoch: Number(f[2]) || 0, version: f[3]!, release: f[4]!, arch: f[5]!.trim() };
    const key = nevra(p);
    if (!seen.has(key)) {
      seen.add(key);
      out.push(p);
    }
  }
  return out;
}

/**
 * The shell text of the query: `rpm -q` of the candidate names, or `rpm -qa` when a spec is a
 * glob (rpm matches globs on names only, `kubelet-1.13*` needs every package), plus one
 * `rpm -qp` per local package file (lines prefixed F<index>).
 */
export function rpmQueryCommand(specs: PackageSpec[], quote: (s: string) => string, root?: string): string {
  const r = root ? ` --root ${quote(root)}` : '';
  const parts: string[] = [];
  const names = candidateNames(specs);
  if (specs.some((s) => s.kind === 'name' && s.glob)) parts.push(`rpm${r} -qa --qf '${RPM_QF}'`);
  else if (names.length) parts.push(`rpm${r} -q --qf '${RPM_QF}' ${names.map(quote).join(' ')}`);
  specs.forEach((s, i) => {
    if (s.kind !== 'file' || s.remote) return;
    // The file's header, then the installed packages of the name it carries.
    parts.push(`rpm -qp --qf '${RPM_QF.replace(/^P/, `F${i}`)}' ${quote(s.path)}`);
    parts.push(`n=$(rpm -qp --qf '%{NAME}' ${quote(s.path)} 2>/dev/null) && rpm${r} -q --qf '${RPM_QF}' "$n"`);
  });
  return parts.join('; ');
}

function formMatches(f: SpecForm, p: InstalledPackage, glob: boolean): boolean {
  if (glob ? !globToRegExp(f.name).test(p.name) : f.name !== p.name) return false;
  if (f.arch !== undefined && (glob ? !globToRegExp(f.arch).test(p.arch) : f.arch !== p.arch)) return false;
  if (f.version === undefined) return true;
  const wanted: Evr = { version: f.version, ...(f.epoch !== undefined ? { epoch: f.epoch } : {}), ...(f.release !== undefined ? { release: f.release } : {}) };
  if (glob && /[*?[]/.test(`${f.version}-${f.release ?? ''}`)) {
    return globToRegExp(`${f.version}${f.release !== undefined ? `-${f.release}` : ''}`).test(`${p.version}${f.release !== undefined ? `-${p.release}` : ''}`);
  }
  return compareEvr({ epoch: p.epoch, version: p.version, release: p.release }, wanted) === 0;
}

/** How one spec stands against the installed packages. */
export interface SpecStatus {
  /** Installed packages that are this spec (empty: not installed). */
  matches: InstalledPackage[];
  /**
   * For a versioned spec that is not installed: packages of the same name (and arch) that
   * are newer than the one asked for (installing it would be a downgrade).
   */
  newer: InstalledPackage[];
  /** Installed packages of the same name at another version (an upgrade or a downgrade). */
  sameName: InstalledPackage[];
}

function satisfies(p: InstalledPackage, op: string, evr: Evr): boolean {
  const c = compareEvr({ epoch: p.epoch, version: p.version, release: p.release }, evr);
  switch (op) {
    case '<': return c < 0;
    case '<=': return c <= 0;
    case '=': return c === 0;
    case '>=': return c >= 0;
    default: return c > 0;
  }
}

/** Compare a spec with what rpm said is installed (`files`: rpm -qp answers by spec index). */
export function specStatus(spec: PackageSpec, installed: InstalledPackage[], fileHeader?: InstalledPackage): SpecStatus {
  if (spec.kind === 'constraint') {
    const same = installed.filter((p) => p.name === spec.name);
    return { matches: same.filter((p) => satisfies(p, spec.op, spec.evr)), newer: [], sameName: same };
  }
  if (spec.kind === 'file') {
    const h = fileHeader;
    const form: SpecForm | undefined = h ? { name: h.name, epoch: h.epoch, version: h.version, release: h.release, arch: h.arch } : spec.form;
    if (!form) return { matches: [], newer: [], sameName: [] };
    const same = installed.filter((p) => p.name === form.name);
    return { matches: same.filter((p) => formMatches(form, p, false)), newer: [], sameName: same };
  }
  for (const f of spec.forms) {
    const m = installed.filter((p) => formMatches(f, p, spec.glob));
    if (m.length) return { matches: m, newer: [], sameName: [] };
  }
  // Not installed: is a newer build of the asked-for version's package there?
  for (const f of spec.forms) {
    if (f.version === undefined || spec.glob) continue;
    const same = installed.filter((p) => p.name === f.name && (f.arch === undefined || f.arch === p.arch));
    if (!same.length) continue;
    const wanted: Evr = { version: f.version, ...(f.epoch !== undefined ? { epoch: f.epoch } : {}), ...(f.release !== undefined ? { release: f.release } : {}) };
    const newer = same.filter((p) => compareEvr({ epoch: p.epoch, version: p.version, release: p.release }, wanted) > 0);
    return { matches: [], newer, sameName: same };
  }
  return { matches: [], newer: [], sameName: [] };
}
