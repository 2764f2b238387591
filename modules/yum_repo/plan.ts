/**
 * The pure part of yum_repo: from the arguments and the `.repo` file as it is, the file as it
 * must be (one section set or removed, every other line kept), the attribute changes and the
 * diff. Ansible's yum_repository rewrites the whole file through configparser instead, which
 * drops comments and reformats the other sections.
 */
import { ModuleFailure, type FileDiff, type FileStat, type Plan } from '../../src/index.js';
import { planAttrs, type AttrChange } from '../_shared/file-attrs.js';
import { dictDiff } from '../_shared/diffs.js';
import { findSections, IniParseError, parseIni, removeSection, renderIni, setSection } from './ini.js';
import { sameValue, wantedKeys } from './repo-keys.js';

export interface YumRepoArgs extends Record<string, unknown> {
  name: string;
  description?: string;
  baseurl?: string[];
  metalink?: string;
  mirrorlist?: string;
  file?: string;
  reposdir: string;
  state: 'present' | 'absent';
  params?: Record<string, unknown>;
  mode?: string | number;
  owner?: string;
  group?: string;
  backup?: boolean;
}

export interface YumRepoState {
  /** `<reposdir>/<file>.repo`. */
  dest: string;
  reposdirExists: boolean;
  stat: FileStat;
  /** The file's text ('' when it does not exist). */
  content: string;
  /** Other `.repo` files of reposdir that define a section of the same name. */
  alsoDefinedIn: string[];
}

export type YumRepoChange =
  | { kind: 'write'; content: string; create: boolean }
  | { kind: 'remove' }
  | { kind: 'attrs'; change: AttrChange };

/** `<reposdir>/<file or name>.repo`. */
export function repoFilePath(args: Pick<YumRepoArgs, 'reposdir' | 'file' | 'name'>): string {
  return `${args.reposdir.replace(/\/+$/, '') || '/'}/${args.file ?? args.name}.repo`.replace(/^\/\//, '/');
}

/** Ansible's argument checks (before anything is read). */
export function checkRepoArgs(args: YumRepoArgs): void {
  if (args.params) {
    throw new ModuleFailure("The params option to yum_repository was removed in Ansible 2.5 since it circumvents Ansible's option handling");
  }
  if (args.state === 'present') {
    if (args.baseurl == null && args.metalink == null && args.mirrorlist == null) {
      throw new ModuleFailure("Parameter 'baseurl', 'metalink' or 'mirrorlist' is required.");
    }
    if (args.description == null) throw new ModuleFailure("Parameter 'description' is required.");
  }
  if (/[\]\n]/.test(args.name) || args.name.trim() === '') {
    throw new ModuleFailure(`invalid repository name ${JSON.stringify(args.name)}: it is the [section] of the .repo file`);
  }
}

/** Compare the wanted repository with the file; exported for tests. */
export function planYumRepo(args: YumRepoArgs, st: YumRepoState): Plan<YumRepoChange> {
  checkRepoArgs(args);
  const dest = st.dest;
  if (!st.reposdirExists) throw new ModuleFailure(`Repo directory '${args.reposdir}' does not exist.`);
  if (st.stat.exists && st.stat.type !== 'file') throw new ModuleFailure(`${dest} exists and is not a regular file`, { dest });
  let doc;
  try {
    doc = parseIni(st.content);
  } catch (e) {
    if (e instanceof IniParseError) throw new ModuleFailure(`cannot parse ${dest}: ${e.message}`, { dest });
    throw e;
  }
  const dups = findSections(doc, args.name);
  if (dups.length > 1) {
    throw new ModuleFailure(
      `repository [${args.name}] is defined ${dups.length} times in ${dest} (lines ${dups.map((s) => s.header + 1).join(', ')}); dnf would refuse the file: keep one`,
      { dest },
    );
  }

  const result: Record<string, unknown> = { repo: args.name, state: args.state };
  const warnings = st.alsoDefinedIn.map((f) =>
    `repository '${args.name}' is also defined in ${f}: dnf reads both definitions, and the other one may be the one it uses`);
  const changes: YumRepoChange[] = [];
  const diff: FileDiff[] = [];

  const lines = args.state === 'present' ? setSection(doc, args.name, wantedKeys(args), sameValue) : removeSection(doc, args.name);
  // An untouched file stays byte for byte (even without a final newline).
  const untouched = lines.length === doc.lines.length && lines.every((l, i) => l === doc.lines[i]);
  const after = untouched ? st.content : renderIni({ lines, finalNewline: true });
  const noSectionsLeft = args.state === 'absent' && dups.length > 0 && doc.sections.length === 1;
  if (noSectionsLeft) {
    // As Ansible: a file without sections is removed.
    changes.push({ kind: 'remove' });
    diff.push({ path: dest, before: st.content, after: '', beforeHeader: dest, afterHeader: dest });
  } else if (after !== st.content) {
    changes.push({ kind: 'write', content: after, create: !st.stat.exists });
    diff.push({ path: dest, before: st.content, after, beforeHeader: dest, afterHeader: dest });
  }
  if (st.stat.exists && !noSectionsLeft) {
    const change = planAttrs(dest, { mode: args.mode ?? null, owner: args.owner ?? null, group: args.group ?? null }, st.stat);
    if (change) {
      changes.push({ kind: 'attrs', change });
      const h = `${dest} (file attributes)`;
      diff.push({ ...dictDiff(dest, change.before, change.after), beforeHeader: h, afterHeader: h });
    }
  }
  const plan: Plan<YumRepoChange> = { changes, result };
  if (diff.length) plan.diff = diff;
  if (warnings.length) plan.warnings = warnings;
  return plan;
}
