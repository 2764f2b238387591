// A hand-written CentOS 7 gather (bash as sh, SELinux enforcing, LVM root, alias address).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseFacts, resolveGatherSubset } from '../../../src/facts/index.js';
import { fixture } from './local-exec.js';

const { facts, warnings } = parseFacts(fixture('centos7.txt'), resolveGatherSubset(['all']));

test('CentOS 7: distribution facts like Ansible (full version from centos-release)', () => {
  assert.equal(facts['distribution'], 'CentOS');
  assert.equal(facts['distribution_version'], '7.9');
  assert.equal(facts['distribution_major_version'], '7');
  assert.equal(facts['distribution_release'], 'Core');
  assert.equal(facts['os_family'], 'RedHat');
  assert.equal(facts['distribution_file_path'], '/etc/redhat-release');
  assert.equal(facts['distribution_file_variety'], 'RedHat');
  assert.equal(facts['pkg_mgr'], 'yum', 'RedHat family below 8 is yum even when dnf exists');
  assert.equal(facts['service_mgr'], 'systemd');
  assert.deepEqual(warnings, []);
});

test('CentOS 7: SELinux from selinuxfs and /etc/selinux/config', () => {
  assert.deepEqual(facts['selinux'], {
    status: 'enabled', policyvers: 31, config_mode: 'enforcing', mode: 'enforcing', type: 'targeted',
  });
});

test('CentOS 7: platform and names', () => {
  assert.equal(facts['hostname'], 'c7-master');
  assert.equal(facts['nodename'], 'c7-master.example.com');
  assert.equal(facts['fqdn'], 'c7-master.example.com');
  assert.equal(facts['domain'], 'example.com');
  assert.equal(facts['kernel'], '3.10.0-1160.el7.x86_64');
  assert.equal(facts['kernel_version'], '#1 SMP Mon Oct 19 16:18:59 UTC 2020');
  assert.equal(facts['architecture'], 'x86_64');
  assert.equal(facts['machine_id'], '0f3b1b1e9c2a4b7f8e6d5c4b3a291807');
});

test('CentOS 7: memory and processors (2 sockets x 2 cores)', () => {
  assert.equal(facts['memtotal_mb'], 3789);
  assert.equal(facts['memfree_mb'], 2908);
  assert.equal(facts['swaptotal_mb'], 2047);
  assert.equal(facts['swapfree_mb'], 2046);
  assert.equal(facts['processor_count'], 2);
  assert.equal(facts['processor_cores'], 2);
  assert.equal(facts['processor_threads_per_core'], 1);
  assert.equal(facts['processor_vcpus'], 4);
  assert.equal(facts['processor_nproc'], 4);
  assert.equal((facts['processor'] as string[]).length, 12);
  assert.equal(facts['uptime_seconds'], 3600);
});

test('CentOS 7: network with a labelled secondary address', () => {
  const d = facts['default_ipv4'] as Record<string, unknown>;
  assert.equal(d['address'], '192.168.122.10');
  assert.equal(d['gateway'], '192.168.122.1');
  assert.equal(d['interface'], 'eth0');
  assert.equal(d['netmask'], '255.255.255.0');
  assert.equal(d['network'], '192.168.122.0');
  assert.equal(d['macaddress'], '52:54:00:12:34:56');
  assert.equal(d['mtu'], 1500);
  assert.equal(d['type'], 'ether');
  assert.deepEqual(facts['default_ipv6'], {});
  assert.deepEqual(facts['interfaces'], ['eth0', 'eth0_vip', 'lo']);
  assert.deepEqual(facts['all_ipv4_addresses'], ['192.168.122.10', '192.168.122.50']);
  assert.deepEqual(facts['all_ipv6_addresses'], ['fe80::5054:ff:fe12:3456']);
  const eth0 = facts['eth0'] as Record<string, unknown>;
  assert.equal(eth0['module'], 'virtio_net');
  assert.equal(eth0['pciid'], 'virtio0');
  assert.equal(eth0['speed'], undefined, 'an unreadable speed file gives no speed');
  assert.equal((eth0['ipv4_secondaries'] as unknown[]).length, 1);
});

test('CentOS 7: mounts with sizes, LVM uuid, bind flag, escaped names, no size for unstatted NFS', () => {
  const mounts = facts['mounts'] as Record<string, unknown>[];
  assert.deepEqual(mounts.map((m) => m['mount']), ['/', '/boot', '/var/lib/kubelet/pods/abc/volume', '/mnt/nfs data']);
  const root = mounts[0]!;
  assert.equal(root['size_total'], 4096 * 4452864);
  assert.equal(root['size_available'], 4096 * 3858213);
  assert.equal(root['block_used'], 4452864 - 3858213);
  assert.equal(root['uuid'], '2f4e6c1a-7b0d-4c43-9a4c-0c8f1e2d3b4a');
  assert.equal(mounts[1]!['uuid'], '8a9f0e1d-2c3b-4a59-8e7f-6a5b4c3d2e1f');
  assert.match(String(mounts[2]!['options']), /,bind$/);
  assert.equal(mounts[3]!['size_total'], undefined);
  assert.equal(mounts[3]!['uuid'], 'N/A');
});

test('CentOS 7: environment from bash-style export -p', () => {
  const env = facts['env'] as Record<string, string>;
  assert.equal(env['MOTD'], 'say "hi" to $USER \\o/');
  assert.equal(env['LANG'], 'en_US.UTF-8');
  assert.ok(!('UNSET_BUT_EXPORTED' in env));
});

test('CentOS 7: date_time in the host zone, DST name from July', () => {
  const dt = facts['date_time'] as Record<string, string>;
  assert.equal(dt['epoch'], '1700000000');
  assert.equal(dt['date'], '2023-11-14');
  assert.equal(dt['time'], '23:13:20');
  assert.equal(dt['iso8601'], '2023-11-14T22:13:20Z');
  assert.equal(dt['iso8601_micro'], '2023-11-14T22:13:20.123456Z');
  assert.equal(dt['weekday'], 'Tuesday');
  assert.equal(dt['weeknumber'], '46');
  assert.equal(dt['tz'], 'CET');
  assert.equal(dt['tz_dst'], 'CEST');
  assert.equal(dt['tz_offset'], '+0100');
});

test('CentOS 7: misc collectors', () => {
  assert.deepEqual((facts['dns'] as Record<string, unknown>)['nameservers'], ['192.168.122.1', '192.168.122.2']);
  assert.deepEqual((facts['dns'] as Record<string, unknown>)['options'], { timeout: '2', rotate: true });
  assert.deepEqual((facts['proc_cmdline'] as Record<string, unknown>)['rd.lvm.lv'], ['centos/root', 'centos/swap']);
  assert.equal((facts['cmdline'] as Record<string, unknown>)['rd.lvm.lv'], 'centos/swap');
  assert.equal(facts['virtualization_type'], 'kvm');
  assert.equal(facts['virtualization_role'], 'guest');
  assert.equal(facts['is_chroot'], false);
  assert.equal(facts['fips'], false);
  assert.equal(facts['user_id'], 'root');
  assert.equal(facts['user_uid'], 0);
  assert.equal(facts['user_dir'], '/root');
  assert.equal(facts['ssh_host_key_rsa_public'], 'AAAAB3NzaC1yc2EAAAADAQABAAABAQExampleRsa');
  assert.equal(facts['ssh_host_key_ed25519_public_keytype'], 'ssh-ed25519');
  assert.equal(facts['ssh_host_key_dsa_public'], undefined, 'keys of a later directory are ignored');
  assert.equal(facts['form_factor'], 'Other');
  assert.equal(facts['product_serial'], 'NA');
});
