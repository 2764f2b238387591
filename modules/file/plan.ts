/**
 * The file module's decisions, pure: a port of Ansible's file.py state functions
 * (ensure_absent, ensure_file_attributes, ensure_directory, ensure_symlink, ensure_hardlink,
 * execute_touch) over the observed FileModState, with Ansible's messages.
 */
import { posix } from 'node:path';
import { ModuleFailure, type Plan } from '../../src/index.js';
import { planAttrs, type AttrArgs, type AttrChange } from '../_shared/file-attrs.js';
import { dictDiff } from '../_shared/diffs.js';
import { formatMode, resolveMode } from '../_shared/file-mode.js';
import type { PathInfo } from '../_shared/probe.js';

export type WantedState = 'file' | 'directory' | 'link' | 'hard' | 'touch' | 'absent';
export type PrevState = 'absent' | 'file' | 'directory' | 'link' | 'hard';

export interface FileArgs extends AttrArgs {
  path: string;
  state?: WantedState;
  src?: string;
  recurse?: boolean;
  force?: boolean;
  follow?: boolean;
  modification_time?: string;
  modification_time_format?: string;
  access_time?: string;
  access_time_format?: string;
}

/** One entry under a directory, for recurse. */
export interface ChildInfo {
  path: string;
  type: 'file' | 'directory' | 'link' | 'other';
  mode: string;
  owner: string;
  group: string;
  uid: number;
  gid: number;
}

export interface FileModState {
  /** The path acted on (after the directory rewrite and following a link). */
  path: string;
  /** The wanted state after Ansible's defaulting. */
  state: WantedState;
  prev: PrevState;
  info: PathInfo;
  /** link/hard: the effective src (a link's current target when src is omitted). */
  src?: string;
  /** link: the src resolved against the link's directory; hard: src. */
  absrc?: string;
  srcExists?: boolean;
  srcInode?: number;
  /** link over a directory: it has no entries. */
  dirEmpty?: boolean;
  /** absent on a directory under diff mode: what will go. */
  walk?: { directories: string[]; files: string[] };
  /** directory + recurse: everything below the path. */
  children?: ChildInfo[];
  /** link + follow: the target, whose attributes are set. */
  target?: PathInfo;
  /** Wanted times, seconds since the epoch or 'now'; absent = preserve. */
  mtime?: number | 'now';
  atime?: number | 'now';
}

export type FileChange =
  | { kind: 'remove'; path: string; isDir: boolean }
  | { kind: 'mkdirs'; path: string }
  | { kind: 'create-empty'; path: string }
  | { kind: 'symlink'; path: string; src: string; prev: PrevState }
  | { kind: 'hardlink'; path: string; src: string; prev: PrevState }
  | { kind: 'attrs'; change: AttrChange }
  /** Set attributes on paths that are about to be created (checked again after creation). */
  | { kind: 'attrs-new'; path: string }
  | { kind: 'recurse-attrs'; path: string; entries: AttrChange[] }
  | { kind: 'times'; path: string; mtime?: number | 'now'; atime?: number | 'now' };

/** Ansible's get_state() from an lstat. */
export function prevState(info: PathInfo): PrevState {
  if (!info.exists) return 'absent';
  if (info.type === 'link') return 'link';
  if (info.type === 'directory') return 'directory';
  if ((info.nlink ?? 1) > 1) return 'hard';
  return 'file';
}

/** Ansible's state defaulting: the current state, else directory with recurse, else file. */
export function defaultState(args: FileArgs, prev: PrevState): WantedState {
  if (args.state) return args.state;
  if (prev !== 'absent') return prev;
  return args.recurse ? 'directory' : 'file';
}

function fail(msg: string, data: Record<string, unknown> = {}): never {
  throw new ModuleFailure(msg, data);
}

type Rec = Record<string, unknown>;

/** Builds Ansible's diff dicts: initial_diff plus whatever the steps add. */
class DiffDict {
  before: Rec;
  after: Rec;
  constructor(path: string, state: string, prev: PrevState) {
    this.before = { path };
    this.after = { path };
    if (prev !== state) {
      this.before.state = prev;
      this.after.state = state;
    }
  }
  attrs(c: AttrChange | null): void {
    if (!c) return;
    Object.assign(this.before, c.before);
    Object.assign(this.after, c.after);
  }
}

function hasAttrs(args: AttrArgs): boolean {
  return args.mode != null || !!args.owner || !!args.group;
}

/** Attributes wanted on a path that does not exist yet, as a diff shows them. */
function predictedAttrs(args: AttrArgs, isDirectory: boolean): Rec {
  const out: Rec = {};
  if (args.mode != null) {
    out.mode = formatMode(resolveMode(args.mode, { mode: isDirectory ? 0o755 : 0o644, isDirectory }));
  }
  if (args.owner) out.owner = args.owner;
  if (args.group) out.group = args.group;
  return out;
}

function timesChanges(path: string, st: FileModState, info: PathInfo | undefined, diff?: DiffDict): FileChange[] {
  const m = st.mtime;
  const a = st.atime;
  const needM = m === 'now' || (m !== undefined && info?.mtime !== m);
  const needA = a === 'now' || (a !== undefined && info?.atime !== a);
  if (!needM && !needA) return [];
  // Ansible's diff shows the times; 'now' is only known when applied, so it shows the old value.
  if (diff && info?.exists) {
    if (needM) { diff.before.mtime = info.mtime; diff.after.mtime = m === 'now' ? 'now' : m; }
    if (needA) { diff.before.atime = info.atime; diff.after.atime = a === 'now' ? 'now' : a; }
  }
  return [{ kind: 'times', path, ...(needM ? { mtime: m } : {}), ...(needA ? { atime: a } : {}) }];
}

/** Compare wanted with observed state. Throws ModuleFailure with Ansible's messages. */
export function planFile(args: FileArgs, st: FileModState): Plan<FileChange> {
  const { path, state, prev, info } = st;
  if (args.recurse && state !== 'directory') fail("recurse option requires state to be 'directory'", { path });
  if (args.src && state !== 'link' && state !== 'hard') fail("src option requires state to be 'link' or 'hard'", { path });
  const force = args.force === true;
  const diff = new DiffDict(path, state, prev);
  const changes: FileChange[] = [];
  const result: Rec = {};

  switch (state) {
    case 'absent': {
      result.path = path;
      result.state = 'absent';
      if (prev !== 'absent') {
        if (prev === 'directory' && st.walk) diff.before.path_content = st.walk;
        changes.push({ kind: 'remove', path, isDir: prev === 'directory' });
      }
      break;
    }
    case 'file': {
      result.path = path;
      if (prev !== 'file' && prev !== 'hard') fail(`file (${path}) is ${prev}, cannot continue`, { path, state: prev });
      const c = planAttrs(path, args, info);
      diff.attrs(c);
      if (c) changes.push({ kind: 'attrs', change: c });
      changes.push(...timesChanges(path, st, info, diff));
      break;
    }
    case 'directory': {
      result.path = path;
      if (prev === 'absent') {
        Object.assign(diff.after, predictedAttrs(args, true));
        changes.push({ kind: 'mkdirs', path });
        if (hasAttrs(args)) changes.push({ kind: 'attrs-new', path });
        changes.push(...timesChanges(path, st, undefined));
        break;
      }
      if (prev !== 'directory') fail(`${path} already exists as a ${prev}`, { path });
      const c = planAttrs(path, args, info);
      diff.attrs(c);
      if (c) changes.push({ kind: 'attrs', change: c });
      changes.push(...timesChanges(path, st, info, diff));
      if (args.recurse && st.children && hasAttrs(args)) {
        const entries: AttrChange[] = [];
        for (const ch of st.children) {
          const e = planAttrs(ch.path, args, { exists: true, ...ch });
          if (e) entries.push(e);
        }
        if (entries.length) changes.push({ kind: 'recurse-attrs', path, entries });
      }
      break;
    }
    case 'link': {
      const src = st.src;
      result.dest = path;
      result.src = src ?? null;
      if (!force && src != null && !st.srcExists) {
        fail(`src file does not exist, use "force=yes" if you really want to create the link: ${st.absrc}`, { path, src });
      }
      if (prev === 'directory') {
        if (!force) fail(`refusing to convert from ${prev} to symlink for ${path}`, { path });
        if (!st.dirEmpty) fail(`the directory ${path} is not empty, refusing to convert it`, { path });
      } else if ((prev === 'file' || prev === 'hard') && !force) {
        fail(`refusing to convert from ${prev} to symlink for ${path}`, { path });
      }
      if (prev !== 'link') {
        if (src == null) fail('src is required for creating new symlinks');
        changes.push({ kind: 'symlink', path, src, prev });
      } else if (src != null && info.linkTarget !== src) {
        diff.before.src = info.linkTarget;
        diff.after.src = src;
        changes.push({ kind: 'symlink', path, src, prev });
      }
      // Attributes go to the link's target when following (Ansible's default), else the link.
      if (hasAttrs(args)) {
        const followTarget = args.follow !== false;
        if (followTarget && st.target?.exists && st.absrc) {
          const c = planAttrs(st.absrc, args, st.target);
          diff.attrs(c);
          if (c) changes.push({ kind: 'attrs', change: c });
        } else if (!followTarget && prev === 'link' && changes.length === 0) {
          const c = planAttrs(path, args, info);
          diff.attrs(c);
          if (c) changes.push({ kind: 'attrs', change: c });
        } else if (!followTarget) {
          changes.push({ kind: 'attrs-new', path });
        }
      }
      break;
    }
    case 'hard': {
      const src = st.src;
      result.dest = path;
      result.src = src ?? null;
      if (prev !== 'hard' && src == null) fail('src is required for creating new hardlinks');
      if (src != null && !st.srcExists) fail('src does not exist', { dest: path, src });
      let link = false;
      if (prev === 'absent') link = true;
      else if (prev === 'link') {
        if (info.linkTarget !== src) {
          diff.before.src = info.linkTarget;
          diff.after.src = src;
          link = true;
        }
      } else if (prev === 'hard') {
        if (src != null && info.inode !== st.srcInode) {
          link = true;
          if (!force) fail('Cannot link, different hard link exists at destination', { dest: path, src });
        }
      } else if (prev === 'file') {
        link = true;
        if (!force) fail(`Cannot link, ${prev} exists at destination`, { dest: path, src });
      } else if (prev === 'directory') {
        if (info.inode === st.srcInode) return { changes: [], result: { path } };
        link = true;
        if (!force) fail('Cannot link: different hard link exists at destination', { dest: path, src });
      }
      if (link) {
        changes.push({ kind: 'hardlink', path, src: src!, prev });
        if (hasAttrs(args)) changes.push({ kind: 'attrs-new', path });
      } else {
        const c = planAttrs(path, args, info);
        diff.attrs(c);
        if (c) changes.push({ kind: 'attrs', change: c });
      }
      break;
    }
    case 'touch': {
      result.dest = path;
      if (prev === 'absent') {
        Object.assign(diff.after, predictedAttrs(args, false));
        changes.push({ kind: 'create-empty', path });
        if (hasAttrs(args)) changes.push({ kind: 'attrs-new', path });
        changes.push(...timesChanges(path, st, undefined));
      } else {
        const c = planAttrs(path, args, info);
        diff.attrs(c);
        if (c) changes.push({ kind: 'attrs', change: c });
        changes.push(...timesChanges(path, st, info, diff));
      }
      break;
    }
  }
  const plan: Plan<FileChange> = { changes, result };
  if (changes.length) plan.diff = [dictDiff(path, diff.before, diff.after)];
  return plan;
}

/** For a path given as a directory with src (file/touch/directory/hard): the file inside. */
export function rewriteIntoDirectory(path: string, src: string): string {
  return posix.join(path, posix.basename(src));
}
