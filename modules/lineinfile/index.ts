/**
 * lineinfile: make sure one line is in a file (or is not), replacing the line a regexp or
 * search string finds. Ansible's semantics and messages; the text transform is edit.ts.
 */
import { posix } from 'node:path';
import { ModuleFailure, defineModule, type FileDiff, type FileStat, type GatherContext, type Plan } from '../../src/index.js';
import { applyAttrs, attrSchemaProperties, planAttrs, writeAttrs, type AttrChange } from '../_shared/file-attrs.js';
import { formatMode, resolveMode } from '../_shared/file-mode.js';
import { dictDiff } from '../_shared/diffs.js';
import { checkValidateHasPlaceholder, writeValidated } from '../_shared/validated-write.js';
import { readSections } from '../_shared/read-sections.js';
import { parseProbe, parseTypeProbe, probeCommand, typeProbeCommand } from '../_shared/probe.js';
import { fileContentSection, parseFileContentSection } from '../_shared/read-file-sh.js';
import { absentEdit, presentEdit } from './edit.js';

export interface LineinfileArgs {
  path: string;
  state?: 'present' | 'absent';
  regexp?: string;
  search_string?: string;
  line?: string;
  insertafter?: string;
  insertbefore?: string;
  backrefs?: boolean;
  create?: boolean;
  backup?: boolean;
  firstmatch?: boolean;
  validate?: string;
  mode?: string | number;
  owner?: string;
  group?: string;
}

export interface LineinfileState {
  stat: FileStat;
  /** Current content ('' when the file does not exist). */
  content: string;
}

export type LineinfileChange =
  | { kind: 'write'; content: string; create: boolean }
  | { kind: 'attrs'; change: AttrChange };

const ATTR_MSG = 'ownership, perms or SE linux context changed';

function checkArgs(a: LineinfileArgs): void {
  if (a.insertbefore != null && a.insertafter != null) throw new ModuleFailure('parameters are mutually exclusive: insertbefore|insertafter');
  if (a.regexp != null && a.search_string != null) throw new ModuleFailure('parameters are mutually exclusive: regexp|search_string');
  if (a.backrefs && a.search_string != null) throw new ModuleFailure('parameters are mutually exclusive: backrefs|search_string');
  checkValidateHasPlaceholder(a.validate);
}

/** The pure decision (exported for tests). */
export function planLineinfile(args: LineinfileArgs, st: LineinfileState, checkMode: boolean): Plan<LineinfileChange> {
  checkArgs(args);
  const warnings: string[] = [];
  if (args.regexp === '' || args.search_string === '') {
    const name = args.regexp === '' ? 'regular expression' : 'search string';
    let msg = `The ${name} is an empty string, which will match every line in the file. This may have unintended consequences, such as replacing the last line in the file rather than appending.`;
    if (args.regexp === '') msg += " If this is desired, use '^' to match every line in the file and avoid this warning.";
    warnings.push(msg);
  }
  const path = args.path;
  if (st.stat.exists && st.stat.type === 'directory') throw new ModuleFailure(`Path ${path} is a directory !`, { rc: 256 });
  const exists = st.stat.exists;
  const contentHeader = `${path} (content)`;
  const withWarnings = (p: Plan<LineinfileChange>) => (warnings.length ? { ...p, warnings } : p);

  let edit;
  if ((args.state ?? 'present') === 'present') {
    if (args.backrefs && args.regexp == null) throw new ModuleFailure('regexp is required with backrefs=true');
    if (args.line == null) throw new ModuleFailure('line is required with state=present');
    if (!exists && !args.create) throw new ModuleFailure(`Destination ${path} does not exist !`, { rc: 257 });
    edit = presentEdit(st.content, {
      line: args.line, regexp: args.regexp ?? null, search_string: args.search_string ?? null,
      insertafter: args.insertafter ?? null, insertbefore: args.insertbefore ?? null,
      backrefs: !!args.backrefs, firstmatch: !!args.firstmatch,
    });
  } else {
    if (args.regexp == null && args.search_string == null && args.line == null) {
      throw new ModuleFailure('one of line, search_string, or regexp is required with state=absent');
    }
    if (!exists) return withWarnings({ changes: [], msg: 'file not present', result: { msg: 'file not present' } });
    edit = absentEdit(st.content, { line: args.line ?? null, regexp: args.regexp ?? null, search_string: args.search_string ?? null });
  }

  const changes: LineinfileChange[] = [];
  const diff: FileDiff[] = [];
  let msg = edit.msg;
  if (edit.changed) {
    changes.push({ kind: 'write', content: edit.content, create: !exists });
    diff.push({ path, before: st.content, after: edit.content, beforeHeader: contentHeader, afterHeader: contentHeader });
  }
  const attrArgs = { mode: args.mode ?? null, owner: args.owner ?? null, group: args.group ?? null };
  const attrHeader = `${path} (file attributes)`;
  if (exists) {
    const change = planAttrs(path, attrArgs, st.stat);
    if (change) {
      changes.push({ kind: 'attrs', change });
      msg = msg ? `${msg} and ${ATTR_MSG}` : ATTR_MSG;
      diff.push({ ...dictDiff(path, change.before, change.after), beforeHeader: attrHeader, afterHeader: attrHeader });
    }
  } else if (!checkMode && args.mode != null) {
    // A new file starts 0644 (umask 022); Ansible then reports the mode it sets.
    const wanted = resolveMode(args.mode, { mode: 0o644, isDirectory: false });
    if (wanted !== 0o644) {
      msg = msg ? `${msg} and ${ATTR_MSG}` : ATTR_MSG;
      diff.push({ ...dictDiff(path, { mode: '0644' }, { mode: formatMode(wanted) }), beforeHeader: attrHeader, afterHeader: attrHeader });
    }
  }
  const result: Record<string, unknown> = { msg, backup: '' };
  if (edit.found !== undefined) result.found = edit.found;
  const plan: Plan<LineinfileChange> = { changes, msg, result };
  if (diff.length) plan.diff = diff;
  return withWarnings(plan);
}

/**
 * The file's type (lstat) and content in one round trip. Without mode/owner/group/validate
 * the type comes from shell tests and a small file from builtin reads: no process on the
 * host; with them, one `stat` gives the attributes too.
 */
async function gatherLineinfile(ctx: GatherContext, args: LineinfileArgs): Promise<LineinfileState> {
  const path = args.path;
  const attrs = args.mode != null || args.owner != null || args.group != null || args.validate != null;
  const s = await readSections(ctx, {
    stat: attrs ? probeCommand(path, ctx.quote) : typeProbeCommand(path, ctx.quote),
    content: fileContentSection(path, ctx.quote),
  }, { inline: true });
  if (!s.stat) throw new ModuleFailure(`could not stat ${path}: the host gave no answer`, { path });
  const stat: FileStat = attrs ? statOf(parseProbe(s.stat.out)) : parseTypeProbe(s.stat.out);
  if (!stat.exists || stat.type === 'directory') return { stat, content: '' };
  const c = parseFileContentSection(s.content, path);
  if (c.kind === 'directory') throw new ModuleFailure(`could not read ${path}: ${path}: is a directory`, { path });
  if (c.kind === 'unreadable') throw new ModuleFailure(`could not read ${path}: ${c.message}`, { path });
  return { stat, content: c.kind === 'file' ? c.content : '' };
}

/** probeCommand's answer as ctx.stat gives it (an unknown owner or group is left out). */
function statOf(p: ReturnType<typeof parseProbe>): FileStat {
  const { nlink: _n, inode: _i, atime: _a, mtime: _m, ...st } = p;
  if (st.owner === 'UNKNOWN') delete st.owner;
  if (st.group === 'UNKNOWN') delete st.group;
  return st;
}

export default defineModule<LineinfileArgs, LineinfileState, LineinfileChange>({
  name: 'lineinfile',
  description: 'Ensure a line is in a file, or replace/remove lines matching a pattern (Ansible: ansible.builtin.lineinfile)',
  schema: {
    type: 'object',
    properties: {
      path: { type: 'string', 'x-aliases': ['dest', 'destfile', 'name'], description: 'The file to edit.' },
      state: { type: 'string', enum: ['absent', 'present'], default: 'present' },
      regexp: { type: 'string', 'x-aliases': ['regex'], description: 'Python regex: the last matching line is replaced (or removed).' },
      search_string: { type: 'string', description: 'Literal text: the last line containing it is replaced (or removed).' },
      line: { type: 'string', 'x-aliases': ['value'], description: 'The line to put in the file.' },
      insertafter: { type: 'string', description: "Insert after the last line matching this regex, or 'EOF' / 'BOF'." },
      insertbefore: { type: 'string', description: "Insert before the last line matching this regex, or 'BOF'." },
      backrefs: { type: 'boolean', default: false, description: 'Expand \\1 in line from regexp; do nothing if it does not match.' },
      create: { type: 'boolean', default: false, description: 'Create the file if it does not exist.' },
      backup: { type: 'boolean', default: false, description: 'Keep a timestamped copy of the old file.' },
      firstmatch: { type: 'boolean', default: false, description: 'Use the first matching line instead of the last.' },
      validate: { type: 'string', description: "Command run on the new file before it replaces the old; '%s' is its path." },
      ...attrSchemaProperties,
      unsafe_writes: { type: 'boolean', default: false, description: 'Accepted for compatibility.' },
    },
    required: ['path'],
    additionalProperties: false,
  },
  gather: (ctx, args) => gatherLineinfile(ctx, args),
  diff: (args, state, ctx) => planLineinfile(args, state, ctx.checkMode),
  async apply(ctx, args, plan, st) {
    const out: Record<string, unknown> = {};
    for (const c of plan.changes) {
      if (c.kind === 'write') {
        if (c.create) await ctx.run(`mkdir -p -- ${ctx.quote(posix.dirname(args.path))}`, { check: true });
        const attrs = c.create ? writeAttrs({ mode: args.mode ?? null, owner: args.owner ?? null, group: args.group ?? null }, undefined) : {};
        const backup = !!args.backup && !c.create;
        if (args.validate) {
          const r = await writeValidated(ctx, args.path, c.content, {
            validate: args.validate, backup, ...attrs, ...(c.create ? {} : { existing: st.stat }),
            onInvalid: (rc, _out, err) => new ModuleFailure(`failed to validate: rc:${rc} error:${err}`),
          });
          if (r.backupFile) out.backup = r.backupFile;
        } else {
          const r = await ctx.writeFile(args.path, c.content, { ...attrs, backup });
          if (r.backupFile) out.backup = r.backupFile;
        }
      } else {
        await applyAttrs(ctx, c.change);
      }
    }
    return out;
  },
});
