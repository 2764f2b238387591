/**
 * Ansible's version comparison (the `version` test): LooseVersion by default, StrictVersion
 * with strict=true, SemanticVersion with version_type='semver'.
 */
import { pyCompare, pyEquals } from './python.js';
import { TemplateFault } from './runtime-error.js';

const OPS: Record<string, string> = {
  '==': 'eq', '=': 'eq', eq: 'eq', '<': 'lt', lt: 'lt', '<=': 'le', le: 'le',
  '>': 'gt', gt: 'gt', '>=': 'ge', ge: 'ge', '!=': 'ne', '<>': 'ne', ne: 'ne',
};

/** distutils LooseVersion components: numbers and lowercase words, other text kept. */
function loose(v: string): unknown[] {
  return v
    .split(/(\d+|[a-z]+|\.)/)
    .filter((x) => x && x !== '.')
    .map((x) => (/^\d+$/.test(x) ? Number(x) : x));
}

function strict(v: string): unknown[] {
  const m = /^(\d+)\.(\d+)(\.(\d+))?([ab](\d+))?$/.exec(v);
  if (!m) throw new Error(`invalid version number '${v}'`);
  const pre: unknown[] = m[5] ? [m[5][0], Number(m[6])] : ['z', 0];
  return [Number(m[1]), Number(m[2]), Number(m[4] ?? 0), ...pre];
}

interface Semver {
  core: number[];
  pre: Array<number | string>;
}

function semver(v: string): Semver {
  const m = /^v?(\d+)\.(\d+)\.(\d+)(?:-([0-9A-Za-z.-]+))?(?:\+[0-9A-Za-z.-]+)?$/.exec(v);
  if (!m) throw new Error(`invalid semantic version '${v}'`);
  const pre = m[4] ? m[4].split('.').map((p) => (/^\d+$/.test(p) ? Number(p) : p)) : [];
  return { core: [Number(m[1]), Number(m[2]), Number(m[3])], pre };
}

function semverCmp(a: Semver, b: Semver): number {
  for (let i = 0; i < 3; i++) if (a.core[i] !== b.core[i]) return a.core[i]! < b.core[i]! ? -1 : 1;
  if (!a.pre.length || !b.pre.length) return a.pre.length === b.pre.length ? 0 : a.pre.length ? -1 : 1;
  for (let i = 0; i < Math.min(a.pre.length, b.pre.length); i++) {
    const x = a.pre[i]!;
    const y = b.pre[i]!;
    if (x === y) continue;
    if (typeof x === 'number' && typeof y === 'number') return x < y ? -1 : 1;
    if (typeof x === 'number') return -1;
    if (typeof y === 'number') return 1;
    return x < y ? -1 : 1;
  }
  return a.pre.length - b.pre.length;
}

function listCmp(a: unknown[], b: unknown[]): number {
  if (pyEquals(a, b)) return 0;
  return pyCompare(a, b, '<') ? -1 : 1;
}

/** `value is version(other, operator, strict=, version_type=)` */
export function compareVersions(value: string, other: string, operator: string, isStrict: boolean, versionType: string | undefined): boolean {
  if (!value) throw new TemplateFault('Input version value cannot be empty', 'filter');
  if (!other) throw new TemplateFault('Version parameter to compare against cannot be empty', 'filter');
  const op = OPS[operator];
  if (!op) throw new TemplateFault(`Invalid operator type (${operator}). Must be one of ${Object.keys(OPS).map((k) => `'${k}'`).join(', ')}`, 'filter');
  let c: number;
  try {
    const type = isStrict ? 'strict' : (versionType ?? 'loose');
    if (type === 'semver' || type === 'semantic') c = semverCmp(semver(value), semver(other));
    else if (type === 'strict') c = listCmp(strict(value), strict(other));
    else if (type === 'loose' || type === 'pep440') c = listCmp(loose(value), loose(other));
    else throw new TemplateFault(`Invalid version type (${type}). Must be one of loose, strict, semver, semantic, pep440`, 'filter');
  } catch (e) {
    if (e instanceof TemplateFault && e.kind === 'filter') throw e;
    throw new TemplateFault(`Version comparison failed: ${(e as Error).message}`, 'filter');
  }
  switch (op) {
    case 'eq':
      return c === 0;
    case 'ne':
      return c !== 0;
    case 'lt':
      return c < 0;
    case 'le':
      return c <= 0;
    case 'gt':
      return c > 0;
    default:
      return c >= 0;
  }
}
