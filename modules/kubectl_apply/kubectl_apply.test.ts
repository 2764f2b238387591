import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ModuleArgsError } from '../../src/index.js';
import { fakeContext, type FakeOptions } from '../../test/helpers/fake-context.js';
import { resolveArgs, runModule } from '../../test/helpers/run-module.js';
import kubectlApply, { DEFAULT_KUBECONFIG } from './index.js';
import { fakeKubectl, setCondition, type FakeKubectlOptions } from './fake-kubectl.js';

/** The current flannel manifest, reduced to what the module cares about. */
const FLANNEL = `---
kind: Namespace
apiVersion: v1
metadata:
  name: kube-flannel
---
kind: ServiceAccount
apiVersion: v1
metadata:
  name: flannel
  namespace: kube-flannel
---
kind: ClusterRole
apiVersion: rbac.authorization.k8s.io/v1
metadata:
  name: flannel
rules:
- apiGroups: [""]
  resources: [nodes]
  verbs: [get, list, watch]
---
kind: ConfigMap
apiVersion: v1
metadata:
  name: kube-flannel-cfg
  namespace: kube-flannel
data:
  net-conf.json: '{"Network": "10.244.0.0/16", "Backend": {"Type": "vxlan"}}'
---
kind: DaemonSet
apiVersion: apps/v1
metadata:
  name: kube-flannel-ds
  namespace: kube-flannel
spec:
  template:
    spec:
      containers:
      - name: kube-flannel
        image: quay.io/coreos/flannel:v0.10.0-amd64
`;

/** The walkthrough's flannel v0.10.0 manifest: beta APIs a current cluster no longer serves. */
const FLANNEL_V010 = `kind: ClusterRole
apiVersion: rbac.authorization.k8s.io/v1beta1
metadata:
  name: flannel
---
kind: ServiceAccount
apiVersion: v1
metadata:
  name: flannel
  namespace: kube-system
---
apiVersion: extensions/v1beta1
kind: DaemonSet
metadata:
  name: kube-flannel-ds
  namespace: kube-system
spec: {}
`;

const NGINX = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'nginx' }, spec: { replicas: 1, template: { spec: { containers: [{ name: 'nginx', image: 'nginx:1.15' }] } } } };

interface HostOptions extends FakeOptions { kubectl?: FakeKubectlOptions }

/** A control plane with admin.conf and /root/kube-flannel.yml, and a fake kubectl. */
function host(o: HostOptions = {}) {
  const k = fakeKubectl({ kubeconfig: DEFAULT_KUBECONFIG, ...o.kubectl });
  const ctx = fakeContext({
    ...o,
    files: { [DEFAULT_KUBECONFIG]: 'apiVersion: v1\nkind: Config\n', '/root/kube-flannel.yml': FLANNEL, ...(o.files ?? {}) },
    commands: [...k.commands, ...(o.commands ?? [])],
  });
  return { k, ctx };
}

const FLANNEL_ARGS = { src: '/root/kube-flannel.yml' };

test('a fresh cluster: created and changed; the second run is ok; one kubectl call per run', async () => {
  const { k, ctx } = host();
  const r = await runModule(kubectlApply, FLANNEL_ARGS, ctx);
  assert.equal(r.status, 'changed', r.msg);
  assert.deepEqual((r.result.result as Array<{ action: string }>).map((l) => l.action), ['created', 'created', 'created', 'created', 'created']);
  assert.equal(k.objects.size, 5);
  assert.equal(r.result.method, 'apply');
  assert.equal(ctx.runs.length, 1);
  assert.equal(ctx.runs[0]!.command, `kubectl --kubeconfig=${DEFAULT_KUBECONFIG} apply -f /root/kube-flannel.yml`);
  const again = await runModule(kubectlApply, FLANNEL_ARGS, ctx);
  assert.equal(again.status, 'ok');
  assert.deepEqual((again.result.result as Array<{ action: string }>).map((l) => l.action), Array(5).fill('unchanged'));
  assert.equal(ctx.runs.length, 2);
  assert.deepEqual(k.calls, ['apply', 'apply']);
});

test('a changed manifest: configured, changed', async () => {
  const { k, ctx } = host();
  await runModule(kubectlApply, FLANNEL_ARGS, ctx);
  ctx.files.set('/root/kube-flannel.yml', { type: 'file', content: FLANNEL.replace('v0.10.0-amd64', 'v0.11.0-amd64') });
  const r = await runModule(kubectlApply, FLANNEL_ARGS, ctx);
  assert.equal(r.status, 'changed');
  const lines = r.result.result as Array<{ kind: string; name: string; action: string }>;
  assert.deepEqual(lines.filter((l) => l.action !== 'unchanged'), [{ kind: 'daemonset.apps', name: 'kube-flannel-ds', action: 'configured' }]);
  assert.deepEqual(k.calls, ['apply', 'apply']);
});

test('kubectl 1.10 output (quoted names) is read the same way', async () => {
  const { ctx } = host({ kubectl: { era: '1.10' } });
  const r = await runModule(kubectlApply, FLANNEL_ARGS, ctx);
  assert.equal(r.status, 'changed');
  assert.match(String(r.result.stdout), /^namespace "kube-flannel" created$/m);
  assert.equal((await runModule(kubectlApply, FLANNEL_ARGS, ctx)).status, 'ok');
});

test('check mode on a live cluster: kubectl diff only, the change predicted with its diff; nothing applied', async () => {
  // The namespace exists: kubectl diff can dry-run the objects in it.
  const { k, ctx } = host({ checkMode: true, diffMode: true, kubectl: { namespaces: ['kube-flannel'] } });
  const r = await runModule(kubectlApply, FLANNEL_ARGS, ctx);
  assert.equal(r.status, 'changed');
  assert.equal(r.applied, false);
  assert.equal(k.objects.size, 0);
  assert.deepEqual(k.calls, ['diff']);
  assert.equal(r.diff?.length, 5);
  assert.equal(r.diff![0]!.path, 'Namespace kube-flannel (v1)');
  assert.match(r.diff![4]!.after, /image: quay\.io\/coreos\/flannel:v0\.10\.0-amd64/);
  assert.deepEqual((r.result.result as Array<{ action: string }>).map((l) => l.action), Array(5).fill('created'));
  // Applied for real, check mode then says nothing would change.
  const real = host();
  await runModule(kubectlApply, FLANNEL_ARGS, real.ctx);
  const check = fakeContext({ checkMode: true, files: Object.fromEntries([...real.ctx.files].map(([p, f]) => [p, f])), commands: real.k.commands });
  const same = await runModule(kubectlApply, FLANNEL_ARGS, check);
  assert.equal(same.status, 'ok');
  assert.equal(same.diff, undefined);
  assert.deepEqual(real.k.calls, ['apply', 'diff']);
});

test('check mode when the manifest creates the namespace of its objects: kubectl diff cannot dry-run them, a change is assumed', async () => {
  const { k, ctx } = host({ checkMode: true, diffMode: true });
  const r = await runModule(kubectlApply, FLANNEL_ARGS, ctx);
  assert.equal(r.status, 'changed');
  assert.equal(r.diff, undefined);
  assert.match(r.plan!.warnings![0]!, /namespaces "kube-flannel" not found\): assuming a change$/);
  assert.equal(k.objects.size, 0);
});

test('check mode on a fresh host: no kubectl, no admin.conf, no API server -> a predicted change with a warning', async () => {
  const cases: Array<[string, HostOptions]> = [
    ['not installed', { kubectl: { installed: false } }],
    ['no admin.conf', { files: {}, kubectl: { kubeconfig: '/etc/kubernetes/other.conf' } }],
    ['no API server (1.13 diff exits 1)', { kubectl: { reachable: false, era: '1.13' } }],
    ['no API server', { kubectl: { reachable: false } }],
    ['manifest not copied yet', {}],
  ];
  for (const [what, o] of cases) {
    const { k, ctx } = host({ ...o, checkMode: true });
    const args = what === 'no admin.conf' ? { ...FLANNEL_ARGS, kubeconfig: '/etc/kubernetes/other.conf' }
      : what === 'manifest not copied yet' ? { src: '/root/later.yml' } : FLANNEL_ARGS;
    const r = await runModule(kubectlApply, args, ctx);
    assert.equal(r.status, 'changed', `${what}: ${r.msg}`);
    assert.equal(r.applied, false);
    assert.match(r.plan!.warnings!.join('\n'), /kubectl diff could not tell what would change .*: assuming a change/, what);
    assert.equal(k.objects.size, 0);
  }
});

test('check mode with a manifest the cluster refuses: fails as the apply would', async () => {
  const { ctx } = host({ checkMode: true, files: { '/root/old.yml': FLANNEL_V010 } });
  const r = await runModule(kubectlApply, { src: '/root/old.yml' }, ctx);
  assert.equal(r.status, 'failed');
  assert.match(r.msg!, /^kubectl diff of \/root\/old\.yml failed: resource mapping not found .*no matches for kind "ClusterRole"/);
});

test('the walkthrough\'s flannel v0.10.0 on a current cluster: fails, says why, counts the objects it created', async () => {
  const { k, ctx } = host({ files: { '/root/old.yml': FLANNEL_V010 } });
  const r = await runModule(kubectlApply, { src: '/root/old.yml' }, ctx);
  assert.equal(r.status, 'failed');
  assert.match(r.msg!, /^kubectl apply of \/root\/old\.yml failed: resource mapping not found for name: "flannel"/);
  assert.match(r.failure!.describe(), /removed in 1\.16/);
  assert.equal(r.result.changed, true, 'the ServiceAccount was created before the error');
  assert.deepEqual((r.result.result as Array<{ name: string }>).map((l) => l.name), ['flannel']);
  assert.equal(k.objects.size, 1);
  // The same manifest on a 1.13 cluster (which serves those APIs) works.
  const old = host({ files: { '/root/old.yml': FLANNEL_V010 }, kubectl: { era: '1.13' } });
  assert.equal((await runModule(kubectlApply, { src: '/root/old.yml' }, old.ctx)).status, 'changed');
});

test('errors with hints: a missing path, a URL that 404s, no admin.conf outside check mode', async () => {
  const { ctx } = host();
  const p = await runModule(kubectlApply, { src: 'kube-flannel.yml' }, ctx);
  assert.equal(p.status, 'failed');
  assert.equal(p.msg, 'kubectl apply of kube-flannel.yml failed: the path "kube-flannel.yml" does not exist');
  assert.match(p.failure!.describe(), /src_on: controller/);
  const u = await runModule(kubectlApply, { src: 'https://example.invalid/kube-flannel.yml' }, ctx);
  assert.match(u.msg!, /unable to read URL "https:\/\/example\.invalid\/kube-flannel\.yml", server reported 404/);
  const fresh = host({ files: {}, kubectl: { kubeconfig: '/etc/kubernetes/x.conf' } });
  const n = await runModule(kubectlApply, { ...FLANNEL_ARGS, kubeconfig: '/etc/kubernetes/x.conf' }, fresh.ctx);
  assert.equal(n.status, 'failed');
  assert.match(n.failure!.describe(), /stat \/etc\/kubernetes\/x\.conf: no such file[\s\S]*kubeadm init writes/);
});

test('a URL: kubectl on the host fetches it', async () => {
  const url = 'https://raw.githubusercontent.com/coreos/flannel/v0.10.0/Documentation/kube-flannel.yml';
  const { ctx } = host({ kubectl: { urls: { [url]: FLANNEL } } });
  const r = await runModule(kubectlApply, { src: url }, ctx);
  assert.equal(r.status, 'changed');
  assert.equal(ctx.runs[0]!.command, `kubectl --kubeconfig=${DEFAULT_KUBECONFIG} apply -f ${url}`);
});

test('definition: a mapping or a list goes to kubectl on standard input; nothing is written on the host', async () => {
  const { k, ctx } = host();
  const r = await runModule(kubectlApply, { resource_definition: NGINX, namespace: 'default' }, ctx);
  assert.equal(r.status, 'changed');
  assert.match(ctx.runs[0]!.command, / --namespace=default apply -f -$/);
  assert.deepEqual(JSON.parse(String(ctx.runs[0]!.opts!.stdin)), NGINX);
  assert.equal(ctx.writes.length, 0);
  assert.equal((await runModule(kubectlApply, { definition: NGINX, namespace: 'default' }, ctx)).status, 'ok');
  const svc = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'nginx' }, spec: { type: 'NodePort' } };
  const list = await runModule(kubectlApply, { definition: [NGINX, svc] }, ctx);
  assert.equal(list.status, 'changed');
  assert.deepEqual((list.result.result as Array<{ kind: string; action: string }>).map((l) => `${l.kind} ${l.action}`), ['deployment.apps unchanged', 'service created']);
  assert.equal(k.objects.size, 2);
  const yaml = await runModule(kubectlApply, { definition: 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: demo' }, ctx);
  assert.equal(yaml.status, 'changed');
  assert.equal(ctx.runs.at(-1)!.opts!.stdin, 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: demo\n');
});

test('src_on: controller: the playbook\'s file is piped; a missing one is named', async () => {
  const { ctx } = host({ controllerFiles: { 'files/flannel.yml': FLANNEL } });
  const r = await runModule(kubectlApply, { src: 'files/flannel.yml', src_on: 'controller' }, ctx);
  assert.equal(r.status, 'changed');
  assert.equal(ctx.runs[0]!.opts!.stdin, FLANNEL);
  const missing = await runModule(kubectlApply, { src: 'files/nope.yml', src_on: 'controller' }, ctx);
  assert.equal(missing.status, 'failed');
  assert.equal(missing.msg, 'could not find src files/nope.yml on the controller (looked at /playbook/files/nope.yml)');
  assert.equal(ctx.runs.length, 1, 'nothing ran for the missing file');
});

test('arguments: one source exactly, choices, defaults, aliases', async () => {
  const { ctx } = host();
  const both = await runModule(kubectlApply, { src: 'a.yml', definition: NGINX }, ctx);
  assert.equal(both.msg, 'parameters are mutually exclusive: src|definition');
  const none = await runModule(kubectlApply, { namespace: 'x' }, ctx);
  assert.equal(none.msg, 'one of the following is required: src, definition');
  const url = await runModule(kubectlApply, { src: 'http://x/y.yml', src_on: 'controller' }, ctx);
  assert.match(url.msg!, /src_on: controller takes a file, not a URL/);
  assert.equal(ctx.runs.length, 0);
  const d = resolveArgs(kubectlApply, { src: 'x' });
  assert.deepEqual([d.kubeconfig, d.state, d.wait, d.wait_timeout, d.force, d.server_side, d.src_on, d.kubectl], [DEFAULT_KUBECONFIG, 'present', false, 120, false, false, 'host', 'kubectl']);
  assert.throws(() => resolveArgs(kubectlApply, { src: 'x', state: 'gone' }), (e: unknown) => e instanceof ModuleArgsError && /state must be one of: present, absent/.test(e.message));
  assert.throws(() => resolveArgs(kubectlApply, { src: 'x', waitt: true }), (e: unknown) => e instanceof ModuleArgsError && /wait/.test(e.message));
  assert.equal(resolveArgs(kubectlApply, { src: 'x', wait_timeout: '30' }).wait_timeout, 30);
});

test('kubeconfig "", context, namespace and kubectl path reach the command line', async () => {
  const ctx = fakeContext({ commands: [{ match: /apply -f/, result: { stdout: 'namespace/x unchanged\n' } }] });
  const r = await runModule(kubectlApply, { src: "/tmp/a b.yml", kubeconfig: '', context: 'kubernetes-admin@kubernetes', namespace: 'kube-system', kubectl: '/usr/local/bin/kubectl' }, ctx);
  assert.equal(r.status, 'ok');
  assert.equal(ctx.runs[0]!.command, "/usr/local/bin/kubectl --context=kubernetes-admin@kubernetes --namespace=kube-system apply -f '/tmp/a b.yml'");
});

test('state: absent deletes what exists; the second run is ok; check mode lists what would go', async () => {
  const { k, ctx } = host();
  await runModule(kubectlApply, FLANNEL_ARGS, ctx);
  const check = await runModule(kubectlApply, { ...FLANNEL_ARGS, state: 'absent' }, Object.assign(Object.create(ctx), { checkMode: true, diffMode: true }));
  assert.equal(check.status, 'changed');
  assert.equal(k.objects.size, 5);
  assert.deepEqual((check.result.result as Array<{ kind: string; action: string }>).map((l) => l.kind), ['namespace', 'serviceaccount', 'clusterrole.rbac.authorization.k8s.io', 'configmap', 'daemonset.apps']);
  assert.equal(check.diff![4]!.path, 'daemonset.apps/kube-flannel-ds');
  const r = await runModule(kubectlApply, { ...FLANNEL_ARGS, state: 'absent' }, ctx);
  assert.equal(r.status, 'changed');
  assert.equal(k.objects.size, 0);
  assert.match(ctx.runs.at(-1)!.command, / delete -f \/root\/kube-flannel\.yml --ignore-not-found --wait=false$/);
  assert.match(String(r.result.stdout), /^daemonset\.apps "kube-flannel-ds" deleted from kube-flannel namespace$/m);
  assert.equal((await runModule(kubectlApply, { ...FLANNEL_ARGS, state: 'absent' }, ctx)).status, 'ok');
  const gone = await runModule(kubectlApply, { ...FLANNEL_ARGS, state: 'absent' }, Object.assign(Object.create(ctx), { checkMode: true }));
  assert.equal(gone.status, 'ok');
  const waited = await runModule(kubectlApply, { ...FLANNEL_ARGS, state: 'absent', wait: true, wait_timeout: 30, force: true }, ctx);
  assert.match(ctx.runs.at(-1)!.command, / --ignore-not-found --timeout=30s --grace-period=0 --force$/);
  assert.equal(waited.status, 'ok');
});

test('wait: rollout status of each DaemonSet/Deployment in its own namespace; a stuck rollout fails and still counts the change', async () => {
  const { k, ctx } = host();
  const r = await runModule(kubectlApply, { ...FLANNEL_ARGS, wait: true, wait_timeout: 60 }, ctx);
  assert.equal(r.status, 'changed', r.msg);
  assert.deepEqual(r.result.waited, ['daemonset.apps/kube-flannel-ds']);
  assert.deepEqual(k.calls, ['apply', 'get', 'rollout status daemonset/kube-flannel-ds']);
  assert.match(ctx.runs.at(-1)!.command, /--namespace=kube-flannel rollout status daemonset\/kube-flannel-ds --timeout=\d+s$/);
  const stuck = host({ kubectl: { stuck: ['daemonset/kube-flannel-ds'] } });
  const s = await runModule(kubectlApply, { ...FLANNEL_ARGS, wait: true }, stuck.ctx);
  assert.equal(s.status, 'failed');
  assert.equal(s.msg, 'waiting for the rollout of daemonset/kube-flannel-ds in namespace kube-flannel failed: timed out waiting for the condition');
  assert.equal(s.result.changed, true);
  // Nothing to roll out: no extra call.
  const plain = host();
  await runModule(kubectlApply, { definition: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' } }, wait: true }, plain.ctx);
  assert.deepEqual(plain.k.calls, ['apply']);
});

test('wait_condition: kubectl wait on every object of the source', async () => {
  const { k, ctx } = host();
  await runModule(kubectlApply, { definition: NGINX }, ctx);
  setCondition(k, 'Deployment', 'nginx', 'Available');
  const r = await runModule(kubectlApply, { definition: NGINX, wait: true, wait_condition: { type: 'Available', status: 'True' } }, ctx);
  assert.equal(r.status, 'ok');
  assert.deepEqual(r.result.waited, ['deployment.apps/nginx']);
  assert.match(ctx.runs.at(-1)!.command, / wait -f - --for=condition=Available --timeout=\d+s$/);
  const bad = await runModule(kubectlApply, { definition: NGINX, wait: true, wait_condition: 'Ready' }, ctx);
  assert.equal(bad.status, 'failed');
  assert.equal(bad.msg, 'waiting for condition=Ready on definition failed: timed out waiting for the condition on deployments/nginx');
});

test('server_side: asks kubectl diff first, since serverside-applied is printed either way', async () => {
  const { k, ctx } = host();
  const first = await runModule(kubectlApply, { ...FLANNEL_ARGS, server_side: true, force: true }, ctx);
  assert.equal(first.status, 'changed');
  assert.match(ctx.runs[0]!.command, / diff -f \/root\/kube-flannel\.yml --server-side --force-conflicts$/);
  assert.match(ctx.runs[1]!.command, / apply -f \/root\/kube-flannel\.yml --server-side --force-conflicts$/);
  const second = await runModule(kubectlApply, { ...FLANNEL_ARGS, server_side: true }, ctx);
  assert.equal(second.status, 'ok');
  assert.equal((second.result.result as Array<{ action: string }>)[0]!.action, 'serverside-applied');
  assert.deepEqual(k.calls, ['diff', 'apply', 'diff', 'apply']);
});

test('diff mode outside check mode: the diff is shown, the apply decides', async () => {
  const { k, ctx } = host({ diffMode: true });
  const r = await runModule(kubectlApply, { definition: NGINX }, ctx);
  assert.equal(r.status, 'changed');
  assert.equal(r.diff?.length, 1);
  assert.equal(r.diff![0]!.path, 'Deployment default/nginx (apps/v1)');
  assert.deepEqual(k.calls, ['diff', 'apply']);
  const again = await runModule(kubectlApply, { definition: NGINX }, ctx);
  assert.equal(again.status, 'ok');
  assert.equal(again.diff, undefined);
});

test('kubectl warnings (deprecated APIs) become task warnings', async () => {
  const ctx = fakeContext({
    commands: [{ match: /apply -f/, result: { stdout: 'clusterrole.rbac.authorization.k8s.io/flannel created\n', stderr: 'Warning: rbac.authorization.k8s.io/v1beta1 ClusterRole is deprecated in v1.17+, unavailable in v1.22+; use rbac.authorization.k8s.io/v1 ClusterRole\n' } }],
  });
  const r = await runModule(kubectlApply, { src: '/x.yml' }, ctx);
  assert.equal(r.status, 'changed');
  assert.deepEqual(ctx.warnings, ['rbac.authorization.k8s.io/v1beta1 ClusterRole is deprecated in v1.17+, unavailable in v1.22+; use rbac.authorization.k8s.io/v1 ClusterRole']);
});

test('outside check mode a failed preview only warns: the apply decides (server_side then counts as a change)', async () => {
  // The manifest creates the namespace of its objects: kubectl diff cannot dry-run them.
  const { k, ctx } = host({ diffMode: true });
  const r = await runModule(kubectlApply, { ...FLANNEL_ARGS, server_side: true }, ctx);
  assert.equal(r.status, 'changed');
  assert.match(r.plan!.warnings![0]!, /^kubectl diff could not preview the change \(.*namespaces "kube-flannel" not found\)$/);
  assert.deepEqual(k.calls, ['diff', 'apply']);
  assert.equal(k.objects.size, 5);
});
