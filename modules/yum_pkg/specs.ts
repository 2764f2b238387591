/**
 * Package specs as yum/dnf read them: `name`, `name.arch`, `name-version`,
 * `name-version-release[.arch]`, `name-epoch:version-release`, globs, `name >= version`, a
 * local `.rpm` file or a URL. A spec like `docker-ce-18.06.1.ce-3.el7` has several possible
 * readings (dnf tries NEVRA, NA, NEVR, NEV, N in turn); all of them are kept, and the first
 * that matches an installed package decides.
 */
import { ModuleFailure } from '../../src/index.js';
import { parseEvr, type Evr } from './rpmver.js';

/** One reading of a spec. Absent fields match anything. */
export interface SpecForm {
  name: string;
  epoch?: number;
  version?: string;
  release?: string;
  arch?: string;
}

export type Operator = '<' | '<=' | '=' | '>=' | '>';

export type PackageSpec =
  | { kind: 'name'; raw: string; forms: SpecForm[]; glob: boolean }
  | { kind: 'constraint'; raw: string; name: string; op: Operator; evr: Evr; arg: string }
  | { kind: 'file'; raw: string; path: string; remote: boolean; form?: SpecForm };

/** Architectures rpm knows (Ansible's list), so `python3.11` is a name, not name.arch. */
export const RPM_ARCHES = new Set([
  'aarch64', 'alphaev56', 'alphaev5', 'alphaev67', 'alphaev6', 'alpha', 'alphapca56', 'amd64', 'armv3l',
  'armv4b', 'armv4l', 'armv5tejl', 'armv5tel', 'armv5tl', 'armv6hl', 'armv6l', 'armv7hl', 'armv7hnl', 'armv7l',
  'athlon', 'geode', 'i386', 'i486', 'i586', 'i686', 'ia32e', 'ia64', 'm68k', 'mips64el', 'mips64',
  'mips64r6el', 'mips64r6', 'mipsel', 'mips', 'mipsr6el', 'mipsr6', 'noarch', 'pentium3', 'pentium4',
  'ppc32dy4', 'ppc64iseries', 'ppc64le', 'ppc64', 'ppc64p7', 'ppc64pseries', 'ppc8260', 'ppc8560',
  'ppciseries', 'ppc', 'ppcpseries', 'riscv64', 's390', 's390x', 'sh3', 'sh4a', 'sh4', 'sh', 'sparc64',
  'sparc64v', 'sparc', 'sparcv8', 'sparcv9', 'sparcv9v', 'x86_64', 'src',
]);

const GLOB_RE = /[*?[\]]/;
const OP_RE = /^([^\s<>=!]+)\s*(<=|>=|==|=|<|>)\s*(\S+)$/;

/** The readings of a NEVRA-like string, most specific first (hawkey's order). */
export function specForms(s: string): SpecForm[] {
  const forms: SpecForm[] = [];
  const withEv = (name: string, ev: string, release?: string, arch?: string): SpecForm | undefined => {
    const m = /^(?:(\d+):)?([^-:]+)$/.exec(ev);
    // A version starts with a digit here: `foo-bar` is a name, not foo at version bar.
    if (!m || !/^\d/.test(m[2]!) || !name) return undefined;
    const f: SpecForm = { name, version: m[2]! };
    if (m[1] !== undefined) f.epoch = Number(m[1]);
    if (release !== undefined) f.release = release;
    if (arch !== undefined) f.arch = arch;
    return f;
  };
  const dot = s.lastIndexOf('.');
  const arch = dot > 0 ? s.slice(dot + 1) : undefined;
  const archOk = arch !== undefined && (RPM_ARCHES.has(arch) || GLOB_RE.test(arch));
  // NEVRA
  if (archOk) {
    const m = /^(.+)-([^-]+)-([^-]+)$/.exec(s.slice(0, dot));
    const f = m && withEv(m[1]!, m[2]!, m[3]!, arch);
    if (f) forms.push(f);
  }
  // NA
  if (archOk) forms.push({ name: s.slice(0, dot), arch: arch! });
  // NEVR
  {
    const m = /^(.+)-([^-]+)-([^-]+)$/.exec(s);
    const f = m && withEv(m[1]!, m[2]!, m[3]!);
    if (f) forms.push(f);
  }
  // NEV
  {
    const m = /^(.+)-([^-]+)$/.exec(s);
    const f = m && withEv(m[1]!, m[2]!);
    if (f) forms.push(f);
  }
  forms.push({ name: s });
  return forms;
}

/** The NEVRA of a package file name (`kubelet-1.13.3-0.x86_64.rpm`). */
export function fileNameForm(path: string): SpecForm | undefined {
  const base = path.split('/').pop()!.replace(/\.rpm$/, '');
  return specForms(base).find((f) => f.arch !== undefined && f.release !== undefined);
}

/** Parse one spec; throws ModuleFailure with Ansible's message for a space-separated list. */
export function parseSpec(raw: string): PackageSpec {
  const s = raw.trim();
  if (s.startsWith('@')) {
    throw new ModuleFailure(`package groups and modules (${s}) are not supported by yum_pkg yet: install the group's packages by name`);
  }
  if (s.startsWith('-')) throw new ModuleFailure(`invalid package name ${JSON.stringify(s)}`);
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(s) || s.endsWith('.rpm')) {
    const remote = s.includes('://');
    const form = fileNameForm(s);
    return { kind: 'file', raw: s, path: s, remote, ...(form ? { form } : {}) };
  }
  const op = OP_RE.exec(s);
  if (op) {
    const o = (op[2] === '==' ? '=' : op[2]) as Operator;
    return { kind: 'constraint', raw: s, name: op[1]!, op: o, evr: parseEvr(op[3]!), arg: `${op[1]} ${o} ${op[3]}` };
  }
  if (/\s/.test(s)) {
    throw new ModuleFailure(
      'It appears that a space separated string of packages was passed in as an argument. To operate on several packages, pass a comma separated string of packages or a list of packages.',
    );
  }
  return { kind: 'name', raw: s, forms: specForms(s), glob: GLOB_RE.test(s) };
}

/** Ansible's listify_comma_sep_strings_in_list: `a,b` items become two. */
export function splitNames(names: string[]): string[] {
  const out: string[] = [];
  for (const n of names) {
    // A version constraint may not contain a comma, so splitting is safe.
    for (const part of n.split(',')) if (part.trim()) out.push(part.trim());
  }
  return out;
}

/** Names worth asking rpm about: every name any reading of any spec could mean. */
export function candidateNames(specs: PackageSpec[]): string[] {
  const names = new Set<string>();
  for (const s of specs) {
    if (s.kind === 'name') for (const f of s.forms) names.add(f.name);
    else if (s.kind === 'constraint') names.add(s.name);
    else if (s.form) names.add(s.form.name);
  }
  return [...names];
}
