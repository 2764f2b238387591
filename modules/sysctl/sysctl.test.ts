import { test } from 'node:test';
import assert from 'node:assert/strict';
import sysctl, { stderrFailed } from './index.js';
import { fakeSysctlHost } from './fake-sysctl-host.js';
import { runModule, resolveArgs } from '../../test/helpers/run-module.js';
import { ModuleArgsError } from '../../src/index.js';

const K8S = '/etc/sysctl.d/k8s.conf';
const isRead = (c: string) => c.startsWith("printf '%s\\n' '@@");
const others = (runs: Array<{ command: string }>) => runs.filter((r) => !isRead(r.command)).map((r) => r.command);

test('new key in a new file: live value set first, file written, sysctl -p; second run is one read, no change', async () => {
  const { ctx, host } = fakeSysctlHost({ proc: { 'net/ipv4/ip_forward': '0' } });
  const r = await runModule(sysctl, { name: 'net.ipv4.ip_forward', value: '1', sysctl_file: K8S }, ctx);
  assert.equal(r.status, 'changed');
  assert.equal(ctx.text(K8S), 'net.ipv4.ip_forward=1\n');
  assert.equal(host.proc.get('net/ipv4/ip_forward'), '1');
  assert.deepEqual(others(ctx.runs), [
    'LC_ALL=C LANG=C LC_MESSAGES=C sysctl -w net.ipv4.ip_forward=1',
    `LC_ALL=C LANG=C LC_MESSAGES=C sysctl -p ${K8S}`,
  ]);
  assert.equal(ctx.writes.length, 1);

  ctx.runs.length = 0;
  const again = await runModule(sysctl, { key: 'net.ipv4.ip_forward', val: 1, sysctl_file: K8S }, ctx);
  assert.equal(again.status, 'ok');
  assert.equal(ctx.runs.length, 1, 'an unchanged run is a single command');
});

test('booleans are normalised to 1/0 as Ansible does, in the file and for the comparison', async () => {
  for (const [value, want] of [[true, '1'], ['yes', '1'], ['On', '1'], ['TRUE', '1'], [false, '0'], ['no', '0'], ['off', '0']] as const) {
    const { ctx } = fakeSysctlHost({ proc: { 'net/ipv4/ip_forward': want === '1' ? '0' : '1' }, files: { [K8S]: '# k8s\n' } });
    const r = await runModule(sysctl, { name: 'net.ipv4.ip_forward', value, sysctl_file: K8S }, ctx);
    assert.equal(r.status, 'changed', String(value));
    assert.equal(ctx.text(K8S), `# k8s\nnet.ipv4.ip_forward=${want}\n`);
    assert.equal((await runModule(sysctl, { name: 'net.ipv4.ip_forward', value, sysctl_file: K8S }, ctx)).status, 'ok');
  }
});

test('duplicates: the last line wins, as with sysctl -p; only that line is edited, nothing else moves', async () => {
  const before = '# forwarding\n  net.ipv4.ip_forward = 1\nvm.swappiness = 10\n; old\nnet.ipv4.ip_forward=0\nkernel.x   =  a   b\n';
  const { ctx } = fakeSysctlHost({ proc: { 'net/ipv4/ip_forward': '0', 'vm/swappiness': '10', 'kernel/x': 'a\tb' }, files: { '/etc/sysctl.conf': before }, diffMode: true });
  const r = await runModule(sysctl, { name: 'net.ipv4.ip_forward', value: '1', reload: false }, ctx);
  assert.equal(r.status, 'changed');
  // Ansible would have written "net.ipv4.ip_forward=1\nvm.swappiness=10\n; old\nkernel.x=a   b\n" (later duplicate deleted, lines reformatted).
  assert.equal(ctx.text('/etc/sysctl.conf'), before.replace('net.ipv4.ip_forward=0', 'net.ipv4.ip_forward=1'));
  assert.match(r.plan!.warnings!.join('\n'), /set on lines 2, 5 of \/etc\/sysctl\.conf/);
  assert.equal(r.diff![0]!.before, before);

  // The last line already right: no change even though an earlier line says otherwise.
  const last = fakeSysctlHost({ proc: { 'net/ipv4/ip_forward': '1' }, files: { '/etc/sysctl.conf': 'net.ipv4.ip_forward=0\nnet.ipv4.ip_forward=1\n' } });
  assert.equal((await runModule(sysctl, { name: 'net.ipv4.ip_forward', value: 1 }, last.ctx)).status, 'ok');
});

test('changed when only the live value differs (ansible#59632); reload=false without sysctl_set leaves it', async () => {
  const { ctx, host } = fakeSysctlHost({ proc: { 'net/ipv4/ip_forward': '0' }, files: { [K8S]: 'net.ipv4.ip_forward = 1\n' } });
  const plain = await runModule(sysctl, { name: 'net.ipv4.ip_forward', value: '1', sysctl_file: K8S, reload: false }, ctx);
  assert.equal(plain.status, 'ok');
  assert.equal(host.proc.get('net/ipv4/ip_forward'), '0');

  const r = await runModule(sysctl, { name: 'net.ipv4.ip_forward', value: '1', sysctl_file: K8S }, ctx);
  assert.equal(r.status, 'changed');
  assert.equal(ctx.writes.length, 0, 'the file was right');
  assert.equal(host.proc.get('net/ipv4/ip_forward'), '1');
  assert.ok(others(ctx.runs).some((c) => c.endsWith(`sysctl -p ${K8S}`)));
});

test('sysctl_set with reload=false: sysctl -w only, no sysctl -p', async () => {
  const { ctx, host } = fakeSysctlHost({ proc: { 'vm/swappiness': '60' }, files: { '/etc/sysctl.conf': 'vm.swappiness=10\n' } });
  const r = await runModule(sysctl, { name: 'vm.swappiness', value: '10', sysctl_set: true, reload: false }, ctx);
  assert.equal(r.status, 'changed');
  assert.equal(host.proc.get('vm/swappiness'), '10');
  assert.deepEqual(others(ctx.runs), ['LC_ALL=C LANG=C LC_MESSAGES=C sysctl -w vm.swappiness=10']);
});

test('values compare word by word: the kernel\'s tabs equal the file\'s spaces', async () => {
  const { ctx } = fakeSysctlHost({ proc: { 'net/ipv4/ip_local_port_range': '1024\t65000' }, files: { '/etc/sysctl.conf': 'net.ipv4.ip_local_port_range = 1024  65000\n' } });
  const r = await runModule(sysctl, { name: 'net.ipv4.ip_local_port_range', value: '1024 65000', sysctl_set: true }, ctx);
  assert.equal(r.status, 'ok');
  const { ctx: c2 } = fakeSysctlHost({ proc: { 'net/ipv4/ip_local_port_range': '32768\t60999' } });
  await runModule(sysctl, { name: 'net.ipv4.ip_local_port_range', value: '1024 65000' }, c2);
  assert.ok(others(c2.runs).includes("LC_ALL=C LANG=C LC_MESSAGES=C sysctl -w 'net.ipv4.ip_local_port_range=1024 65000'"));
});

test('slashed names, "-" prefixed lines and spacing are the same key; the line keeps its form', async () => {
  const { ctx } = fakeSysctlHost({ proc: { 'net/ipv4/conf/eth0.100/forwarding': '1' }, files: { '/etc/sysctl.conf': '-net/ipv4/conf/eth0.100/forwarding =  0\r\nvm.x=1\n' } });
  const r = await runModule(sysctl, { name: 'net.ipv4.conf.eth0/100.forwarding', value: '1', reload: false }, ctx);
  assert.equal(r.status, 'changed');
  assert.equal(ctx.text('/etc/sysctl.conf'), '-net/ipv4/conf/eth0.100/forwarding =  1\r\nvm.x=1\n');
});

test('absent removes every line of the key, touches nothing live; absent key or file is no change', async () => {
  const { ctx, host } = fakeSysctlHost({ proc: { 'vm/swappiness': '10' }, files: { '/etc/sysctl.conf': 'vm.swappiness=1\n# keep\nvm.swappiness = 10\nvm.swappiness=\n' } });
  const r = await runModule(sysctl, { name: 'vm.swappiness', state: 'absent', reload: false }, ctx);
  assert.equal(r.status, 'changed');
  assert.equal(ctx.text('/etc/sysctl.conf'), '# keep\n');
  assert.equal(host.proc.get('vm/swappiness'), '10');
  assert.equal((await runModule(sysctl, { name: 'vm.swappiness', state: 'absent' }, ctx)).status, 'ok');
  assert.equal((await runModule(sysctl, { name: 'vm.swappiness', state: 'absent', sysctl_file: '/etc/none.conf' }, ctx)).status, 'ok');
});

test('net.bridge.* without br_netfilter: a clear error naming the module and both ways to load it', async () => {
  const { ctx } = fakeSysctlHost({ proc: { 'net/ipv4/ip_forward': '1' } });
  const r = await runModule(sysctl, { name: 'net.bridge.bridge-nf-call-iptables', value: '1', sysctl_file: K8S }, ctx);
  assert.equal(r.status, 'failed');
  assert.match(r.msg!, /net\.bridge\.bridge-nf-call-iptables does not exist on this host .*br_netfilter kernel module is not loaded/);
  assert.match(r.failure!.describe(), /modprobe module \(name: br_netfilter/);
  assert.match(r.failure!.describe(), /load_module: br_netfilter/);
  assert.equal(ctx.writes.length, 0);
  // File only (no reload, no sysctl_set): allowed, with a warning.
  const fileOnly = await runModule(sysctl, { name: 'net.bridge.bridge-nf-call-iptables', value: '1', sysctl_file: K8S, reload: false }, ctx);
  assert.equal(fileOnly.status, 'changed');
  assert.match(fileOnly.plan!.warnings![0]!, /br_netfilter is not loaded/);
});

test('load_module loads br_netfilter, then sets the value only if the module did not bring it', async () => {
  const modules = { br_netfilter: { 'net/bridge/bridge-nf-call-iptables': '1', 'net/bridge/bridge-nf-call-ip6tables': '0' } };
  const { ctx, host } = fakeSysctlHost({ proc: {}, modules });
  const r = await runModule(sysctl, { name: 'net.bridge.bridge-nf-call-iptables', value: '1', sysctl_file: K8S, load_module: 'br_netfilter' }, ctx);
  assert.equal(r.status, 'changed');
  assert.equal(ctx.text(K8S), 'net.bridge.bridge-nf-call-iptables=1\n');
  assert.ok(!others(ctx.runs).some((c) => c.includes('sysctl -w')), 'the value came with the module');
  assert.equal(host.proc.get('net/bridge/bridge-nf-call-ip6tables'), '0');

  const r6 = await runModule(sysctl, { name: 'net.bridge.bridge-nf-call-ip6tables', value: '1', sysctl_file: K8S, load_module: 'br_netfilter' }, ctx);
  assert.equal(r6.status, 'changed');
  assert.ok(!others(ctx.runs).some((c) => c.startsWith('modprobe') && ctx.runs.indexOf(ctx.runs.find((x) => x.command === c)!) > 3), 'already loaded: no second modprobe');
  assert.equal(host.proc.get('net/bridge/bridge-nf-call-ip6tables'), '1');

  // Check mode predicts the change and runs nothing but the read.
  const { ctx: chk } = fakeSysctlHost({ proc: {}, modules, checkMode: true, diffMode: true });
  const c = await runModule(sysctl, { name: 'net.bridge.bridge-nf-call-iptables', value: '1', sysctl_file: K8S, load_module: 'br_netfilter' }, chk);
  assert.equal(c.status, 'changed');
  assert.equal(others(chk.runs).length, 0);
  assert.equal(chk.writes.length, 0);
  assert.ok(c.diff!.some((d) => d.path === '/proc/sys/net/bridge/bridge-nf-call-iptables' && d.after === 'net.bridge.bridge-nf-call-iptables = 1\n'));

  // A module that cannot be loaded (no /lib/modules in a container): its error and why.
  const { ctx: bad } = fakeSysctlHost({ proc: {}, modprobeError: 'modprobe: FATAL: Module br_netfilter not found in directory /lib/modules/6.1.0\n' });
  const f = await runModule(sysctl, { name: 'net.bridge.bridge-nf-call-iptables', value: '1', sysctl_file: K8S, load_module: 'br_netfilter' }, bad);
  assert.equal(f.status, 'failed');
  assert.match(f.failure!.describe(), /loading kernel module br_netfilter .* failed: modprobe: FATAL.*\n.*no modules for its running kernel/);
  assert.equal(bad.writes.length, 0);
});

test('an unknown key fails (Ansible: "changed" forever); ignoreerrors writes the file and reloads with -e', async () => {
  const { ctx } = fakeSysctlHost({ proc: { 'vm/swappiness': '10' }, files: { '/etc/sysctl.conf': '' } });
  const r = await runModule(sysctl, { name: 'vm.swapiness', value: '1' }, ctx);
  assert.equal(r.status, 'failed');
  assert.match(r.msg!, /sysctl key vm\.swapiness does not exist on this host \(no \/proc\/sys\/vm\/swapiness\)/);
  const ig = await runModule(sysctl, { name: 'vm.swapiness', value: '1', ignoreerrors: true }, ctx);
  assert.equal(ig.status, 'changed');
  assert.deepEqual(others(ctx.runs), ['LC_ALL=C LANG=C LC_MESSAGES=C sysctl -e -p /etc/sysctl.conf']);
  assert.equal((await runModule(sysctl, { name: 'vm.swapiness', value: '1', ignoreerrors: true }, ctx)).status, 'ok', 'idempotent');
});

test('a value the kernel refuses fails even at exit status 0, before the file is written', async () => {
  assert.equal(stderrFailed('sysctl: setting key "net.ipv4.ip_forward": Invalid argument\n'), true);
  assert.equal(stderrFailed('net.ipv4.ip_forward = 1\n'), false);
  const { ctx } = fakeSysctlHost({ proc: { 'net/ipv4/ip_forward': '0' }, invalid: ['net/ipv4/ip_forward'], invalidRc: 0, files: { [K8S]: '# mine\n' } });
  const r = await runModule(sysctl, { name: 'net.ipv4.ip_forward', value: 'foo', sysctl_file: K8S }, ctx);
  assert.equal(r.status, 'failed');
  assert.equal(r.msg, 'setting net.ipv4.ip_forward failed: sysctl: setting key "net.ipv4.ip_forward": Invalid argument');
  assert.equal(ctx.text(K8S), '# mine\n', 'the refused value is not left for the next boot');
});

test('a read-only key (container /proc/sys): reload fails with the reason', async () => {
  const { ctx } = fakeSysctlHost({ proc: { 'vm/swappiness': '60' }, readOnly: ['vm/swappiness'] });
  const r = await runModule(sysctl, { name: 'vm.swappiness', value: '10', sysctl_file: K8S }, ctx);
  assert.equal(r.status, 'failed');
  assert.match(r.failure!.describe(), /^setting vm\.swappiness failed: sysctl: permission denied on key "vm\.swappiness"\n.*read-only on this host/);
  // The file alone (reload false): written; a later reload of the whole file fails at sysctl -p.
  const f = await runModule(sysctl, { name: 'vm.swappiness', value: '10', sysctl_file: K8S, reload: false }, ctx);
  assert.equal(f.status, 'changed');
  const re = await runModule(sysctl, { name: 'net.x', value: '1', sysctl_file: K8S, reload: true, ignoreerrors: true }, ctx);
  assert.equal(re.status, 'failed');
  assert.match(re.msg!, /^Failed to reload sysctl: sysctl: permission denied on key "vm\.swappiness"/);
  assert.equal(re.result.changed, true, 'the file was written before the reload failed');
});

test('check mode and diff mode: nothing runs but the read; the diff shows the file and the live value', async () => {
  const { ctx, host } = fakeSysctlHost({ proc: { 'net/ipv4/ip_forward': '0' }, files: { [K8S]: '# k8s\n' }, checkMode: true, diffMode: true });
  const r = await runModule(sysctl, { name: 'net.ipv4.ip_forward', value: '1', sysctl_file: K8S }, ctx);
  assert.equal(r.status, 'changed');
  assert.equal(ctx.runs.length, 1);
  assert.equal(ctx.writes.length, 0);
  assert.equal(host.proc.get('net/ipv4/ip_forward'), '0');
  assert.deepEqual(r.diff, [
    { path: K8S, before: '# k8s\n', after: '# k8s\nnet.ipv4.ip_forward=1\n', beforeHeader: K8S, afterHeader: K8S },
    {
      path: '/proc/sys/net/ipv4/ip_forward', before: 'net.ipv4.ip_forward = 0\n', after: 'net.ipv4.ip_forward = 1\n',
      beforeHeader: '/proc/sys/net/ipv4/ip_forward (live value)', afterHeader: '/proc/sys/net/ipv4/ip_forward (live value)',
    },
  ]);
});

test('backup keeps a copy of the old file; a directory or a missing directory fails', async () => {
  const { ctx } = fakeSysctlHost({ proc: { 'vm/swappiness': '10' }, files: { '/etc/sysctl.conf': 'vm.swappiness=1\n', '/etc/sysctl.d/x': { type: 'directory' } } });
  const r = await runModule(sysctl, { name: 'vm.swappiness', value: '10', backup: true }, ctx);
  assert.equal(r.status, 'changed');
  assert.equal(r.result.backup_file, '/etc/sysctl.conf.backup~');
  assert.equal(ctx.text('/etc/sysctl.conf.backup~'), 'vm.swappiness=1\n');
  assert.equal((await runModule(sysctl, { name: 'vm.swappiness', value: '10', sysctl_file: '/etc/sysctl.d/x' }, ctx)).msg, '/etc/sysctl.d/x is a directory, not a sysctl file');
  assert.equal((await runModule(sysctl, { name: 'vm.swappiness', value: '10', sysctl_file: '/nope/k.conf' }, ctx)).msg, 'Destination directory of /nope/k.conf does not exist');
});

test('arguments: Ansible\'s checks and messages', async () => {
  assert.throws(() => resolveArgs(sysctl, { name: 'vm.swappiness' }), (e: unknown) => e instanceof ModuleArgsError && /missing required arguments: value/.test(e.message));
  assert.throws(() => resolveArgs(sysctl, { name: 'vm.swappiness', value: '1', state: 'gone' }), /value of state must be one of: present, absent, got: gone/);
  assert.throws(() => resolveArgs(sysctl, { name: 'vm.swappiness', value: '1', reloadd: true }), /unsupported parameter 'reloadd'.*did you mean 'reload'/s);
  assert.deepEqual(resolveArgs(sysctl, { name: 'x.y', state: 'absent' }), { name: 'x.y', state: 'absent', reload: true, sysctl_set: false, ignoreerrors: false, sysctl_file: '/etc/sysctl.conf', backup: false });
  const { ctx } = fakeSysctlHost({});
  assert.equal((await runModule(sysctl, { name: ' ', value: '1' }, ctx)).msg, 'name cannot be blank');
  assert.equal((await runModule(sysctl, { name: 'vm.x', value: ' ' }, ctx)).msg, 'value cannot be blank');
  assert.match((await runModule(sysctl, { name: 'vm/../../etc', value: '1' }, ctx)).msg!, /invalid sysctl name/);
  assert.match((await runModule(sysctl, { name: 'vm.x=1', value: '1' }, ctx)).msg!, /invalid sysctl name/);
  assert.match((await runModule(sysctl, { name: 'vm.x', value: 'a\nb' }, ctx)).msg!, /single line/);
  assert.equal(ctx.runs.length, 0, 'bad arguments run nothing');
});
