import { test } from 'node:test';
import assert from 'node:assert/strict';
import selinux from './index.js';
import { editSelinuxConfig, readSelinuxConfig } from './config.js';
import { kernelSelinuxEnabled } from './plan.js';
import { fakeContext, fileCommands, type FakeCommand, type FakeContext } from '../../test/helpers/fake-context.js';
import { runModule } from '../../test/helpers/run-module.js';
import { answerSections, sectionNames } from '../_shared/read-sections.js';

const CENTOS_CONFIG = `
# This file controls the state of SELinux on the system.
# SELINUX= can take one of these three values:
#     enforcing - SELinux security policy is enforced.
SELINUX=enforcing
# SELINUXTYPE= can take one of three values:
SELINUXTYPE=targeted
`;

interface HostSpec {
  /** Running mode; 'disabled' = selinuxfs not mounted. */
  runtime?: 'enforcing' | 'permissive' | 'disabled';
  kernel?: boolean;
  config?: string | null;
  configDir?: boolean;
  policies?: string[];
  setenforce?: boolean;
  grubby?: string | null;
  checkMode?: boolean;
  diffMode?: boolean;
}

/** A fake host answering the selinux probe from `spec` (and from its in-memory files). */
function host(spec: HostSpec, path = '/etc/selinux/config'): FakeContext {
  const files: Record<string, string> = {};
  if (spec.config != null) files[path] = spec.config;
  let runtime = spec.runtime ?? 'disabled';
  const probe: FakeCommand = {
    match: /'@@[0-9a-f]+ enforce@@'/,
    respond: (cmd, _o, h) => {
      const answers: Record<string, string | { out: string; rc: number }> = {};
      for (const name of sectionNames(cmd)) {
        if (name === 'enforce') answers.enforce = runtime === 'disabled' ? { out: '', rc: 1 } : `/sys/fs/selinux ${runtime === 'enforcing' ? 1 : 0}\n`;
        if (name === 'kernel') answers.kernel = { out: '', rc: spec.kernel ?? runtime !== 'disabled' ? 0 : 1 };
        if (name === 'config') {
          const f = h.text(path);
          answers.config = f !== undefined ? f : { out: '', rc: spec.configDir === false ? 4 : 2 };
        }
        if (name === 'setenforce') answers.setenforce = spec.setenforce ?? true ? '/usr/sbin/setenforce\n' : { out: '', rc: 1 };
        if (name === 'policy') {
          const p = /\/etc\/selinux\/([^/]+)\/policy/.exec(cmd)![1]!;
          answers.policy = { out: '', rc: (spec.policies ?? ['targeted']).includes(p) ? 0 : 1 };
        }
        if (name === 'grubby') answers.grubby = spec.grubby == null ? { out: '', rc: 127 } : spec.grubby;
      }
      return { stdout: answerSections(cmd, answers) };
    },
  };
  const setenforce: FakeCommand = {
    match: /^setenforce [01]$|^printf %s [01] > /,
    respond: (cmd) => {
      runtime = cmd.includes(' 1') ? 'enforcing' : 'permissive';
      return {};
    },
  };
  const grubby: FakeCommand = { match: /^grubby --update-kernel=ALL /, result: { rc: 0 } };
  return fakeContext({
    files, commands: [probe, setenforce, grubby, ...fileCommands()],
    checkMode: spec.checkMode ?? false, diffMode: spec.diffMode ?? false,
  });
}

const commandsRun = (h: FakeContext) => h.runs.map((r) => r.command).filter((c) => !c.includes('@@'));

test('config: first SELINUX= wins when reading; an edit replaces every such line and keeps the rest byte for byte', () => {
  const text = '# SELINUX=ignored comment\r\nSELINUX=enforcing\r\nSELINUX=permissive\nOTHER=1\nSELINUXTYPE= mls \n';
  assert.deepEqual(readSelinuxConfig(text), { state: 'enforcing', policy: 'mls' });
  assert.equal(
    editSelinuxConfig(text, { state: 'disabled' }),
    '# SELINUX=ignored comment\r\nSELINUX=disabled\r\nSELINUX=disabled\nOTHER=1\nSELINUXTYPE= mls \n',
  );
  // Missing lines are appended (policy first, as Ansible writes them), after a final newline.
  assert.equal(editSelinuxConfig('A=1', { state: 'permissive', policy: 'targeted' }), 'A=1\nSELINUXTYPE=targeted\nSELINUX=permissive\n');
  // Indented lines are not config lines for Ansible's regex (nor for us).
  assert.deepEqual(readSelinuxConfig('  SELINUX=enforcing\n'), {});
});

test('grubby info: all enabled, all disabled, or inconsistent', () => {
  assert.equal(kernelSelinuxEnabled('index=0\nargs="ro quiet"\nindex=1\nargs="ro"\n'), true);
  assert.equal(kernelSelinuxEnabled('args="ro selinux=0"\nargs="selinux=0"\n'), false);
  assert.equal(kernelSelinuxEnabled('args="ro selinux=0"\nargs="ro"\n'), null);
  assert.equal(kernelSelinuxEnabled(''), null);
});

test('a host without SELinux in the kernel and no config file: the config is created, no failure, reboot_required', async () => {
  const h = host({ runtime: 'disabled', kernel: false, config: null, policies: [], setenforce: false });
  const r = await runModule(selinux, { state: 'permissive', policy: 'targeted' }, h);
  assert.equal(r.status, 'changed', r.msg);
  assert.equal(r.result.reboot_required, true);
  assert.equal(r.result.state, 'permissive');
  assert.equal(r.result.policy, 'targeted');
  assert.equal(r.result.configfile, '/etc/selinux/config');
  const text = h.text('/etc/selinux/config')!;
  assert.match(text, /^SELINUX=permissive$/m);
  assert.match(text, /^SELINUXTYPE=targeted$/m);
  assert.deepEqual(readSelinuxConfig(text), { state: 'permissive', policy: 'targeted' });
  assert.deepEqual(commandsRun(h), [], 'no setenforce on a host without SELinux');
  assert.ok(r.plan!.warnings!.some((w) => w.startsWith("Reboot is required to set SELinux state to 'permissive'")));
  assert.ok(r.plan!.warnings!.some((w) => w.includes('Policy targeted does not exist')));
  // Second run: nothing to change, but Ansible still says a reboot is needed.
  const again = await runModule(selinux, { state: 'permissive', policy: 'targeted' }, h);
  assert.equal(again.status, 'ok', again.msg);
  assert.equal(again.result.reboot_required, true);
  assert.equal(h.writes.length, 1);
});

test('a missing config directory is created before the file', async () => {
  const h = host({ runtime: 'disabled', config: null, configDir: false });
  h.files.delete('/etc/selinux');
  const mkdirs: string[] = [];
  const r = await runModule(selinux, { state: 'disabled' }, {
    ...h,
    run: async (c, o) => (String(c).startsWith('mkdir -p') ? (mkdirs.push(String(c)), { rc: 0, stdout: '', stderr: '' }) : h.run(c, o)),
  });
  assert.equal(r.status, 'changed', r.msg);
  assert.deepEqual(mkdirs, ['mkdir -p -- /etc/selinux']);
  assert.equal(h.text('/etc/selinux/config')!.split('\n').filter((l) => !l.startsWith('#')).join('\n'), 'SELINUX=disabled\n');
  assert.equal(r.result.policy, null);
});

test('enforcing host asked for permissive: setenforce 0 and SELINUX=permissive, comments kept, no reboot', async () => {
  const h = host({ runtime: 'enforcing', kernel: true, config: CENTOS_CONFIG });
  const r = await runModule(selinux, { state: 'permissive', policy: 'targeted' }, h);
  assert.equal(r.status, 'changed');
  assert.deepEqual(commandsRun(h), ['setenforce 0']);
  assert.equal(h.text('/etc/selinux/config'), CENTOS_CONFIG.replace('SELINUX=enforcing', 'SELINUX=permissive'));
  assert.equal(r.result.reboot_required, false);
  assert.equal(r.result.msg, "SELinux state changed from 'enforcing' to 'permissive', Config SELinux state changed from 'enforcing' to 'permissive'");
  const again = await runModule(selinux, { state: 'permissive', policy: 'targeted' }, h);
  assert.equal(again.status, 'ok');
  assert.equal(again.result.msg, '');
});

test('enforcing host asked for disabled: temporarily permissive, warning, reboot_required', async () => {
  const h = host({ runtime: 'enforcing', config: CENTOS_CONFIG });
  const r = await runModule(selinux, { state: 'disabled' }, h);
  assert.equal(r.status, 'changed');
  assert.deepEqual(commandsRun(h), ['setenforce 0']);
  assert.equal(r.result.reboot_required, true);
  assert.equal(r.result.policy, 'targeted', 'policy comes from the config when not given');
  assert.deepEqual(r.plan!.warnings, ["SELinux state temporarily changed from 'enforcing' to 'permissive'. State change will take effect next reboot."]);
  assert.match(h.text('/etc/selinux/config')!, /^SELINUX=disabled$/m);
  // Now permissive at runtime, disabled in the file: nothing to do, still a reboot to go.
  const again = await runModule(selinux, { state: 'disabled' }, h);
  assert.equal(again.status, 'ok');
  assert.equal(again.result.reboot_required, true);
  assert.deepEqual(again.plan!.warnings, ['SELinux state change will take effect next reboot']);
});

test('check mode predicts the change and touches nothing; diff shows the config before/after', async () => {
  const h = host({ runtime: 'enforcing', config: CENTOS_CONFIG, checkMode: true, diffMode: true });
  const r = await runModule(selinux, { state: 'permissive', policy: 'targeted' }, h);
  assert.equal(r.status, 'changed');
  assert.equal(r.applied, false);
  assert.deepEqual(commandsRun(h), []);
  assert.equal(h.writes.length, 0);
  assert.equal(h.text('/etc/selinux/config'), CENTOS_CONFIG);
  assert.equal(r.diff!.length, 1);
  assert.equal(r.diff![0]!.before, CENTOS_CONFIG);
  assert.equal(r.diff![0]!.after, CENTOS_CONFIG.replace('SELINUX=enforcing', 'SELINUX=permissive'));
});

test('without setenforce, the running mode is switched through the enforce file', async () => {
  const h = host({ runtime: 'permissive', config: CENTOS_CONFIG, setenforce: false });
  const r = await runModule(selinux, { state: 'enforcing', policy: 'targeted' }, h);
  assert.equal(r.status, 'changed', r.msg);
  assert.deepEqual(commandsRun(h), ['printf %s 1 > /sys/fs/selinux/enforce']);
});

test("Ansible's argument failures: policy required unless disabled; a policy not installed on a running SELinux", async () => {
  let r = await runModule(selinux, { state: 'enforcing' }, host({ config: CENTOS_CONFIG }));
  assert.equal(r.status, 'failed');
  assert.equal(r.msg, "Policy is required if state is not 'disabled'");
  r = await runModule(selinux, { state: 'enforcing', policy: 'mls' }, host({ runtime: 'enforcing', config: CENTOS_CONFIG }));
  assert.equal(r.status, 'failed');
  assert.equal(r.msg, 'Policy mls does not exist in /etc/selinux/');
  // Enforcing with a missing policy would not boot, SELinux running or not.
  r = await runModule(selinux, { state: 'enforcing', policy: 'mls' }, host({ runtime: 'disabled', config: CENTOS_CONFIG }));
  assert.equal(r.status, 'failed');
  await assert.rejects(() => runModule(selinux, { state: 'enforcin', policy: 'targeted' }, host({})), /value of state must be one of: disabled, enforcing, permissive, got: enforcin/);
  await assert.rejects(() => runModule(selinux, { state: 'disabled', polcy: 'x' }, host({})), /unsupported parameter 'polcy'.*did you mean 'policy'/s);
});

test('a policy change on a running SELinux reports both messages and needs a reboot', async () => {
  const h = host({ runtime: 'enforcing', config: CENTOS_CONFIG, policies: ['targeted', 'mls'] });
  const r = await runModule(selinux, { state: 'enforcing', policy: 'mls' }, h);
  assert.equal(r.status, 'changed');
  assert.equal(r.result.msg, "Running SELinux policy changed from 'targeted' to 'mls', SELinux policy configuration in '/etc/selinux/config' changed from 'targeted' to 'mls'");
  assert.equal(r.result.reboot_required, true);
  assert.match(h.text('/etc/selinux/config')!, /^SELINUXTYPE=mls$/m);
  assert.deepEqual(commandsRun(h), []);
});

test('configfile aliases and a custom file: no change reported on every run (Ansible compares with /etc/selinux/config)', async () => {
  const h = host({ runtime: 'disabled', config: 'SELINUX=permissive\nSELINUXTYPE=mls\n', policies: ['mls'] }, '/tmp/x/config');
  const r = await runModule(selinux, { state: 'permissive', policy: 'mls', conf: '/tmp/x/config' }, h);
  assert.equal(r.status, 'ok', r.msg);
  assert.equal(r.result.configfile, '/tmp/x/config');
});

test('a config path that is not a regular file fails like Ansible', async () => {
  const h = host({ config: null });
  const probeAnswer = h.run.bind(h);
  const r = await runModule(selinux, { state: 'disabled' }, {
    ...h,
    run: async (c, o) => {
      const res = await probeAnswer(c, o);
      return { ...res, stdout: res.stdout.replace(/(@@[0-9a-f]+ config@@\n\n@@[0-9a-f]+ end )2/, '$13') };
    },
  });
  assert.equal(r.status, 'failed');
  assert.equal(r.msg, 'Unable to find file /etc/selinux/config');
});

test('update_kernel_param: grubby missing fails; inconsistent kernels are rewritten', async () => {
  let r = await runModule(selinux, { state: 'disabled', update_kernel_param: true }, host({ config: 'SELINUX=disabled\n' }));
  assert.equal(r.status, 'failed');
  assert.equal(r.msg, "'grubby' command not found on host");
  const h = host({ config: 'SELINUX=permissive\nSELINUXTYPE=targeted\n', grubby: 'args="ro selinux=0"\nargs="ro"\n' });
  r = await runModule(selinux, { state: 'permissive', policy: 'targeted', update_kernel_param: true }, h);
  assert.equal(r.status, 'changed');
  assert.equal(r.result.msg, "Kernel SELinux state changed from '<inconsistent>' to 'enabled'");
  assert.deepEqual(commandsRun(h), ['grubby --update-kernel=ALL --remove-args selinux=0']);
});
