/**
 * The selinux module on a sandbox host over SSH. The host is what the issue calls the hard
 * case: the kernel runs without SELinux (getenforce: Disabled, no selinuxfs) and there is no
 * /etc/selinux/config at first. The module must set the config file only, never fail, and
 * say a reboot is required. Files and live state are read back with OpenSSH.
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { sandboxSuite } from '../../helpers/sandbox-host.js';

const sb = sandboxSuite('selinux', ['se1']);
const H = 'se1';
const CONFIG = '/etc/selinux/config';

function play(tasks: string): string {
  return `- hosts: all\n  gather_facts: false\n  tasks:\n${tasks.replace(/^/gm, '    ')}\n`;
}

function file(path: string): string | null {
  const r = sb.sh(H, `cat ${path}`);
  return r.rc === 0 ? r.stdout : null;
}

/** Everything a selinux task may touch. */
function snapshot(): Record<string, unknown> {
  return { config: file(CONFIG), getenforce: sb.shOk(H, 'getenforce').trim(), listing: sb.shOk(H, 'ls -la /etc/selinux') };
}

const PERMISSIVE = play(`- name: permissive
  selinux: { state: permissive, policy: targeted }`);

describe('selinux module on a sandbox host without SELinux', { skip: sb.skip }, () => {
  before(async () => {
    await sb.up();
    sb.shOk(H, `rm -f ${CONFIG}`);
  });
  after(sb.down);

  test('no config file, SELinux off in the kernel: the config is created, reboot_required, second run unchanged', async () => {
    assert.equal(sb.shOk(H, 'getenforce').trim(), 'Disabled');
    assert.equal(file(CONFIG), null);
    const first = await sb.play(PERMISSIVE);
    assert.equal(first.result.exitCode, 0, JSON.stringify(first.result.tasks.map((t) => t.results)));
    const r = first.resultsOf('permissive')[0]!;
    assert.equal(r.status, 'changed');
    assert.equal(r.data.reboot_required, true);
    assert.equal(r.data.state, 'permissive');
    assert.equal(r.data.policy, 'targeted');
    assert.equal(r.data.configfile, CONFIG);
    assert.match((r.warnings ?? []).join('\n'), /Reboot is required to set SELinux state to 'permissive'/);
    const text = file(CONFIG)!;
    assert.match(text, /^SELINUX=permissive$/m);
    assert.match(text, /^SELINUXTYPE=targeted$/m);
    assert.equal(sb.shOk(H, `stat -c %a ${CONFIG}`).trim(), '644');
    assert.equal(sb.shOk(H, 'getenforce').trim(), 'Disabled', 'the running mode is not touched');
    const again = await sb.play(PERMISSIVE);
    assert.equal(again.result.exitCode, 0);
    assert.equal(again.changed, 0);
    assert.equal(again.resultsOf('permissive')[0]!.data.reboot_required, true);
  });

  test('check mode changes nothing; diff shows the real before/after; the real run ends there', async () => {
    sb.shOk(H, `printf '# lab config\\nSELINUX=enforcing\\n# keep\\nSELINUXTYPE=targeted\\n' > ${CONFIG}`);
    const before = snapshot();
    const yaml = play(`- name: disable
  selinux: { state: disabled }`);
    const chk = await sb.play(yaml, { check: true, diff: true });
    const r = chk.resultsOf('disable')[0]!;
    assert.equal(r.status, 'changed');
    assert.deepEqual(snapshot(), before);
    assert.equal(r.diff![0]!.before, before.config);
    assert.equal(r.diff![0]!.after, '# lab config\nSELINUX=disabled\n# keep\nSELINUXTYPE=targeted\n');
    assert.equal(r.data.policy, 'targeted');
    const real = await sb.play(yaml, { diff: true });
    assert.equal(real.resultsOf('disable')[0]!.status, 'changed');
    assert.equal(file(CONFIG), r.diff![0]!.after);
    // Already disabled everywhere: nothing to do and no reboot needed.
    const again = await sb.play(yaml);
    assert.equal(again.changed, 0);
    assert.equal(again.resultsOf('disable')[0]!.data.reboot_required, false);
  });

  test('bad arguments: a located error before anything runs', async () => {
    const before = snapshot();
    for (const [task, want] of [
      ['selinux: { state: enforcin, policy: targeted }', /value of state must be one of: disabled, enforcing, permissive, got: enforcin/],
      ['selinux: { policy: targeted }', /missing required arguments: state/],
      ['ansible.posix.selinux: { state: disabled, polcy: targeted }', /unsupported parameter 'polcy'/],
    ] as const) {
      const text = await sb.errorText(play(`- name: bad
  ${task}`), 'bad');
      assert.match(text, want);
      assert.match(text, /site\.yml:\d+:\d+/);
    }
    // A module-level failure (Ansible's message) fails the task and changes nothing.
    const r = await sb.play(play(`- name: nopolicy
  selinux: { state: enforcing }
  ignore_errors: true`));
    assert.equal(r.resultsOf('nopolicy')[0]!.status, 'failed');
    assert.equal(r.resultsOf('nopolicy')[0]!.msg, "Policy is required if state is not 'disabled'");
    assert.deepEqual(snapshot(), before);
  });
});
