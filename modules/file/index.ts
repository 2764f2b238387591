/**
 * file: make a path a file, directory, symlink, hard link, touched file, or absent, and set
 * owner/group/mode (recursively with `recurse`). Ansible's ansible.builtin.file semantics:
 * the state defaults to the path's current state, `touch` is always "changed" (it updates
 * times), `directory` creates parents, `absent` removes directories recursively.
 */
import { posix } from 'node:path';
import { ModuleFailure, defineModule, type ApplyContext, type GatherContext, type JsonSchema } from '../../src/index.js';
import { applyAttrs, attrSchemaProperties, planAttrs, type AttrChange } from '../_shared/file-attrs.js';
import { formatMode } from '../_shared/file-mode.js';
import { probePath, type PathInfo } from '../_shared/probe.js';
import {
  defaultState, planFile, prevState, rewriteIntoDirectory,
  type ChildInfo, type FileArgs, type FileChange, type FileModState,
} from './plan.js';

const DEFAULT_TIME_FORMAT = '%Y%m%d%H%M.%S';

/** 'now', 'preserve'/undefined, or a time in the default format -> seconds since the epoch. */
export function parseTime(value: string | undefined, format: string | undefined, state: string, name: string): number | 'now' | undefined {
  const v = value ?? (state === 'touch' ? 'now' : 'preserve');
  if (v === 'preserve') return undefined;
  if (v === 'now') return 'now';
  if ((format ?? DEFAULT_TIME_FORMAT) !== DEFAULT_TIME_FORMAT) {
    throw new ModuleFailure(`${name}_format other than ${DEFAULT_TIME_FORMAT} is not supported`);
  }
  const m = /^(\d{4})(\d\d)(\d\d)(\d\d)(\d\d)\.(\d\d)$/.exec(v);
  if (!m) throw new ModuleFailure(`Error while obtaining timestamp for time ${v} using format ${DEFAULT_TIME_FORMAT}: does not match`);
  const [, y, mo, d, h, mi, s] = m.map(Number) as number[];
  return Math.floor(new Date(y!, mo! - 1, d!, h!, mi!, s!).getTime() / 1000);
}

async function findChildren(ctx: GatherContext, path: string): Promise<ChildInfo[]> {
  const r = await ctx.run(`find ${ctx.quote(path)} -mindepth 1 -printf '%y|%m|%u|%g|%U|%G|%p\\n'`, { check: true });
  const type = (y: string): ChildInfo['type'] => (y === 'f' ? 'file' : y === 'd' ? 'directory' : y === 'l' ? 'link' : 'other');
  return r.stdout.split('\n').filter(Boolean).map((line) => {
    const f = line.split('|');
    return {
      type: type(f[0]!), mode: formatMode(parseInt(f[1]!, 8)), owner: f[2]!, group: f[3]!,
      uid: Number(f[4]), gid: Number(f[5]), path: f.slice(6).join('|'),
    };
  });
}

async function gatherFile(ctx: GatherContext, args: FileArgs): Promise<FileModState> {
  let path = args.path;
  let info = await probePath(ctx, path);
  if (args.state !== 'link' && args.state !== 'absent' && info.type === 'directory' && args.src) {
    path = rewriteIntoDirectory(path, args.src);
    info = await probePath(ctx, path);
  }
  let prev = prevState(info);
  const state = defaultState(args, prev);
  const follow = args.follow !== false;
  if (follow && prev === 'link' && (state === 'file' || state === 'directory')) {
    const r = await ctx.run(`readlink -f -- ${ctx.quote(path)}`);
    if (r.rc === 0 && r.stdout.trim()) {
      path = r.stdout.replace(/\n$/, '');
      info = await probePath(ctx, path);
      prev = prevState(info);
    }
  }
  const st: FileModState = { path, state, prev, info };
  const mtime = parseTime(args.modification_time, args.modification_time_format, state, 'modification_time');
  const atime = parseTime(args.access_time, args.access_time_format, state, 'access_time');
  if (mtime !== undefined) st.mtime = mtime;
  if (atime !== undefined) st.atime = atime;

  if (state === 'link') {
    let src = args.src;
    if (src == null && follow && info.type === 'link') src = info.linkTarget;
    if (src != null) {
      st.src = src;
      const relDir = info.type === 'directory' ? path : posix.dirname(path);
      st.absrc = posix.isAbsolute(src) ? src : posix.join(relDir, src);
      st.srcExists = (await ctx.run(`[ -e ${ctx.quote(st.absrc)} ]`)).rc === 0;
      if (st.srcExists && (args.mode != null || args.owner || args.group)) {
        const r = await ctx.run(`readlink -f -- ${ctx.quote(st.absrc)}`);
        const real = r.rc === 0 && r.stdout.trim() ? r.stdout.replace(/\n$/, '') : st.absrc;
        st.absrc = real;
        st.target = await probePath(ctx, real);
      }
    }
    if (prev === 'directory') st.dirEmpty = (await ctx.run(`[ -z "$(ls -A -- ${ctx.quote(path)})" ]`)).rc === 0;
  } else if (state === 'hard' && args.src != null) {
    st.src = args.src;
    st.absrc = args.src;
    const s = await probePath(ctx, args.src);
    // os.path.exists follows links: a link's target must exist.
    st.srcExists = s.exists && (s.type !== 'link' || (await ctx.run(`[ -e ${ctx.quote(args.src)} ]`)).rc === 0);
    if (s.inode !== undefined) st.srcInode = s.inode;
  } else if (state === 'absent' && prev === 'directory' && ctx.diffMode) {
    const children = await findChildren(ctx, path);
    st.walk = {
      directories: children.filter((c) => c.type === 'directory').map((c) => c.path),
      files: children.filter((c) => c.type !== 'directory').map((c) => c.path),
    };
  } else if (state === 'directory' && args.recurse && prev === 'directory' && (args.mode != null || args.owner || args.group)) {
    st.children = await findChildren(ctx, path);
  }
  return st;
}

function pathInfoResult(info: PathInfo): Record<string, unknown> {
  if (!info.exists) return {};
  const state = prevState(info);
  return {
    state, mode: info.mode, owner: info.owner, group: info.group, uid: info.uid, gid: info.gid, size: info.size,
  };
}

/** Create each missing directory of `path` in order; returns the ones created. */
async function makeDirs(ctx: ApplyContext, path: string): Promise<string[]> {
  const parts = path.split('/').filter(Boolean);
  const prefixes = parts.map((_, i) => (path.startsWith('/') ? '/' : '') + parts.slice(0, i + 1).join('/'));
  const list = prefixes.map(ctx.quote).join(' ');
  const r = await ctx.run(
    `( for d in ${list}; do if [ ! -e "$d" ]; then mkdir -- "$d" || exit 1; printf '%s\\n' "$d"; fi; done )`,
    { check: true },
  );
  return r.stdout.split('\n').filter(Boolean);
}

function attrCommands(ctx: ApplyContext, c: AttrChange): string[] {
  const q = ctx.quote;
  const out: string[] = [];
  const { owner, group, mode } = c.after;
  if (owner !== undefined || group !== undefined) {
    const spec = owner !== undefined ? (group !== undefined ? `${owner}:${group}` : owner) : `:${group}`;
    out.push(`chown ${c.isLink ? '-h ' : ''}${q(spec)} -- ${q(c.path)}`);
  }
  if (mode !== undefined) out.push(`chmod ${q(mode)} -- ${q(c.path)}`);
  return out;
}

async function applyFile(ctx: ApplyContext, args: FileArgs, changes: FileChange[], st: FileModState): Promise<Record<string, unknown>> {
  const q = ctx.quote;
  const tmpBeside = (p: string) => posix.join(posix.dirname(p), `.${process.pid}.${Date.now()}.k8splay.tmp`);
  const created = new Map<string, string[]>();
  for (const c of changes) {
    switch (c.kind) {
      case 'remove':
        await ctx.run(`rm -${c.isDir ? 'r' : ''}f -- ${q(c.path)}`, { check: true });
        break;
      case 'mkdirs':
        created.set(c.path, await makeDirs(ctx, c.path));
        break;
      case 'create-empty':
        await ctx.run(`( : > ${q(c.path)} )`, { check: true });
        break;
      case 'symlink':
      case 'hardlink': {
        const ln = c.kind === 'symlink' ? 'ln -s' : 'ln';
        if (c.prev === 'absent') {
          await ctx.run(`${ln} -- ${q(c.src)} ${q(c.path)}`, { check: true });
        } else {
          // Replace atomically; -T so a link to a directory is replaced, not entered.
          const tmp = tmpBeside(c.path);
          const rmdir = c.prev === 'directory' ? `rmdir -- ${q(c.path)} && ` : '';
          await ctx.run(`${rmdir}${ln} -- ${q(c.src)} ${q(tmp)} && mv -Tf -- ${q(tmp)} ${q(c.path)} || { rm -f -- ${q(tmp)}; false; }`, { check: true });
        }
        break;
      }
      case 'attrs':
        await applyAttrs(ctx, c.change);
        break;
      case 'attrs-new': {
        for (const p of created.get(c.path) ?? [c.path]) {
          const change = planAttrs(p, args, await probePath(ctx, p));
          if (change) await applyAttrs(ctx, change);
        }
        break;
      }
      case 'recurse-attrs': {
        const cmds = c.entries.flatMap((e) => attrCommands(ctx, e));
        for (let i = 0; i < cmds.length; i += 200) await ctx.run(cmds.slice(i, i + 200).join(' && '), { check: true });
        break;
      }
      case 'times': {
        const when = (t: number | 'now') => (t === 'now' ? '' : `-d @${t} `);
        if (c.mtime !== undefined) await ctx.run(`touch -c -m ${when(c.mtime)}-- ${q(c.path)}`, { check: true });
        if (c.atime !== undefined) await ctx.run(`touch -c -a ${when(c.atime)}-- ${q(c.path)}`, { check: true });
        break;
      }
    }
  }
  return st.state === 'absent' ? {} : pathInfoResult(await probePath(ctx, st.path));
}

const schema: JsonSchema = {
  type: 'object',
  properties: {
    path: { type: 'string', 'x-aliases': ['dest', 'name'], description: 'Path to manage.' },
    state: {
      type: 'string', enum: ['absent', 'directory', 'file', 'hard', 'link', 'touch'],
      description: 'What the path should be (default: its current state, else file).',
    },
    src: { type: 'string', description: 'Target of the link (state=link or hard).' },
    ...attrSchemaProperties,
    recurse: { type: 'boolean', default: false, description: 'Set owner/group/mode on everything below (state=directory).' },
    force: { type: 'boolean', default: false, description: 'Replace a file or empty directory with a link; link to a missing src.' },
    follow: { type: 'boolean', default: true, description: 'Act on the target of a symlink.' },
    modification_time: { type: 'string', description: "'now', 'preserve' or a time in modification_time_format." },
    modification_time_format: { type: 'string', default: DEFAULT_TIME_FORMAT },
    access_time: { type: 'string', description: "'now', 'preserve' or a time in access_time_format." },
    access_time_format: { type: 'string', default: DEFAULT_TIME_FORMAT },
    unsafe_writes: { type: 'boolean', default: false, description: 'Accepted for compatibility.' },
  },
  required: ['path'],
  additionalProperties: false,
};

export default defineModule<FileArgs, FileModState, FileChange>({
  name: 'file',
  description: 'Manage files, directories, links and their attributes (Ansible: ansible.builtin.file)',
  schema,
  gather: gatherFile,
  diff(args, st) {
    const plan = planFile(args, st);
    if (st.state !== 'absent' && st.info.exists) plan.result = { ...plan.result, ...pathInfoResult(st.info) };
    return plan;
  },
  apply: (ctx, args, plan, st) => applyFile(ctx, args, plan.changes, st),
});
