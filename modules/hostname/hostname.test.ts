import { test } from 'node:test';
import assert from 'node:assert/strict';
import hostname from './index.js';
import { detectStrategy, readPermanent, writePermanent } from './strategies.js';
import { fakeContext, type FakeCommand, type FakeContext } from '../../test/helpers/fake-context.js';
import { runModule } from '../../test/helpers/run-module.js';
import { answerSections, sectionNames, type SectionOutput } from '../_shared/read-sections.js';
import { shlexSplit } from '../_shared/shlex.js';

interface HostSpec {
  kernel: string;
  files?: Record<string, string>;
  systemd?: boolean;
  hostnamectl?: boolean;
  osId?: string;
  /** name -> FQDN the resolver gives. */
  resolve?: Record<string, string>;
  checkMode?: boolean;
  diffMode?: boolean;
}

const SECTION_FILE: Record<string, string> = {
  etc_hostname: '/etc/hostname', etc_HOSTNAME: '/etc/HOSTNAME', sysconfig_network: '/etc/sysconfig/network', confd_hostname: '/etc/conf.d/hostname',
};

/** A fake host: the kernel name and hostnamed's static name live in the model and the files. */
function host(spec: HostSpec): FakeContext & { kernel(): string } {
  let kernel = spec.kernel;
  const fqdn = () => spec.resolve?.[kernel] ?? null;
  const probe: FakeCommand = {
    match: /'@@[0-9a-f]+ systemd@@'/,
    respond: (cmd, _o, h) => {
      const a: Record<string, string | SectionOutput> = {};
      for (const n of sectionNames(cmd)) {
        if (n === 'systemd') a.systemd = { out: '', rc: spec.systemd ? 0 : 1 };
        if (n === 'hostnamectl') a.hostnamectl = spec.hostnamectl ?? spec.systemd ? '/usr/bin/hostnamectl\n' : { out: '', rc: 1 };
        if (n === 'hostnamecmd') a.hostnamecmd = '/usr/bin/hostname\n';
        if (n === 'kernel') a.kernel = `${kernel}\n`;
        if (n === 'fqdn') a.fqdn = fqdn() ? `${fqdn()}\n` : { out: '', rc: 1 };
        if (n === 'osid') a.osid = `${spec.osId ?? 'debian'}\n`;
        if (SECTION_FILE[n]) {
          const t = h.text(SECTION_FILE[n]!);
          a[n] = t === undefined ? { out: '', rc: 2 } : t.endsWith('\n') || t === '' ? t : `${t}\n`;
        }
      }
      return { stdout: answerSections(cmd, a) };
    },
  };
  const cmds: FakeCommand[] = [
    probe,
    { match: /timeout 3 hostname -f/, respond: () => (fqdn() ? { stdout: `${fqdn()}\n` } : { rc: 1, stderr: 'hostname: Name or service not known\n' }) },
    {
      match: /^hostnamectl --pretty --static set-hostname /,
      respond: (cmd, _o, h) => {
        // hostnamed writes /etc/hostname and sets the kernel's name too.
        kernel = shlexSplit(cmd).pop()!;
        h.files.set('/etc/hostname', { type: 'file', content: `${kernel}\n` });
        return {};
      },
    },
    { match: /^hostname -F \/etc\/hostname$/, respond: (_c, _o, h) => ((kernel = h.text('/etc/hostname')!.trim()), {}) },
    { match: /^hostname /, respond: (cmd) => ((kernel = shlexSplit(cmd).pop()!), {}) },
  ];
  const ctx = fakeContext({ files: spec.files ?? {}, commands: cmds, checkMode: spec.checkMode ?? false, diffMode: spec.diffMode ?? false });
  return Object.assign(ctx, { kernel: () => kernel });
}

const commandsRun = (h: FakeContext) => h.runs.map((r) => r.command).filter((c) => !c.includes('@@') && !c.includes('hostname -f'));

test('strategies: reading and writing the permanent name keeps the other lines', () => {
  assert.equal(readPermanent('systemd', '# comment\n\n  web01  \nignored\n'), 'web01');
  assert.equal(writePermanent('file', '# comment\nold\n', 'new'), '# comment\nnew\n');
  assert.equal(writePermanent('file', null, 'new'), 'new\n');
  assert.equal(readPermanent('redhat', 'NETWORKING=yes\nHOSTNAME=old.example.com\n'), 'old.example.com');
  assert.equal(writePermanent('redhat', 'NETWORKING=yes\nHOSTNAME=old\n', 'n1'), 'NETWORKING=yes\nHOSTNAME=n1\n');
  assert.equal(writePermanent('redhat', 'NETWORKING=yes', 'n1'), 'NETWORKING=yes\nHOSTNAME=n1\n');
  assert.equal(readPermanent('openrc', '# x\nhostname="gentoo1"\n'), 'gentoo1');
  // Ansible's openrc strategy cannot add a missing line; k8splay appends it.
  assert.equal(writePermanent('openrc', '# x\n', 'g2'), '# x\nhostname="g2"\n');
  assert.equal(detectStrategy(true, 'centos'), 'systemd');
  assert.equal(detectStrategy(false, 'centos'), 'redhat');
  assert.equal(detectStrategy(false, 'alpine'), 'alpine');
  assert.equal(detectStrategy(false, 'debian'), 'file');
});

test('systemd host: permanent then running name with hostnamectl, facts and diff; second run ok', async () => {
  const h = host({ kernel: 'localhost', files: { '/etc/hostname': 'localhost\n' }, systemd: true, resolve: { 'node1.lab.example': 'node1.lab.example' } });
  const r = await runModule(hostname, { name: 'node1.lab.example' }, h);
  assert.equal(r.status, 'changed', r.msg);
  assert.deepEqual(commandsRun(h), [
    'hostnamectl --pretty --static set-hostname node1.lab.example',
    'hostname node1.lab.example',
  ]);
  assert.equal(h.kernel(), 'node1.lab.example');
  assert.deepEqual(r.result.ansible_facts, {
    ansible_hostname: 'node1', ansible_nodename: 'node1.lab.example', ansible_fqdn: 'node1.lab.example', ansible_domain: 'lab.example',
  });
  assert.equal(r.result.name, 'node1.lab.example');
  assert.deepEqual([r.diff![0]!.before, r.diff![0]!.after], ['hostname = localhost\n', 'hostname = node1.lab.example\n']);
  const again = await runModule(hostname, { name: 'node1.lab.example' }, h);
  assert.equal(again.status, 'ok');
  assert.equal(again.diff, undefined);
  assert.equal(commandsRun(h).length, 2);
});

test('only the running name differs: set with hostname (hostnamectl --transient is ignored when a static name is set)', async () => {
  const h = host({ kernel: 'tmpname', files: { '/etc/hostname': 'master\n' }, systemd: true });
  const r = await runModule(hostname, { name: 'master' }, h);
  assert.equal(r.status, 'changed');
  assert.deepEqual(commandsRun(h), ['hostname master']);
  assert.equal(r.diff![0]!.before, 'hostname = tmpname\n');
  // An unresolvable name: the FQDN is the name itself.
  assert.equal((r.result.ansible_facts as Record<string, unknown>).ansible_fqdn, 'master');
  assert.equal((r.result.ansible_facts as Record<string, unknown>).ansible_domain, '');
});

test('use: file writes /etc/hostname (comments kept) and runs hostname NAME', async () => {
  const h = host({ kernel: 'old', files: { '/etc/hostname': '# managed\nold\n' } });
  const r = await runModule(hostname, { name: 'worker1', use: 'file' }, h);
  assert.equal(r.status, 'changed');
  assert.equal(h.text('/etc/hostname'), '# managed\nworker1\n');
  assert.deepEqual(commandsRun(h), ['hostname worker1']);
  assert.equal((await runModule(hostname, { name: 'worker1', use: 'file' }, h)).status, 'ok');
});

test('no systemd: the strategy comes from the distribution (redhat edits /etc/sysconfig/network only, as Ansible)', async () => {
  const h = host({ kernel: 'old', files: { '/etc/sysconfig/network': 'NETWORKING=yes\nHOSTNAME=old\n' }, osId: 'centos' });
  const r = await runModule(hostname, { name: 'c6' }, h);
  assert.equal(r.status, 'changed');
  assert.equal(h.text('/etc/sysconfig/network'), 'NETWORKING=yes\nHOSTNAME=c6\n');
  assert.deepEqual(commandsRun(h), []);
  // Debian without systemd: k8splay's file strategy.
  const d = host({ kernel: 'old', files: { '/etc/hostname': 'old\n' }, osId: 'debian' });
  await runModule(hostname, { name: 'deb1' }, d);
  assert.equal(d.text('/etc/hostname'), 'deb1\n');
  assert.equal(d.kernel(), 'deb1');
});

test('alpine: the file is written before hostname -F reads it (Ansible runs them the other way round)', async () => {
  const h = host({ kernel: 'old', files: { '/etc/hostname': 'old\n' } });
  const r = await runModule(hostname, { name: 'alp', use: 'alpine' }, h);
  assert.equal(r.status, 'changed');
  assert.equal(h.kernel(), 'alp');
});

test('check mode: predicted, nothing run or written', async () => {
  const h = host({ kernel: 'a', files: { '/etc/hostname': 'a\n' }, systemd: true, checkMode: true });
  const r = await runModule(hostname, { name: 'b' }, h);
  assert.equal(r.status, 'changed');
  assert.deepEqual(commandsRun(h), []);
  assert.equal(h.writes.length, 0);
  assert.equal(h.kernel(), 'a');
});

test("failures: names over 64 characters on systemd, missing hostnamectl, unsupported 'use', empty name", async () => {
  let r = await runModule(hostname, { name: 'x'.repeat(65) }, host({ kernel: 'a', systemd: true }));
  assert.equal(r.status, 'failed');
  assert.equal(r.msg, 'name cannot be longer than 64 characters on systemd servers, try a shorter name');
  r = await runModule(hostname, { name: 'b', use: 'systemd' }, host({ kernel: 'a', hostnamectl: false }));
  assert.match(r.msg!, /hostnamectl/);
  await assert.rejects(() => runModule(hostname, { name: 'b', use: 'freebsd' }, host({ kernel: 'a' })), /value of use must be one of: alpine, debian, file/);
  await assert.rejects(() => runModule(hostname, { name: '' }, host({ kernel: 'a' })), /name/);
  await assert.rejects(() => runModule(hostname, {}, host({ kernel: 'a' })), /missing required arguments: name/);
});
