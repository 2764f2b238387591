// The parser must never fail because a file, a section or a command was missing on the host.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { parseFacts, resolveGatherSubset } from '../../../src/facts/index.js';
import { fixture } from './local-exec.js';
import { fakeOutput } from './fake-gather.js';

const ALL = resolveGatherSubset(['all']);

for (const name of ['centos7.txt', 'debian12-nspawn-noip.txt', 'local-debian12.txt']) {
  test(`${name}: any subset of its lines still parses`, () => {
    const lines = fixture(name).split('\n');
    fc.assert(
      fc.property(fc.array(fc.boolean(), { minLength: lines.length, maxLength: lines.length }), (keep) => {
        const text = lines.filter((_, i) => keep[i]).join('\n');
        const { facts } = parseFacts(text, ALL);
        assert.equal(typeof facts['os_family'], 'string');
        assert.ok(Array.isArray(facts['mounts'] ?? []));
      }),
      { numRuns: 40 },
    );
  });
}

test('an empty host (nothing readable, no commands) gives Ansible-shaped defaults', () => {
  const { facts } = parseFacts(fakeOutput({ uname: '' }), ALL);
  assert.deepEqual(facts['selinux'], { status: 'disabled' });
  assert.deepEqual(facts['apparmor'], { status: 'disabled' });
  assert.equal(facts['fips'], false);
  assert.equal(facts['service_mgr'], 'service');
  assert.equal(facts['pkg_mgr'], 'unknown');
  assert.deepEqual(facts['mounts'], []);
  assert.deepEqual(facts['dns'], {});
  assert.deepEqual(facts['env'], {});
  assert.equal(facts['virtualization_type'], 'NA');
  assert.equal(facts['memtotal_mb'], undefined);
  assert.equal(facts['default_ipv4'], undefined, 'no ip and no /proc/net: no network facts, as Ansible without ip');
});

test('service_mgr: shell as PID 1 falls back to probes; unreadable comm uses /sbin/init', () => {
  const bashPid1 = parseFacts(fakeOutput({ files: { '/proc/1/comm': 'bash\n' }, exists: ['/etc/init.d/'] }), ALL).facts;
  assert.equal(bashPid1['service_mgr'], 'sysvinit');
  const link = parseFacts(fakeOutput({
    sections: { flags: 'L /sbin/init', initlink: 'lrwxrwxrwx 1 root root 20 Jan 1 2024 /sbin/init -> /lib/systemd/systemd' },
  }), ALL).facts;
  assert.equal(link['service_mgr'], 'systemd');
  const tini = parseFacts(fakeOutput({ files: { '/proc/1/comm': 'runit-init\n' } }), ALL).facts;
  assert.equal(tini['service_mgr'], 'runit');
});

test('SELinux permissive with an unknown config mode', () => {
  const f = parseFacts(fakeOutput({
    files: { '/sys/fs/selinux/enforce': '0\n', '/sys/fs/selinux/policyvers': '33\n', '/etc/selinux/config': 'SELINUX=bogus\n' },
  }), ALL).facts;
  assert.deepEqual(f['selinux'], { status: 'enabled', policyvers: 33, config_mode: 'unknown', mode: 'permissive', type: 'unknown' });
});
