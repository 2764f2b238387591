/**
 * Reading `kubectl diff`: its exit status and its output (GNU `diff -u -N` run on two
 * directories, LIVE-* and MERGED-*, one file per object named
 * `<group.>version.Kind.namespace.name`), turned into one before/after pair per object.
 *
 * Exit status: 0 no differences, 1 differences, >1 an error (kubectl >= 1.18). kubectl 1.13 to
 * 1.17 exit 1 for errors too (kubernetes PR #87437), so an exit status of 1 with no diff on
 * standard output and an error on standard error is an error.
 */
import type { ExecResult, FileDiff } from '../../src/index.js';

export type DiffVerdict =
  | { status: 'same' }
  | { status: 'differs'; text: string }
  | { status: 'error'; message: string };

const DIFF_TEXT = /^(diff |--- |\+\+\+ |@@ )/m;

/** What a `kubectl diff` run says. */
export function classifyDiff(r: ExecResult): DiffVerdict {
  if (r.rc === 0) return { status: 'same' };
  if (r.rc === 1 && (DIFF_TEXT.test(r.stdout) || !r.stderr.trim())) return { status: 'differs', text: r.stdout };
  return { status: 'error', message: (r.stderr.trim() || r.stdout.trim() || `kubectl diff exited with status ${r.rc}`) };
}

/** One object's change as kubectl diff showed it. */
export interface ObjectDiff {
  /** Readable name, e.g. `Deployment default/nginx (apps/v1)`. */
  label: string;
  /** The file name kubectl used, e.g. `apps.v1.Deployment.default.nginx`. */
  file: string;
  /** The object is new (the live side is empty). */
  created: boolean;
  /** Lines of the live object shown by the diff (context and removed lines). */
  before: string[];
  /** Lines of the merged object shown by the diff (context and added lines). */
  after: string[];
}

const VERSION = /^v\d+((alpha|beta)\d+)?$/;

/** The parts of kubectl diff's file name `<group.>version.Kind.namespace.name`. */
export interface DiffFileName {
  group: string;
  version: string;
  kind: string;
  namespace: string;
  name: string;
}

/** Split a diff file name; undefined when it is not kubectl's shape. Namespaces never hold dots; names may. */
export function parseDiffFile(file: string): DiffFileName | undefined {
  const parts = file.split('.');
  for (let i = 0; i + 3 < parts.length; i++) {
    if (!VERSION.test(parts[i]!) || !/^[A-Z]/.test(parts[i + 1]!)) continue;
    return { group: parts.slice(0, i).join('.'), version: parts[i]!, kind: parts[i + 1]!, namespace: parts[i + 2]!, name: parts.slice(i + 3).join('.') };
  }
  return undefined;
}

/**
 * `apps.v1.Deployment.default.nginx` -> `Deployment default/nginx (apps/v1)`;
 * `rbac.authorization.k8s.io.v1.ClusterRole..flannel` -> `ClusterRole flannel (rbac.authorization.k8s.io/v1)`.
 */
export function describeDiffFile(file: string): string {
  const p = parseDiffFile(file);
  if (!p) return file;
  const api = p.group ? `${p.group}/${p.version}` : p.version;
  return `${p.kind} ${p.namespace ? `${p.namespace}/` : ''}${p.name} (${api})`;
}

/** What apply would print for this object: `{ kind: 'deployment.apps', name, action: created|configured }`. */
export function predictedResult(o: ObjectDiff): { kind: string; name: string; action: string; namespace?: string } {
  const p = parseDiffFile(o.file);
  const action = o.created ? 'created' : 'configured';
  if (!p) return { kind: o.file, name: o.file, action };
  return { kind: `${p.kind.toLowerCase()}${p.group ? `.${p.group}` : ''}`, name: p.name, action, ...(p.namespace ? { namespace: p.namespace } : {}) };
}

const HEADER = /^diff (?:-\S+ )*(\S+) (\S+)$/;

/** Split kubectl diff's output into objects, rebuilding what each hunk shows of both sides. */
export function parseKubectlDiff(text: string): ObjectDiff[] {
  const out: ObjectDiff[] = [];
  let cur: ObjectDiff | undefined;
  let hunks = 0;
  const start = (file: string) => {
    cur = { label: describeDiffFile(file), file, created: false, before: [], after: [] };
    hunks = 0;
    out.push(cur);
  };
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const h = HEADER.exec(line);
    if (h) { start(h[1]!.split('/').pop()!); continue; }
    // File headers: a `---` line followed by `+++` (a removed line may start with "--" too).
    if (line.startsWith('--- ') && lines[i + 1]?.startsWith('+++ ')) {
      // An external diff without `diff` lines: one object per file pair.
      if (!cur || hunks > 0) start(line.slice(4).split(/\s/)[0]!.split('/').pop()!);
      i++;
      continue;
    }
    if (!cur) continue;
    if (line.startsWith('@@')) {
      if (/^@@ -0,0 /.test(line)) cur.created = true;
      // Lines between hunks are not shown: mark the gap on both sides.
      if (hunks++ > 0) { cur.before.push('# ...'); cur.after.push('# ...'); }
      continue;
    }
    if (hunks === 0 || line.startsWith('\\')) continue;
    const body = line.slice(1);
    if (line.startsWith('-')) cur.before.push(body);
    else if (line.startsWith('+')) cur.after.push(body);
    else if (line.startsWith(' ') || line === '') { cur.before.push(body); cur.after.push(body); }
  }
  // A trailing empty line of the output is not part of the last hunk.
  for (const o of out) {
    while (o.before.length && o.after.length && o.before.at(-1) === '' && o.after.at(-1) === '') { o.before.pop(); o.after.pop(); }
  }
  return out;
}

const joinLines = (lines: string[]) => (lines.length ? `${lines.join('\n')}\n` : '');

/** The engine's before/after pairs for -D, one per object. */
export function objectFileDiffs(objects: ObjectDiff[]): FileDiff[] {
  return objects.map((o) => ({ path: o.label, before: joinLines(o.before), after: joinLines(o.after) }));
}
