/**
 * service_mgr and pkg_mgr collectors (Ansible's system/service_mgr.py and system/pkg_mgr.py),
 * decided from /proc/1/comm and path-existence probes the script made.
 */
import type { RawGather } from '../output.js';
import { pathExists } from '../output.js';

type Facts = Record<string, unknown>;

const PROC_1_MAP: Record<string, string> = {
  procd: 'openwrt_init',
  'runit-init': 'runit',
  svscan: 'svc',
  'openrc-init': 'openrc',
};

/** Target of /sbin/init from `ls -l /sbin/init` output, when the script had to look. */
function initLinkTarget(raw: RawGather): string | undefined {
  const line = (raw.sections.get('initlink') ?? []).find((l) => l.includes(' -> '));
  return line ? line.slice(line.indexOf(' -> ') + 4).trim() : undefined;
}

const basename = (p: string) => p.replace(/\/+$/, '').split('/').pop() ?? p;

export function serviceMgrFacts(raw: RawGather, collected: Facts): Facts {
  let proc1: string | undefined = raw.files.get('/proc/1/comm');
  if (proc1 !== undefined) proc1 = proc1.trim();
  if (proc1 === undefined || proc1 === '') {
    proc1 = undefined;
    const target = raw.flags.has('L /sbin/init') ? initLinkTarget(raw) : undefined;
    if (target !== undefined) proc1 = target;
  }
  if (proc1 !== undefined) proc1 = basename(proc1).trim();
  if (proc1 !== undefined && (proc1 === 'init' || proc1.endsWith('sh'))) proc1 = undefined;

  let name: string | undefined;
  if (proc1 !== undefined && proc1 !== '') {
    name = PROC_1_MAP[proc1] ?? proc1;
  } else if (collected['distribution'] === 'OpenWrt') {
    name = 'openwrt_init';
  } else if (collected['system'] === 'Linux') {
    const systemctl = raw.commands.has('systemctl');
    if (systemctl && ['/run/systemd/system/', '/dev/.run/systemd/', '/dev/.systemd/'].some((p) => pathExists(raw, p))) {
      name = 'systemd';
    } else if (raw.commands.has('initctl') && pathExists(raw, '/etc/init/')) {
      name = 'upstart';
    } else if (pathExists(raw, '/sbin/openrc')) {
      name = 'openrc';
    } else if (systemctl && raw.flags.has('L /sbin/init') && basename(initLinkTarget(raw) ?? '') === 'systemd') {
      name = 'systemd';
    } else if (pathExists(raw, '/etc/init.d/')) {
      name = 'sysvinit';
    }
  }
  return { service_mgr: name || 'service' };
}

const PKG_MGRS: { path: string; name: string }[] = [
  { path: '/usr/bin/rpm-ostree', name: 'atomic_container' },
  { path: '/usr/bin/yum', name: 'yum' },
  { path: '/usr/bin/dnf', name: 'dnf' },
  { path: '/usr/bin/apt-get', name: 'apt' },
  { path: '/usr/bin/zypper', name: 'zypper' },
  { path: '/usr/sbin/urpmi', name: 'urpmi' },
  { path: '/usr/bin/pacman', name: 'pacman' },
  { path: '/bin/opkg', name: 'opkg' },
  { path: '/usr/pkg/bin/pkgin', name: 'pkgin' },
  { path: '/opt/local/bin/pkgin', name: 'pkgin' },
  { path: '/opt/tools/bin/pkgin', name: 'pkgin' },
  { path: '/opt/local/bin/port', name: 'macports' },
  { path: '/usr/local/bin/brew', name: 'homebrew' },
  { path: '/opt/homebrew/bin/brew', name: 'homebrew' },
  { path: '/sbin/apk', name: 'apk' },
  { path: '/usr/sbin/pkg', name: 'pkgng' },
  { path: '/usr/sbin/swlist', name: 'swdepot' },
  { path: '/usr/bin/emerge', name: 'portage' },
  { path: '/usr/sbin/pkgadd', name: 'svr4pkg' },
  { path: '/usr/bin/pkg', name: 'pkg5' },
  { path: '/usr/bin/xbps-install', name: 'xbps' },
  { path: '/usr/local/sbin/pkg', name: 'pkgng' },
  { path: '/usr/bin/swupd', name: 'swupd' },
  { path: '/usr/sbin/sorcery', name: 'sorcery' },
  { path: '/usr/bin/installp', name: 'installp' },
  { path: '/QOpenSys/pkgs/bin/yum', name: 'yum' },
];

export function pkgMgrFacts(raw: RawGather, collected: Facts): Facts {
  const osFamily = collected['os_family'];
  const exists = (name: string) => PKG_MGRS.some((p) => p.name === name && pathExists(raw, p.path));
  let name = 'unknown';
  for (const p of PKG_MGRS) {
    if (osFamily === 'Altlinux' && p.path === '/usr/bin/pkg') continue;
    if (pathExists(raw, p.path)) name = p.name;
  }
  if (osFamily === 'RedHat') {
    const major = parseInt(String(collected['distribution_major_version']), 10);
    const dist = collected['distribution'];
    if (pathExists(raw, '/run/ostree-booted')) {
      name = 'atomic_container';
    } else if (dist === 'Fedora' || dist === 'Amazon') {
      const limit = dist === 'Fedora' ? 23 : 2022;
      if (Number.isNaN(major)) name = 'dnf';
      else if (major < limit) { if (exists('yum')) name = 'yum'; }
      else if (exists('dnf')) name = 'dnf';
    } else if (Number.isNaN(major)) {
      // Ansible's int() raises here and the collector yields no pkg_mgr at all.
      return {};
    } else {
      name = major < 8 ? 'yum' : 'dnf';
    }
  } else if (osFamily === 'Debian' && name !== 'apt') {
    name = 'apt';
  } else if (osFamily === 'Altlinux' && name === 'apt') {
    name = 'apt_rpm';
  }
  return { pkg_mgr: name };
}
