import { test } from 'node:test';
import assert from 'node:assert/strict';
import yumPkg from './index.js';
import { rpmHost } from './fake-rpm-host.js';
import * as fx from './dnf-fixtures.js';
import { runModule } from '../../test/helpers/run-module.js';
import { CHECK_MSG } from './plan.js';

const PINNED = ['kubelet-1.13.3', 'kubeadm-1.13.3', 'kubectl-1.13.3', 'kubernetes-cni-0.6.0'];
const ALL_PINNED = ['kubelet-1.13.3-0.x86_64', 'kubeadm-1.13.3-0.x86_64', 'kubectl-1.13.3-0.x86_64', 'kubernetes-cni-0.6.0-0.x86_64', 'cri-tools-1.12.0-0.x86_64'];

test('pinned versions go to ONE dnf install, with all the names; results and changes from what dnf did', async () => {
  const host = rpmHost(['kubernetes-cni-0.7.5-0.x86_64'], [
    { match: ' install ', stdout: fx.INSTALL_PINNED, installs: ALL_PINNED },
  ]);
  const r = await runModule(yumPkg, { name: PINNED, allow_downgrade: true }, host);
  assert.equal(r.status, 'changed');
  assert.deepEqual(host.dnfRuns, ['LC_ALL=C LANG=C dnf -y install kubelet-1.13.3 kubeadm-1.13.3 kubectl-1.13.3 kubernetes-cni-0.6.0']);
  assert.deepEqual(r.result.results, [
    'Installed: kubeadm-1.13.3-0.x86_64', 'Installed: kubectl-1.13.3-0.x86_64', 'Installed: kubelet-1.13.3-0.x86_64',
    'Installed: cri-tools-1.12.0-0.x86_64', 'Installed: kubernetes-cni-0.6.0-0.x86_64',
  ]);
  assert.deepEqual(r.result.changes, {
    installed: ['kubeadm-1.13.3-0.x86_64', 'kubectl-1.13.3-0.x86_64', 'kubelet-1.13.3-0.x86_64', 'cri-tools-1.12.0-0.x86_64'],
    updated: [], downgraded: ['kubernetes-cni-0.6.0-0.x86_64'], removed: [],
  });
  assert.equal(r.result.rc, 0);
});

test('an unchanged run is one rpm query: no dnf at all', async () => {
  const host = rpmHost(ALL_PINNED);
  const r = await runModule(yumPkg, { name: PINNED }, host);
  assert.equal(r.status, 'ok');
  assert.equal(r.msg, 'Nothing to do');
  assert.equal(host.runs.length, 1);
  assert.match(host.runs[0]!.command, /rpm -q --qf '[^']+' kubelet kubelet-1\.13\.3 kubeadm kubeadm-1\.13\.3 kubectl kubectl-1\.13\.3 kubernetes-cni kubernetes-cni-0\.6\.0 \)/);
  assert.deepEqual(host.dnfRuns, []);
});

test('exact pins already installed join the transaction of the missing ones', async () => {
  const host = rpmHost(['kubernetes-cni-0.6.0-0.x86_64'], [{ match: ' install ', stdout: fx.ASSUMENO_INSTALL + 'Complete!\n' }]);
  await runModule(yumPkg, { name: PINNED }, host);
  assert.deepEqual(host.dnfRuns, ['LC_ALL=C LANG=C dnf -y install kubelet-1.13.3 kubeadm-1.13.3 kubectl-1.13.3 kubernetes-cni-0.6.0']);
});

test('check mode asks dnf with --assumeno, reports what would be installed, changes nothing', async () => {
  const host = rpmHost([], [{ match: '--assumeno install', rc: 1, stdout: fx.ASSUMENO_INSTALL, stderr: fx.OPERATION_ABORTED }], { checkMode: true, diffMode: true });
  const r = await runModule(yumPkg, { name: ['kubelet-1.13.3', 'kubeadm-1.13.3', 'kubectl-1.13.3'] }, host);
  assert.equal(r.status, 'changed');
  assert.equal(r.applied, false);
  assert.equal(r.msg, CHECK_MSG);
  assert.deepEqual(host.dnfRuns, ['LC_ALL=C LANG=C dnf --assumeno install kubelet-1.13.3 kubeadm-1.13.3 kubectl-1.13.3']);
  assert.deepEqual(host.rpmdb, []);
  assert.deepEqual((r.result.changes as { installed: string[] }).installed, [
    'kubeadm-1.13.3-0.x86_64', 'kubectl-1.13.3-0.x86_64', 'kubelet-1.13.3-0.x86_64', 'cri-tools-1.12.0-0.x86_64', 'kubernetes-cni-0.6.0-0.x86_64',
  ]);
  assert.deepEqual(r.diff, [{
    path: 'packages', before: '',
    after: 'cri-tools-1.12.0-0.x86_64\nkubeadm-1.13.3-0.x86_64\nkubectl-1.13.3-0.x86_64\nkubelet-1.13.3-0.x86_64\nkubernetes-cni-0.6.0-0.x86_64\n',
    beforeHeader: 'installed packages (before)', afterHeader: 'installed packages (after)',
  }]);
});

test('check mode on an up-to-date host runs no dnf', async () => {
  const host = rpmHost(ALL_PINNED, [], { checkMode: true });
  assert.equal((await runModule(yumPkg, { name: PINNED }, host)).status, 'ok');
  assert.deepEqual(host.dnfRuns, []);
});

test('a dependency conflict is reported as dnf said it, with the advice in module arguments', async () => {
  const host = rpmHost([], [{ match: ' install ', rc: 1, ...fx.CONFLICT }]);
  const r = await runModule(yumPkg, { name: ['kubelet-1.13.3', 'kubernetes-cni-0.7.5'] }, host);
  assert.equal(r.status, 'failed');
  assert.equal(r.msg, 'Depsolve Error occurred:');
  assert.deepEqual(r.failure!.details, [
    'Problem: cannot install both kubernetes-cni-0.7.5-0.x86_64 and kubernetes-cni-0.6.0-0.x86_64',
    ' - package kubelet-1.13.3-0.x86_64 requires kubernetes-cni = 0.6.0, but none of the providers can be installed',
    ' - conflicting requests',
    '(dnf suggests: set allowerasing: true to replace conflicting packages, or skip_broken: true to skip uninstallable packages)',
  ]);
  assert.equal(r.result.rc, 1);
  assert.match(String(r.result.cmd), /dnf -y install kubelet-1\.13\.3 kubernetes-cni-0\.7\.5$/);
  // Check mode fails the same way, from the --assumeno run.
  const chk = rpmHost([], [{ match: '--assumeno install', rc: 1, ...fx.CONFLICT }], { checkMode: true });
  const c = await runModule(yumPkg, { name: ['kubelet-1.13.3', 'kubernetes-cni-0.7.5'] }, chk);
  assert.equal(c.status, 'failed');
  assert.match(c.failure!.details[0]!, /^Problem: cannot install both/);
});

test("an excluded package names the repository's exclude= and the disable_excludes that gets past it", async () => {
  const repo = '[kubernetes]\nname=Kubernetes\nbaseurl=http://k\nexclude=kube*\n';
  const host = rpmHost([], [{ match: ' install ', rc: 1, ...fx.EXCLUDED }], { files: { '/etc/yum.repos.d/kubernetes.repo': repo } });
  const r = await runModule(yumPkg, { name: ['kubelet-1.13.3', 'kubeadm'] }, host);
  assert.equal(r.status, 'failed');
  assert.equal(r.msg, 'Failed to install some of the specified packages');
  assert.deepEqual(r.result.failures, [
    'No package kubelet-1.13.3 available (every match is excluded by an exclude= setting).',
    'No package kubeadm available (every match is excluded by an exclude= setting).',
  ]);
  assert.ok(r.failure!.details.includes(
    'kubelet-1.13.3 is excluded by [kubernetes] in /etc/yum.repos.d/kubernetes.repo (exclude=kube*): add `disable_excludes: kubernetes` to the task'));
  const ok = rpmHost([], [{ match: '--disableexcludes=kubernetes install', stdout: fx.ASSUMENO_INSTALL + 'Complete!\n' }]);
  assert.equal((await runModule(yumPkg, { name: ['kubelet-1.13.3'], disable_excludes: 'kubernetes' }, ok)).status, 'changed');
});

test('a missing package: Ansible\'s "No package X available."', async () => {
  const host = rpmHost([], [{ match: ' install ', rc: 1, ...fx.NO_MATCH }]);
  const r = await runModule(yumPkg, { name: 'nosuchpkg' }, host);
  assert.equal(r.status, 'failed');
  assert.deepEqual(r.result.failures, ['No package nosuchpkg available.']);
});

test('a newer installed version stays unless allow_downgrade (with a warning saying so)', async () => {
  const host = rpmHost(['kubernetes-cni-0.7.5-0.x86_64'], [{ match: ' install ', stdout: fx.INSTALL_PINNED }]);
  const r = await runModule(yumPkg, { name: 'kubernetes-cni-0.6.0' }, host);
  assert.equal(r.status, 'ok');
  assert.deepEqual(host.dnfRuns, []);
  assert.match(r.plan!.warnings![0]!, /kubernetes-cni-0\.6\.0: kubernetes-cni-0\.7\.5-0\.x86_64 is installed, newer than asked for; left as it is \(allow_downgrade: true/);
  const d = await runModule(yumPkg, { name: 'kubernetes-cni-0.6.0', allow_downgrade: true }, host);
  assert.equal(d.status, 'changed');
  assert.deepEqual(host.dnfRuns, ['LC_ALL=C LANG=C dnf -y install kubernetes-cni-0.6.0']);
});

test('an older installed version is upgraded to the pinned one (present means "this version")', async () => {
  const host = rpmHost(['kubernetes-cni-0.6.0-0.x86_64'], [{ match: ' install ', stdout: fx.UPGRADE_CNI }]);
  const r = await runModule(yumPkg, { name: 'kubernetes-cni-0.7.5' }, host);
  assert.equal(r.status, 'changed');
  assert.deepEqual(r.result.changes, { installed: [], updated: ['kubernetes-cni-0.7.5-0.x86_64'], downgraded: [], removed: [] });
});

test('latest: installed names are upgraded, missing ones installed; "Nothing to do" is not a change', async () => {
  const host = rpmHost(['kubernetes-cni-0.6.0-0.x86_64'], [
    { match: ' upgrade kubernetes-cni', stdout: fx.UPGRADE_CNI },
    { match: ' install kubelet', stdout: fx.NOTHING_TO_DO },
  ]);
  const r = await runModule(yumPkg, { name: ['kubernetes-cni', 'kubelet'], state: 'latest' }, host);
  assert.equal(r.status, 'changed');
  assert.deepEqual(host.dnfRuns, ['LC_ALL=C LANG=C dnf -y install kubelet', 'LC_ALL=C LANG=C dnf -y upgrade kubernetes-cni']);
  const same = rpmHost(['kubernetes-cni-0.7.5-0.x86_64'], [{ match: ' upgrade ', stdout: fx.NOTHING_TO_DO }]);
  const n = await runModule(yumPkg, { name: 'kubernetes-cni', state: 'latest' }, same);
  assert.equal(n.status, 'ok');
  assert.equal(n.msg, 'Nothing to do');
  const only = rpmHost([], [], {});
  const u = await runModule(yumPkg, { name: 'kubelet', state: 'latest', update_only: true }, only);
  assert.equal(u.status, 'ok');
  assert.deepEqual(u.result.results, ['Packages providing kubelet not installed due to update_only specified']);
});

test('absent removes the installed packages by NEVRA, and only them (no unused-dependency sweep unless autoremove)', async () => {
  const host = rpmHost(['kubernetes-cni-0.7.5-0.x86_64'], [{ match: ' remove ', stdout: fx.REMOVE_CNI, removes: ['kubernetes-cni'] }]);
  const r = await runModule(yumPkg, { name: ['kubernetes-cni', 'kubectl'], state: 'removed' }, host);
  assert.equal(r.status, 'changed');
  assert.deepEqual(host.dnfRuns, ['LC_ALL=C LANG=C dnf -y --setopt=clean_requirements_on_remove=False remove kubernetes-cni-0.7.5-0.x86_64']);
  assert.deepEqual(r.result.results, ['Removed: kubernetes-cni-0.7.5-0.x86_64']);
  assert.equal((await runModule(yumPkg, { name: ['kubernetes-cni', 'kubectl'], state: 'absent' }, host)).status, 'ok');
  const auto = rpmHost(['kubectl-1.13.3-0.x86_64'], [{ match: ' remove ', stdout: fx.NOTHING_TO_DO }]);
  await runModule(yumPkg, { name: 'kubectl', state: 'absent', autoremove: true }, auto);
  assert.match(auto.dnfRuns[0]!, /--setopt=clean_requirements_on_remove=True remove kubectl-1\.13\.3-0\.x86_64$/);
});

test('options become dnf flags; use_backend yum runs yum; disablerepo comes before enablerepo', async () => {
  const host = rpmHost([], [{ match: /^LC_ALL=C LANG=C yum /, stdout: fx.ASSUMENO_INSTALL }]);
  await runModule(yumPkg, {
    name: 'kubelet', use_backend: 'yum', enablerepo: 'kubernetes', disablerepo: '*', disable_gpg_check: true,
    disable_excludes: 'kubernetes', exclude: ['kubernetes-cni-0.7*'], update_cache: true, sslverify: false, install_weak_deps: false,
  }, host);
  assert.deepEqual(host.dnfRuns, [
    "LC_ALL=C LANG=C yum -y '--disablerepo=*' --enablerepo=kubernetes --disableexcludes=kubernetes '--exclude=kubernetes-cni-0.7*' --nogpgcheck --setopt=sslverify=0 --setopt=install_weak_deps=False --refresh install kubelet",
  ]);
  const none = rpmHost([], [], { backends: ['yum'] });
  assert.match(String((await runModule(yumPkg, { name: 'x', use_backend: 'dnf' }, none)).msg), /use_backend: dnf, but dnf is not installed/);
  const yumOnly = rpmHost([], [{ match: /^LC_ALL=C LANG=C yum -y install x$/, stdout: fx.NOTHING_TO_DO }], { backends: ['yum'] });
  await runModule(yumPkg, { name: 'x' }, yumOnly);
  assert.equal(yumOnly.dnfRuns.length, 1);
});

test('specs: NEVR with dots and dashes, name.arch, "name >= version", globs (rpm -qa), epochs', async () => {
  const host = rpmHost(['docker-ce-18.06.1.ce-3.el7.x86_64', 'kubelet-1.13.3-0.x86_64', 'containerd.io-1:1.2.0-1.el7.x86_64']);
  for (const name of [
    'docker-ce-18.06.1.ce-3.el7', 'docker-ce-18.06.1.ce', 'docker-ce.x86_64', 'docker-ce-18.06.1.ce-3.el7.x86_64',
    'kubelet >= 1.10', 'kubelet>=1.13.3', 'kubelet = 1.13.3-0', 'kubelet < 1.14', 'containerd.io-1:1.2.0-1.el7', 'containerd.io',
  ]) {
    assert.equal((await runModule(yumPkg, { name }, host)).status, 'ok', name);
  }
  const glob = rpmHost(['kubelet-1.13.3-0.x86_64'], [{ match: ' install ', stdout: fx.NOTHING_TO_DO }]);
  assert.equal((await runModule(yumPkg, { name: 'kube*' }, glob)).status, 'ok');
  assert.match(glob.runs[0]!.command, /rpm -qa --qf/);
  assert.equal((await runModule(yumPkg, { name: 'kubelet-1.13*' }, glob)).status, 'ok');
  const newer = rpmHost(['kubelet-1.13.3-0.x86_64'], [{ match: " install 'kubelet >= 1.14'", stdout: fx.NOTHING_TO_DO }]);
  await runModule(yumPkg, { name: 'kubelet >= 1.14' }, newer);
  assert.deepEqual(newer.dnfRuns, ["LC_ALL=C LANG=C dnf -y install 'kubelet >= 1.14'"]);
});

test('local .rpm files are compared by their header; URLs by their file name', async () => {
  const host = rpmHost(['kubelet-1.13.3-0.x86_64'], [{ match: ' install ', stdout: fx.NOTHING_TO_DO }], { rpmFiles: { '/tmp/kubelet.rpm': 'kubelet-1.13.3-0.x86_64', '/tmp/kubectl.rpm': 'kubectl-1.13.3-0.x86_64' } });
  assert.equal((await runModule(yumPkg, { name: '/tmp/kubelet.rpm' }, host)).status, 'ok');
  assert.equal((await runModule(yumPkg, { name: 'https://example.test/kubelet-1.13.3-0.x86_64.rpm' }, host)).status, 'ok');
  await runModule(yumPkg, { name: '/tmp/kubectl.rpm' }, host);
  assert.deepEqual(host.dnfRuns, ['LC_ALL=C LANG=C dnf -y install /tmp/kubectl.rpm']);
  assert.equal((await runModule(yumPkg, { name: '/tmp/nope.rpm' }, host)).msg, "No RPM file matching '/tmp/nope.rpm' found on system");
});

test("Ansible's argument errors", async () => {
  const host = rpmHost([]);
  assert.match(String((await runModule(yumPkg, { name: 'kubelet kubeadm' }, host)).msg), /^It appears that a space separated string of packages was passed in/);
  assert.equal((await runModule(yumPkg, {}, host)).msg, 'one of the following is required: name, list, update_cache');
  assert.equal((await runModule(yumPkg, { name: 'x', autoremove: true, state: 'present' }, host)).msg, 'Autoremove should be used alone or with state=absent');
  assert.equal((await runModule(yumPkg, { name: '/tmp/x.rpm', state: 'absent' }, host)).msg, 'Cannot remove paths -- please specify package name.');
  assert.match(String((await runModule(yumPkg, { name: '@Development Tools' }, host)).msg), /package groups and modules \(@Development Tools\) are not supported/);
  await assert.rejects(runModule(yumPkg, { name: 'x', state: 'installd' }, host), /value of state must be one of: absent, installed, latest, present, removed, got: installd/);
  // Comma-separated names are a list, as in Ansible.
  const two = rpmHost(['a-1-1.noarch', 'b-1-1.noarch']);
  assert.equal((await runModule(yumPkg, { name: 'a,b' }, two)).status, 'ok');
});

test('update_cache alone refreshes the metadata without a change (also when nothing is to install)', async () => {
  const host = rpmHost([], [{ match: ' makecache', stdout: 'Metadata cache created.\n' }]);
  const r = await runModule(yumPkg, { update_cache: true }, host);
  assert.equal(r.status, 'ok');
  assert.equal(r.msg, 'Cache updated');
  assert.deepEqual(host.dnfRuns, ['LC_ALL=C LANG=C dnf -y --refresh makecache']);
  const chk = rpmHost([], [], { checkMode: true });
  assert.equal((await runModule(yumPkg, { update_cache: true }, chk)).status, 'ok');
  assert.deepEqual(chk.dnfRuns, []);
});
