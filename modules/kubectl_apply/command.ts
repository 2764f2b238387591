/**
 * kubectl command lines for the module: apply, delete, diff, get, wait and rollout status,
 * all against the same kubeconfig, context and namespace, reading the same source (`-f`).
 */

type Quote = (s: string) => string;

/** Where kubectl talks to and what it reads. */
export interface KubectlTarget {
  /** The kubectl program (default `kubectl`). */
  kubectl: string;
  /** --kubeconfig; empty or absent: kubectl's own default ($KUBECONFIG, ~/.kube/config). */
  kubeconfig?: string;
  context?: string;
  namespace?: string;
}

/** How kubectl gets the manifest: a path or URL on the host, or standard input. */
export type FileArg = { path: string } | { stdin: true };

/** `kubectl --kubeconfig=... --context=... [-n ns]`. `namespace` overrides the target's. */
export function kubectlBase(t: KubectlTarget, quote: Quote, namespace: string | undefined = t.namespace): string {
  let s = quote(t.kubectl);
  if (t.kubeconfig) s += ` --kubeconfig=${quote(t.kubeconfig)}`;
  if (t.context) s += ` --context=${quote(t.context)}`;
  if (namespace) s += ` --namespace=${quote(namespace)}`;
  return s;
}

function fileFlag(f: FileArg, quote: Quote): string {
  return 'stdin' in f ? '-f -' : `-f ${quote(f.path)}`;
}

export interface ApplyFlags {
  force?: boolean;
  serverSide?: boolean;
  fieldManager?: string;
}

function applyFlags(o: ApplyFlags, quote: Quote): string {
  let s = '';
  if (o.serverSide) s += ' --server-side';
  if (o.serverSide && o.force) s += ' --force-conflicts';
  else if (o.force) s += ' --force';
  if (o.fieldManager) s += ` --field-manager=${quote(o.fieldManager)}`;
  return s;
}

/** `kubectl apply -f X`. */
export function applyCommand(t: KubectlTarget, f: FileArg, o: ApplyFlags, quote: Quote): string {
  return `${kubectlBase(t, quote)} apply ${fileFlag(f, quote)}${applyFlags(o, quote)}`;
}

/** `kubectl diff -f X`: what apply would change (server-side dry run). */
export function diffCommand(t: KubectlTarget, f: FileArg, o: ApplyFlags, quote: Quote): string {
  // --force is apply's own (delete and re-create); diff takes only the server-side flags.
  const flags = applyFlags({ ...o, force: o.serverSide ? o.force : false }, quote);
  return `${kubectlBase(t, quote)} diff ${fileFlag(f, quote)}${flags}`;
}

export interface DeleteFlags {
  /** Wait for the objects to be gone, at most this many seconds; absent: --wait=false. */
  waitSeconds?: number;
  /** --grace-period=0 --force. */
  force?: boolean;
}

/** `kubectl delete -f X --ignore-not-found`. */
export function deleteCommand(t: KubectlTarget, f: FileArg, o: DeleteFlags, quote: Quote): string {
  let s = `${kubectlBase(t, quote)} delete ${fileFlag(f, quote)} --ignore-not-found`;
  s += o.waitSeconds !== undefined ? ` --timeout=${o.waitSeconds}s` : ' --wait=false';
  if (o.force) s += ' --grace-period=0 --force';
  return s;
}

/** `kubectl get -f X --ignore-not-found -o name`: the objects of the source that exist. */
export function existingCommand(t: KubectlTarget, f: FileArg, quote: Quote): string {
  return `${kubectlBase(t, quote)} get ${fileFlag(f, quote)} --ignore-not-found -o name`;
}

/** Columns of `objectsCommand`, one object a line: kind, namespace (`<none>` when cluster-wide), name. */
export const OBJECT_COLUMNS = 'KIND:.kind,NAMESPACE:.metadata.namespace,NAME:.metadata.name';

/** `kubectl get -f X -o custom-columns=...`: kind, namespace and name of each object of the source. */
export function objectsCommand(t: KubectlTarget, f: FileArg, quote: Quote): string {
  return `${kubectlBase(t, quote)} get ${fileFlag(f, quote)} --no-headers -o custom-columns=${OBJECT_COLUMNS}`;
}

/** `kubectl wait -f X --for=condition=C --timeout=Ns`. */
export function waitCommand(t: KubectlTarget, f: FileArg, condition: string, seconds: number, quote: Quote): string {
  return `${kubectlBase(t, quote)} wait ${fileFlag(f, quote)} --for=${quote(condition)} --timeout=${seconds}s`;
}

/** `kubectl rollout status kind/name -n ns --timeout=Ns`. */
export function rolloutCommand(t: KubectlTarget, resource: string, namespace: string | undefined, seconds: number, quote: Quote): string {
  return `${kubectlBase(t, quote, namespace)} rollout status ${quote(resource)} --timeout=${seconds}s`;
}
