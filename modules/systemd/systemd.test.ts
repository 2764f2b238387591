import { test } from 'node:test';
import assert from 'node:assert/strict';
import systemd from './index.js';
import { fakeSystemd, type FakeUnit } from './fake-systemd.js';
import { parseSystemctlShow, requestWasIgnored } from './show.js';
import { parseProbe, probeCommand, PROBE_MARK, unitId } from './systemctl.js';
import { enableDecision } from './plan.js';
import { fakeContext, fakeQuote } from '../../test/helpers/fake-context.js';
import { resolveArgs, runModule } from '../../test/helpers/run-module.js';
import { ModuleArgsError } from '../../src/index.js';

function host(units: Record<string, FakeUnit>, opts: { checkMode?: boolean; diffMode?: boolean } = {}) {
  const sd = fakeSystemd(units);
  const ctx = fakeContext({ ...opts, commands: sd.commands });
  return { sd, ctx };
}

/** Commands other than the read-only probe and is-enabled re-reads. */
const mutating = (runs: Array<{ command: string }>) => runs.map((r) => r.command).filter((c) => !c.startsWith('u=') && !c.includes(' is-enabled '));

const demo = (u: FakeUnit = {}): Record<string, FakeUnit> => ({ 'k8sp-demo': { enabled: 'disabled', active: 'inactive', ...u } });

test('started on an inactive unit: one probe, one start; a second run changes nothing', async () => {
  const { sd, ctx } = host(demo());
  const r = await runModule(systemd, { name: 'k8sp-demo', state: 'started' }, ctx);
  assert.equal(r.status, 'changed');
  assert.deepEqual(sd.calls, ['start k8sp-demo']);
  assert.equal(ctx.runs.length, 2);
  assert.equal(r.result.name, 'k8sp-demo');
  assert.equal(r.result.state, 'started');
  // status is read before the change, as Ansible's.
  assert.equal((r.result.status as Record<string, string>).ActiveState, 'inactive');
  assert.equal(r.result.enabled, undefined);
  const again = await runModule(systemd, { name: 'k8sp-demo', state: 'started' }, ctx);
  assert.equal(again.status, 'ok');
  assert.equal((again.result.status as Record<string, string>).ActiveState, 'active');
  assert.deepEqual(sd.calls, ['start k8sp-demo']);
});

test('started acts on failed and deactivating units, not on activating ones', async () => {
  for (const [active, acts] of [['failed', true], ['deactivating', true], ['activating', false], ['active', false]] as const) {
    const { sd, ctx } = host(demo({ active }));
    const r = await runModule(systemd, { name: 'k8sp-demo', state: 'started' }, ctx);
    assert.equal(r.status, acts ? 'changed' : 'ok', active);
    assert.deepEqual(sd.calls, acts ? ['start k8sp-demo'] : [], active);
  }
});

test('stopped acts on active, activating and deactivating units only', async () => {
  for (const [active, acts] of [['active', true], ['activating', true], ['deactivating', true], ['inactive', false], ['failed', false]] as const) {
    const { sd, ctx } = host(demo({ active }));
    const r = await runModule(systemd, { name: 'k8sp-demo', state: 'stopped' }, ctx);
    assert.equal(r.status, acts ? 'changed' : 'ok', active);
    assert.deepEqual(sd.calls, acts ? ['stop k8sp-demo'] : [], active);
    assert.equal(r.result.state, 'stopped');
  }
});

test('restarted and reloaded always change; on a stopped unit they start it; state says started', async () => {
  for (const [state, verb] of [['restarted', 'restart'], ['reloaded', 'reload']] as const) {
    const { sd, ctx } = host(demo({ active: 'active' }));
    const first = await runModule(systemd, { name: 'k8sp-demo', state }, ctx);
    const second = await runModule(systemd, { name: 'k8sp-demo', state }, ctx);
    assert.equal(first.status, 'changed');
    assert.equal(second.status, 'changed');
    assert.equal(first.result.state, 'started');
    assert.deepEqual(sd.calls, [`${verb} k8sp-demo`, `${verb} k8sp-demo`]);
    const stopped = host(demo({ active: 'inactive' }));
    const r = await runModule(systemd, { name: 'k8sp-demo', state }, stopped.ctx);
    assert.equal(r.status, 'changed');
    assert.deepEqual(stopped.sd.calls, ['start k8sp-demo']);
  }
});

test('reload that the unit does not support: the error names the unit and systemctl\'s words', async () => {
  const { ctx } = host(demo({ active: 'active', reloadable: false }));
  const r = await runModule(systemd, { name: 'k8sp-demo', state: 'reloaded' }, ctx);
  assert.equal(r.status, 'failed');
  assert.match(r.msg!, /^Unable to reload service k8sp-demo: Failed to reload k8sp-demo\.service: Job type reload is not applicable/);
});

test('enabled: enable a disabled unit, then nothing; disable an enabled one', async () => {
  const { sd, ctx } = host(demo());
  const r = await runModule(systemd, { name: 'k8sp-demo', enabled: true }, ctx);
  assert.equal(r.status, 'changed');
  assert.equal(r.result.enabled, true);
  assert.deepEqual(sd.calls, ['enable k8sp-demo']);
  const again = await runModule(systemd, { name: 'k8sp-demo', enabled: 'yes' }, ctx);
  assert.equal(again.status, 'ok');
  assert.equal(again.result.enabled, true);
  const off = await runModule(systemd, { name: 'k8sp-demo', enabled: false }, ctx);
  assert.equal(off.status, 'changed');
  assert.equal(off.result.enabled, false);
  assert.deepEqual(sd.calls, ['enable k8sp-demo', 'disable k8sp-demo']);
});

test('enabled detection follows Ansible: rc 0 is enabled except a lone indirect/alias; the -l link lines do not matter', () => {
  const wish = { name: 'u', scope: 'system' as const };
  assert.equal(enableDecision(true, { rc: 0, out: 'enabled\n  /etc/systemd/system/multi-user.target.wants/u.service' }, wish, false, false).enabled, true);
  assert.equal(enableDecision(true, { rc: 0, out: 'enabled-runtime' }, wish, false, false).enabled, true);
  assert.equal(enableDecision(true, { rc: 0, out: 'generated' }, wish, false, false).enabled, true);
  assert.equal(enableDecision(true, { rc: 0, out: 'indirect' }, wish, false, false).verb, 'enable');
  assert.equal(enableDecision(true, { rc: 0, out: 'alias' }, wish, false, false).verb, 'enable');
  assert.equal(enableDecision(true, { rc: 1, out: 'disabled' }, wish, false, false).verb, 'enable');
  // sysv fallback: an init script linked into a runlevel counts as enabled, unless systemd said disabled.
  assert.equal(enableDecision(true, { rc: 1, out: '' }, wish, true, true).enabled, true);
  assert.equal(enableDecision(true, { rc: 1, out: 'disabled' }, wish, true, true).enabled, false);
  assert.equal(enableDecision(true, { rc: 1, out: '' }, wish, true, false).enabled, false);
  assert.equal(enableDecision(true, { rc: 1, out: '' }, { ...wish, scope: 'user' }, true, true).enabled, false);
  // other exit codes: not enabled.
  assert.equal(enableDecision(false, { rc: 4, out: '' }, wish, true, true).enabled, false);
});

test('a static unit asked to be disabled: ok with a warning (Ansible reports a change that never happens)', async () => {
  const { sd, ctx } = host({ dbus: { enabled: 'static', active: 'active' } });
  const r = await runModule(systemd, { name: 'dbus', enabled: false }, ctx);
  assert.equal(r.status, 'ok');
  assert.deepEqual(sd.calls, []);
  assert.match(r.plan!.warnings!.join('\n'), /dbus is static/);
  const on = await runModule(systemd, { name: 'dbus', enabled: true }, ctx);
  assert.equal(on.status, 'ok');
  assert.equal(on.result.enabled, true);
});

test('an indirect unit asked to be enabled is enabled (Ansible counts a lone "indirect" as disabled)', async () => {
  const { sd, ctx } = host({ 'getty@': { enabled: 'indirect' } });
  const r = await runModule(systemd, { name: 'getty@', enabled: true }, ctx);
  assert.equal(r.status, 'changed');
  assert.deepEqual(sd.calls, ['enable getty@']);
});

test('masked: mask, then nothing; unmask a masked unit', async () => {
  const { sd, ctx } = host(demo({ active: 'inactive' }));
  assert.equal((await runModule(systemd, { name: 'k8sp-demo', masked: true }, ctx)).status, 'changed');
  assert.equal((await runModule(systemd, { name: 'k8sp-demo', masked: true }, ctx)).status, 'ok');
  assert.equal((await runModule(systemd, { name: 'k8sp-demo', masked: false }, ctx)).status, 'changed');
  assert.equal((await runModule(systemd, { name: 'k8sp-demo', masked: false }, ctx)).status, 'ok');
  assert.deepEqual(sd.calls, ['mask k8sp-demo', 'unmask k8sp-demo']);
});

test('a mask systemctl refuses is an error (Ansible ignores it and reports "changed")', async () => {
  const { sd, ctx } = host(demo({ inEtc: true, active: 'active' }));
  const r = await runModule(systemd, { name: 'k8sp-demo', masked: true, state: 'stopped' }, ctx);
  assert.equal(r.status, 'failed');
  assert.equal(r.msg, 'Unable to mask service k8sp-demo: Failed to mask unit: File /etc/systemd/system/k8sp-demo.service already exists.');
  assert.deepEqual(sd.calls, ['mask k8sp-demo']);
  assert.equal(sd.units.get('k8sp-demo')!.active, 'active');
});

test('a unit that does not exist yet can be masked (systemd allows it)', async () => {
  const { sd, ctx } = host({});
  const r = await runModule(systemd, { name: 'nothere', masked: true }, ctx);
  assert.equal(r.status, 'changed');
  assert.deepEqual(sd.calls, ['mask nothere']);
});

test('order: mask/unmask, then enable, then start; unmasking is followed by a fresh is-enabled', async () => {
  // Masked, but its enablement links are still there: after unmask it is enabled again, so no enable.
  const { sd, ctx } = host(demo({ masked: true, enabled: 'enabled', active: 'inactive' }));
  const r = await runModule(systemd, { name: 'k8sp-demo', masked: false, enabled: true, state: 'started' }, ctx);
  assert.equal(r.status, 'changed');
  assert.deepEqual(sd.calls, ['unmask k8sp-demo', 'start k8sp-demo']);
  assert.equal(r.result.enabled, true);
  assert.ok(ctx.runs.some((x) => / is-enabled -l -- k8sp-demo/.test(x.command) && !x.command.startsWith('u=')));
  // Masked and disabled: unmask, enable, start, in that order.
  const h2 = host(demo({ masked: true, enabled: 'disabled' }));
  await runModule(systemd, { name: 'k8sp-demo', state: 'started', enabled: true, masked: false }, h2.ctx);
  assert.deepEqual(h2.sd.calls, ['unmask k8sp-demo', 'enable k8sp-demo', 'start k8sp-demo']);
});

test('masked unit with state started: a located, Ansible-worded error before anything changes', async () => {
  const { sd, ctx } = host(demo({ masked: true }));
  const r = await runModule(systemd, { name: 'k8sp-demo', state: 'started' }, ctx);
  assert.equal(r.status, 'failed');
  assert.equal(r.msg, 'Unable to start service k8sp-demo: Failed to start k8sp-demo.service: Unit k8sp-demo.service is masked.');
  assert.deepEqual(sd.calls, []);
  // Masking in the same task that starts: the same error, and nothing masked half-way.
  const h2 = host(demo());
  const r2 = await runModule(systemd, { name: 'k8sp-demo', masked: true, state: 'restarted' }, h2.ctx);
  assert.equal(r2.status, 'failed');
  assert.match(r2.msg!, /Unable to start service k8sp-demo: .* is masked\./);
  assert.deepEqual(h2.sd.calls, []);
  // Stopping a masked unit is fine.
  const h3 = host(demo({ masked: true, active: 'active' }));
  assert.equal((await runModule(systemd, { name: 'k8sp-demo', state: 'stopped' }, h3.ctx)).status, 'changed');
  // masked + enabled cannot both hold.
  const h4 = host(demo());
  const r4 = await runModule(systemd, { name: 'k8sp-demo', masked: true, enabled: true }, h4.ctx);
  assert.equal(r4.status, 'failed');
  assert.match(r4.msg!, /a masked unit cannot be enabled/);
  assert.deepEqual(h4.sd.calls, []);
});

test('masking an enabled unit with enabled: false: mask only (once masked, is-enabled says masked)', async () => {
  const { sd, ctx } = host(demo({ enabled: 'enabled' }));
  const r = await runModule(systemd, { name: 'k8sp-demo', masked: true, enabled: false }, ctx);
  assert.equal(r.status, 'changed');
  assert.deepEqual(sd.calls, ['mask k8sp-demo']);
  assert.equal(r.result.enabled, false);
});

test('a missing unit: Ansible\'s message for state and enabled; nothing changed', async () => {
  for (const args of [{ state: 'started' }, { enabled: true }, { state: 'stopped', masked: true }]) {
    const { sd, ctx } = host({});
    const r = await runModule(systemd, { name: 'nope', ...args }, ctx);
    assert.equal(r.status, 'failed', JSON.stringify(args));
    assert.equal(r.msg, 'Could not find the requested service nope: host');
    assert.deepEqual(sd.calls, []);
  }
});

test('an init script without a unit: found, with Ansible\'s warning', async () => {
  const { ctx } = host({ legacy: { initScript: true, sysvEnabled: true } });
  const r = await runModule(systemd, { name: 'legacy', enabled: true }, ctx);
  assert.equal(r.status, 'ok');
  assert.equal(r.result.enabled, true);
  assert.match(r.plan!.warnings!.join('\n'), /The service \(legacy\) is actually an init script but the system is managed by systemd/);
});

test('glob patterns in the name are refused before anything runs', async () => {
  for (const name of ['k8s*', 'a?', 'x[12]']) {
    const { ctx } = host({});
    const r = await runModule(systemd, { name, state: 'started' }, ctx);
    assert.equal(r.status, 'failed');
    assert.match(r.msg!, /^This module does not currently support using glob patterns, found '.' in service name: /);
    assert.equal(ctx.runs.length, 0);
  }
});

test('check mode: predicts the change and runs only the read-only probe', async () => {
  const { sd, ctx } = host(demo({ masked: true }), { checkMode: true });
  const r = await runModule(systemd, { name: 'k8sp-demo', masked: false, enabled: true, state: 'started', daemon_reload: true }, ctx);
  assert.equal(r.status, 'changed');
  assert.equal(r.applied, false);
  assert.deepEqual(sd.calls, []);
  assert.deepEqual(mutating(ctx.runs), []);
  assert.equal(r.result.enabled, true);
  assert.equal(r.result.state, 'started');
});

test('daemon_reload: runs first, the unit is read after it (a new unit file is found), never "changed" by itself', async () => {
  const { sd, ctx } = host(demo({ pending: true }));
  const r = await runModule(systemd, { name: 'k8sp-demo', state: 'started', 'daemon-reload': true }, ctx);
  assert.equal(r.status, 'changed');
  assert.deepEqual(sd.calls, ['daemon-reload', 'start k8sp-demo']);
  // The reload came before the unit was read.
  assert.match(ctx.runs[0]!.command, /daemon-reload$/);
  assert.match(ctx.runs[1]!.command, /^u=/);
  const again = await runModule(systemd, { name: 'k8sp-demo', state: 'started', daemon_reload: true }, ctx);
  assert.equal(again.status, 'ok');
  assert.deepEqual(sd.calls, ['daemon-reload', 'start k8sp-demo', 'daemon-reload']);
  const alone = await runModule(systemd, { daemon_reload: true }, ctx);
  assert.equal(alone.status, 'ok');
  assert.equal(sd.calls.at(-1), 'daemon-reload');
  assert.equal(alone.result.name, null);
});

test('daemon_reload then a missing unit: Ansible\'s not-found message, after the reload', async () => {
  const { sd, ctx } = host({});
  const r = await runModule(systemd, { name: 'nope', state: 'started', daemon_reload: true }, ctx);
  assert.equal(r.status, 'failed');
  assert.equal(r.msg, 'Could not find the requested service nope: host');
  assert.deepEqual(sd.calls, ['daemon-reload']);
});

test('daemon_reexec and a failing daemon-reload', async () => {
  const { sd, ctx } = host(demo({ active: 'active' }));
  const r = await runModule(systemd, { name: 'k8sp-demo', daemon_reexec: true, state: 'started' }, ctx);
  assert.equal(r.status, 'ok');
  assert.deepEqual(sd.calls, ['daemon-reexec']);
  const bad = fakeContext({ commands: [{ match: /daemon-reload$/, result: { rc: 1, stderr: 'Access denied' } }] });
  const f = await runModule(systemd, { daemon_reload: true }, bad);
  assert.equal(f.status, 'failed');
  assert.equal(f.msg, 'failure 1 during daemon-reload: Access denied');
});

test('a start that fails after an enable: the failure says so and the task counts as changed', async () => {
  const { sd, ctx } = host(demo({ startError: 'Job for k8sp-demo.service failed because the control process exited with error code.' }));
  const r = await runModule(systemd, { name: 'k8sp-demo', enabled: true, state: 'started' }, ctx);
  assert.equal(r.status, 'failed');
  assert.match(r.msg!, /^Unable to start service k8sp-demo: Job for k8sp-demo\.service failed/);
  assert.equal(r.result.changed, true);
  assert.deepEqual(sd.calls, ['enable k8sp-demo', 'start k8sp-demo']);
});

test('diff mode: the unit\'s before/after for what the task changes', async () => {
  const { ctx } = host(demo({ masked: true, enabled: 'disabled' }), { diffMode: true });
  const r = await runModule(systemd, { name: 'k8sp-demo', masked: false, enabled: true, state: 'started' }, ctx);
  assert.equal(r.diff?.length, 1);
  assert.equal(r.diff![0]!.path, 'k8sp-demo.service');
  assert.deepEqual(JSON.parse(r.diff![0]!.before), { enabled: false, masked: true, state: 'inactive' });
  assert.deepEqual(JSON.parse(r.diff![0]!.after), { enabled: true, masked: false, state: 'active' });
  const none = await runModule(systemd, { name: 'k8sp-demo', masked: false, enabled: true, state: 'started' }, ctx);
  assert.equal(none.diff, undefined);
});

test('scope, no_block and force reach every systemctl call', async () => {
  const { sd, ctx } = host(demo());
  await runModule(systemd, { name: 'k8sp-demo', state: 'started', scope: 'user', no_block: true, force: true }, ctx);
  assert.deepEqual([...sd.flags].sort(), ['--force', '--no-block', '--user']);
  for (const r of ctx.runs) assert.match(r.command, /XDG_RUNTIME_DIR=/);
  const sys = host(demo());
  await runModule(systemd, { name: 'k8sp-demo', state: 'started' }, sys.ctx);
  assert.deepEqual([...sys.sd.flags], []);
  for (const r of sys.ctx.runs) assert.doesNotMatch(r.command, /XDG_RUNTIME_DIR|--user|--no-block|--force/);
});

test('arguments: aliases, choices, required name, Ansible\'s service-module extras ignored with a warning', async () => {
  assert.equal(resolveArgs(systemd, { service: 'x', state: 'started' }).name, 'x');
  assert.equal(resolveArgs(systemd, { unit: 'x', enabled: 'yes' }).enabled, true);
  const d = resolveArgs(systemd, { name: 'x' });
  assert.deepEqual([d.daemon_reload, d.daemon_reexec, d.scope, d.no_block], [false, false, 'system', false]);
  assert.throws(() => resolveArgs(systemd, { name: 'x', state: 'running' }), (e: unknown) => e instanceof ModuleArgsError && /state must be one of: reloaded, restarted, started, stopped, got: running/.test(e.message));
  assert.throws(() => resolveArgs(systemd, { state: 'started' }), (e: unknown) => e instanceof ModuleArgsError && /name/.test(e.message));
  assert.throws(() => resolveArgs(systemd, { masked: true }), ModuleArgsError);
  assert.throws(() => resolveArgs(systemd, { name: 'x', enabeld: true }), (e: unknown) => e instanceof ModuleArgsError && /enabled/.test(e.message));
  const { ctx } = host(demo({ active: 'active' }));
  const r = await runModule(systemd, { name: 'k8sp-demo', state: 'started', sleep: 3, args: '-x' }, ctx);
  assert.equal(r.status, 'ok');
  assert.deepEqual(r.plan!.warnings, ['Ignoring "sleep" as it is not used in "systemd"', 'Ignoring "arguments" as it is not used in "systemd"']);
});

test('name alone: reports the status, changes nothing', async () => {
  const { sd, ctx } = host(demo({ active: 'active' }));
  const r = await runModule(systemd, { name: 'k8sp-demo' }, ctx);
  assert.equal(r.status, 'ok');
  assert.equal((r.result.status as Record<string, string>).LoadState, 'loaded');
  assert.deepEqual(sd.calls, []);
});

test('a unit that does not load: Ansible\'s "Error loading unit file"', async () => {
  const { ctx } = host(demo({ loadError: 'org.freedesktop.systemd1.BadUnitSetting "Unit k8sp-demo.service has a bad unit file setting."' }));
  const r = await runModule(systemd, { name: 'k8sp-demo', state: 'started' }, ctx);
  assert.equal(r.status, 'failed');
  assert.match(r.msg!, /^Error loading unit file 'k8sp-demo': org\.freedesktop\.systemd1\.BadUnitSetting/);
});

test('no ActiveState: "Service is in unknown state", or a warning in a chroot', async () => {
  const { ctx } = host(demo({ noActiveState: true }));
  const r = await runModule(systemd, { name: 'k8sp-demo', state: 'started' }, ctx);
  assert.equal(r.status, 'failed');
  assert.equal(r.msg, 'Service is in unknown state');
  const sd = fakeSystemd(demo({ noActiveState: true }));
  sd.chroot = true;
  const c = fakeContext({ commands: sd.commands });
  const rc = await runModule(systemd, { name: 'k8sp-demo', state: 'started' }, c);
  assert.equal(rc.status, 'ok');
  assert.match(rc.plan!.warnings!.join('\n'), /Target is a chroot or systemd is offline/);
});

test('a host without a running systemd: systemctl\'s own words', async () => {
  const sd = fakeSystemd({});
  sd.broken = 'System has not been booted with systemd as init system (PID 1). Can\'t operate.\nFailed to connect to bus: Host is down';
  const ctx = fakeContext({ commands: sd.commands });
  const r = await runModule(systemd, { name: 'x', state: 'started' }, ctx);
  assert.equal(r.status, 'failed');
  assert.match(r.msg!, /^System has not been booted with systemd/);
  const user = await runModule(systemd, { name: 'x', state: 'started', scope: 'user' }, ctx);
  assert.match(user.failure!.describe(), /Failed to connect to bus[\s\S]*scope: user needs that user's systemd instance/);
});

test('parseSystemctlShow: multi-line Exec values; a Description opening with { stays one line', () => {
  const s = parseSystemctlShow([
    'Id=x.service',
    'Description={ not closed',
    'ExecStart={ path=/bin/sleep ; argv[]=/bin/sleep',
    '  infinity ; ignore_errors=no }',
    'ExecReload={ path=/bin/kill ; argv[]=/bin/kill -HUP $MAINPID }',
    'ActiveState=active',
    '',
  ].join('\n'));
  assert.equal(s.Description, '{ not closed');
  assert.equal(s.ExecStart, '{ path=/bin/sleep ; argv[]=/bin/sleep\n  infinity ; ignore_errors=no }');
  assert.equal(s.ExecReload, '{ path=/bin/kill ; argv[]=/bin/kill -HUP $MAINPID }');
  assert.equal(s.ActiveState, 'active');
  assert.equal(requestWasIgnored('Running in chroot, ignoring request.'), true);
  assert.equal(requestWasIgnored('A=ignoring request'), false);
});

test('probe: one command quoting the name once; its output parsed into answers', () => {
  const cmd = probeCommand("we'ird", { scope: 'system', no_block: false }, fakeQuote);
  assert.equal(cmd.slice(0, cmd.indexOf('\n')), `u='we'\\''ird'`, 'no subshell of its own: ctx.run is one already');
  // The unit, its init script's path and the list-unit-files pattern: always quoted.
  assert.equal(cmd.split("we'\\''ird").length, 4);
  assert.equal(cmd.split("we'ird").length, 1);
  const out = `${PROBE_MARK}show 0\nId=a.service\nActiveState=active\n${PROBE_MARK}is-enabled 0\nenabled\n  /etc/x\n${PROBE_MARK}init-script 0\n${PROBE_MARK}sysv-enabled 0\n`;
  const p = parseProbe(out, '');
  assert.deepEqual(p.show, { rc: 0, out: 'Id=a.service\nActiveState=active', err: '' });
  assert.deepEqual(p.isEnabled, { rc: 0, out: 'enabled\n  /etc/x' });
  assert.equal(p.initScript, true);
  assert.equal(p.sysvEnabled, true);
  assert.equal(p.listUnitFiles, undefined);
  const empty = parseProbe(`${PROBE_MARK}show 0\n\n${PROBE_MARK}is-enabled 1\n\n`, 'err');
  assert.deepEqual([empty.show.out, empty.isEnabled?.out, empty.isEnabled?.rc, empty.show.err], ['', '', 1, 'err']);
  assert.equal(parseProbe(`${PROBE_MARK}show 0\nId=a.service\n`, '').isEnabled, undefined);
  assert.throws(() => parseProbe('garbage', ''), /unexpected output/);
});

test('is-enabled is asked when enabled or masked is given, else only when show cannot answer', async () => {
  const o = { scope: 'system', no_block: false } as const;
  // A system unit: is-enabled unless show and the links on disk prove it enabled.
  assert.match(probeCommand('a', o, fakeQuote, true), /^if \[ -n "\$k8sp_ie" \]; then r=0; o=enabled; .*; else o=\$\(LC_ALL=C systemctl is-enabled -l -- "\$u" 2>\/dev\/null\)/m);
  assert.match(probeCommand('a', { ...o, scope: 'user' }, fakeQuote, true), /^o=\$\(LC_ALL=C XDG_RUNTIME_DIR=.* systemctl --user is-enabled -l -- "\$u" 2>\/dev\/null\)/m);
  assert.match(probeCommand('a', o, fakeQuote, true), /\[ "\$k8sp_id" = a\.service \]/);
  assert.match(probeCommand('a', o, fakeQuote, false), /^if \[ "\$sr" -ne 0 \] .*; then o=\$\(LC_ALL=C systemctl is-enabled /m);
  const { ctx } = host(demo({ active: 'active', enabled: 'enabled' }));
  const r = await runModule(systemd, { name: 'k8sp-demo', state: 'started' }, ctx);
  assert.equal(r.status, 'ok');
  assert.equal(ctx.runs.length, 1);
  assert.doesNotMatch(ctx.runs[0]!.command, /^o=\$\(LC_ALL=C systemctl is-enabled/m);
  assert.equal(r.result.enabled, undefined);
});

test('unitId: the name show reports as Id for plain names (.service implied), none for others', () => {
  assert.equal(unitId('docker'), 'docker.service');
  assert.equal(unitId('docker.socket'), 'docker.socket');
  assert.equal(unitId('getty@tty1.service'), 'getty@tty1.service');
  assert.equal(unitId('/dev/sda'), undefined);
  assert.equal(unitId("we'ird"), undefined);
});
