/**
 * yum_pkg against a sandbox host over SSH, with the host's real dnf and rpm and the sandbox
 * repository's stand-ins of the walkthrough's packages (src/sandbox/rpms/): kubelet, kubeadm,
 * kubectl 1.13.3, kubernetes-cni 0.6.0 and 0.7.5 (kubelet 1.13.3 needs exactly 0.6.0),
 * cri-tools 1.12.0, docker-ce 18.06.1.ce-3.el7. The host's state is read with OpenSSH.
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { sandboxSuite } from '../../helpers/sandbox-host.js';
import { isK8splayError } from '../../../src/errors.js';

const sb = sandboxSuite('yum_pkg', ['yp1']);
const H = 'yp1';
const PINNED = '[kubelet-1.13.3, kubeadm-1.13.3, kubectl-1.13.3, kubernetes-cni-0.6.0]';
const K8S = ['cri-tools', 'kubeadm', 'kubectl', 'kubelet', 'kubernetes-cni'];

function play(tasks: string): string {
  return `- hosts: all\n  gather_facts: false\n  tasks:\n${tasks.replace(/^/gm, '    ')}\n`;
}

/** name-version-release.arch of each installed package of `names` (sorted), as rpm says. */
function installed(names: string[] = [...K8S, 'docker-ce']): string[] {
  const out = sb.sh(H, `rpm -q --qf '%{NAME}-%{VERSION}-%{RELEASE}.%{ARCH}\\n' ${names.join(' ')}`).stdout;
  return out.split('\n').filter((l) => l && !l.startsWith('package ')).sort();
}

/** Lines in dnf's own log: grows with every dnf run, so an unchanged run must leave it alone. */
function dnfLogLines(): number {
  return Number(sb.sh(H, 'cat /var/log/dnf.log 2>/dev/null | wc -l').stdout.trim());
}

/** Test setup: erase the walkthrough's packages with rpm (not through the module). */
function removeAll(): void {
  sb.shOk(H, `for p in ${[...K8S, 'docker-ce'].join(' ')}; do if rpm -q "$p" >/dev/null; then rpm -e --nodeps "$p"; fi; done`);
  assert.deepEqual(installed(), []);
}

/** dnf's transactions so far (its history). */
function historyIds(): string[] {
  return sb.sh(H, 'dnf -q history list').stdout.split('\n').map((l) => /^\s*(\d+) \|/.exec(l)?.[1]).filter((x): x is string => !!x);
}

describe('yum_pkg module on a sandbox host', { skip: sb.skip }, () => {
  before(async () => {
    await sb.up();
    // The sandbox's own repository is disabled by default; these tests install from it directly.
    sb.shOk(H, "sed -i 's/^enabled=0/enabled=1/' /etc/yum.repos.d/k8splay-sandbox.repo");
    removeAll();
  });
  after(sb.down);

  test('check mode says what dnf would install, from dnf itself, and installs nothing', async () => {
    const check = await sb.play(play(`- name: k8s
  yum_pkg: { name: ${PINNED}, disable_gpg_check: true }`), { check: true, diff: true });
    const r = check.resultsOf('k8s')[0]!;
    assert.equal(r.status, 'changed', JSON.stringify(r));
    assert.equal(r.msg, 'Check mode: No changes made, but would have if not in check mode');
    assert.deepEqual([...(r.data.results as string[])].sort(), [
      'Installed: cri-tools-1.12.0-0.x86_64', 'Installed: kubeadm-1.13.3-0.x86_64', 'Installed: kubectl-1.13.3-0.x86_64',
      'Installed: kubelet-1.13.3-0.x86_64', 'Installed: kubernetes-cni-0.6.0-0.x86_64',
    ]);
    assert.equal(r.diff![0]!.before, '');
    assert.match(r.diff![0]!.after, /^cri-tools-1\.12\.0-0\.x86_64\nkubeadm-1\.13\.3-0\.x86_64\n/);
    assert.deepEqual(installed(), []);
  });

  test('pinned versions install in one step; the second run reports no change and runs no dnf', async () => {
    const yaml = play(`- name: k8s
  yum_pkg: { name: ${PINNED}, disable_gpg_check: true }`);
    const history = historyIds();
    const first = await sb.play(yaml);
    assert.equal(first.result.exitCode, 0, JSON.stringify(first.resultsOf('k8s')));
    const r = first.resultsOf('k8s')[0]!;
    assert.equal(r.status, 'changed');
    assert.deepEqual(installed(), [
      'cri-tools-1.12.0-0.x86_64', 'kubeadm-1.13.3-0.x86_64', 'kubectl-1.13.3-0.x86_64', 'kubelet-1.13.3-0.x86_64', 'kubernetes-cni-0.6.0-0.x86_64',
    ]);
    assert.deepEqual([...(r.data.changes as { installed: string[] }).installed].sort(), installed());
    // One transaction: dnf's history has one new entry, for the whole list.
    const now = historyIds();
    assert.equal(now.length, history.length + 1);
    assert.match(sb.shOk(H, `dnf -q history info ${now[0]}`), /^Command Line\s+: -y --nogpgcheck install kubelet-1\.13\.3 kubeadm-1\.13\.3 kubectl-1\.13\.3 kubernetes-cni-0\.6\.0$/m);

    const log = dnfLogLines();
    const again = await sb.play(yaml);
    assert.equal(again.changed, 0);
    assert.equal(again.resultsOf('k8s')[0]!.msg, 'Nothing to do');
    assert.equal(dnfLogLines(), log, 'an unchanged run must not start dnf');
    // Check mode on the installed host agrees, still without dnf.
    assert.equal((await sb.play(yaml, { check: true })).changed, 0);
    assert.equal(dnfLogLines(), log);
  });

  test('the walkthrough\'s conflict: kubernetes-cni 0.7.5 is newest, kubelet 1.13.3 needs 0.6.0', async () => {
    removeAll();
    // EL8's dnf.conf says best=True (Debian's dnf says False): then dnf must take the newest
    // kubernetes-cni asked for by name, which kubelet 1.13.3 cannot use.
    sb.shOk(H, "sed -i 's/^best=.*/best=True/' /etc/dnf/dnf.conf");
    try {
      const bad = await sb.play(play(`- name: k8s
  yum_pkg: { name: [kubelet-1.13.3, kubeadm-1.13.3, kubectl-1.13.3, kubernetes-cni], disable_gpg_check: true }`));
      const r = bad.resultsOf('k8s')[0]!;
      assert.equal(r.status, 'failed');
      assert.match(r.msg!, /^Depsolve Error occurred:\nProblem: cannot install both kubernetes-cni-0\.7\.5-0\.x86_64 and kubernetes-cni-0\.6\.0-0\.x86_64$/m);
      assert.match(r.msg!, /^ - package kubelet-1\.13\.3-0\.x86_64 requires kubernetes-cni = 0\.6\.0, but none of the providers can be installed$/m);
      assert.match(r.msg!, /dnf suggests: set allowerasing: true .*, or skip_broken: true/);
      assert.equal(r.data.rc, 1);
      assert.deepEqual(installed(), []);

      // With kubernetes-cni 0.7.5 already installed, the pinned list still goes in one step.
      assert.equal((await sb.play(play(`- name: cni
  yum_pkg: { name: kubernetes-cni, disable_gpg_check: true }`))).resultsOf('cni')[0]!.status, 'changed');
      assert.deepEqual(installed(['kubernetes-cni']), ['kubernetes-cni-0.7.5-0.x86_64']);
      const pinned = await sb.play(play(`- name: k8s
  yum_pkg: { name: ${PINNED}, allow_downgrade: true, disable_gpg_check: true }`));
      const p = pinned.resultsOf('k8s')[0]!;
      assert.equal(p.status, 'changed', JSON.stringify(p));
      assert.deepEqual((p.data.changes as { downgraded: string[] }).downgraded, ['kubernetes-cni-0.6.0-0.x86_64']);
      assert.deepEqual(installed(), [
        'cri-tools-1.12.0-0.x86_64', 'kubeadm-1.13.3-0.x86_64', 'kubectl-1.13.3-0.x86_64', 'kubelet-1.13.3-0.x86_64', 'kubernetes-cni-0.6.0-0.x86_64',
      ]);
    } finally {
      sb.shOk(H, "sed -i 's/^best=.*/best=False/' /etc/dnf/dnf.conf");
    }
  });

  test('a repository with exclude=kube*: the error names it, disable_excludes gets past it', async () => {
    removeAll();
    const url = sb.state().repo!.url;
    const repo = `- name: repo
  yum_repo: { name: kubernetes, description: Kubernetes, baseurl: '${url}', gpgcheck: false, exclude: 'kube*' }`;
    const pkgs = (extra: string) => `- name: k8s
  yum_pkg: { name: [kubelet-1.13.3, kubeadm-1.13.3], disablerepo: k8splay-sandbox${extra} }`;
    const bad = await sb.play(play(`${repo}\n${pkgs('')}`));
    const r = bad.resultsOf('k8s')[0]!;
    assert.equal(r.status, 'failed');
    assert.match(r.msg!, /^Failed to install some of the specified packages/);
    assert.match(r.msg!, /kubelet-1\.13\.3 is excluded by \[kubernetes\] in \/etc\/yum\.repos\.d\/kubernetes\.repo \(exclude=kube\*\): add `disable_excludes: kubernetes` to the task/);
    const good = await sb.play(play(`${repo}\n${pkgs(', disable_excludes: kubernetes')}`));
    assert.equal(good.resultsOf('k8s')[0]!.status, 'changed', JSON.stringify(good.resultsOf('k8s')));
    assert.match(sb.shOk(H, "dnf -q repoquery --installed --qf '%{name} %{from_repo}' kubelet"), /^kubelet kubernetes$/m);
    sb.shOk(H, 'rm -f /etc/yum.repos.d/kubernetes.repo');
  });

  test('absent removes only what is named; latest upgrades; a missing package fails readably', async () => {
    const absent = play(`- name: rm
  yum_pkg: { name: [kubeadm, kubelet], state: absent }`);
    const r = await sb.play(absent, { diff: true });
    assert.equal(r.resultsOf('rm')[0]!.status, 'changed');
    // kubectl, cri-tools and kubernetes-cni came in as kubeadm's dependencies: Ansible leaves them.
    assert.deepEqual(installed(), ['cri-tools-1.12.0-0.x86_64', 'kubectl-1.13.3-0.x86_64', 'kubernetes-cni-0.6.0-0.x86_64']);
    assert.equal((await sb.play(absent)).changed, 0);

    const latest = play(`- name: latest
  yum_pkg: { name: kubernetes-cni, state: latest, disable_gpg_check: true }`);
    const l = await sb.play(latest);
    assert.equal(l.resultsOf('latest')[0]!.status, 'changed');
    assert.deepEqual(installed(['kubernetes-cni']), ['kubernetes-cni-0.7.5-0.x86_64']);
    assert.equal((await sb.play(latest)).changed, 0);

    const missing = await sb.play(play(`- name: missing
  yum_pkg: { name: [kubectl, no-such-package] }`));
    const m = missing.resultsOf('missing')[0]!;
    assert.equal(m.status, 'failed');
    assert.deepEqual(m.data.failures, ['No package no-such-package available.']);
  });

  test('docker-ce and the units the systemd module will manage', async () => {
    const r = await sb.play(play(`- name: docker
  yum_pkg: { name: docker-ce-18.06.1.ce-3.el7, disable_gpg_check: true }
- name: kubelet
  yum_pkg: { name: [kubelet-1.13.3, kubeadm-1.13.3], allow_downgrade: true, disable_gpg_check: true }`));
    assert.equal(r.result.exitCode, 0, JSON.stringify(r.resultsOf('kubelet')));
    assert.deepEqual(installed(['docker-ce']), ['docker-ce-18.06.1.ce-3.el7.x86_64']);
    sb.shOk(H, 'systemctl daemon-reload');
    assert.match(sb.shOk(H, 'systemctl cat docker.service'), /ExecStart=\/usr\/bin\/dockerd/);
    const kubelet = sb.shOk(H, 'systemctl cat kubelet.service');
    assert.match(kubelet, /kubelet: The Kubernetes Node Agent/);
    assert.match(kubelet, /# \/usr\/lib\/systemd\/system\/kubelet\.service\.d\/10-kubeadm\.conf/);
    assert.match(sb.shOk(H, 'kubelet --version'), /^Kubernetes v1\.13\.3$/m);
    assert.equal((await sb.play(play(`- name: docker
  yum_pkg: { name: docker-ce-18.06.1.ce-3.el7 }`))).changed, 0);
  });

  test('bad arguments: a located error before anything runs', async () => {
    const before = installed();
    const yaml = play(`- name: bad
  yum_pkg:
    name: kubelet
    state: installd
    disable_gpg_checks: true`);
    await assert.rejects(sb.play(yaml), (e: unknown) => {
      assert.ok(isK8splayError(e) && e.userError, String(e));
      const text = e.describe();
      assert.match(text, /value of state must be one of: absent, installed, latest, present, removed, got: installd at \S*site\.yml:7:\d+/);
      assert.match(text, /disable_gpg_checks/);
      return true;
    });
    assert.deepEqual(installed(), before);
  });
});

describe('the sandbox repository\'s package specs (src/sandbox/rpms/)', () => {
  const dir = new URL('../../../src/sandbox/rpms/', import.meta.url);
  const specs = readdirSync(dir).filter((f) => f.endsWith('.spec')).map((f) => {
    const text = readFileSync(new URL(f, dir), 'utf8');
    const tag = (t: string) => [...text.matchAll(new RegExp(`^${t}:\\s+(.+)$`, 'gm'))].map((m) => m[1]!.trim());
    return { file: f, text, nevra: `${tag('Name')[0]}-${tag('Version')[0]}-${tag('Release')[0]}.${tag('BuildArch')[0]}`, requires: tag('Requires') };
  });
  const byNevra = (n: string) => specs.find((s) => s.nevra === n);

  test('the walkthrough\'s packages with their real names, versions, releases, arch and Requires', () => {
    assert.deepEqual(byNevra('kubelet-1.13.3-0.x86_64')?.requires, ['kubernetes-cni = 0.6.0']);
    assert.deepEqual(byNevra('kubeadm-1.13.3-0.x86_64')?.requires, ['kubelet >= 1.6.0', 'kubectl >= 1.6.0', 'kubernetes-cni >= 0.6.0', 'cri-tools >= 1.11.0']);
    for (const n of ['kubectl-1.13.3-0.x86_64', 'kubernetes-cni-0.6.0-0.x86_64', 'kubernetes-cni-0.7.5-0.x86_64', 'cri-tools-1.12.0-0.x86_64', 'docker-ce-18.06.1.ce-3.el7.x86_64']) {
      assert.ok(byNevra(n), `${n} is built`);
      assert.deepEqual(byNevra(n)!.requires, [], `${n} requires nothing a Debian host cannot provide`);
    }
  });

  test('every spec: no automatic dependencies, no scriptlets (a Debian host\'s rpm database has no /bin/sh)', () => {
    for (const s of specs) {
      assert.match(s.text, /^AutoReqProv:\s+no$/m, s.file);
      assert.doesNotMatch(s.text, /^%(pre|post|preun|postun|pretrans|posttrans)\b/m, s.file);
    }
  });

  test('the units the systemd module manages have their real names', () => {
    assert.match(byNevra('kubelet-1.13.3-0.x86_64')!.text, /^\/usr\/lib\/systemd\/system\/kubelet\.service$/m);
    assert.match(byNevra('kubeadm-1.13.3-0.x86_64')!.text, /^\/usr\/lib\/systemd\/system\/kubelet\.service\.d\/10-kubeadm\.conf$/m);
    assert.match(byNevra('docker-ce-18.06.1.ce-3.el7.x86_64')!.text, /^\/usr\/lib\/systemd\/system\/docker\.service$/m);
  });
});
