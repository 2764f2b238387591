// When a host goes through the keeper (Ansible's ControlMaster/ControlPersist and our own
// knobs), where the keeper lives, and which settings may share a kept connection.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { controlDir, controlSettings, parseSshTime, persistFromSsh } from '../../../../src/connection/keeper/control-settings.js';
import { connectionKey, wireOptions, wireTarget } from '../../../../src/connection/keeper/wire-options.js';
import { resolveTarget } from '../../../../src/connection/ssh/settings.js';
import type { SshConnectionOptions } from '../../../../src/connection/ssh/options.js';
import { PROTOCOL_VERSION } from '../../../../src/connection/keeper/protocol.js';

const base: SshConnectionOptions = {
  host: 'web1', address: '10.0.0.5', user: 'deploy', privateKeyFile: '/keys/id', homeDir: '/home/me', localUser: 'me',
  env: {}, configFiles: [], globalKnownHostsFiles: [],
};
const ENV = { K8SPLAY_CONTROL_PATH_DIR: '/tmp/cp' };

function settings(extra: Partial<SshConnectionOptions> = {}, env: NodeJS.ProcessEnv = ENV): ReturnType<typeof controlSettings> {
  const o = { ...base, ...extra };
  return controlSettings(o, resolveTarget(o), env);
}

test('ssh time values: seconds, units, sums; yes/0 forever; no or junk: not kept', () => {
  assert.equal(parseSshTime('60'), 60);
  assert.equal(parseSshTime('60s'), 60);
  assert.equal(parseSshTime('1h30m'), 5400);
  assert.equal(parseSshTime('2W'), 1209600);
  assert.equal(parseSshTime('1.5m'), undefined);
  assert.equal(parseSshTime(''), undefined);
  assert.equal(persistFromSsh('10m'), 600_000);
  assert.equal(persistFromSsh('yes'), null);
  assert.equal(persistFromSsh('0'), null);
  assert.equal(persistFromSsh('no'), undefined);
  assert.equal(persistFromSsh('soon'), undefined);
  assert.equal(persistFromSsh(undefined), undefined);
});

test("default: on for 60 s (Ansible's ssh_args); our env and option replace only that default", () => {
  assert.deepEqual(settings(), { dir: '/tmp/cp', socket: `/tmp/cp/keeper-v${PROTOCOL_VERSION}.sock`, persistMs: 60_000 });
  assert.equal(settings({}, { ...ENV, K8SPLAY_CONTROL_PERSIST: '5' })?.persistMs, 5000);
  assert.equal(settings({ controlPersist: 7 }, { ...ENV, K8SPLAY_CONTROL_PERSIST: '5' })?.persistMs, 7000);
  assert.equal(settings({}, { ...ENV, K8SPLAY_CONTROL_PERSIST: '0' }), undefined);
  assert.equal(settings({ controlPersist: 0 }), undefined);
  // The host's own ssh_args decide for it...
  const vars = { ansible_ssh_args: '-o ControlMaster=auto -o ControlPersist=10m' };
  assert.equal(settings({ vars }, { ...ENV, K8SPLAY_CONTROL_PERSIST: '5' })?.persistMs, 600_000);
  // ...except that 0 turns the keeper off for everyone.
  assert.equal(settings({ vars }, { ...ENV, K8SPLAY_CONTROL_PERSIST: '0' }), undefined);
});

test('as in ssh, the first value obtained wins: the default ssh_args come before common/extra args', () => {
  // ansible-playbook puts ssh_args first, so `-o ControlPersist=no` in ssh_extra_args changes nothing.
  assert.equal(settings({ vars: { ansible_ssh_extra_args: '-o ControlPersist=no' } })?.persistMs, 60_000);
  assert.equal(settings({ vars: { ansible_ssh_common_args: '-o ControlPersist=10m' } })?.persistMs, 60_000);
  // With ansible_ssh_args replacing the default, the common/extra args and ssh_config count.
  assert.equal(settings({ vars: { ansible_ssh_args: '-C', ansible_ssh_extra_args: '-o ControlMaster=auto -o ControlPersist=2m' } })?.persistMs, 120_000);
});

test('ControlPersist=no, ControlMaster=no, or ansible_ssh_args without them: no keeper (as Ansible)', () => {
  assert.equal(settings({ vars: { ansible_ssh_args: '-o ControlMaster=auto -o ControlPersist=no' } }), undefined);
  assert.equal(settings({ vars: { ansible_ssh_args: '-o ControlMaster=no -o ControlPersist=60s' } }), undefined);
  assert.equal(settings({ vars: { ansible_ssh_args: '-o ServerAliveInterval=5' } }), undefined);
  assert.equal(settings({ vars: { ansible_ssh_args: '-o ControlMaster=auto -o ControlPersist=30s' } })?.persistMs, 30_000);
  assert.equal(settings({ vars: { ansible_ssh_args: '-o ControlMaster=auto -o ControlPersist=yes' } })?.persistMs, null);
  // Options that cannot cross to another process: connect directly.
  assert.equal(settings({ privateKeyPassphrase: async () => 'x' }), undefined);
  assert.equal(settings({ debug: () => undefined }), undefined);
  assert.ok(settings({ privateKeyPassphrase: 'x' }));
});

test('control directory: option, K8SPLAY_CONTROL_PATH_DIR, ANSIBLE_SSH_CONTROL_PATH_DIR, ~/.k8splay/cp', () => {
  assert.equal(controlDir({ controlPathDir: '/o' }, { K8SPLAY_CONTROL_PATH_DIR: '/k', ANSIBLE_SSH_CONTROL_PATH_DIR: '/a' }), '/o');
  assert.equal(controlDir({}, { K8SPLAY_CONTROL_PATH_DIR: '/k', ANSIBLE_SSH_CONTROL_PATH_DIR: '/a' }), '/k');
  assert.equal(controlDir({}, { ANSIBLE_SSH_CONTROL_PATH_DIR: '~/.ansible/cp' }), join(homedir(), '.ansible/cp'));
  assert.equal(controlDir({}, {}), join(homedir(), '.k8splay/cp'));
  assert.equal(controlDir({}, { K8SPLAY_CONTROL_PATH_DIR: 'rel/cp' }), join(process.cwd(), 'rel/cp'));
  // A socket path too long for a unix socket: no keeper rather than a failure.
  assert.equal(settings({ controlPathDir: `/tmp/${'x'.repeat(120)}` }), undefined);
});

function key(extra: Partial<SshConnectionOptions> = {}): string {
  const o = { ...base, ...extra };
  return connectionKey(wireOptions(o), wireTarget(resolveTarget(o)));
}

test('the connection key: equal settings share, anything that makes another connection does not', () => {
  const k = key();
  assert.match(k, /^[0-9a-f]{32}$/);
  assert.equal(key(), k);
  // Another inventory name for the same address, how long it is kept, the connect timeout: same connection.
  assert.equal(key({ host: 'alias' }), k);
  assert.equal(key({ controlPersist: 5, timeout: 30, connectAttempts: 1 }), k);
  assert.equal(key({ vars: { ansible_ssh_args: '-o ControlMaster=auto -o ControlPersist=5m' } }), k);
  // What the connection is, or who it is for: another one.
  for (const other of [
    { address: '10.0.0.6' }, { port: 2222 }, { user: 'root' }, { privateKeyFile: '/keys/other' },
    { password: 'a' }, { privateKeyPassphrase: 'p' }, { hostKeyChecking: 'off' as const },
    { vars: { ansible_ssh_common_args: '-o UserKnownHostsFile=/tmp/kh' } },
    { vars: { ansible_ssh_common_args: '-o ProxyJump=bastion' } },
  ]) {
    assert.notEqual(key(other), k, JSON.stringify(other));
  }
  assert.notEqual(key({ password: 'a' }), key({ password: 'b' }));
});

test('what is sent to the keeper: no become password, pinned home/user/env, no callbacks', () => {
  const w = wireOptions({
    ...base, homeDir: undefined, localUser: undefined, env: { SSH_AUTH_SOCK: '/run/agent', SSH_CONNECTION: '1 2 3 4', PATH: '/bin' },
    vars: { ansible_become_password: 'secret', ansible_ssh_retries: 2, ansible_host_key_checking: false, ansible_python_interpreter: 'x' },
  });
  assert.deepEqual(w.vars, { ansible_ssh_retries: 2, ansible_host_key_checking: false });
  assert.deepEqual(w.env, { SSH_AUTH_SOCK: '/run/agent' });
  assert.equal(w.homeDir, homedir());
  assert.equal(typeof w.localUser, 'string');
  assert.ok(!JSON.stringify(w).includes('secret'));
  assert.equal(w.cwd, process.cwd());
  assert.ok(!('debug' in wireOptions({ ...base, debug: () => undefined })), 'a debug callback is not sent');
  // Relative paths meant this process's directory; the keeper runs in /.
  const t = wireTarget(resolveTarget({ ...base, privateKeyFile: 'keys/id', vars: { ansible_ssh_common_args: '-o UserKnownHostsFile=kh' } }), '/work/x');
  assert.deepEqual(t.identityFiles.map((f) => f.path), ['/work/x/keys/id']);
  assert.deepEqual(t.hostKey.readFiles, ['/work/x/kh']);
  assert.equal(t.hostKey.writeFile, '/work/x/kh');
});

test('with ansible_ssh_args replacing the default, ssh_config may keep the connection', async () => {
  const { mkdtempSync, writeFileSync, rmSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const dir = mkdtempSync(join(tmpdir(), 'k8sp-cp-cfg-'));
  try {
    const cfg = join(dir, 'config');
    writeFileSync(cfg, 'Host 10.0.0.5\n  ControlMaster auto\n  ControlPersist 5m\nHost *\n  ControlMaster no\n');
    const vars = { ansible_ssh_args: '-C' };
    assert.equal(settings({ vars, configFiles: [cfg] })?.persistMs, 300_000);
    assert.equal(settings({ vars, configFiles: [cfg], address: '10.0.0.6' }), undefined, 'ControlMaster no for other hosts');
    // Without ansible_ssh_args, Ansible's default ssh_args come first and win over the config.
    assert.equal(settings({ configFiles: [cfg], address: '10.0.0.6' })?.persistMs, 60_000);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
