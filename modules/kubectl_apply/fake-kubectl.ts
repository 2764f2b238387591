/**
 * For tests: an in-memory cluster answering the kubectl commands of the kubectl_apply module
 * (apply, delete, diff, get, wait, rollout status) with kubectl's output shapes and exit
 * statuses for three eras: 1.10 (`kind "name" created`), 1.13 (`kind/name created`, diff exits
 * 1 on errors) and current (diff exits >1 on errors, delete says "from <ns> namespace", old API
 * versions not served). Manifests come from the fake host's files, from URLs, or stdin.
 */
import { parseAllDocuments, stringify } from 'yaml';
import { shlexSplit } from '../_shared/shlex.js';
import type { FakeCommand, FakeContext } from '../../test/helpers/fake-context.js';

export type KubectlEra = '1.10' | '1.13' | 'current';

export interface FakeObject {
  apiVersion: string;
  kind: string;
  namespace?: string;
  name: string;
  /** The object as last applied (canonical JSON). */
  body: string;
  /** Conditions `kubectl wait` sees as True. */
  conditions?: string[];
}

export interface FakeKubectlOptions {
  era?: KubectlEra;
  /** The kubeconfig kubectl must find among the fake host's files (absent: not checked). */
  kubeconfig?: string;
  /** The API server answers (default true). */
  reachable?: boolean;
  /** kubectl is installed (default true). */
  installed?: boolean;
  /** Manifests kubectl can fetch. */
  urls?: Record<string, string>;
  /** Namespaces that exist besides default and kube-system. */
  namespaces?: string[];
  /** Rollouts that never finish (`kind/name`, e.g. daemonset/kube-flannel-ds). */
  stuck?: string[];
}

export interface FakeKubectl {
  objects: Map<string, FakeObject>;
  /** Every kubectl verb run, e.g. 'apply', 'diff', 'rollout status daemonset/x'. */
  calls: string[];
  commands: FakeCommand[];
  opts: FakeKubectlOptions;
}

interface Ctx { stdin?: string | Buffer }

const CLUSTER_KINDS = new Set(['Namespace', 'ClusterRole', 'ClusterRoleBinding', 'PodSecurityPolicy', 'CustomResourceDefinition', 'Node', 'PersistentVolume', 'StorageClass']);
/** apiVersion/kind pairs a current cluster no longer serves. */
const REMOVED = /^(extensions\/v1beta1|apps\/v1beta[12]|rbac\.authorization\.k8s\.io\/v1beta1|policy\/v1beta1)$/;

const groupOf = (apiVersion: string) => (apiVersion.includes('/') ? apiVersion.slice(0, apiVersion.indexOf('/')) : '');
const resourceOf = (o: Pick<FakeObject, 'apiVersion' | 'kind'>) => `${o.kind.toLowerCase()}${groupOf(o.apiVersion) ? `.${groupOf(o.apiVersion)}` : ''}`;
const keyOf = (o: Pick<FakeObject, 'apiVersion' | 'kind' | 'namespace' | 'name'>) => `${groupOf(o.apiVersion)}/${o.kind}/${o.namespace ?? ''}/${o.name}`;

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v && typeof v === 'object') return Object.fromEntries(Object.keys(v).sort().map((k) => [k, sortKeys((v as Record<string, unknown>)[k])]));
  return v;
}

/** A minimal unified diff: common head and tail kept as context (3 lines), the middle replaced. */
function miniDiff(a: string[], b: string[]): string[] {
  let head = 0;
  while (head < a.length && head < b.length && a[head] === b[head]) head++;
  let tail = 0;
  while (tail < a.length - head && tail < b.length - head && a[a.length - 1 - tail] === b[b.length - 1 - tail]) tail++;
  const ctxHead = Math.min(3, head);
  const ctxTail = Math.min(3, tail);
  const aStart = head - ctxHead;
  const aLen = a.length - head - tail + ctxHead + ctxTail;
  const bLen = b.length - head - tail + ctxHead + ctxTail;
  const out = [`@@ -${aLen ? aStart + 1 : 0},${aLen} +${bLen ? aStart + 1 : 0},${bLen} @@`];
  for (let i = aStart; i < head; i++) out.push(` ${a[i]}`);
  for (let i = head; i < a.length - tail; i++) out.push(`-${a[i]}`);
  for (let i = head; i < b.length - tail; i++) out.push(`+${b[i]}`);
  for (let i = a.length - tail; i < a.length - tail + ctxTail; i++) out.push(` ${a[i]}`);
  return out;
}

/** A fake kubectl over a fake host (its files hold the kubeconfig and host-side manifests). */
export function fakeKubectl(opts: FakeKubectlOptions = {}): FakeKubectl {
  const era = opts.era ?? 'current';
  const k: FakeKubectl = { objects: new Map(), calls: [], commands: [], opts };
  const namespaces = () => new Set(['default', 'kube-system', ...(opts.namespaces ?? []), ...[...k.objects.values()].filter((o) => o.kind === 'Namespace').map((o) => o.name)]);
  const errExit = era === 'current' ? 2 : 1;

  const readSource = (f: string, host: FakeContext, c: Ctx): { text?: string; label: string; error?: string } => {
    if (f === '-') return { text: c.stdin?.toString() ?? '', label: 'STDIN' };
    if (/^https?:/.test(f)) {
      const t = opts.urls?.[f];
      return t === undefined ? { label: f, error: `error: unable to read URL "${f}", server reported 404 Not Found, status code=404` } : { text: t, label: f };
    }
    const t = host.text(f);
    return t === undefined ? { label: f, error: `error: the path "${f}" does not exist` } : { text: t, label: f };
  };

  const parse = (text: string, ns: string | undefined): FakeObject[] =>
    parseAllDocuments(text).map((d) => d.toJS() as Record<string, any>).filter((o) => o && typeof o === 'object').map((o) => {
      const meta = (o.metadata ?? {}) as Record<string, any>;
      const namespaced = !CLUSTER_KINDS.has(o.kind);
      const obj: FakeObject = { apiVersion: String(o.apiVersion), kind: String(o.kind), name: String(meta.name), body: JSON.stringify(sortKeys(o)) };
      if (namespaced) obj.namespace = String(meta.namespace ?? ns ?? 'default');
      return obj;
    });

  const yamlOf = (o: FakeObject | undefined) => (o ? stringify(JSON.parse(o.body)).replace(/\n$/, '').split('\n') : []);

  const respond = (cmd: string, c: Ctx, host: FakeContext): { rc?: number; stdout?: string; stderr?: string } => {
    if (opts.installed === false) return { rc: 127, stderr: 'sh: kubectl: command not found\n' };
    const w = shlexSplit(cmd);
    let ns: string | undefined;
    let kubeconfig: string | undefined;
    const files: string[] = [];
    const flags = new Map<string, string>();
    const rest: string[] = [];
    for (let i = 1; i < w.length; i++) {
      const x = w[i]!;
      if (x.startsWith('--kubeconfig=')) kubeconfig = x.slice(13);
      else if (x.startsWith('--namespace=')) ns = x.slice(12);
      else if (x === '-n') ns = w[++i];
      else if (x === '-f') files.push(w[++i]!);
      else if (x === '-o') flags.set('-o', w[++i]!);
      else if (x.startsWith('--')) { const eq = x.indexOf('='); flags.set(eq < 0 ? x : x.slice(0, eq), eq < 0 ? 'true' : x.slice(eq + 1)); }
      else rest.push(x);
    }
    const verb = rest[0] === 'rollout' ? `rollout ${rest[1]}` : rest[0]!;
    k.calls.push(verb === 'rollout status' ? `${verb} ${rest[2]}` : verb);
    const isDiff = verb === 'diff';
    const fail = (stderr: string, rc = 1) => ({ rc: isDiff ? errExit : rc, stderr: `${stderr}\n` });
    if (opts.kubeconfig && kubeconfig === opts.kubeconfig && host.text(kubeconfig) === undefined) return fail(`error: stat ${kubeconfig}: no such file or directory`);
    if (opts.reachable === false) return fail('The connection to the server 192.168.2.100:6443 was refused - did you specify the right host or port?');

    if (verb === 'rollout status') {
      const [kind, name] = rest[2]!.split('/');
      const o = [...k.objects.values()].find((x) => x.kind.toLowerCase() === kind && x.name === name && x.namespace === (ns ?? 'default'));
      if (!o) return fail(`Error from server (NotFound): ${kind}s.apps "${name}" not found`);
      if (opts.stuck?.includes(rest[2]!)) return fail('error: timed out waiting for the condition');
      const what = kind === 'daemonset' ? 'daemon set' : kind === 'statefulset' ? 'statefulset rolling update complete' : 'deployment';
      return { stdout: kind === 'statefulset' ? `partitioned roll out complete: 1 new pods have been updated...\n` : `${what} "${name}" successfully rolled out\n` };
    }

    const out: string[] = [];
    const errs: string[] = [];
    let diffText = '';
    let anyDiff = false;
    for (const f of files) {
      const src = readSource(f, host, c);
      if (src.error) return fail(src.error);
      for (const o of parse(src.text!, ns)) {
        const live = k.objects.get(keyOf(o));
        const res = resourceOf(o);
        if (era === 'current' && REMOVED.test(o.apiVersion)) {
          errs.push(`error: resource mapping not found for name: "${o.name}" namespace: "${o.namespace ?? ''}" from "${src.label}": no matches for kind "${o.kind}" in version "${o.apiVersion}"\nensure CRDs are installed first`);
          continue;
        }
        if (o.namespace && !namespaces().has(o.namespace) && verb !== 'delete' && verb !== 'get') {
          errs.push(`Error from server (NotFound): error when ${verb === 'diff' ? 'creating' : 'creating'} "${src.label}": namespaces "${o.namespace}" not found`);
          continue;
        }
        switch (verb) {
          case 'apply': {
            const action = flags.has('--server-side') ? 'serverside-applied' : !live ? 'created' : live.body === o.body ? 'unchanged' : 'configured';
            k.objects.set(keyOf(o), { ...o, ...(live?.conditions ? { conditions: live.conditions } : {}) });
            out.push(era === '1.10' ? `${res} "${o.name}" ${action}` : `${res}/${o.name} ${action}`);
            break;
          }
          case 'delete':
            if (!live) { if (!flags.has('--ignore-not-found')) errs.push(`Error from server (NotFound): error when deleting "${src.label}": ${o.kind.toLowerCase()}s "${o.name}" not found`); break; }
            k.objects.delete(keyOf(o));
            out.push(`${res} "${o.name}" deleted${era === 'current' && o.namespace ? ` from ${o.namespace} namespace` : ''}`);
            break;
          case 'diff': {
            if (live && live.body === o.body) break;
            anyDiff = true;
            const file = `${groupOf(o.apiVersion) ? `${groupOf(o.apiVersion)}.` : ''}${o.apiVersion.split('/').pop()}.${o.kind}.${o.namespace ?? ''}.${o.name}`;
            diffText += `diff -u -N /tmp/LIVE-1234/${file} /tmp/MERGED-5678/${file}\n--- /tmp/LIVE-1234/${file}\t2024-06-25 13:14:41.945870991 +0000\n+++ /tmp/MERGED-5678/${file}\t2024-06-25 13:14:41.945870991 +0000\n`;
            diffText += `${miniDiff(yamlOf(live), yamlOf(o)).join('\n')}\n`;
            break;
          }
          case 'get':
            if (!live) {
              if (!flags.has('--ignore-not-found')) errs.push(`Error from server (NotFound): ${o.kind.toLowerCase()}s "${o.name}" not found`);
              break;
            }
            out.push(flags.get('-o') === 'name' ? `${res}/${o.name}` : `${o.kind}   ${o.namespace ?? '<none>'}   ${o.name}`);
            break;
          case 'wait': {
            const cond = flags.get('--for')!.replace(/^condition=/, '').split('=')[0]!;
            if (live?.conditions?.includes(cond)) out.push(`${res}/${o.name} condition met`);
            else errs.push(`error: timed out waiting for the condition on ${o.kind.toLowerCase()}s/${o.name}`);
            break;
          }
          default:
            return fail(`error: unknown command "${verb}" for "kubectl"`);
        }
      }
    }
    if (isDiff && errs.length === 0) return { rc: anyDiff ? 1 : 0, stdout: diffText };
    return { rc: errs.length ? (isDiff ? errExit : 1) : 0, stdout: out.map((l) => `${l}\n`).join(''), stderr: errs.map((e) => `${e}\n`).join('') };
  };

  k.commands.push({ match: /^kubectl /, respond: (cmd, o, host) => respond(cmd, o ?? {}, host) });
  return k;
}

/** Mark a condition True on an object (for `kubectl wait`). */
export function setCondition(k: FakeKubectl, kind: string, name: string, condition: string): void {
  for (const o of k.objects.values()) if (o.kind === kind && o.name === name) (o.conditions ??= []).push(condition);
}
