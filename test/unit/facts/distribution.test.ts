import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseFacts } from '../../../src/facts/index.js';
import { fakeOutput, type FakeHost } from './fake-gather.js';

function dist(h: FakeHost): Record<string, unknown> {
  return parseFacts(fakeOutput(h), new Set(['platform', 'distribution', 'pkg_mgr'])).facts;
}

const pick = (f: Record<string, unknown>) => ({
  distribution: f['distribution'],
  distribution_version: f['distribution_version'],
  distribution_major_version: f['distribution_major_version'],
  distribution_release: f['distribution_release'],
  os_family: f['os_family'],
});

test('Rocky 9: name from redhat-release, codename from VERSION', () => {
  const f = dist({
    files: {
      '/etc/os-release': 'NAME="Rocky Linux"\nVERSION="9.3 (Blue Onyx)"\nID="rocky"\nID_LIKE="rhel centos fedora"\nVERSION_ID="9.3"\nPRETTY_NAME="Rocky Linux 9.3 (Blue Onyx)"\n',
      '/etc/redhat-release': 'Rocky Linux release 9.3 (Blue Onyx)\n',
      '/etc/rocky-release': 'Rocky Linux release 9.3 (Blue Onyx)\n',
    },
    exists: ['/usr/bin/dnf', '/usr/bin/yum'],
  });
  assert.deepEqual(pick(f), {
    distribution: 'Rocky', distribution_version: '9.3', distribution_major_version: '9',
    distribution_release: 'Blue Onyx', os_family: 'RedHat',
  });
  assert.equal(f['pkg_mgr'], 'dnf');
});

test('AlmaLinux 8 and RHEL 9', () => {
  const alma = dist({
    files: {
      '/etc/os-release': 'NAME="AlmaLinux"\nVERSION="8.9 (Midnight Oncilla)"\nID="almalinux"\nVERSION_ID="8.9"\nPRETTY_NAME="AlmaLinux 8.9 (Midnight Oncilla)"\n',
      '/etc/redhat-release': 'AlmaLinux release 8.9 (Midnight Oncilla)\n',
    },
  });
  assert.equal(alma['distribution'], 'AlmaLinux');
  assert.equal(alma['distribution_version'], '8.9');
  assert.equal(alma['os_family'], 'RedHat');
  assert.equal(alma['pkg_mgr'], 'dnf');
  const rhel = dist({
    files: {
      '/etc/os-release': 'NAME="Red Hat Enterprise Linux"\nVERSION="9.3 (Plow)"\nID="rhel"\nVERSION_ID="9.3"\nPRETTY_NAME="Red Hat Enterprise Linux 9.3 (Plow)"\n',
      '/etc/redhat-release': 'Red Hat Enterprise Linux release 9.3 (Plow)\n',
    },
  });
  assert.equal(rhel['distribution'], 'RedHat');
  assert.equal(rhel['distribution_file_search_string'], 'Red Hat');
  assert.equal(rhel['distribution_release'], 'Plow');
});

test('CentOS Stream 9: release is "Stream"', () => {
  const f = dist({
    files: {
      '/etc/os-release': 'NAME="CentOS Stream"\nVERSION="9"\nID="centos"\nVERSION_ID="9"\nPRETTY_NAME="CentOS Stream 9"\n',
      '/etc/centos-release': 'CentOS Stream release 9\n',
      '/etc/redhat-release': 'CentOS Stream release 9\n',
    },
  });
  assert.deepEqual(pick(f), {
    distribution: 'CentOS', distribution_version: '9', distribution_major_version: '9',
    distribution_release: 'Stream', os_family: 'RedHat',
  });
});

test('CentOS 7 without /etc/os-release still gets 7.9 from centos-release', () => {
  const f = dist({
    files: {
      '/etc/centos-release': 'CentOS Linux release 7.9.2009 (Core)\n',
      '/etc/redhat-release': 'CentOS Linux release 7.9.2009 (Core)\n',
    },
  });
  assert.equal(f['distribution'], 'CentOS');
  assert.equal(f['distribution_version'], '7.9');
  assert.equal(f['distribution_release'], 'Core');
  assert.equal(f['pkg_mgr'], 'yum');
});

test('Ubuntu 22.04 and Fedora 39', () => {
  const u = dist({
    files: {
      '/etc/os-release': 'PRETTY_NAME="Ubuntu 22.04.4 LTS"\nNAME="Ubuntu"\nVERSION_ID="22.04"\nVERSION="22.04.4 LTS (Jammy Jellyfish)"\nVERSION_CODENAME=jammy\nID=ubuntu\nID_LIKE=debian\nUBUNTU_CODENAME=jammy\n',
      '/etc/debian_version': 'bookworm/sid\n',
      '/etc/lsb-release': 'DISTRIB_ID=Ubuntu\nDISTRIB_RELEASE=22.04\nDISTRIB_CODENAME=jammy\nDISTRIB_DESCRIPTION="Ubuntu 22.04.4 LTS"\n',
    },
  });
  assert.deepEqual(pick(u), {
    distribution: 'Ubuntu', distribution_version: '22.04', distribution_major_version: '22',
    distribution_release: 'jammy', os_family: 'Debian',
  });
  assert.equal(u['pkg_mgr'], 'apt');
  const fed = dist({
    files: {
      '/etc/os-release': 'NAME="Fedora Linux"\nVERSION="39 (Server Edition)"\nID=fedora\nVERSION_ID=39\nVERSION_CODENAME=""\nPRETTY_NAME="Fedora Linux 39 (Server Edition)"\n',
      '/etc/redhat-release': 'Fedora release 39 (Thirty Nine)\n',
      '/etc/fedora-release': 'Fedora release 39 (Thirty Nine)\n',
    },
    exists: ['/usr/bin/dnf'],
  });
  assert.equal(fed['distribution'], 'Fedora');
  assert.equal(fed['distribution_version'], '39');
  assert.equal(fed['distribution_release'], '', 'an empty VERSION_CODENAME is an empty release');
  assert.equal(fed['pkg_mgr'], 'dnf');
});

test('Alpine (busybox) and an unknown distribution', () => {
  const a = dist({
    files: {
      '/etc/os-release': 'NAME="Alpine Linux"\nID=alpine\nVERSION_ID=3.19.1\nPRETTY_NAME="Alpine Linux v3.19"\n',
      '/etc/alpine-release': '3.19.1\n',
    },
    exists: ['/sbin/apk'],
  });
  assert.equal(a['distribution'], 'Alpine');
  assert.equal(a['distribution_version'], '3.19.1');
  assert.equal(a['distribution_major_version'], '3');
  assert.equal(a['os_family'], 'Alpine');
  assert.equal(a['pkg_mgr'], 'apk');
  const x = dist({ files: { '/etc/os-release': 'NAME="Frobnix"\nID=frobnix\nVERSION="1.2"\n' } });
  assert.equal(x['distribution'], 'Frobnix');
  assert.equal(x['os_family'], 'Frobnix');
  assert.equal(x['distribution_version'], '1.2');
});

test('no release file at all: kernel values, nothing thrown', () => {
  const f = dist({});
  assert.equal(f['distribution'], 'OtherLinux');
  assert.equal(f['distribution_version'], 'NA');
  assert.equal(f['os_family'], 'OtherLinux');
});
