/**
 * The systemd module against a real systemd (252, Debian) in a sandbox host, over SSH: a
 * demo unit written with OpenSSH, then started, enabled, masked, restarted and reloaded
 * through playbooks; the host's live state is read back with systemctl over OpenSSH.
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { sandboxSuite } from '../../helpers/sandbox-host.js';
import { isK8splayError } from '../../../src/errors.js';

const sb = sandboxSuite('systemd', ['sd1']);
const H = 'sd1';
// A vendor location: a unit file in /etc/systemd/system cannot be masked (see the last test).
const UNIT = '/usr/lib/systemd/system/k8sp-demo.service';

function unitFile(description: string): string {
  return `[Unit]\nDescription=${description}\n\n[Service]\nExecStart=/bin/sleep infinity\nExecReload=/bin/true\n\n[Install]\nWantedBy=multi-user.target\n`;
}

/** Write the demo unit with OpenSSH (test setup, not through the module). */
function writeUnit(description: string): void {
  sb.shOk(H, `cat > ${UNIT} <<'EOF'\n${unitFile(description)}EOF`);
}

/** The unit's live state: active state, enablement, and the main PID. */
function live(unit = 'k8sp-demo'): { active: string; enabled: string; pid: string } {
  const out = sb.sh(H, `systemctl is-active ${unit}; systemctl is-enabled ${unit}; systemctl show -p MainPID --value ${unit}`).stdout.split('\n');
  return { active: out[0] ?? '', enabled: out[1] ?? '', pid: out[2] ?? '' };
}

function play(tasks: string): string {
  return `- hosts: all\n  gather_facts: false\n  tasks:\n${tasks.replace(/^/gm, '    ')}\n`;
}

describe('systemd module on a sandbox host', { skip: sb.skip }, () => {
  before(async () => {
    await sb.up();
    sb.shOk(H, `rm -f ${UNIT}; systemctl daemon-reload`);
  });
  after(sb.down);

  test('first run starts and enables after daemon-reload; second run changes nothing', async () => {
    writeUnit('k8splay demo v1');
    assert.deepEqual([live().active, live().enabled], ['inactive', 'disabled']);
    const yaml = play(`- name: demo
  systemd: { name: k8sp-demo, state: started, enabled: true, daemon_reload: true }`);
    const first = await sb.play(yaml);
    assert.equal(first.result.exitCode, 0, JSON.stringify(first.resultsOf('demo')));
    const r = first.resultsOf('demo')[0]!;
    assert.equal(r.status, 'changed');
    assert.equal(r.data.enabled, true);
    assert.equal(r.data.state, 'started');
    assert.equal((r.data.status as Record<string, string>).Description, 'k8splay demo v1');
    assert.deepEqual([live().active, live().enabled], ['active', 'enabled']);
    const pid = live().pid;
    const again = await sb.play(yaml);
    assert.equal(again.result.exitCode, 0);
    assert.equal(again.changed, 0);
    assert.equal(live().pid, pid, 'an ok run must not restart the unit');
  });

  test('a link removed by hand, no daemon-reload: systemd still says "enabled", the module enables it again', async () => {
    // The unit is enabled by the test above. show's UnitFileState stays "enabled" (systemd's
    // cache) once the link is gone; is-enabled reads the disk: the probe must notice.
    const link = '/etc/systemd/system/multi-user.target.wants/k8sp-demo.service';
    sb.shOk(H, `rm ${link}`);
    assert.equal(sb.sh(H, 'systemctl show -p UnitFileState --value k8sp-demo').stdout.trim(), 'enabled');
    assert.equal(live().enabled, 'disabled');
    const r = await sb.play(play(`- name: enable
  systemd: { name: k8sp-demo, enabled: true }`));
    assert.equal(r.resultsOf('enable')[0]!.status, 'changed');
    assert.equal(live().enabled, 'enabled');
    assert.equal(sb.sh(H, `test -L ${link}`).rc, 0);
    const again = await sb.play(play(`- name: enable
  systemd: { name: k8sp-demo, enabled: true }`));
    assert.equal(again.changed, 0);
  });

  test('daemon_reload comes first: the status returned is the new unit file\'s', async () => {
    writeUnit('k8splay demo v2');
    // Without a reload systemd still reports the old file and asks for one.
    assert.match(sb.shOk(H, 'systemctl show -p NeedDaemonReload,Description k8sp-demo'), /NeedDaemonReload=yes/);
    const r = await sb.play(play(`- name: restart
  ansible.builtin.systemd_service: { name: k8sp-demo, state: restarted, daemon-reload: yes }`));
    const res = r.resultsOf('restart')[0]!;
    assert.equal(res.status, 'changed');
    const status = res.data.status as Record<string, string>;
    assert.equal(status.Description, 'k8splay demo v2');
    assert.equal(status.NeedDaemonReload, 'no');
  });

  test('check mode changes nothing; diff mode shows the unit\'s before/after', async () => {
    assert.equal(live().active, 'active');
    const before = live();
    const yaml = play(`- name: predict
  systemd: { name: k8sp-demo, state: stopped, enabled: false, masked: true }`);
    const check = await sb.play(yaml, { check: true, diff: true });
    const res = check.resultsOf('predict')[0]!;
    assert.equal(res.status, 'changed');
    assert.deepEqual(live(), before);
    assert.equal(res.diff?.length, 1);
    assert.deepEqual(JSON.parse(res.diff![0]!.before), { masked: false, state: 'active' });
    assert.deepEqual(JSON.parse(res.diff![0]!.after), { masked: true, state: 'inactive' });
    // Ansible skips daemon-reload in check mode too: a changed file stays unreloaded.
    writeUnit('k8splay demo v3');
    const reload = await sb.play(play(`- name: reload
  systemd: { name: k8sp-demo, daemon_reload: true, state: started }`), { check: true });
    assert.equal(reload.resultsOf('reload')[0]!.status, 'ok');
    assert.match(sb.shOk(H, 'systemctl show -p NeedDaemonReload k8sp-demo'), /NeedDaemonReload=yes/);
    sb.shOk(H, 'systemctl daemon-reload');
  });

  test('stop and disable, then nothing; restarted always changes (a new main PID)', async () => {
    const stopYaml = play(`- name: stop
  systemd: { name: k8sp-demo, state: stopped, enabled: false }`);
    const stop = await sb.play(stopYaml, { diff: true });
    assert.equal(stop.resultsOf('stop')[0]!.status, 'changed');
    assert.deepEqual(JSON.parse(stop.resultsOf('stop')[0]!.diff![0]!.after), { enabled: false, state: 'inactive' });
    assert.deepEqual([live().active, live().enabled], ['inactive', 'disabled']);
    assert.equal((await sb.play(stopYaml)).changed, 0);

    const restartYaml = play(`- name: restart
  service: name=k8sp-demo state=restarted`);
    const r1 = await sb.play(restartYaml);
    assert.equal(r1.resultsOf('restart')[0]!.status, 'changed');
    const pid1 = live().pid;
    assert.notEqual(pid1, '0');
    const r2 = await sb.play(restartYaml);
    assert.equal(r2.resultsOf('restart')[0]!.status, 'changed');
    assert.notEqual(live().pid, pid1);
    const r3 = await sb.play(play(`- name: reload
  systemd: { name: k8sp-demo, state: reloaded }`));
    assert.equal(r3.resultsOf('reload')[0]!.status, 'changed');
  });

  test('masked: mask, then starting fails like Ansible with nothing changed; unmask and start', async () => {
    sb.shOk(H, 'systemctl stop k8sp-demo');
    const mask = await sb.play(play(`- name: mask
  systemd: { name: k8sp-demo, masked: true }`));
    assert.equal(mask.resultsOf('mask')[0]!.status, 'changed');
    assert.equal(live().enabled, 'masked');
    assert.equal((await sb.play(play(`- name: mask
  systemd: { name: k8sp-demo, masked: true }`))).changed, 0);

    const start = await sb.play(play(`- name: start
  systemd: { name: k8sp-demo, state: started }`));
    assert.equal(start.result.exitCode, 2);
    const f = start.resultsOf('start')[0]!;
    assert.equal(f.status, 'failed');
    assert.equal(f.msg, 'Unable to start service k8sp-demo: Failed to start k8sp-demo.service: Unit k8sp-demo.service is masked.');
    // The real systemctl says the same thing.
    assert.match(sb.sh(H, 'systemctl start k8sp-demo').stderr, /Failed to start k8sp-demo\.service: Unit k8sp-demo\.service is masked\./);
    assert.equal(live().active, 'inactive');

    const fix = await sb.play(play(`- name: fix
  systemd: { name: k8sp-demo, masked: false, enabled: true, state: started }`));
    assert.equal(fix.resultsOf('fix')[0]!.status, 'changed', fix.resultsOf('fix')[0]!.msg);
    assert.deepEqual([live().active, live().enabled], ['active', 'enabled']);
  });

  test('a missing unit is Ansible\'s error; a static unit asked to be disabled is ok with a warning', async () => {
    const r = await sb.play(play(`- name: missing
  systemd: { name: k8sp-nope, state: started }
  ignore_errors: true
- name: static
  systemd: { name: dbus, enabled: false }`));
    const m = r.resultsOf('missing')[0]!;
    assert.equal(m.status, 'failed');
    assert.equal(m.msg, 'Could not find the requested service k8sp-nope: host');
    const s = r.resultsOf('static')[0]!;
    assert.equal(s.status, 'ok');
    assert.match((s.warnings ?? []).join('\n'), /dbus is static/);
    assert.equal(sb.shOk(H, 'systemctl is-enabled dbus').trim(), 'static');
  });

  test('a unit whose file is in /etc cannot be masked: an error, where Ansible reports "changed"', async () => {
    sb.shOk(H, "printf '[Service]\\nExecStart=/bin/sleep infinity\\n' > /etc/systemd/system/k8sp-etc.service");
    const r = await sb.play(play(`- name: mask
  systemd: { name: k8sp-etc, masked: true }`));
    const m = r.resultsOf('mask')[0]!;
    assert.equal(m.status, 'failed');
    assert.match(m.msg ?? '', /^Unable to mask service k8sp-etc: .*\/etc\/systemd\/system\/k8sp-etc\.service already exists/);
    assert.equal(sb.shOk(H, 'systemctl is-enabled k8sp-etc || true').trim(), 'static');
  });

  test('bad arguments: a located error before anything runs', async () => {
    const pid = live().pid;
    const yaml = play(`- name: bad
  systemd: { name: k8sp-demo, state: running }
- name: missing name
  systemd: { enabled: true }`);
    await assert.rejects(sb.play(yaml), (e: unknown) => {
      assert.ok(isK8splayError(e) && e.userError, String(e));
      const text = e.describe();
      assert.match(text, /value of state must be one of: reloaded, restarted, started, stopped, got: running at \S*site\.yml:5:\d+/);
      assert.match(text, /missing parameter\(s\) required by 'enabled': name \(module 'systemd'\) at \S*site\.yml:7:\d+/);
      return true;
    });
    assert.equal(live().pid, pid);
  });
});
