/**
 * yum_repo against a sandbox host over SSH: .repo files written through the module, read
 * back with OpenSSH and with the host's own dnf (which must accept them).
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { sandboxSuite } from '../../helpers/sandbox-host.js';
import { isK8splayError } from '../../../src/errors.js';

const sb = sandboxSuite('yum_repo', ['yr1']);
const H = 'yr1';
const FILE = '/etc/yum.repos.d/kubernetes.repo';

function play(tasks: string): string {
  return `- hosts: all\n  gather_facts: false\n  tasks:\n${tasks.replace(/^/gm, '    ')}\n`;
}

/** The file's bytes and change time, to prove a run did not touch it. */
function fileState(path = FILE): string {
  return sb.sh(H, `stat -c '%Y.%Z %s %a' ${path} 2>&1; cat ${path} 2>&1`).stdout;
}

describe('yum_repo module on a sandbox host', { skip: sb.skip }, () => {
  let url = '';
  const repoTask = (extra = '') => `- name: repo
  yum_repo:
    name: kubernetes
    description: Kubernetes
    baseurl: ${url}
    enabled: true
    gpgcheck: false
    exclude: kube*${extra}`;

  before(async () => {
    await sb.up();
    url = sb.state().repo!.url;
    sb.shOk(H, `rm -f ${FILE} /etc/yum.repos.d/k8s-extra.repo`);
  });
  after(sb.down);

  test('first run writes the file dnf then reads; second run changes nothing', async () => {
    const first = await sb.play(play(repoTask()));
    assert.equal(first.result.exitCode, 0, JSON.stringify(first.resultsOf('repo')));
    const r = first.resultsOf('repo')[0]!;
    assert.equal(r.status, 'changed');
    assert.deepEqual([r.data.repo, r.data.state], ['kubernetes', 'present']);
    assert.equal(sb.shOk(H, `cat ${FILE}`), `[kubernetes]\nbaseurl = ${url}\nenabled = 1\nexclude = kube*\ngpgcheck = 0\nname = Kubernetes\n`);
    assert.equal(sb.shOk(H, `stat -c %a ${FILE}`).trim(), '644');
    // dnf accepts the file and applies its exclude: kubelet is hidden from this repository.
    assert.match(sb.shOk(H, 'dnf -q repolist --all'), /^kubernetes\s+Kubernetes\s+enabled$/m);
    const listed = sb.sh(H, 'dnf -q --disablerepo=k8splay-sandbox list --available kubelet');
    assert.notEqual(listed.rc, 0, listed.stdout);
    assert.match(sb.shOk(H, 'dnf -q --disablerepo=k8splay-sandbox --disableexcludes=kubernetes list --available kubelet'), /kubelet\.x86_64\s+1\.13\.3-0\s+kubernetes/);

    const before = fileState();
    const again = await sb.play(play(repoTask()));
    assert.equal(again.changed, 0);
    assert.equal(fileState(), before);
  });

  test('check mode changes nothing; diff mode shows the real file before and after', async () => {
    const before = fileState();
    const yaml = play(repoTask('\n    gpgkey: [http://keys.invalid/a.gpg, http://keys.invalid/b.gpg]\n    priority: 5'));
    const check = await sb.play(yaml, { check: true, diff: true });
    const r = check.resultsOf('repo')[0]!;
    assert.equal(r.status, 'changed');
    assert.equal(fileState(), before);
    assert.equal(r.diff?.length, 1);
    assert.equal(r.diff![0]!.before, sb.shOk(H, `cat ${FILE}`));
    assert.match(r.diff![0]!.after, /^gpgkey = http:\/\/keys\.invalid\/a\.gpg\n\thttp:\/\/keys\.invalid\/b\.gpg\n/m);
    assert.match(r.diff![0]!.after, /^priority = 5$/m);
  });

  test('a hand-edited file keeps its comments and other sections; a changed gpgkey is rewritten (ansible#80015)', async () => {
    sb.shOk(H, `cat > ${FILE} <<'EOF'
# Kubernetes packages, see the walkthrough
[kubernetes]
name=Kubernetes
baseurl=${url}
enabled=1
gpgcheck=0
# keys rotated in 2023
gpgkey=http://keys.invalid/old.gpg
exclude=kube*

[kubernetes-extra]
name=Extra
baseurl=${url}
enabled=0
EOF`);
    const yaml = play(repoTask('\n    gpgkey: http://keys.invalid/new.gpg'));
    const run = await sb.play(yaml, { diff: true });
    const r = run.resultsOf('repo')[0]!;
    assert.equal(r.status, 'changed');
    const text = sb.shOk(H, `cat ${FILE}`);
    assert.match(text, /^# Kubernetes packages, see the walkthrough$/m);
    assert.match(text, /^# keys rotated in 2023$/m);
    assert.match(text, /^gpgkey=http:\/\/keys\.invalid\/new\.gpg$/m);
    assert.doesNotMatch(text, /old\.gpg/);
    assert.match(text, /^\[kubernetes-extra\]\nname=Extra\nbaseurl=\S+\nenabled=0$/m);
    assert.match(r.diff![0]!.before, /old\.gpg/);
    assert.equal(r.diff![0]!.after, text);
    assert.equal((await sb.play(yaml)).changed, 0);
    assert.match(sb.shOk(H, 'dnf -q repolist --all'), /^kubernetes-extra\s+Extra\s+disabled$/m);
  });

  test('absent removes one section, then the file with its last section', async () => {
    const gone = play(`- name: gone
  yum_repo: { name: kubernetes-extra, file: kubernetes, state: absent }`);
    const r = await sb.play(gone);
    assert.equal(r.resultsOf('gone')[0]!.status, 'changed');
    assert.doesNotMatch(sb.shOk(H, `cat ${FILE}`), /kubernetes-extra/);
    assert.match(sb.shOk(H, `cat ${FILE}`), /^\[kubernetes\]$/m);
    assert.equal((await sb.play(gone)).changed, 0);
    const last = await sb.play(play(`- name: last
  yum_repo: { name: kubernetes, state: absent }`), { diff: true });
    const res = last.resultsOf('last')[0]!;
    assert.equal(res.status, 'changed');
    assert.equal(res.diff![0]!.after, '');
    assert.equal(sb.sh(H, `test -e ${FILE}`).rc, 1);
  });

  test('owner/mode and a missing reposdir', async () => {
    const r = await sb.play(play(repoTask("\n    mode: '0600'")));
    assert.equal(r.resultsOf('repo')[0]!.status, 'changed');
    assert.equal(sb.shOk(H, `stat -c %a ${FILE}`).trim(), '600');
    const bad = await sb.play(play(`- name: nodir
  yum_repo: { name: x, description: X, baseurl: http://x.invalid, reposdir: /etc/no-such-dir }`));
    const res = bad.resultsOf('nodir')[0]!;
    assert.equal(res.status, 'failed');
    assert.equal(res.msg, "Repo directory '/etc/no-such-dir' does not exist.");
  });

  test('bad arguments: a located error before anything runs', async () => {
    const before = fileState();
    const yaml = play(`- name: bad
  yum_repo:
    name: kubernetes
    description: Kubernetes
    baseurl: http://x.invalid
    state: enabled
    gpg_check: true`);
    await assert.rejects(sb.play(yaml), (e: unknown) => {
      assert.ok(isK8splayError(e) && e.userError, String(e));
      const text = e.describe();
      assert.match(text, /value of state must be one of: present, absent, got: enabled at \S*site\.yml:9:\d+/);
      assert.match(text, /gpg_check/);
      assert.match(text, /gpgcheck/, 'did you mean');
      return true;
    });
    assert.equal(fileState(), before);
  });
});
