// A hand-written Debian 12 minbase container (systemd-nspawn, no iproute2, non-root user).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseFacts, resolveGatherSubset } from '../../../src/facts/index.js';
import { fixture } from './local-exec.js';

const { facts } = parseFacts(fixture('debian12-nspawn-noip.txt'), resolveGatherSubset(['all']));

test('Debian 12: distribution with the point release from debian_version', () => {
  assert.equal(facts['distribution'], 'Debian');
  assert.equal(facts['distribution_version'], '12.5');
  assert.equal(facts['distribution_major_version'], '12');
  assert.equal(facts['distribution_minor_version'], '5');
  assert.equal(facts['distribution_release'], 'bookworm');
  assert.equal(facts['os_family'], 'Debian');
  assert.equal(facts['pkg_mgr'], 'apt');
  assert.equal(facts['service_mgr'], 'systemd');
  assert.deepEqual(facts['selinux'], { status: 'disabled' });
});

test('Debian 12 without ip: addresses and default route rebuilt from /proc/net', () => {
  const d = facts['default_ipv4'] as Record<string, unknown>;
  assert.equal(d['address'], '10.213.0.11');
  assert.equal(d['gateway'], '10.213.0.1');
  assert.equal(d['interface'], 'host0');
  assert.equal(d['prefix'], '24');
  assert.equal(d['broadcast'], '10.213.0.255');
  assert.equal(d['macaddress'], '0a:58:0a:d5:00:0b');
  assert.deepEqual(facts['all_ipv4_addresses'], ['10.213.0.11']);
  assert.deepEqual(facts['all_ipv6_addresses'], ['fe80::858:ff:fed5:b']);
  assert.deepEqual(facts['default_ipv6'], {});
  const lo = facts['lo'] as Record<string, unknown>;
  assert.deepEqual(lo['ipv4'], { address: '127.0.0.1', broadcast: '', netmask: '255.0.0.0', network: '127.0.0.0', prefix: '8' });
  assert.equal((facts['host0'] as Record<string, unknown>)['promisc'], true);
});

test('Debian 12: container detection, non-root user, chroot from the root inode', () => {
  assert.equal(facts['virtualization_type'], 'systemd-nspawn');
  assert.equal(facts['virtualization_role'], 'guest');
  assert.deepEqual(facts['virtualization_tech_guest'], ['container', 'systemd-nspawn']);
  assert.equal(facts['user_id'], 'deploy');
  assert.equal(facts['user_uid'], 1000);
  assert.equal(facts['user_gecos'], 'Deploy User,,,');
  assert.equal(facts['user_dir'], '/home/deploy');
  assert.equal(facts['is_chroot'], false, 'btrfs root inode is 256');
  assert.equal(facts['fqdn'], 'node1', 'no resolvable name: fqdn is the hostname');
  assert.equal(facts['domain'], '');
});

test('Debian 12: mounts from /proc/mounts without findmnt (no bind detection)', () => {
  const mounts = facts['mounts'] as Record<string, unknown>[];
  assert.deepEqual(mounts.map((m) => m['mount']), ['/', '/srv']);
  assert.equal(mounts[0]!['options'], 'rw,relatime,ssd,space_cache=v2,subvolid=256,subvol=/machines/node1');
  assert.equal(mounts[0]!['size_total'], 4096 * 5000000);
});

test('Debian 12: kernel command line with a quoted word, non-posix split like Ansible', () => {
  const pc = facts['proc_cmdline'] as Record<string, unknown>;
  assert.deepEqual(pc['console'], ['ttyS0', 'tty0']);
  assert.equal(pc['"weird'], 'a b"');
  assert.equal(pc['flag'], true);
});
