/**
 * Owner, group and mode of an existing path: compare with what a task asks for (pure) and
 * set them (apply). Shared by file, copy and lineinfile, like Ansible's file common arguments.
 */
import type { ApplyContext, FileStat, JsonSchema } from '../../src/index.js';
import { formatMode, parseOctal, resolveMode } from './file-mode.js';

/** The file common arguments k8splay supports. */
export interface AttrArgs {
  mode?: string | number | null;
  owner?: string | null;
  group?: string | null;
}

/** Attribute values shown in a diff (mode as '0644'). */
export interface AttrValues {
  mode?: string;
  owner?: string;
  group?: string;
}

/** What must change on one path; absent keys stay as they are. */
export interface AttrChange {
  path: string;
  /** The path is a symbolic link (use lchown). */
  isLink: boolean;
  before: AttrValues;
  after: AttrValues;
}

/** JSON Schema properties for mode/owner/group, merged into module schemas. */
export const attrSchemaProperties: Record<'mode' | 'owner' | 'group', JsonSchema> = {
  mode: {
    type: ['string', 'integer'],
    description: "Permissions: octal ('0644', a YAML 1.1 0644 number) or symbolic ('u=rw,g=r,o=r').",
  },
  owner: { type: 'string', description: 'User that should own the path (name or uid).' },
  group: { type: 'string', description: 'Group that should own the path (name or gid).' },
};

function sameId(wanted: string, name: string | undefined, id: number | undefined): boolean {
  if (/^\d+$/.test(wanted)) return id !== undefined ? id === Number(wanted) : name === wanted;
  return name === wanted;
}

/**
 * Compare wanted attributes with an existing path's stat. Returns null when nothing differs.
 * Throws ModuleFailure for an invalid mode.
 */
export function planAttrs(path: string, args: AttrArgs, st: FileStat, umask?: number): AttrChange | null {
  const before: AttrValues = {};
  const after: AttrValues = {};
  if (args.owner != null && args.owner !== '' && !sameId(String(args.owner), st.owner, st.uid)) {
    before.owner = st.owner ?? String(st.uid);
    after.owner = String(args.owner);
  }
  if (args.group != null && args.group !== '' && !sameId(String(args.group), st.group, st.gid)) {
    before.group = st.group ?? String(st.gid);
    after.group = String(args.group);
  }
  // A link's own mode means nothing on Linux (lchmod does not exist): Ansible skips it too.
  if (args.mode != null && st.type !== 'link') {
    const current = st.mode !== undefined ? parseOctal(st.mode) : 0;
    const base = { mode: current, isDirectory: st.type === 'directory', ...(umask !== undefined ? { umask } : {}) };
    const wanted = resolveMode(args.mode, base, path);
    if (wanted !== current) {
      before.mode = formatMode(current);
      after.mode = formatMode(wanted);
    }
  }
  if (Object.keys(after).length === 0) return null;
  return { path, isLink: st.type === 'link', before, after };
}

/** Set what `planAttrs` found different. chown first: it may clear setuid bits that chmod sets. */
export async function applyAttrs(ctx: ApplyContext, change: AttrChange): Promise<void> {
  const q = ctx.quote;
  const { owner, group, mode } = change.after;
  if (owner !== undefined || group !== undefined) {
    const spec = owner !== undefined ? (group !== undefined ? `${owner}:${group}` : owner) : `:${group}`;
    await ctx.run(`chown ${change.isLink ? '-h ' : ''}${q(spec)} -- ${q(change.path)}`, { check: true });
  }
  if (mode !== undefined) await ctx.run(`chmod ${q(mode)} -- ${q(change.path)}`, { check: true });
}

/**
 * Options for ctx.writeFile: owner/group as asked, mode resolved to octal against the
 * existing file (or, for a new file, against 0666 minus the umask, as Ansible does).
 */
export function writeAttrs(args: AttrArgs, existing: FileStat | undefined, umask = 0o022): { mode?: string; owner?: string; group?: string } {
  const out: { mode?: string; owner?: string; group?: string } = {};
  if (args.owner) out.owner = String(args.owner);
  if (args.group) out.group = String(args.group);
  if (args.mode != null) {
    const base = existing?.exists && existing.mode !== undefined
      ? { mode: parseOctal(existing.mode), isDirectory: false, umask }
      : { mode: 0o666 & ~umask, isDirectory: false, umask };
    out.mode = formatMode(resolveMode(args.mode, base));
  }
  return out;
}
