import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compareEvr, parseEvr, rpmvercmp } from './rpmver.js';
import { parseSpec, specForms } from './specs.js';
import { describeFailure, parseTransaction } from './dnf-output.js';
import { excludeHints, parseExcludeRules } from './excludes.js';
import { globToRegExp } from './glob.js';
import * as fx from './dnf-fixtures.js';

test('rpmvercmp agrees with rpm on its own test cases', () => {
  // From rpm's tests/rpmvercmp.at.
  const cases: Array<[string, string, number]> = [
    ['1.0', '1.0', 0], ['1.0', '2.0', -1], ['2.0', '1.0', 1], ['2.0.1', '2.0.1', 0], ['2.0', '2.0.1', -1],
    ['2.0.1a', '2.0.1', 1], ['5.5p1', '5.5p2', -1], ['5.5p10', '5.5p1', 1], ['10xyz', '10.1xyz', -1],
    ['xyz10', 'xyz10.1', -1], ['xyz.4', '8', -1], ['1b', '1a', 1], ['1.0010', '1.9', 1], ['1.05', '1.5', 0],
    ['1.0', '1', 1], ['2.50', '2.5', 1], ['fc4', 'fc.4', 0], ['FC5', 'fc4', -1], ['2a', '2.0', -1],
    ['1.0~rc1', '1.0', -1], ['1.0~rc1', '1.0~rc2', -1], ['1.0~rc1~git123', '1.0~rc1', -1], ['1.0^', '1.0', 1],
    ['1.0^git1', '1.0^git2', -1], ['1.0^git1~pre', '1.0^git1', -1], ['1.0', '1.0^', -1],
    ['18.06.1.ce', '18.06.0.ce', 1], ['0.7.5', '0.6.0', 1], ['1.13.3', '1.13.10', -1],
  ];
  for (const [a, b, want] of cases) assert.equal(rpmvercmp(a, b), want, `${a} vs ${b}`);
  assert.equal(compareEvr({ epoch: 1, version: '1.0', release: '1' }, parseEvr('2.0')), -1, 'no epoch asked: not compared');
  assert.equal(compareEvr({ epoch: 1, version: '1.0', release: '1' }, parseEvr('0:2.0')), 1);
  assert.equal(compareEvr({ epoch: 0, version: '1.13.3', release: '0' }, parseEvr('1.13.3')), 0, 'no release asked: any release');
  assert.equal(compareEvr({ epoch: 0, version: '1.13.3', release: '1' }, parseEvr('1.13.3-0')), 1);
});

test('spec readings follow dnf: NEVRA, NA, NEVR, NEV, N', () => {
  assert.deepEqual(specForms('docker-ce-18.06.1.ce-3.el7'), [
    { name: 'docker-ce', version: '18.06.1.ce', release: '3.el7' },
    { name: 'docker-ce-18.06.1.ce', version: '3.el7' },
    { name: 'docker-ce-18.06.1.ce-3.el7' },
  ]);
  assert.deepEqual(specForms('kubelet-1.13.3-0.x86_64')[0], { name: 'kubelet', version: '1.13.3', release: '0', arch: 'x86_64' });
  assert.deepEqual(specForms('python3.11'), [{ name: 'python3.11' }], '11 is no architecture');
  assert.deepEqual(specForms('foo-bar'), [{ name: 'foo-bar' }], 'a version starts with a digit');
  assert.deepEqual(specForms('containerd.io-1:1.2.0-1.el7')[0], { name: 'containerd.io', epoch: 1, version: '1.2.0', release: '1.el7' });
  const c = parseSpec('kubelet>=1.13');
  assert.equal(c.kind, 'constraint');
  assert.equal(c.kind === 'constraint' && c.arg, 'kubelet >= 1.13');
});

test('transaction table: sections, dependencies, wrapped long names, "replacing" rows, yum 3', () => {
  const tx = parseTransaction(fx.INSTALL_PINNED);
  assert.deepEqual(tx.map((p) => [p.action, p.nevra, p.dependency]), [
    ['install', 'kubeadm-1.13.3-0.x86_64', false], ['install', 'kubectl-1.13.3-0.x86_64', false],
    ['install', 'kubelet-1.13.3-0.x86_64', false], ['install', 'cri-tools-1.12.0-0.x86_64', true],
    ['downgrade', 'kubernetes-cni-0.6.0-0.x86_64', false],
  ]);
  assert.deepEqual(parseTransaction(fx.WRAPPED).map((p) => p.nevra), [
    'this-is-a-really-long-package-name-for-wrapping-tests-1:1.0.0-1.el8.noarch', 'kubelet-1.13.3-0.x86_64', 'cri-tools-1.12.0-0.x86_64',
  ]);
  assert.deepEqual(parseTransaction(fx.YUM3_INSTALL).map((p) => `${p.action} ${p.nevra}`), [
    'install kubeadm-1.13.3-0.x86_64', 'install cri-tools-1.12.0-0.x86_64', 'install kubernetes-cni-0.6.0-0.x86_64', 'upgrade kubelet-1.13.3-0.x86_64',
  ]);
  assert.deepEqual(parseTransaction(fx.REMOVE_CNI).map((p) => `${p.action} ${p.nevra}`), ['remove kubernetes-cni-0.7.5-0.x86_64']);
  assert.deepEqual(parseTransaction(fx.NOTHING_TO_DO), []);
});

test('yum 3 dependency errors keep their words', () => {
  const f = describeFailure(fx.YUM3_CONFLICT.stdout, fx.YUM3_CONFLICT.stderr);
  assert.equal(f.msg, 'Depsolve Error occurred:');
  assert.deepEqual(f.details.slice(0, 2), ['Package: kubelet-1.11.6-0.x86_64 (kubernetes)', '           Requires: kubernetes-cni = 0.6.0']);
  assert.equal(f.details.at(-1), '(try skip_broken: true to work around the problem)');
  const u = describeFailure('', 'Error: Failed to download metadata for repo \'kubernetes\': Cannot download repomd.xml\n');
  assert.equal(u.msg, "Unknown Error occurred: Failed to download metadata for repo 'kubernetes': Cannot download repomd.xml");
});

test('exclude rules of dnf.conf and .repo files (multi-line too) and the hint they give', () => {
  const rules = parseExcludeRules([
    '@@FILE /etc/dnf/dnf.conf', '[main]', 'gpgcheck=1', 'exclude=kernel*', '',
    '@@FILE /etc/yum.repos.d/kubernetes.repo', '# k8s', '[kubernetes]', 'name=Kubernetes', 'exclude=kubelet kubeadm', '\tkubectl', 'gpgcheck=0',
  ].join('\n'));
  assert.deepEqual(rules, [
    { file: '/etc/dnf/dnf.conf', section: 'main', patterns: ['kernel*'] },
    { file: '/etc/yum.repos.d/kubernetes.repo', section: 'kubernetes', patterns: ['kubelet', 'kubeadm', 'kubectl'] },
  ]);
  assert.deepEqual(excludeHints(['kubectl-1.13.3', 'kernel-core', 'docker-ce'], rules), [
    'kubectl-1.13.3 is excluded by [kubernetes] in /etc/yum.repos.d/kubernetes.repo (exclude=kubelet kubeadm kubectl): add `disable_excludes: kubernetes` to the task',
    'kernel-core is excluded by [main] in /etc/dnf/dnf.conf (exclude=kernel*): add `disable_excludes: main` to the task',
  ]);
  assert.ok(globToRegExp('kube[!x]*').test('kubelet'));
  assert.ok(!globToRegExp('kube?').test('kubelet'));
});
