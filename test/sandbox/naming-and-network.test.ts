// Pure helpers of the sandbox: names, IPv4 arithmetic, subnet choice, apt mirror discovery.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { assertSandboxName, containerHostname, defaultSandboxName, hostDirNames, isValidHostname, machineName, safeLabel } from '../../src/sandbox/names.js';
import { cidrOverlaps, formatCidr, hostAddresses, intToIp, ipToInt, parseCidr } from '../../src/sandbox/ipv4.js';
import { chooseSubnet } from '../../src/sandbox/bridge.js';
import { findAptMirror } from '../../src/sandbox/apt-mirror.js';
import { OptionsError } from '../../src/errors.js';

test('machine names are valid for nspawn, unique per slot and index, at most 64 chars', () => {
  const long = 'Very_Long.Host.Name.' + 'x'.repeat(100);
  const m = machineName(3, 12, long);
  assert.ok(m.length <= 64, m);
  assert.match(m, /^k3-12-[a-z0-9-]+$/);
  assert.notEqual(machineName(0, 0, 'master'), machineName(1, 0, 'master'));
  assert.equal(machineName(0, 1, '192.168.2.100'), 'k0-1-192-168-2-100');
});

test('host names: inventory names kept when valid, mapped otherwise', () => {
  assert.equal(containerHostname('master.example.com'), 'master.example.com');
  assert.equal(containerHostname('web_1'), 'web-1');
  assert.ok(isValidHostname('node-2'));
  assert.ok(!isValidHostname('-bad'));
  assert.ok(!isValidHostname('a..b'));
  assert.equal(safeLabel('___'), 'host');
  assert.deepEqual(hostDirNames(['a_b', 'a-b', 'A.B']), ['a-b', 'a-b-2', 'a-b-3']);
});

test('sandbox names: safe directory names only; default from the inventory path', () => {
  assert.throws(() => assertSandboxName('../etc'), OptionsError);
  assert.throws(() => assertSandboxName('Has Space'), OptionsError);
  assertSandboxName('lab-1a2b3c');
  const a = defaultSandboxName('inventory/lab.ini');
  assert.match(a, /^lab-[0-9a-f]{6}$/);
  assert.notEqual(a, defaultSandboxName('other/lab.ini'));
  assert.equal(a, defaultSandboxName('./inventory/lab.ini'));
});

test('ipv4 arithmetic and overlap', () => {
  assert.equal(ipToInt('10.213.0.1'), (10 << 24 >>> 0) + (213 << 16) + 1);
  assert.equal(intToIp(ipToInt('192.168.2.100')!), '192.168.2.100');
  assert.equal(ipToInt('300.1.1.1'), undefined);
  assert.equal(formatCidr(parseCidr('10.213.0.77/24')!), '10.213.0.0/24');
  assert.ok(cidrOverlaps(parseCidr('10.0.0.0/8')!, parseCidr('10.213.0.0/24')!));
  assert.ok(!cidrOverlaps(parseCidr('10.212.0.0/24')!, parseCidr('10.213.0.0/24')!));
  const hosts = hostAddresses(parseCidr('10.1.2.0/30')!).map(intToIp);
  assert.deepEqual(hosts, ['10.1.2.1', '10.1.2.2']);
});

test('subnet choice skips candidates that clash with routes or inventory addresses', () => {
  const cands = ['10.213.0.0/24', '172.29.213.0/24', '192.168.2.0/24'];
  assert.equal(formatCidr(chooseSubnet([], [], cands)!), '10.213.0.0/24');
  assert.equal(formatCidr(chooseSubnet([parseCidr('10.0.0.0/8')!], [], cands)!), '172.29.213.0/24');
  assert.equal(formatCidr(chooseSubnet([parseCidr('10.0.0.0/8')!], ['172.29.213.9'], cands)!), '192.168.2.0/24');
  assert.equal(chooseSubnet([parseCidr('0.0.0.0/1')!, parseCidr('128.0.0.0/1')!], [], cands), undefined);
});

test('apt mirror: deb822 sources, the release suite, not -updates or -security', () => {
  const etc = mkdtempSync(join(tmpdir(), 'k8sp-apt-'));
  try {
    mkdirSync(join(etc, 'apt/sources.list.d'), { recursive: true });
    writeFileSync(join(etc, 'os-release'), 'ID=debian\nVERSION_CODENAME=bookworm\n');
    writeFileSync(join(etc, 'apt/sources.list.d/debian.sources'), [
      'Types: deb', 'URIs: http://mirror.example.test/debian-security', 'Suites: bookworm-security', 'Components: main', '',
      'Types: deb', '# a comment', 'URIs: http://mirror.example.test/debian/', 'Suites: bookworm bookworm-updates', 'Components: main contrib', '',
    ].join('\n'));
    const m = findAptMirror(etc);
    assert.equal(m.uri, 'http://mirror.example.test/debian');
    assert.equal(m.suite, 'bookworm');
    rmSync(join(etc, 'apt/sources.list.d/debian.sources'));
    writeFileSync(join(etc, 'apt/sources.list'), 'deb [arch=amd64] http://other.example.test/debian bookworm main\n# deb http://x/ y main\n');
    assert.equal(findAptMirror(etc).uri, 'http://other.example.test/debian');
    rmSync(join(etc, 'apt/sources.list'));
    assert.throws(() => findAptMirror(etc), /no Debian mirror/);
  } finally {
    rmSync(etc, { recursive: true, force: true });
  }
});
