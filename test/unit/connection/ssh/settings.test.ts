// How the ssh transport decides where and how to connect: inventory values over ssh args over
// ssh config files over defaults, OpenSSH's first-value-wins, Host patterns, Include, Match.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveTarget, parseJumpHop } from '../../../../src/connection/ssh/settings.js';
import { splitConfigLine } from '../../../../src/connection/ssh/ssh-config.js';
import { matchPatternList, matchWildcard } from '../../../../src/connection/ssh/patterns.js';
import { resolveHostKeyMode } from '../../../../src/connection/ssh/host-key-mode.js';
import { OptionSet } from '../../../../src/connection/ssh/option-set.js';
import { applySshArgs } from '../../../../src/connection/ssh/ssh-args.js';
import { ConnectionError } from '../../../../src/errors.js';
import type { SshConnectionOptions } from '../../../../src/connection/ssh/options.js';

const home = mkdtempSync(join(tmpdir(), 'k8sp-sshcfg-'));
after(() => rmSync(home, { recursive: true, force: true }));
mkdirSync(join(home, '.ssh'));

function cfg(name: string, text: string): string {
  const p = join(home, name);
  writeFileSync(p, text);
  return p;
}

function target(o: Partial<SshConnectionOptions> & { configText?: string }) {
  const files = o.configText !== undefined ? [cfg(`cfg-${Math.random().toString(36).slice(2)}`, o.configText)] : [];
  const { configText: _c, ...rest } = o;
  return resolveTarget({ host: 'web1', homeDir: home, localUser: 'me', env: {}, configFiles: files, globalKnownHostsFiles: [], ...rest });
}

test('patterns: * and ?, case-insensitive, negation wins', () => {
  assert.ok(matchWildcard('web1.example.com', '*.example.com'));
  assert.ok(matchWildcard('WEB1', 'web?'));
  assert.ok(!matchWildcard('web12', 'web?'));
  assert.ok(matchWildcard('a', '*'));
  assert.ok(matchWildcard('abcabd', 'a*d'));
  assert.ok(!matchWildcard('abcabe', 'a*d'));
  assert.ok(matchPatternList('db1', ['web*', 'db*']));
  assert.ok(!matchPatternList('db1', ['*', '!db1']));
  assert.ok(!matchPatternList('db1', ['!db2'])); // only negations never match
});

test('config lines: keyword=value, quotes, trailing comments', () => {
  assert.deepEqual(splitConfigLine('  HostName=10.0.0.1'), ['HostName', '10.0.0.1']);
  assert.deepEqual(splitConfigLine('HostName = 10.0.0.1'), ['HostName', '10.0.0.1']);
  assert.deepEqual(splitConfigLine('IdentityFile "~/my keys/id"  # mine'), ['IdentityFile', '~/my keys/id']);
  assert.deepEqual(splitConfigLine('# Host x'), []);
  assert.deepEqual(splitConfigLine('   '), []);
  assert.throws(() => splitConfigLine('IdentityFile "open'), /unterminated/);
});

test('defaults: controller user, port 22, the destination itself, default identity names', () => {
  const t = target({});
  assert.equal(t.user, 'me');
  assert.equal(t.port, 22);
  assert.equal(t.hostName, 'web1');
  assert.equal(t.connectTimeoutMs, 10_000);
  assert.equal(t.defaultIdentities, true);
  assert.ok(t.identityFiles.some((f) => f.path === join(home, '.ssh/id_ed25519')));
  assert.equal(t.hostKey.mode, 'strict');
  assert.deepEqual(t.hostKey.readFiles, [join(home, '.ssh/known_hosts'), join(home, '.ssh/known_hosts2')]);
  assert.equal(t.hostKey.writeFile, join(home, '.ssh/known_hosts'));
  assert.equal(t.attempts, 3);
});

test('ssh config: first value wins, Host patterns, HostName tokens, IdentityFile accumulates', () => {
  const t = target({
    configText: [
      'Host web*',
      '  HostName %h.lab.example',
      '  User deploy',
      '  Port 2200',
      '  IdentityFile ~/.ssh/web_%r',
      'Host !db* *',
      '  User ignored-already-set',
      '  IdentityFile %d/.ssh/all',
      '  ServerAliveInterval 7',
      '  HashKnownHosts yes',
    ].join('\n'),
  });
  assert.equal(t.hostName, 'web1.lab.example');
  assert.equal(t.user, 'deploy');
  assert.equal(t.port, 2200);
  assert.deepEqual(t.identityFiles.map((f) => f.path), [join(home, '.ssh/web_deploy'), join(home, '.ssh/all')]);
  assert.equal(t.defaultIdentities, false);
  assert.equal(t.keepaliveIntervalMs, 7000);
  assert.equal(t.hostKey.hash, true);
  assert.deepEqual(t.hostKey.names, ['[web1.lab.example]:2200']);
});

test('inventory values beat ssh args, which beat the config; ConnectTimeout, -T', () => {
  const configText = 'Host *\n  User cfguser\n  Port 2022\n  ConnectTimeout 3\n  IdentityFile /cfg/key\n';
  const t = target({
    configText,
    user: 'invuser',
    privateKeyFile: '/inv/key',
    vars: { ansible_ssh_common_args: '-o Port=2100 -l arguser -i /arg/key -o ConnectTimeout=4' },
  });
  assert.equal(t.user, 'invuser');
  assert.equal(t.port, 2100);
  assert.deepEqual(t.identityFiles.map((f) => f.path), ['/inv/key', '/arg/key', '/cfg/key']);
  assert.equal(t.identityFiles[0]!.source, 'ansible_ssh_private_key_file');
  assert.equal(t.connectTimeoutMs, 4000);
  assert.equal(target({ configText, timeout: 30 }).connectTimeoutMs, 30_000);
  assert.equal(target({ configText }).connectTimeoutMs, 3000);
  assert.equal(target({ configText, port: 2500 }).port, 2500);
  assert.equal(target({ privateKeyFile: '~/.ssh/inv_key' }).identityFiles[0]!.path, join(home, '.ssh/inv_key'));
});

test('the destination is ansible_host; Host blocks match it, not the inventory name', () => {
  const t = target({ address: '10.1.2.3', configText: 'Host web1\n  User nope\nHost 10.1.2.*\n  User yes\n' });
  assert.equal(t.user, 'yes');
  assert.equal(t.hostName, '10.1.2.3');
  assert.equal(t.inventoryHost, 'web1');
});

test('Include with wildcards (relative to ~/.ssh), Match host/user/all, exec never matches', () => {
  mkdirSync(join(home, '.ssh/conf.d'), { recursive: true });
  writeFileSync(join(home, '.ssh/conf.d/10-a.conf'), 'Host web1\n  Port 2301\n');
  writeFileSync(join(home, '.ssh/conf.d/20-b.conf'), 'Host web1\n  Port 9999\n  User frominclude\n');
  writeFileSync(join(home, '.ssh/conf.d/ignored.txt'), 'Host *\n  Port 1\n');
  const t = target({ configText: 'Include conf.d/*.conf\n' });
  assert.equal(t.port, 2301);
  assert.equal(t.user, 'frominclude');
  const m = target({
    user: 'ops',
    configText: [
      'Match exec "true"',
      '  Port 1111',
      'Match host web1 user ops',
      '  IdentityFile /match/ops',
      'Match user !ops',
      '  IdentityFile /match/notops',
      'Match all',
      '  Port 2400',
    ].join('\n'),
  });
  assert.deepEqual(m.identityFiles.map((f) => f.path), ['/match/ops']);
  assert.equal(m.port, 2400);
  // An Include inside a non-matching Host block brings nothing in.
  const n = target({ configText: 'Host other\n  Include conf.d/*.conf\nHost *\n  Port 2500\n' });
  assert.equal(n.port, 2500);
});

test('-F in the ssh args replaces the config files and must exist', () => {
  const f = cfg('only.conf', 'Host *\n  User fromF\n');
  assert.equal(target({ configText: 'Host *\n  User other\n', vars: { ansible_ssh_extra_args: `-F ${f}` } }).user, 'fromF');
  assert.throws(() => target({ vars: { ansible_ssh_extra_args: `-F ${join(home, 'missing.conf')}` } }), (e: unknown) =>
    e instanceof ConnectionError && /does not exist/.test(e.message));
});

test('ssh args: -o forms, UserKnownHostsFile with several files, /dev/null is not written', () => {
  const o = new OptionSet();
  applySshArgs(`-C -q -o ControlMaster=auto -oStrictHostKeyChecking=no -o "UserKnownHostsFile /a /b" -J bastion -p 2222 -o 'ProxyCommand=ssh -W %h:%p j'`, 'x', 'h', o);
  assert.equal(o.get('stricthostkeychecking'), 'no');
  assert.deepEqual(o.entry('userknownhostsfile')!.args, ['/a', '/b']);
  assert.equal(o.get('proxyjump'), 'bastion');
  assert.equal(o.get('port'), '2222');
  assert.equal(o.get('proxycommand'), 'ssh -W %h:%p j');
  assert.throws(() => applySshArgs('-o', 'x', 'h', new OptionSet()), /needs a value/);
  const t = target({ vars: { ansible_ssh_common_args: '-o UserKnownHostsFile=/dev/null' } });
  assert.deepEqual(t.hostKey.readFiles, ['/dev/null']);
  assert.equal(t.hostKey.writeFile, undefined);
});

test('ProxyJump and ProxyCommand: the first obtained wins; hops parse', () => {
  const a = target({ configText: 'Host *\n  ProxyJump j1\n  ProxyCommand nc %h %p\n' });
  assert.equal(a.proxyJump, 'j1');
  assert.equal(a.proxyCommand, undefined);
  const b = target({ configText: 'Host *\n  ProxyCommand nc %h %p\n  ProxyJump j1\n' });
  assert.equal(b.proxyCommand, 'nc web1 22');
  assert.equal(b.proxyJump, undefined);
  assert.equal(target({ configText: 'Host *\n  ProxyJump none\n' }).proxyJump, undefined);
  assert.deepEqual(parseJumpHop('ops@bastion:2222'), { destination: 'bastion', user: 'ops', port: 2222 });
  assert.deepEqual(parseJumpHop('[fe80::1]:22'), { destination: 'fe80::1', port: 22 });
  assert.deepEqual(parseJumpHop('bastion'), { destination: 'bastion' });
});

test('agent socket from SSH_AUTH_SOCK unless IdentityAgent none; password only from the inventory', () => {
  assert.equal(target({ env: { SSH_AUTH_SOCK: '/s/agent' } }).agentSocket, '/s/agent');
  assert.equal(target({ env: { SSH_AUTH_SOCK: '/s/agent' }, configText: 'Host *\n IdentityAgent none\n' }).agentSocket, undefined);
  assert.equal(target({ password: 'pw' }).password, 'pw');
});

test('host key checking: host var false beats all; the CLI flag; env; StrictHostKeyChecking; default strict', () => {
  const set = (v?: string): OptionSet => {
    const o = new OptionSet();
    if (v) o.add('StrictHostKeyChecking', [v], 'args');
    return o;
  };
  const mode = (x: Parameters<typeof resolveHostKeyMode>[0]) => resolveHostKeyMode(x).mode;
  assert.equal(mode({ options: set() }), 'strict');
  assert.equal(mode({ options: set('accept-new') }), 'accept-new');
  assert.equal(mode({ options: set('no') }), 'off');
  assert.equal(mode({ options: set('ask') }), 'strict');
  assert.equal(mode({ options: set('yes'), env: { ANSIBLE_HOST_KEY_CHECKING: 'False' } }), 'off');
  assert.equal(mode({ options: set('yes'), cli: 'accept-new' }), 'accept-new');
  assert.equal(mode({ options: set('no'), cli: 'strict' }), 'strict');
  assert.equal(mode({ options: set('yes'), cli: 'strict', vars: { ansible_host_key_checking: 'false' } }), 'off');
  assert.equal(mode({ options: set('yes'), vars: { ansible_ssh_host_key_checking: false, ansible_host_key_checking: true } }), 'off');
  // A host var that says true keeps checking on despite the environment and an 'off' flag.
  assert.equal(mode({ options: set(), env: { ANSIBLE_HOST_KEY_CHECKING: 'no' }, vars: { ansible_host_key_checking: 'yes' } }), 'strict');
  assert.equal(mode({ options: set(), cli: 'off', vars: { ansible_host_key_checking: true } }), 'strict');
  assert.match(resolveHostKeyMode({ options: set('yes') }).source, /StrictHostKeyChecking=yes \(args\)/);
  // Through resolveTarget: the sandbox inventory's args, overridden by the flag.
  const vars = { ansible_ssh_common_args: '-o UserKnownHostsFile=/k -o StrictHostKeyChecking=yes' };
  assert.equal(target({ vars }).hostKey.mode, 'strict');
  assert.equal(target({ vars, hostKeyChecking: 'accept-new' }).hostKey.mode, 'accept-new');
});

test('a config file read once serves every destination; a change to it is seen at once; a bad line fails every time', () => {
  const file = cfg('shared-config', 'Host web1\n  Port 2201\nHost web2\n  Port 2202\n');
  const at = (host: string, extra: Partial<SshConnectionOptions> = {}) =>
    resolveTarget({ host, homeDir: home, localUser: 'me', env: {}, configFiles: [file], globalKnownHostsFiles: [], ...extra });
  assert.equal(at('web1').port, 2201);
  assert.equal(at('web2').port, 2202, 'the parse is shared, the matching is per destination');
  // Same size, right after: the new value, not the remembered one.
  writeFileSync(file, 'Host web1\n  Port 2301\nHost web2\n  Port 2302\n');
  assert.equal(at('web1').port, 2301);
  writeFileSync(file, 'Host web1\n  Port "2201\n');
  for (let i = 0; i < 2; i++) {
    assert.throws(() => at('web1'), (e: unknown) => e instanceof ConnectionError && /shared-config:2: unterminated/.test(e.message));
  }
  rmSync(file);
  assert.equal(at('web1').port, 22, 'a config file gone since counts as absent');
});
