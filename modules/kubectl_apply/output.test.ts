import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fixture, fixtures } from './fixtures.js';
import { actionChanges, parseResultLine, parseResultLines, resultsChanged, warningLines } from './output.js';
import { classifyDiff, describeDiffFile, objectFileDiffs, parseKubectlDiff, predictedResult } from './diff-output.js';
import { kubectlProblem } from './problems.js';
import { conditionFor, parseObjects, rolloutTargets } from './wait.js';

const KNOWN = new Set(['created', 'configured', 'unchanged', 'serverside-applied', 'deleted']);

test('every apply/delete fixture: each stdout line is one object result with a known verb', () => {
  const all = [...fixtures('apply-'), ...fixtures('delete-')];
  assert.ok(all.length >= 15);
  for (const f of all) {
    const lines = f.stdout.split('\n').filter(Boolean);
    const parsed = parseResultLines(f.stdout);
    assert.equal(parsed.length, lines.length, f.name);
    for (const p of parsed) {
      assert.match(p.kind, /^[a-z][a-z0-9.-]*$/, f.name);
      assert.ok(p.name.length > 0 && !p.name.includes('"'), f.name);
      assert.ok(KNOWN.has(p.action), `${f.name}: ${p.action}`);
    }
    // Nothing on stderr is ever an object result.
    assert.deepEqual(parseResultLines(f.stderr), [], f.name);
  }
});

test('kubectl 1.10 quotes names, 1.13+ uses kind/name: both give kind, name, action', () => {
  const old = parseResultLines(fixture('apply-1.10-flannel-created').stdout);
  assert.deepEqual(old[0], { kind: 'clusterrole.rbac.authorization.k8s.io', name: 'flannel', action: 'created' });
  assert.deepEqual(old.at(-1), { kind: 'daemonset.extensions', name: 'kube-flannel-ds', action: 'created' });
  const mid = parseResultLines(fixture('apply-1.13-flannel-created').stdout);
  assert.deepEqual(mid[0], { kind: 'podsecuritypolicy.extensions', name: 'psp.flannel.unprivileged', action: 'created' });
  assert.deepEqual(mid[3], { kind: 'serviceaccount', name: 'flannel', action: 'created' });
  assert.equal(mid.filter((l) => l.kind === 'daemonset.extensions').length, 5);
});

test('changed: created/configured yes, unchanged no (kubespray#13033)', () => {
  assert.equal(resultsChanged(parseResultLines(fixture('apply-current-flannel-unchanged').stdout), true), false);
  const upgrade = parseResultLines(fixture('apply-current-flannel-upgrade').stdout);
  assert.equal(resultsChanged(upgrade, false), true);
  assert.deepEqual(upgrade.filter((l) => actionChanges(l.action)).map((l) => `${l.kind}/${l.name}`), ['daemonset.apps/kube-flannel-ds']);
  const mixed = parseResultLines(fixture('apply-1.13-flannel-mixed').stdout);
  assert.deepEqual(mixed.filter((l) => l.action === 'unchanged').map((l) => l.name), ['flannel', 'flannel']);
  assert.equal(resultsChanged(mixed, false), true);
  assert.equal(resultsChanged([], true), false);
});

test('serverside-applied says nothing by itself: the caller decides', () => {
  const ssa = parseResultLines(fixture('apply-serverside').stdout);
  assert.equal(ssa.length, 2);
  assert.equal(actionChanges('serverside-applied'), undefined);
  assert.equal(resultsChanged(ssa, false), false);
  assert.equal(resultsChanged(ssa, true), true);
});

test('delete: quoted names, the namespace of kubectl >= 1.33, nothing with --ignore-not-found', () => {
  const cur = parseResultLines(fixture('delete-current-flannel').stdout);
  assert.deepEqual(cur[0], { kind: 'namespace', name: 'kube-flannel', action: 'deleted' });
  assert.equal(resultsChanged(cur, false), true);
  const newest = parseResultLines(fixture('delete-1.33-namespaced').stdout);
  assert.deepEqual(newest[1], { kind: 'secret', name: 'jeton-ci', action: 'deleted', namespace: 'colis-audit' });
  assert.deepEqual(parseResultLines(fixture('delete-ignore-not-found-empty').stdout), []);
});

test('dry-run suffixes and lines that are not results', () => {
  assert.deepEqual(parseResultLine('namespace/tigera-operator created (server dry run)'), { kind: 'namespace', name: 'tigera-operator', action: 'created', dryRun: true });
  assert.deepEqual(parseResultLine('deployment.apps "nginx" deleted (dry run)'), { kind: 'deployment.apps', name: 'nginx', action: 'deleted', dryRun: true });
  assert.equal(resultsChanged([parseResultLine('namespace/x created (dry run)')!], true), false);
  assert.equal(parseResultLine('namespace/bar pruned')?.action, 'pruned');
  for (const line of [
    'Warning: rbac.authorization.k8s.io/v1beta1 ClusterRole is deprecated in v1.17+, unavailable in v1.22+; use rbac.authorization.k8s.io/v1 ClusterRole',
    'error: the path "x" does not exist',
    'Error from server (NotFound): error when creating "x.yaml": namespaces "ns" not found',
    'The connection to the server localhost:8080 was refused - did you specify the right host or port?',
    'ensure CRDs are installed first',
    '',
  ]) assert.equal(parseResultLine(line), undefined, line);
});

test('the v0.10 flannel manifest on a current cluster: partial success, warnings, a readable error with a hint', () => {
  const f = fixture('apply-current-flannel-v0.10-error');
  assert.equal(f.rc, 1);
  const lines = parseResultLines(f.stdout);
  assert.equal(lines.length, 4);
  assert.equal(resultsChanged(lines, false), true);
  assert.equal(warningLines(f.stderr).length, 2);
  assert.match(warningLines(f.stderr)[0]!, /^rbac\.authorization\.k8s\.io\/v1beta1 ClusterRole is deprecated/);
  const p = kubectlProblem(f.rc, f.stderr, f.stdout);
  assert.equal(p.message, 'unable to recognize "https://raw.githubusercontent.com/coreos/flannel/v0.10.0/Documentation/kube-flannel.yml": no matches for kind "DaemonSet" in version "extensions/v1beta1"');
  assert.match(p.hints[0]!, /does not serve DaemonSet in extensions\/v1beta1.*removed in 1\.16/);
  assert.equal(p.notReadyYet, false);
  const rm = kubectlProblem(1, fixture('apply-current-resource-mapping').stderr, '');
  assert.equal(rm.message.split('\n').length, 2);
  assert.match(rm.hints[0]!, /ClusterRole in rbac\.authorization\.k8s\.io\/v1beta1/);
});

test('problems: no cluster yet (or no manifest yet) is "not ready"; a URL that 404s is not', () => {
  const k = kubectlProblem(1, fixture('apply-kubeconfig-missing').stderr, '', { kubeconfig: '/etc/kubernetes/admin.conf' });
  assert.equal(k.message, 'stat /etc/kubernetes/admin.conf: no such file or directory');
  assert.equal(k.notReadyYet, true);
  assert.match(k.hints[0]!, /kubeadm init writes \/etc\/kubernetes\/admin\.conf/);
  const refused = kubectlProblem(1, fixture('apply-no-kubeconfig').stderr, '');
  assert.equal(refused.notReadyYet, true);
  assert.match(refused.hints.join('\n'), /localhost:8080 means kubectl found no kubeconfig/);
  const path = kubectlProblem(1, fixture('apply-path-missing').stderr, '');
  assert.equal(path.notReadyYet, true, 'in check mode an earlier copy task would have put it there');
  assert.match(path.hints[0]!, /src_on: controller/);
  assert.equal(kubectlProblem(1, fixture('apply-url-404').stderr, '').notReadyYet, false);
  const ns = kubectlProblem(1, fixture('apply-namespace-missing').stderr, '');
  assert.equal(ns.message.split('\n').length, 1, 'the repeated line is shown once');
  assert.equal(ns.notReadyYet, true);
  const noDiff = kubectlProblem(2, 'error: failed to run "diff": exec: "diff": executable file not found in $PATH\n', '');
  assert.equal(noDiff.notReadyYet, true);
  assert.match(noDiff.hints[0]!, /install diffutils/);
  const missing = kubectlProblem(127, 'sh: kubectl: command not found\n', '');
  assert.equal(missing.message, 'kubectl is not installed on the host (or not in PATH)');
  assert.equal(missing.notReadyYet, true);
});

test('kubectl diff exit status: 0 same, 1 differs, >1 error; 1.13 errors exit 1 with only stderr', () => {
  const verdict = (name: string) => classifyDiff(fixture(name)).status;
  assert.equal(verdict('diff-same'), 'same');
  assert.equal(verdict('diff-current-changed'), 'differs');
  assert.equal(verdict('diff-current-new'), 'differs');
  assert.equal(verdict('diff-current-error'), 'error');
  assert.equal(verdict('diff-1.13-error'), 'error');
  const e = classifyDiff(fixture('diff-1.13-error'));
  assert.ok(e.status === 'error' && /was refused/.test(e.message));
});

test('kubectl diff output: one before/after pair per object, rebuilt from the hunks', () => {
  const changed = parseKubectlDiff(fixture('diff-current-changed').stdout);
  assert.equal(changed.length, 1);
  assert.equal(changed[0]!.label, 'Deployment default/hello-world (apps/v1)');
  assert.equal(changed[0]!.created, false);
  assert.ok(changed[0]!.before.includes('  replicas: 4') && !changed[0]!.before.includes('  replicas: 5'));
  assert.ok(changed[0]!.after.includes('  replicas: 5') && !changed[0]!.after.includes('  replicas: 4'));
  assert.ok(changed[0]!.before.includes('# ...'), 'the gap between hunks is marked');
  assert.equal(changed[0]!.before.length, changed[0]!.after.length);
  const created = parseKubectlDiff(fixture('diff-current-new').stdout);
  assert.deepEqual(created.map((o) => [o.label, o.created, o.before.length, o.after.length]), [
    ['HorizontalPodAutoscaler api-gateway-staging/api-gateway (autoscaling/v2)', true, 0, 8],
    ['ClusterRole flannel (rbac.authorization.k8s.io/v1)', true, 0, 4],
  ]);
  assert.deepEqual(predictedResult(created[0]!), { kind: 'horizontalpodautoscaler.autoscaling', name: 'api-gateway', action: 'created', namespace: 'api-gateway-staging' });
  assert.deepEqual(predictedResult(created[1]!), { kind: 'clusterrole.rbac.authorization.k8s.io', name: 'flannel', action: 'created' });
  assert.deepEqual(predictedResult(changed[0]!).action, 'configured');
  const fd = objectFileDiffs(created);
  assert.equal(fd[0]!.before, '');
  assert.match(fd[0]!.after, /^apiVersion: autoscaling\/v2\n/);
  assert.equal(fd[0]!.beforeHeader, undefined);
  assert.equal(describeDiffFile('v1.ConfigMap.kube-flannel.kube-flannel-cfg'), 'ConfigMap kube-flannel/kube-flannel-cfg (v1)');
  assert.equal(describeDiffFile('policy.v1beta1.PodSecurityPolicy..psp.flannel.unprivileged'), 'PodSecurityPolicy psp.flannel.unprivileged (policy/v1beta1)');
  assert.equal(describeDiffFile('odd-name'), 'odd-name');
});

test('wait: condition words, rollout kinds, the objects listing', () => {
  assert.equal(conditionFor('Available'), 'condition=Available');
  assert.equal(conditionFor('condition=Ready=False'), 'condition=Ready=False');
  assert.equal(conditionFor('delete'), 'delete');
  assert.equal(conditionFor({ type: 'Ready' }), 'condition=Ready');
  assert.equal(conditionFor({ type: 'Ready', status: false }), 'condition=Ready=False');
  assert.equal(conditionFor({ type: 'Progressing', status: 'Unknown' }), 'condition=Progressing=Unknown');
  const lines = parseResultLines(fixture('apply-1.13-flannel-created').stdout);
  assert.deepEqual(rolloutTargets(lines).map((l) => l.name), ['kube-flannel-ds-amd64', 'kube-flannel-ds-arm64', 'kube-flannel-ds-arm', 'kube-flannel-ds-ppc64le', 'kube-flannel-ds-s390x']);
  assert.deepEqual([...parseObjects('DaemonSet   kube-flannel   kube-flannel-ds\nClusterRole   <none>   flannel\n')], [['daemonset/kube-flannel-ds', 'kube-flannel'], ['clusterrole/flannel', undefined]]);
  assert.match(fixture('wait-condition-met').stdout, /condition met/);
  assert.match(fixture('rollout-daemonset').stdout, /successfully rolled out\n$/);
});
