/**
 * copy: put a file on the host from `content` or a controller file (`src`, looked up like
 * Ansible: <playbook>/files/<src>, then <playbook>/<src>), or from another host path
 * (`remote_src`). Idempotent on the SHA-1 of the content plus owner/group/mode.
 */
import { createHash } from 'node:crypto';
import { statSync } from 'node:fs';
import { posix } from 'node:path';
import { ModuleFailure, defineModule, type ApplyContext, type FileDiff, type FileStat, type GatherContext, type Plan } from '../../src/index.js';
import { applyAttrs, attrSchemaProperties, planAttrs, writeAttrs, type AttrChange } from '../_shared/file-attrs.js';
import { formatMode } from '../_shared/file-mode.js';
import { contentDiff, dictDiff, MAX_DIFF_SIZE } from '../_shared/diffs.js';
import { checkValidateHasPlaceholder, writeValidated, validateCommand } from '../_shared/validated-write.js';
import { backupFile } from '../_shared/backup.js';

export interface CopyArgs {
  src?: string;
  content?: unknown;
  dest: string;
  backup?: boolean;
  force?: boolean;
  mode?: string | number;
  owner?: string;
  group?: string;
  remote_src?: boolean;
  directory_mode?: string | number;
  validate?: string;
  follow?: boolean;
  checksum?: string;
}

export interface CopyState {
  /** The final destination (a directory dest gets the source's basename). */
  dest: string;
  /** Bytes to write (content or controller file); undefined for remote_src. */
  source?: Buffer;
  srcChecksum?: string;
  srcMd5?: string;
  srcSize?: number;
  /** Source permissions, for mode=preserve. */
  srcMode?: string;
  destStat: FileStat;
  destChecksum?: string;
  /** Current text of dest for diff mode (null: absent); undefined when not read. */
  destBefore?: string | null;
  /** The parent directory of dest exists. */
  parentExists: boolean;
  /** dest ended with '/' and that directory must be created. */
  createDir?: string;
}

export type CopyChange =
  | { kind: 'mkdir'; path: string }
  | { kind: 'write' }
  | { kind: 'attrs'; change: AttrChange };

const sha1 = (b: Buffer) => createHash('sha1').update(b).digest('hex');
const md5 = (b: Buffer) => createHash('md5').update(b).digest('hex');

async function hostSha1(ctx: GatherContext, path: string): Promise<string | undefined> {
  const r = await ctx.run(`sha1sum -- ${ctx.quote(path)}`);
  const m = /^\\?([0-9a-f]{40})\s/.exec(r.stdout);
  return r.rc === 0 && m ? m[1] : undefined;
}

function sourceText(content: unknown): string {
  // Ansible's action plugin turns dict/list content into JSON.
  return typeof content === 'string' ? content : JSON.stringify(content);
}

function checkArgs(args: CopyArgs): void {
  if (args.src == null && args.content == null) throw new ModuleFailure('src (or content) is required');
  if (args.src != null && args.content != null) throw new ModuleFailure('src and content are mutually exclusive');
  if (args.content != null && args.dest.endsWith('/')) throw new ModuleFailure('can not use content with a dir as dest');
  checkValidateHasPlaceholder(args.validate);
}

async function gatherCopy(ctx: GatherContext, args: CopyArgs): Promise<CopyState> {
  checkArgs(args);
  const st: Partial<CopyState> = {};
  let srcName = '';
  if (args.content != null) {
    st.source = Buffer.from(sourceText(args.content));
  } else if (!args.remote_src) {
    const src = args.src!;
    srcName = posix.basename(src);
    try {
      st.source = await ctx.controller.readFile(src);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'EISDIR') throw new ModuleFailure(`copying a directory (${src}) is not supported yet; copy its files one by one`);
      throw new ModuleFailure(`Could not find or access '${src}' on the Ansible Controller.`, { src });
    }
    try {
      st.srcMode = formatMode(statSync(ctx.controller.resolve(src)).mode & 0o7777);
    } catch {
      // Only needed for mode=preserve; the fake controller in tests has no real file.
    }
  } else {
    const src = args.src!;
    srcName = posix.basename(src);
    const sst = await ctx.stat(src);
    if (!sst.exists) throw new ModuleFailure(`Source ${src} not found`);
    if (sst.type === 'directory') throw new ModuleFailure(`copying a directory (${src}) is not supported yet; copy its files one by one`);
    st.srcChecksum = await hostSha1(ctx, src);
    if (st.srcChecksum === undefined) throw new ModuleFailure(`Source ${src} not readable`);
    if (sst.mode !== undefined) st.srcMode = sst.mode;
    if (sst.size !== undefined) st.srcSize = sst.size;
  }
  if (st.source) {
    st.srcChecksum = sha1(st.source);
    st.srcMd5 = md5(st.source);
    st.srcSize = st.source.length;
  }

  let dest = args.dest;
  if (!dest.includes('/')) dest = `./${dest}`;
  if (dest.endsWith('/')) {
    const dir = dest.replace(/\/+$/, '') || '/';
    const dst = await ctx.stat(dir);
    if (!dst.exists) st.createDir = dir;
    dest = posix.join(dir, srcName);
  } else {
    const dst = await ctx.stat(dest);
    if (dst.exists && dst.type === 'directory') {
      if (args.content != null) throw new ModuleFailure('can not use content with a dir as dest');
      dest = posix.join(dest, srcName);
    }
  }
  let destStat = await ctx.stat(dest);
  if (destStat.exists && destStat.type === 'link' && args.follow) {
    const r = await ctx.run(`readlink -f -- ${ctx.quote(dest)}`);
    if (r.rc === 0 && r.stdout.trim()) {
      dest = r.stdout.trim();
      destStat = await ctx.stat(dest);
    }
  }
  st.dest = dest;
  st.destStat = destStat;
  if (destStat.exists && destStat.type === 'file') st.destChecksum = await hostSha1(ctx, dest);
  st.parentExists = st.createDir !== undefined ? false : (await ctx.stat(posix.dirname(dest))).exists;
  if (ctx.diffMode) {
    if (!destStat.exists) st.destBefore = null;
    else if (destStat.type === 'file' && (destStat.size ?? 0) <= MAX_DIFF_SIZE) st.destBefore = await ctx.readFile(dest);
  }
  return st as CopyState;
}

function statResult(dest: string, s: FileStat): Record<string, unknown> {
  const out: Record<string, unknown> = { dest, state: 'file' };
  if (s.exists) {
    if (s.mode !== undefined) out.mode = s.mode;
    if (s.owner !== undefined) out.owner = s.owner;
    if (s.group !== undefined) out.group = s.group;
    if (s.uid !== undefined) out.uid = s.uid;
    if (s.gid !== undefined) out.gid = s.gid;
    if (s.size !== undefined) out.size = s.size;
  }
  return out;
}

function planCopy(args: CopyArgs, st: CopyState, checkMode: boolean): Plan<CopyChange> {
  checkArgs(args);
  const wantedMode = args.mode === 'preserve' ? st.srcMode : args.mode;
  const attrArgs = { mode: wantedMode ?? null, owner: args.owner ?? null, group: args.group ?? null };
  const base = { ...statResult(st.dest, st.destStat), checksum: st.srcChecksum, ...(args.src != null ? { src: args.src } : {}) };
  if (st.srcMd5) (base as Record<string, unknown>).md5sum = st.srcMd5;
  if (args.checksum && args.checksum !== st.srcChecksum) {
    throw new ModuleFailure('Copied file does not match the expected checksum. Transfer failed.', {
      checksum: st.srcChecksum, expected_checksum: args.checksum,
    });
  }
  if (st.destStat.exists && args.force === false) {
    // Ansible's action plugin returns here without a message.
    return { changes: [], result: { dest: st.dest, ...(args.src != null ? { src: args.src } : {}) } };
  }
  if (st.destStat.exists && st.destStat.type === 'directory') {
    throw new ModuleFailure(`${st.dest} is a directory`, { dest: st.dest });
  }
  if (!st.parentExists && st.createDir === undefined) {
    throw new ModuleFailure(`Destination directory ${posix.dirname(st.dest)} does not exist`, { dest: st.dest });
  }
  const changes: CopyChange[] = [];
  const diff: FileDiff[] = [];
  if (st.createDir !== undefined) changes.push({ kind: 'mkdir', path: st.createDir });
  const isLink = st.destStat.exists && st.destStat.type === 'link';
  const contentDiffers = !st.destStat.exists || isLink || st.destChecksum !== st.srcChecksum;
  if (contentDiffers) {
    changes.push({ kind: 'write' });
    if (st.source && st.destBefore !== undefined) {
      diff.push(contentDiff(st.dest, st.destBefore, st.source, st.destStat.size, args.src ?? st.dest));
    }
  }
  // Attributes of an existing regular file; a new file gets them when it is written.
  if (st.destStat.exists && st.destStat.type === 'file') {
    const change = planAttrs(st.dest, attrArgs, st.destStat);
    if (change) {
      changes.push({ kind: 'attrs', change });
      diff.push(dictDiff(st.dest, { path: st.dest, ...change.before }, { path: st.dest, ...change.after }));
    }
  }
  const plan: Plan<CopyChange> = { changes, result: base };
  if (diff.length) plan.diff = diff;
  if (st.createDir !== undefined && checkMode) plan.msg = `dest directory ${st.createDir} would be created`;
  return plan;
}

export default defineModule<CopyArgs, CopyState, CopyChange>({
  name: 'copy',
  description: 'Copy content or a file to the host (Ansible: ansible.builtin.copy)',
  schema: {
    type: 'object',
    properties: {
      src: { type: 'string', description: 'Controller file to copy (relative: playbook files/ dir, then playbook dir).' },
      content: { description: 'Contents for the file (instead of src); a dict or list is written as JSON.' },
      dest: { type: 'string', description: 'Remote path; ending in / or an existing directory: the file goes inside.' },
      backup: { type: 'boolean', default: false, description: 'Keep a timestamped copy of the old file.' },
      force: { type: 'boolean', default: true, description: 'Replace a file whose content differs; false: only create.' },
      ...attrSchemaProperties,
      mode: { ...attrSchemaProperties.mode, description: "Permissions (octal, symbolic, or 'preserve' for the source's)." },
      remote_src: { type: 'boolean', default: false, description: 'src is a path on the host.' },
      directory_mode: { type: ['string', 'integer'], description: 'Mode of a directory created for a dest ending in /.' },
      validate: { type: 'string', description: "Command run on the new file before it replaces dest; '%s' is its path." },
      follow: { type: 'boolean', default: false, description: 'Write through a symlink at dest instead of replacing it.' },
      checksum: { type: 'string', description: 'Expected SHA-1 of the source.' },
      local_follow: { type: 'boolean', default: true, description: 'Accepted for compatibility (controller links are followed).' },
      decrypt: { type: 'boolean', default: true, description: 'Accepted for compatibility (no vault support).' },
      unsafe_writes: { type: 'boolean', default: false, description: 'Accepted for compatibility (writes are always atomic).' },
    },
    required: ['dest'],
    additionalProperties: false,
  },
  // Ansible marks content no_log: it may hold keys or passwords.
  secretArgs: ['content'],
  gather: gatherCopy,
  diff: (args, state, ctx) => planCopy(args, state, ctx.checkMode),
  async apply(ctx, args, plan, st) {
    const q = ctx.quote;
    const wantedMode = args.mode === 'preserve' ? st.srcMode : args.mode;
    const attrArgs = { mode: wantedMode ?? null, owner: args.owner ?? null, group: args.group ?? null };
    const out: Record<string, unknown> = {};
    for (const c of plan.changes) {
      if (c.kind === 'mkdir') {
        const dm = args.directory_mode;
        const modeOpt = dm != null ? `-m ${q(typeof dm === 'number' ? formatMode(dm) : String(dm))} ` : '';
        await ctx.run(`mkdir -p ${modeOpt}-- ${q(c.path)}`, { check: true });
      } else if (c.kind === 'write') {
        const existing = st.destStat.exists && st.destStat.type === 'file' ? st.destStat : undefined;
        const attrs = existing ? {} : writeAttrs(attrArgs, undefined);
        if (st.source) {
          if (args.validate) {
            const r = await writeValidated(ctx, st.dest, st.source, { validate: args.validate, backup: !!args.backup, ...attrs, ...(existing ? { existing } : {}) });
            if (r.backupFile) out.backup_file = r.backupFile;
          } else {
            const r = await ctx.writeFile(st.dest, st.source, { ...attrs, backup: !!args.backup && !!existing });
            if (r.backupFile) out.backup_file = r.backupFile;
          }
        } else {
          out.backup_file = await copyOnHost(ctx, args, st, attrs);
          if (out.backup_file === undefined) delete out.backup_file;
        }
      } else {
        await applyAttrs(ctx, c.change);
      }
    }
    return { ...out, ...statResult(st.dest, await ctx.stat(st.dest)) };
  },
});

/** remote_src: copy beside dest, validate, back up, then rename over dest. */
async function copyOnHost(
  ctx: ApplyContext,
  args: CopyArgs,
  st: CopyState,
  attrs: { mode?: string; owner?: string; group?: string },
): Promise<string | undefined> {
  const q = ctx.quote;
  const tmp = posix.join(posix.dirname(st.dest), `.${posix.basename(st.dest)}.k8splay-${process.pid}-${Date.now().toString(36)}.tmp`);
  let moved = false;
  try {
    await ctx.run(`cp -- ${q(args.src!)} ${q(tmp)}`, { check: true });
    if (st.destStat.exists && st.destStat.type === 'file') {
      // Keep the replaced file's owner and mode, as an in-place write would.
      await ctx.run(`chmod --reference=${q(st.dest)} -- ${q(tmp)}; chown --reference=${q(st.dest)} -- ${q(tmp)} 2>/dev/null; true`);
    }
    if (attrs.owner || attrs.group) await ctx.run(`chown ${q(`${attrs.owner ?? ''}${attrs.group ? `:${attrs.group}` : ''}`)} -- ${q(tmp)}`, { check: true });
    if (attrs.mode) await ctx.run(`chmod ${q(attrs.mode)} -- ${q(tmp)}`, { check: true });
    if (args.validate) {
      const r = await ctx.run(validateCommand(args.validate, tmp, q));
      if (r.rc !== 0) throw new ModuleFailure('failed to validate', { exit_status: r.rc, stdout: r.stdout, stderr: r.stderr });
    }
    const backup = args.backup && st.destStat.exists ? await backupFile(ctx, st.dest) : undefined;
    await ctx.run(`mv -f -- ${q(tmp)} ${q(st.dest)}`, { check: true });
    moved = true;
    return backup;
  } finally {
    if (!moved) await ctx.run(`rm -f -- ${q(tmp)}`).catch(() => undefined);
  }
}
