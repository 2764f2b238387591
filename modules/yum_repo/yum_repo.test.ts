import { test } from 'node:test';
import assert from 'node:assert/strict';
import yumRepo from './index.js';
import { fakeContext, fileCommands, type FakeContext, type FakeOptions } from '../../test/helpers/fake-context.js';
import { runModule } from '../../test/helpers/run-module.js';
import { answerSections, sectionCommands } from '../_shared/read-sections.js';
import { answerFileSection } from '../_shared/fake-file-sections.js';
import { shlexSplit } from '../_shared/shlex.js';

/**
 * Answers yum_repo's one gather script from the fake's files (directories listed in `dirs`).
 * The other-definitions search runs grep's pattern as a JS regex (its bracket classes made
 * JS); local.test.ts runs the real command.
 */
function repoHost(o: FakeOptions & { dirs?: string[] } = {}): FakeContext {
  const dirs = new Set(o.dirs ?? ['/etc/yum.repos.d']);
  const word = (re: RegExp, text: string) => shlexSplit(re.exec(text)![1]!)[0]!;
  return fakeContext({
    ...o,
    commands: [
      {
        match: /'@@[0-9a-f]+ dir@@'/,
        respond: (cmd, _o, host) => {
          const sections = sectionCommands(cmd);
          const dir = word(/test -d ('[^']*'|\S+)/, sections.dir!);
          const skip = word(/\[ "\$k8sp_f" != ('[^']*'|\S+) \]/, sections.others!);
          const prefix = word(/k8sp_ri ('[^']*'|\S+)\*\.repo$/, sections.others!);
          const header = new RegExp(word(/grep -lE -e ('[^']*'|\S+) --/, sections.others!).replaceAll('[[:space:]]', '[ \\t\\r\\f\\v]'));
          const others = [...host.files.entries()]
            .filter(([p, x]) => p !== skip && p.startsWith(prefix) && !p.slice(prefix.length).includes('/') && p.endsWith('.repo')
              && (x.type ?? 'file') === 'file' && String(x.content ?? '').split('\n').some((l) => header.test(l)))
            .map(([p]) => `${p}\n`);
          return {
            stdout: answerSections(cmd, {
              dir: { out: '', rc: dirs.has(dir) ? 0 : 1 },
              stat: answerFileSection(sections.stat!, host)!,
              others: others.join(''),
              content: answerFileSection(sections.content!, host) ?? '',
            }),
          };
        },
      },
      ...(o.commands ?? []),
      ...fileCommands(),
    ],
  });
}

const K8S = {
  name: 'kubernetes',
  description: 'Kubernetes',
  baseurl: 'https://packages.cloud.google.com/yum/repos/kubernetes-el7-x86_64',
  enabled: true,
  gpgcheck: true,
  repo_gpgcheck: true,
  gpgkey: ['https://packages.cloud.google.com/yum/doc/yum-key.gpg', 'https://packages.cloud.google.com/yum/doc/rpm-package-key.gpg'],
  exclude: 'kube*',
};

// What ansible-playbook 2.14 writes for K8S (checked with -c local on a temp reposdir), minus
// configparser's trailing blank line.
const K8S_FILE = [
  '[kubernetes]',
  'baseurl = https://packages.cloud.google.com/yum/repos/kubernetes-el7-x86_64',
  'enabled = 1',
  'exclude = kube*',
  'gpgcheck = 1',
  'gpgkey = https://packages.cloud.google.com/yum/doc/yum-key.gpg',
  '\thttps://packages.cloud.google.com/yum/doc/rpm-package-key.gpg',
  'name = Kubernetes',
  'repo_gpgcheck = 1',
  '',
].join('\n');

test('a new repository: the file Ansible writes, the diff, and no change the second time', async () => {
  const ctx = repoHost({ diffMode: true });
  const r = await runModule(yumRepo, K8S, ctx);
  assert.equal(r.status, 'changed');
  assert.deepEqual(r.result, { repo: 'kubernetes', state: 'present' });
  assert.equal(ctx.text('/etc/yum.repos.d/kubernetes.repo'), K8S_FILE);
  assert.deepEqual(r.diff, [{
    path: '/etc/yum.repos.d/kubernetes.repo', before: '', after: K8S_FILE,
    beforeHeader: '/etc/yum.repos.d/kubernetes.repo', afterHeader: '/etc/yum.repos.d/kubernetes.repo',
  }]);
  assert.equal(ctx.runs.length, 1, 'gather is one round trip');
  const again = await runModule(yumRepo, K8S, ctx);
  assert.equal(again.status, 'ok');
  assert.equal(again.diff, undefined);
  assert.equal(ctx.writes.length, 1);
});

test('check mode reports the change and writes nothing', async () => {
  const ctx = repoHost({ checkMode: true, diffMode: true });
  const r = await runModule(yumRepo, K8S, ctx);
  assert.equal(r.status, 'changed');
  assert.equal(r.diff![0]!.after, K8S_FILE);
  assert.equal(ctx.writes.length, 0);
  assert.equal(ctx.files.has('/etc/yum.repos.d/kubernetes.repo'), false);
});

const HAND_WRITTEN = [
  '# Managed by hand: keep this note',
  '[base]',
  'name=Base',
  'baseurl=http://mirror/base',
  '',
  '# The Kubernetes packages',
  '[kubernetes]',
  'name=Kubernetes',
  '; old mirror, kept for reference',
  'baseurl=http://old.example/k8s',
  'gpgcheck=0',
  'proxy=http://proxy:3128',
  '',
  '[extras]',
  'name = Extras',
  'baseurl = http://mirror/extras',
  '',
].join('\n');

test('an existing section is edited in place: comments, spacing and other sections stay (Ansible drops them)', async () => {
  const ctx = repoHost({ diffMode: true, files: { '/etc/yum.repos.d/k8s.repo': HAND_WRITTEN } });
  const r = await runModule(yumRepo, { name: 'kubernetes', file: 'k8s', description: 'Kubernetes', baseurl: 'http://new.example/k8s', gpgcheck: true, enabled: true }, ctx);
  assert.equal(r.status, 'changed');
  assert.equal(ctx.text('/etc/yum.repos.d/k8s.repo'), [
    '# Managed by hand: keep this note',
    '[base]',
    'name=Base',
    'baseurl=http://mirror/base',
    '',
    '# The Kubernetes packages',
    '[kubernetes]',
    'name=Kubernetes',
    '; old mirror, kept for reference',
    'baseurl=http://new.example/k8s',
    'gpgcheck=1',
    'enabled=1',
    '',
    '[extras]',
    'name = Extras',
    'baseurl = http://mirror/extras',
    '',
  ].join('\n'));
  // The diff is the real file, before and after.
  assert.equal(r.diff![0]!.before, HAND_WRITTEN);
  assert.match(r.diff![0]!.after, /^baseurl=http:\/\/new\.example\/k8s$/m);
  // proxy was not asked for: the section holds exactly the task's keys, as with Ansible.
  assert.doesNotMatch(r.diff![0]!.after, /proxy/);
});

test('a changed gpgkey is rewritten (ansible#80015), an unchanged one written another way is left alone', async () => {
  const file = '[influxdb]\nname = InfluxDB\nbaseurl = https://repos.influxdata.com/stable/$basearch/main\ngpgcheck = 1\ngpgkey = https://repos.influxdata.com/influxdb.key\n';
  const ctx = repoHost({ diffMode: true, files: { '/etc/yum.repos.d/influxdb.repo': file } });
  const args = { name: 'influxdb', description: 'InfluxDB', baseurl: 'https://repos.influxdata.com/stable/$basearch/main', gpgcheck: true };
  const r = await runModule(yumRepo, { ...args, gpgkey: 'https://repos.influxdata.com/influxdata-archive_compat.key' }, ctx);
  assert.equal(r.status, 'changed');
  assert.match(ctx.text('/etc/yum.repos.d/influxdb.repo')!, /^gpgkey = https:\/\/repos\.influxdata\.com\/influxdata-archive_compat\.key$/m);
  assert.doesNotMatch(ctx.text('/etc/yum.repos.d/influxdb.repo')!, /influxdb\.key/);
  assert.match(r.diff![0]!.before, /influxdb\.key/);

  // Two keys on one line, space-separated, mean the same list to dnf as one per line.
  const two = '[influxdb]\nname = InfluxDB\nbaseurl = https://repos.influxdata.com/stable/$basearch/main\ngpgcheck = 1\ngpgkey = https://a/k1 https://a/k2\n';
  const ctx2 = repoHost({ files: { '/etc/yum.repos.d/influxdb.repo': two } });
  assert.equal((await runModule(yumRepo, { ...args, gpgkey: ['https://a/k1', 'https://a/k2'] }, ctx2)).status, 'ok');
  const swapped = await runModule(yumRepo, { ...args, gpgkey: ['https://a/k2', 'https://a/k1'] }, ctx2);
  assert.equal(swapped.status, 'changed');
  assert.match(ctx2.text('/etc/yum.repos.d/influxdb.repo')!, /^gpgkey = https:\/\/a\/k2\n\thttps:\/\/a\/k1$/m);
});

test('absent removes only that section (with the comment above it); the last section removes the file', async () => {
  const ctx = repoHost({ diffMode: true, files: { '/etc/yum.repos.d/k8s.repo': HAND_WRITTEN } });
  const r = await runModule(yumRepo, { name: 'kubernetes', file: 'k8s', state: 'absent' }, ctx);
  assert.equal(r.status, 'changed');
  assert.equal(ctx.text('/etc/yum.repos.d/k8s.repo'), [
    '# Managed by hand: keep this note',
    '[base]',
    'name=Base',
    'baseurl=http://mirror/base',
    '',
    '[extras]',
    'name = Extras',
    'baseurl = http://mirror/extras',
    '',
  ].join('\n'));
  assert.equal((await runModule(yumRepo, { name: 'kubernetes', file: 'k8s', state: 'absent' }, ctx)).status, 'ok');

  const one = repoHost({ diffMode: true, files: { '/etc/yum.repos.d/kubernetes.repo': K8S_FILE } });
  const last = await runModule(yumRepo, { name: 'kubernetes', state: 'absent' }, one);
  assert.equal(last.status, 'changed');
  assert.equal(one.files.has('/etc/yum.repos.d/kubernetes.repo'), false);
  assert.ok(one.runs.some((x) => x.command === 'rm -f -- /etc/yum.repos.d/kubernetes.repo'));
  assert.deepEqual([last.diff![0]!.before, last.diff![0]!.after], [K8S_FILE, '']);

  const none = await runModule(yumRepo, { name: 'kubernetes', state: 'absent' }, repoHost());
  assert.equal(none.status, 'ok');
  assert.deepEqual(none.result, { repo: 'kubernetes', state: 'absent' });
});

test('a comment block above the next section stays with it when a section is removed', async () => {
  const text = '[a]\nname=A\nbaseurl=http://a\n\n# about b\n[b]\nname=B\nbaseurl=http://b\n';
  const ctx = repoHost({ files: { '/etc/yum.repos.d/x.repo': text } });
  await runModule(yumRepo, { name: 'a', file: 'x', state: 'absent' }, ctx);
  assert.equal(ctx.text('/etc/yum.repos.d/x.repo'), '# about b\n[b]\nname=B\nbaseurl=http://b\n');
});

test('Ansible\'s argument errors, plus a duplicated section and a missing reposdir', async () => {
  const h = () => repoHost({ files: { '/etc/yum.repos.d/dup.repo': '[x]\nname=X\nbaseurl=http://x\n\n[x]\nname=X2\n' } });
  assert.equal((await runModule(yumRepo, { name: 'k', description: 'K' }, h())).msg, "Parameter 'baseurl', 'metalink' or 'mirrorlist' is required.");
  assert.equal((await runModule(yumRepo, { name: 'k', baseurl: 'http://k' }, h())).msg, "Parameter 'description' is required.");
  assert.match(String((await runModule(yumRepo, { name: 'k', description: 'K', baseurl: 'http://k', params: { a: 1 } }, h())).msg), /params option to yum_repository was removed/);
  assert.equal((await runModule(yumRepo, { name: 'k', description: 'K', baseurl: 'http://k', reposdir: '/nope' }, h())).msg, "Repo directory '/nope' does not exist.");
  const dup = await runModule(yumRepo, { name: 'x', file: 'dup', description: 'X', baseurl: 'http://x' }, h());
  assert.equal(dup.status, 'failed');
  assert.match(String(dup.msg), /\[x\] is defined 2 times in \/etc\/yum\.repos\.d\/dup\.repo \(lines 1, 5\)/);
  // Unknown parameters and bad choices are refused by the argument validator.
  await assert.rejects(runModule(yumRepo, { name: 'k', state: 'enabled' }, h()), /value of state must be one of: present, absent, got: enabled/);
  await assert.rejects(runModule(yumRepo, { name: 'k', descripton: 'K' }, h()), /descripton/);
});

test('a repository also defined in another file is reported (the cause of many "my key change did nothing")', async () => {
  const ctx = repoHost({ files: { '/etc/yum.repos.d/old-kube.repo': '[kubernetes]\nname=Old\nbaseurl=http://old\n' } });
  const r = await runModule(yumRepo, K8S, ctx);
  assert.equal(r.status, 'changed');
  assert.equal(r.plan!.warnings?.length, 1);
  assert.match(r.plan!.warnings![0]!, /repository 'kubernetes' is also defined in \/etc\/yum\.repos\.d\/old-kube\.repo/);
  // Its own file is not "another file", however reposdir is written.
  const own = repoHost({ files: { '/etc/yum.repos.d/kubernetes.repo': K8S_FILE } });
  const again = await runModule(yumRepo, { ...K8S, reposdir: '/etc/yum.repos.d/' }, own);
  assert.equal(again.status, 'ok');
  assert.equal(again.plan!.warnings, undefined);
});

test('mode/owner: set on a new file with the write, on an unchanged file alone; backup keeps a copy', async () => {
  const ctx = repoHost();
  await runModule(yumRepo, { ...K8S, mode: '0600' }, ctx);
  assert.equal(ctx.writes[0]!.opts?.mode, '0600');
  const attrsOnly = await runModule(yumRepo, { ...K8S, mode: '0640' }, ctx);
  assert.equal(attrsOnly.status, 'changed');
  assert.equal(ctx.writes.length, 1);
  assert.ok(ctx.runs.some((x) => x.command === 'chmod 0640 -- /etc/yum.repos.d/kubernetes.repo'));
  const b = await runModule(yumRepo, { ...K8S, mode: '0640', enabled: false, backup: true }, ctx);
  assert.equal(b.result.backup_file, '/etc/yum.repos.d/kubernetes.repo.backup~');
  assert.match(ctx.text('/etc/yum.repos.d/kubernetes.repo.backup~')!, /^enabled = 1$/m);
  assert.match(ctx.text('/etc/yum.repos.d/kubernetes.repo')!, /^enabled = 0$/m);
});

test('a file without a final newline is left byte for byte when nothing changes', async () => {
  const text = '[k]\nname = K\nbaseurl = http://k';
  const ctx = repoHost({ files: { '/etc/yum.repos.d/k.repo': text } });
  assert.equal((await runModule(yumRepo, { name: 'k', description: 'K', baseurl: 'http://k' }, ctx)).status, 'ok');
  assert.equal(ctx.writes.length, 0);
});
