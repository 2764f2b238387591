/**
 * kubectl_apply: apply (or delete) Kubernetes objects with the host's kubectl, the way
 * `kubectl apply -f` is typed on the master (Ansible's nearest: kubernetes.core.k8s, whose
 * parameter names are kept where they exist).
 *
 * Changed only when kubectl says created/configured/deleted, never on "unchanged"
 * (kubespray#13033). A normal run is one round trip: apply is itself idempotent, so the module
 * applies and reads kubectl's verdict. Check mode asks `kubectl diff` (a server-side dry run;
 * exit 0 = same, 1 = differences) and shows its text under -D; with state: absent it asks
 * which objects exist. Server-side apply prints "serverside-applied" whether or not anything
 * changed, so with server_side the module asks `kubectl diff --server-side` first.
 */
import { ModuleFailure, defineModule, type ApplyContext, type FileDiff, type GatherContext, type Plan } from '../../src/index.js';
import { applyCommand, deleteCommand, diffCommand, existingCommand, type KubectlTarget } from './command.js';
import { classifyDiff, objectFileDiffs, parseKubectlDiff, predictedResult, type ObjectDiff } from './diff-output.js';
import { parseResultLines, resultsChanged, warningLines, type ResultLine } from './output.js';
import { kubectlProblem } from './problems.js';
import { resolveSource, type Source, type SourceArgs } from './source.js';
import { waitForObjects, type WaitCondition } from './wait.js';

export interface KubectlApplyArgs extends SourceArgs {
  kubeconfig: string;
  context?: string;
  namespace?: string;
  state: 'present' | 'absent';
  wait: boolean;
  wait_timeout: number;
  wait_condition?: WaitCondition;
  force: boolean;
  server_side: boolean;
  field_manager?: string;
  kubectl: string;
}

/** What check mode (or -D, or server_side) learnt before applying. */
export type Preview =
  | { status: 'same' }
  | { status: 'differs'; text: string; objects: ObjectDiff[] }
  /** state: absent: the objects of the source that exist (`kind/name`). */
  | { status: 'existing'; names: string[] }
  /** kubectl could not dry-run (no cluster yet in check mode): assume a change. */
  | { status: 'unknown'; command: string; reason: string };

export interface KubectlApplyState {
  source: Source;
  preview?: Preview;
}

export type KubectlApplyChange = 'apply' | 'delete';

/** Default kubeconfig: the one kubeadm init writes on the control plane. */
export const DEFAULT_KUBECONFIG = '/etc/kubernetes/admin.conf';

const targetOf = (a: KubectlApplyArgs): KubectlTarget => ({
  kubectl: a.kubectl,
  ...(a.kubeconfig ? { kubeconfig: a.kubeconfig } : {}),
  ...(a.context ? { context: a.context } : {}),
  ...(a.namespace ? { namespace: a.namespace } : {}),
});

const stdinOf = (s: Source) => (s.content !== undefined ? { stdin: s.content } : {});
const problemContext = (a: KubectlApplyArgs) => ({ ...(a.kubeconfig ? { kubeconfig: a.kubeconfig } : {}), ...(a.src ? { src: a.src } : {}) });

/**
 * Ask kubectl what would change. An error that only says the cluster is not there yet is a
 * prediction of change under check mode (a fresh host: kubeadm init has not run); any other
 * error fails check mode as the apply would fail. Outside check mode the apply decides.
 */
async function preview(ctx: GatherContext, a: KubectlApplyArgs, source: Source): Promise<Preview> {
  const t = targetOf(a);
  const absent = a.state === 'absent';
  const cmd = absent ? existingCommand(t, source.file, ctx.quote) : diffCommand(t, source.file, { serverSide: a.server_side, force: a.force, ...(a.field_manager ? { fieldManager: a.field_manager } : {}) }, ctx.quote);
  const r = await ctx.run(cmd, stdinOf(source));
  if (absent && r.rc === 0) {
    const names = r.stdout.split('\n').map((l) => l.trim()).filter(Boolean);
    return names.length ? { status: 'existing', names } : { status: 'same' };
  }
  const verdict = absent ? { status: 'error' as const, message: r.stderr.trim() } : classifyDiff(r);
  if (verdict.status === 'same') return { status: 'same' };
  if (verdict.status === 'differs') return { status: 'differs', text: verdict.text, objects: parseKubectlDiff(verdict.text) };
  const p = kubectlProblem(r.rc, r.stderr, r.stdout, problemContext(a));
  const what = absent ? 'kubectl get' : 'kubectl diff';
  if (ctx.checkMode && !p.notReadyYet) {
    throw new ModuleFailure(`${what} of ${source.label} failed: ${p.message}`, { rc: r.rc, stdout: r.stdout, stderr: r.stderr }, { details: p.hints });
  }
  return { status: 'unknown', command: what, reason: p.message };
}

/** Check-mode and -D return values: what apply would print. */
function predicted(p: Preview | undefined, verb: KubectlApplyChange): Record<string, unknown> {
  if (p?.status === 'differs') return { result: p.objects.map(predictedResult) };
  if (p?.status === 'existing') {
    return { result: p.names.map((n) => ({ kind: n.slice(0, n.indexOf('/')), name: n.slice(n.indexOf('/') + 1), action: 'deleted' })) };
  }
  return p?.status === 'same' ? { result: [], method: verb } : {};
}

function previewDiffs(p: Preview | undefined): FileDiff[] {
  if (p?.status === 'differs') return objectFileDiffs(p.objects);
  if (p?.status === 'existing') return p.names.map((n) => ({ path: n, before: `${n}\n`, after: '' }));
  return [];
}

async function applyOrDelete(ctx: ApplyContext, a: KubectlApplyArgs, state: KubectlApplyState): Promise<Record<string, unknown>> {
  const t = targetOf(a);
  const verb: KubectlApplyChange = a.state === 'absent' ? 'delete' : 'apply';
  const source = state.source;
  const cmd = verb === 'delete'
    ? deleteCommand(t, source.file, { ...(a.wait ? { waitSeconds: a.wait_timeout } : {}), force: a.force }, ctx.quote)
    : applyCommand(t, source.file, { force: a.force, serverSide: a.server_side, ...(a.field_manager ? { fieldManager: a.field_manager } : {}) }, ctx.quote);
  const r = await ctx.run(cmd, { ...stdinOf(source), ...(verb === 'delete' && a.wait ? { timeoutMs: (a.wait_timeout + 30) * 1000 } : {}) });
  for (const w of warningLines(r.stderr)) ctx.warn(w);
  const lines: ResultLine[] = parseResultLines(r.stdout);
  // Only serverside-applied is ambiguous: it changed something unless kubectl diff said otherwise.
  const changed = resultsChanged(lines, state.preview?.status !== 'same');
  const data = { method: verb, result: lines, rc: r.rc, stdout: r.stdout, stderr: r.stderr };
  if (r.rc !== 0) {
    const p = kubectlProblem(r.rc, r.stderr, r.stdout, problemContext(a));
    throw new ModuleFailure(`kubectl ${verb} of ${source.label} failed: ${p.message}`, { ...data, ...(changed ? { changed: true } : {}) }, { details: p.hints });
  }
  if (a.wait && verb === 'apply') {
    const waited = await waitForObjects(ctx, {
      target: t, source, seconds: a.wait_timeout, lines, changed,
      ...(a.wait_condition !== undefined ? { condition: a.wait_condition } : {}),
    });
    return { ...data, waited, changed };
  }
  return { ...data, changed };
}

export default defineModule<KubectlApplyArgs, KubectlApplyState, KubectlApplyChange>({
  name: 'kubectl_apply',
  description: 'Apply or delete Kubernetes objects with kubectl on the host; changed only when kubectl created, configured or deleted something (Ansible: kubernetes.core.k8s)',
  schema: {
    type: 'object',
    properties: {
      src: { type: 'string', description: 'A manifest file or directory on the host (see src_on), or an http(s) URL kubectl fetches on the host.' },
      src_on: { type: 'string', enum: ['host', 'controller'], default: 'host', description: 'Where src is: on the host (as for kubectl apply -f there), or on the controller relative to the playbook (sent to kubectl on standard input).' },
      definition: { type: ['string', 'object', 'array'], 'x-aliases': ['resource_definition'], description: 'Inline objects: a YAML string, a mapping, or a list of mappings.' },
      kubeconfig: { type: 'string', default: DEFAULT_KUBECONFIG, description: 'kubeconfig on the host; an empty string uses kubectl\'s default ($KUBECONFIG, ~/.kube/config).' },
      context: { type: 'string', description: 'kubeconfig context.' },
      namespace: { type: 'string', description: 'Namespace for objects that do not name one.' },
      state: { type: 'string', enum: ['present', 'absent'], default: 'present', description: 'present: kubectl apply; absent: kubectl delete --ignore-not-found.' },
      wait: { type: 'boolean', default: false, description: 'After applying, wait for rollouts (Deployments, DaemonSets, StatefulSets) or for wait_condition; after deleting, for the objects to be gone.' },
      wait_timeout: { type: 'integer', minimum: 1, default: 120, description: 'Seconds to wait in all.' },
      wait_condition: { type: ['string', 'object'], properties: { type: { type: 'string' }, status: { type: ['string', 'boolean'] } }, description: 'A condition every object of the source must reach: Available, or {type: Ready, status: "True"} (kubectl wait --for=condition=...).' },
      force: { type: 'boolean', default: false, description: 'apply --force (delete and re-create on conflict; --force-conflicts with server_side); delete --grace-period=0 --force.' },
      server_side: { type: 'boolean', default: false, description: 'Server-side apply (kubectl apply --server-side).' },
      field_manager: { type: 'string', description: 'kubectl --field-manager.' },
      kubectl: { type: 'string', default: 'kubectl', description: 'The kubectl program on the host.' },
    },
  },

  async gather(ctx, args) {
    const source = await resolveSource(ctx, args);
    const wants = ctx.checkMode || ctx.diffMode || (args.server_side && args.state === 'present');
    return wants ? { source, preview: await preview(ctx, args, source) } : { source };
  },

  diff(args, state, ctx): Plan<KubectlApplyChange> {
    const verb: KubectlApplyChange = args.state === 'absent' ? 'delete' : 'apply';
    const p = state.preview;
    const diff = previewDiffs(p);
    const warnings = p?.status !== 'unknown' ? []
      : ctx.checkMode ? [`${p.command} could not tell what would change (${p.reason}): assuming a change`]
        : [`${p.command} could not preview the change (${p.reason})`];
    const base = { ...(diff.length ? { diff } : {}), ...(warnings.length ? { warnings } : {}) };
    // Outside check mode kubectl apply runs every time: it is idempotent and its output says what changed.
    if (!ctx.checkMode) return { changes: [verb], ...base };
    const same = p?.status === 'same';
    return { changes: same ? [] : [verb], result: { method: verb, ...predicted(p, verb) }, ...base };
  },

  async apply(ctx, args, _plan, state) {
    return applyOrDelete(ctx, args, state);
  },
});
