/**
 * Reading what `kubectl apply` and `kubectl delete` print: one line per object, in the
 * shapes kubectl has used from 1.10 to now:
 *
 * - `deployment.apps/nginx created` (name printer, kubectl >= 1.11: apply, create, prune);
 * - `deployment.apps "nginx" created` (kubectl <= 1.10 for apply; every version for delete);
 * - `secret "x" deleted from ns namespace` (delete, kubectl >= 1.33);
 * - a ` (dry run)` / ` (server dry run)` suffix under --dry-run.
 *
 * The verb decides "changed": created/configured/deleted/pruned are changes, `unchanged` is not
 * (kubespray#13033 reports changed on every run because it ignores this). `serverside-applied`
 * is printed whether or not anything changed (apply.go), so it says nothing on its own.
 */

/** One object kubectl reported on. */
export interface ResultLine {
  /** The resource as kubectl printed it: lower-case kind and API group, e.g. `daemonset.apps`. */
  kind: string;
  name: string;
  /** The verb, e.g. created, configured, unchanged, serverside-applied, deleted. */
  action: string;
  /** Only printed by `kubectl delete` >= 1.33 ("deleted from <ns> namespace"). */
  namespace?: string;
  /** The line carried a (dry run) or (server dry run) suffix. */
  dryRun?: boolean;
}

/** Verbs that say the object was changed on the server. */
const CHANGING = new Set(['created', 'configured', 'deleted', 'force deleted', 'pruned', 'replaced', 'patched', 'restarted']);
/** Verbs that say it was not. */
const UNCHANGED = new Set(['unchanged']);

/** What a verb says about change: true, false, or undefined when it cannot tell (serverside-applied). */
export function actionChanges(action: string): boolean | undefined {
  if (CHANGING.has(action)) return true;
  if (UNCHANGED.has(action)) return false;
  return undefined;
}

// The resource part: lower-case kind, optional dotted API group (no spaces, no quotes).
const RESOURCE = '([a-z0-9][a-z0-9-]*(?:\\.[a-z0-9][a-z0-9.-]*)?)';
const SLASH_FORM = new RegExp(`^${RESOURCE}/(\\S+) (.+)$`);
const QUOTED_FORM = new RegExp(`^${RESOURCE} "([^"]+)" (.+)$`);
const DRY_RUN = /\s*\((?:server )?dry run\)/;
const FROM_NS = /\s*from (\S+) namespace\b/;
// kubectl's verbs are one or two lower-case words ("force deleted"): anything else is not a result line.
const VERB = /^[a-z][a-z-]*(?: [a-z][a-z-]*)?$/;

/** Parse one line; undefined when it is not an object result (warnings, errors, blank lines). */
export function parseResultLine(line: string): ResultLine | undefined {
  const text = line.trim();
  const m = SLASH_FORM.exec(text) ?? QUOTED_FORM.exec(text);
  if (!m) return undefined;
  let tail = m[3]!;
  const out: ResultLine = { kind: m[1]!, name: m[2]!, action: '' };
  if (DRY_RUN.test(tail)) {
    out.dryRun = true;
    tail = tail.replace(DRY_RUN, '');
  }
  const ns = FROM_NS.exec(tail);
  if (ns) {
    out.namespace = ns[1]!;
    tail = tail.replace(FROM_NS, '');
  }
  tail = tail.trim();
  if (!VERB.test(tail)) return undefined;
  out.action = tail;
  return out;
}

/** Every result line of kubectl's standard output, in order. */
export function parseResultLines(stdout: string): ResultLine[] {
  const out: ResultLine[] = [];
  for (const line of stdout.split('\n')) {
    const r = parseResultLine(line);
    if (r) out.push(r);
  }
  return out;
}

/**
 * Whether these results changed the cluster. `ambiguous` is the answer for verbs that cannot
 * tell (serverside-applied): the caller knows it from `kubectl diff`, or assumes a change.
 */
export function resultsChanged(lines: ResultLine[], ambiguous: boolean): boolean {
  return lines.some((l) => !l.dryRun && (actionChanges(l.action) ?? ambiguous));
}

/** `kind/name` of a result, as kubectl's own `-o name` prints it. */
export function resourceName(l: Pick<ResultLine, 'kind' | 'name'>): string {
  return `${l.kind}/${l.name}`;
}

/** The `Warning: ...` lines kubectl prints on standard error (deprecations, last-applied). */
export function warningLines(stderr: string): string[] {
  return stderr.split('\n').map((l) => l.trim()).filter((l) => /^Warning:/.test(l)).map((l) => l.replace(/^Warning:\s*/, ''));
}
