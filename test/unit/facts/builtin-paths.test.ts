// The gathering script answers some facts from files and shell builtins where it used to run
// a command (uname, id, getent, three ip calls, two ls). Each pair of outputs below is what
// the two ways print for the same host: the facts must be the same.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseFacts, resolveGatherSubset } from '../../../src/facts/index.js';
import { splitIpBatch } from '../../../src/facts/collectors/network.js';
import { statusIds } from '../../../src/facts/collectors/user-time.js';
import { fakeOutput, type FakeHost } from './fake-gather.js';

const ALL = resolveGatherSubset(['all']);
const facts = (h: FakeHost) => parseFacts(fakeOutput(h), ALL).facts;

const IP_ADDR = [
  '1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 qdisc noqueue state UNKNOWN group default qlen 1000',
  '    link/loopback 00:00:00:00:00:00 brd 00:00:00:00:00:00',
  '    inet 127.0.0.1/8 scope host lo',
  '       valid_lft forever preferred_lft forever',
  '2: host0@if5: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc noqueue state UP group default qlen 1000',
  '    link/ether 52:54:00:12:34:56 brd ff:ff:ff:ff:ff:ff link-netnsid 0',
  '    inet 10.213.0.13/24 brd 10.213.0.255 scope global host0',
  '       valid_lft forever preferred_lft forever',
  '    inet 10.213.0.99/24 scope global secondary host0:1',
  '       valid_lft forever preferred_lft forever',
  '    inet6 fd00::13/64 scope global',
  '       valid_lft forever preferred_lft forever',
  '    inet6 fe80::5054:ff:fe12:3456/64 scope link',
  '       valid_lft forever preferred_lft forever',
];
const ROUTE4 = ['8.8.8.8 via 10.213.0.1 dev host0 src 10.213.0.13 uid 0', '    cache'];
const ROUTE6 = ['2404:6800:400a:800::1012 from :: via fd00::1 dev host0 src fd00::13 metric 1024 pref medium'];
const NET_FILES = {
  '/sys/class/net/lo/address': '00:00:00:00:00:00\n', '/sys/class/net/lo/mtu': '65536\n', '/sys/class/net/lo/type': '772\n',
  '/sys/class/net/host0/address': '52:54:00:12:34:56\n', '/sys/class/net/host0/mtu': '1500\n', '/sys/class/net/host0/type': '1\n',
  '/sys/class/net/host0/operstate': 'up\n', '/sys/class/net/host0/flags': '0x1003\n',
};

test('splitIpBatch: interface blocks, then each route by its probe address, even when one is missing', () => {
  assert.deepEqual(splitIpBatch([...IP_ADDR, ...ROUTE4, ...ROUTE6]), { addr: IP_ADDR, v4: ROUTE4, v6: ROUTE6 });
  assert.deepEqual(splitIpBatch([...IP_ADDR, ...ROUTE6]), { addr: IP_ADDR, v4: [], v6: ROUTE6 });
  assert.deepEqual(splitIpBatch([...IP_ADDR]), { addr: IP_ADDR, v4: [], v6: [] });
});

test('network: one `ip -batch` gives the facts of three ip calls', () => {
  const common = { commands: ['ip'], files: NET_FILES };
  const three = facts({ ...common, sections: { ipaddr: IP_ADDR.join('\n'), route4: ROUTE4.join('\n'), route6: ROUTE6.join('\n') } });
  const one = facts({ ...common, sections: { ipbatch: [...IP_ADDR, ...ROUTE4, ...ROUTE6].join('\n') } });
  for (const k of ['interfaces', 'default_ipv4', 'default_ipv6', 'all_ipv4_addresses', 'all_ipv6_addresses', 'host0', 'host0_1', 'lo']) {
    assert.deepEqual(one[k], three[k], k);
  }
  assert.equal((one['default_ipv4'] as Record<string, unknown>)['address'], '10.213.0.13');
  assert.equal((one['default_ipv6'] as Record<string, unknown>)['gateway'], 'fd00::1');
  assert.deepEqual(one['all_ipv4_addresses'], ['10.213.0.13', '10.213.0.99']);
});

const KERNEL = {
  '/proc/sys/kernel/ostype': 'Linux\n', '/proc/sys/kernel/hostname': 'node1.example.com\n', '/proc/sys/kernel/osrelease': '6.1.0-18-amd64\n',
  '/proc/sys/kernel/version': '#1 SMP PREEMPT_DYNAMIC Debian 6.1.76-1 (2024-02-01)\n', '/proc/sys/kernel/arch': 'aarch64\n',
};

test('platform: /proc/sys/kernel in place of uname', () => {
  const uname = facts({ uname: 'Linux node1.example.com 6.1.0-18-amd64 #1 SMP PREEMPT_DYNAMIC Debian 6.1.76-1 (2024-02-01) aarch64', files: { '/proc/sys/kernel/version': KERNEL['/proc/sys/kernel/version'] } });
  const proc = facts({ uname: null, files: KERNEL });
  for (const k of ['system', 'kernel', 'kernel_version', 'machine', 'architecture', 'nodename', 'hostname', 'userspace_bits']) {
    assert.deepEqual(proc[k], uname[k], k);
  }
  assert.equal(proc['architecture'], 'aarch64');
  assert.equal(proc['hostname'], 'node1');
});

test('fqdn: /etc/hosts (hostsfile) gives what getent forward and reverse lookups give', () => {
  const hosts = '127.0.0.1 localhost\n# 10.0.0.5 node1\n10.0.0.5 node1.example.com node1 # the node\n10.0.0.6 node2\n';
  const base = { uname: 'Linux node1 6.1.0 #1 SMP x86_64', commands: ['getent'] };
  const getent = facts({ ...base, sections: { hostfwd: '10.0.0.5       node1.example.com node1', hostrev: '10.0.0.5       node1.example.com node1' } });
  const file = facts({ ...base, files: { '/etc/hosts': hosts }, sections: { hostsfile: '' } });
  for (const k of ['fqdn', 'domain', 'hostname', 'nodename']) assert.equal(file[k], getent[k], k);
  assert.equal(file['fqdn'], 'node1.example.com');
  assert.equal(file['domain'], 'example.com');
  // Without the hostsfile section the getent answers are used, even with /etc/hosts read.
  const unresolved = facts({ ...base, files: { '/etc/hosts': hosts } });
  assert.equal(unresolved['fqdn'], 'node1');
});

test('user: /proc/self/status in place of id', () => {
  const passwd = 'deploy:x:1000:1000:Deploy,,,:/home/deploy:/bin/bash';
  const env = 'export LOGNAME=\'deploy\'';
  const id = facts({ sections: { env, id: 'uid=1000(deploy) gid=1000(deploy) euid=0(root) groups=1000(deploy)', passwd } });
  const status = facts({ files: { '/proc/self/status': 'Name:\thead\nUid:\t1000\t0\t0\t0\nGid:\t1000\t1000\t1000\t1000\n' }, sections: { env, passwd } });
  for (const k of ['user_id', 'user_uid', 'user_gid', 'user_gecos', 'user_dir', 'user_shell', 'real_user_id', 'effective_user_id', 'real_group_id', 'effective_group_id']) {
    assert.deepEqual(status[k], id[k], k);
  }
  assert.equal(status['effective_user_id'], 0);
  assert.deepEqual(statusIds('Uid:\t5\t5\t5\t5\nGid:\t7\t8\t8\t8\n'), { uid: 5, gid: 7, egid: 8 });
  assert.deepEqual(statusIds(''), {});
});

test('user: /etc/passwd (which the script reads for its own search) is the answer only without getent', () => {
  const env = 'export LOGNAME=\'deploy\'';
  const files = { '/etc/passwd': 'root:x:0:0:root:/root:/bin/bash\ndeploy:x:1000:1000:Deploy:/home/deploy:/bin/sh\n' };
  // getent found no entry (its section is empty): no entry, whatever /etc/passwd says.
  const withGetent = facts({ commands: ['getent'], files, sections: { env, passwd: '' } });
  assert.equal(withGetent['user_uid'], undefined);
  assert.equal(withGetent['user_id'], 'deploy');
  const without = facts({ files, sections: { env } });
  assert.equal(without['user_uid'], 1000);
  assert.equal(without['user_shell'], '/bin/sh');
});

test('mounts: /proc/mounts stands for /etc/mtab when the script did not read /etc/mtab (the same file)', () => {
  const mounts = '/dev/vda1 / ext4 rw,relatime 0 0\nproc /proc proc rw 0 0\n';
  const statfs = '4096 4096 1000 500 100 50 /\n@@rc 0';
  const both = facts({ exists: ['/etc/mtab'], files: { '/etc/mtab': mounts, '/proc/mounts': mounts }, sections: { statfs } });
  const one = facts({ exists: ['/etc/mtab'], files: { '/proc/mounts': mounts }, sections: { statfs } });
  assert.deepEqual(one['mounts'], both['mounts']);
  assert.deepEqual((one['mounts'] as Record<string, unknown>[]).map((m) => [m['mount'], m['size_total']]), [['/', 4096000]]);
});

test('mounts: UUIDs from the one `ls -ld` of links as from `ls -l /dev/disk/by-uuid`', () => {
  const files = { '/proc/mounts': '/dev/vda1 / ext4 rw,relatime 0 0\n/dev/mapper/vg-data /data xfs rw 0 0\n', '/sys/block/dm-0/dm/name': 'vg-data\n' };
  const statfs = '4096 4096 1000 500 100 50 /\n4096 4096 2000 1500 200 150 /data\n@@rc 0';
  const byuuid = facts({ files, sections: { statfs, byuuid: 'total 0\nlrwxrwxrwx 1 root root 10 Jan  1 00:00 1111-aaaa -> ../../vda1\nlrwxrwxrwx 1 root root 10 Jan  1 00:00 2222-bbbb -> ../../dm-0' } });
  const links = facts({ files, sections: { statfs, links: [
    'lrwxrwxrwx 1 root root 10 Jan  1 00:00 /dev/disk/by-uuid/1111-aaaa -> ../../vda1',
    'lrwxrwxrwx 1 root root 10 Jan  1 00:00 /dev/disk/by-uuid/2222-bbbb -> ../../dm-0',
    'lrwxrwxrwx 1 root root 0 Jan  1 00:00 /sys/class/net/eth0/device -> ../../../virtio0',
  ].join('\n') } });
  assert.deepEqual(links['mounts'], byuuid['mounts']);
  assert.deepEqual((links['mounts'] as Record<string, unknown>[]).map((m) => m['uuid']), ['1111-aaaa', '2222-bbbb']);
});

test('interfaces: pciid and module from the links section as from netlinks', () => {
  const lines = [
    'lrwxrwxrwx 1 root root 0 Jan  1 00:00 /sys/class/net/host0/device -> ../../../0000:00:03.0',
    'lrwxrwxrwx 1 root root 0 Jan  1 00:00 /sys/class/net/host0/device/driver/module -> ../../../../module/virtio_net',
  ];
  const common = { commands: ['ip'], files: NET_FILES };
  const old = facts({ ...common, sections: { ipbatch: IP_ADDR.join('\n'), netlinks: lines.join('\n') } });
  const now = facts({ ...common, sections: { ipbatch: IP_ADDR.join('\n'), links: [...lines, 'lrwxrwxrwx 1 root root 10 Jan  1 00:00 /dev/disk/by-uuid/x -> ../../vda'].join('\n') } });
  assert.deepEqual(now['host0'], old['host0']);
  assert.equal((now['host0'] as Record<string, unknown>)['module'], 'virtio_net');
  assert.equal((now['host0'] as Record<string, unknown>)['pciid'], '0000:00:03.0');
});
