/**
 * distribution*, os_family: a port of Ansible's system/distribution.py (Linux part) and of the
 * python-distro 1.8 logic it relies on (id, best version, codename), working on file contents.
 */
import type { RawGather } from '../output.js';
import { fileContent, pathExists } from '../output.js';
import { parseAssignments } from '../shell-words.js';
import { unameInfo } from './platform.js';

type Facts = Record<string, unknown>;

/** Ansible's Distribution.OS_FAMILY_MAP, inverted. */
const OS_FAMILY_MAP: Record<string, string[]> = {
  RedHat: ['RedHat', 'RHEL', 'Fedora', 'CentOS', 'Scientific', 'SLC', 'Ascendos', 'CloudLinux', 'PSBM',
    'OracleLinux', 'OVS', 'OEL', 'Amazon', 'Virtuozzo', 'XenServer', 'Alibaba', 'EulerOS', 'openEuler',
    'AlmaLinux', 'Rocky', 'TencentOS', 'EuroLinux', 'Kylin Linux Advanced Server'],
  Debian: ['Debian', 'Ubuntu', 'Raspbian', 'Neon', 'KDE neon', 'Linux Mint', 'SteamOS', 'Devuan', 'Kali',
    'Cumulus Linux', 'Pop!_OS', 'Parrot', 'Pardus GNU/Linux', 'Uos', 'Deepin', 'OSMC'],
  Suse: ['SuSE', 'SLES', 'SLED', 'openSUSE', 'openSUSE Tumbleweed', 'SLES_SAP', 'SUSE_LINUX', 'openSUSE Leap'],
  Archlinux: ['Archlinux', 'Antergos', 'Manjaro'],
  Mandrake: ['Mandrake', 'Mandriva'],
  Solaris: ['Solaris', 'Nexenta', 'OmniOS', 'OpenIndiana', 'SmartOS'],
  Slackware: ['Slackware'],
  Altlinux: ['Altlinux'],
  SGML: ['SGML'],
  Gentoo: ['Gentoo', 'Funtoo'],
  Alpine: ['Alpine'],
  AIX: ['AIX'],
  'HP-UX': ['HPUX'],
  Darwin: ['MacOSX'],
  FreeBSD: ['FreeBSD', 'TrueOS'],
  ClearLinux: ['Clear Linux OS', 'Clear Linux Mix'],
  DragonFly: ['DragonflyBSD', 'DragonFlyBSD', 'Gentoo/DragonflyBSD', 'Gentoo/DragonFlyBSD'],
  NetBSD: ['NetBSD'],
};
export const OS_FAMILY: ReadonlyMap<string, string> = new Map(
  Object.entries(OS_FAMILY_MAP).flatMap(([fam, names]) => names.map((n) => [n, fam] as [string, string])),
);

/** DistributionFiles.OSDIST_LIST: tried in order, the first that parses wins. */
const OSDIST_LIST: { path: string; name: string; allowEmpty?: boolean }[] = [
  { path: '/etc/altlinux-release', name: 'Altlinux' },
  { path: '/etc/oracle-release', name: 'OracleLinux' },
  { path: '/etc/slackware-version', name: 'Slackware' },
  { path: '/etc/centos-release', name: 'CentOS' },
  { path: '/etc/redhat-release', name: 'RedHat' },
  { path: '/etc/vmware-release', name: 'VMwareESX', allowEmpty: true },
  { path: '/etc/openwrt_release', name: 'OpenWrt' },
  { path: '/etc/os-release', name: 'Amazon' },
  { path: '/etc/system-release', name: 'Amazon' },
  { path: '/etc/alpine-release', name: 'Alpine' },
  { path: '/etc/arch-release', name: 'Archlinux', allowEmpty: true },
  { path: '/etc/os-release', name: 'Archlinux' },
  { path: '/etc/os-release', name: 'SUSE' },
  { path: '/etc/SuSE-release', name: 'SUSE' },
  { path: '/etc/gentoo-release', name: 'Gentoo' },
  { path: '/etc/os-release', name: 'Debian' },
  { path: '/etc/lsb-release', name: 'Debian' },
  { path: '/etc/lsb-release', name: 'Mandriva' },
  { path: '/etc/sourcemage-release', name: 'SMGL' },
  { path: '/usr/lib/os-release', name: 'ClearLinux' },
  { path: '/etc/coreos/update.conf', name: 'Coreos' },
  { path: '/etc/os-release', name: 'Flatcar' },
  { path: '/etc/os-release', name: 'NA' },
];

const SEARCH_STRING: Record<string, string> = {
  OracleLinux: 'Oracle Linux',
  RedHat: 'Red Hat',
  Altlinux: 'ALT',
  SMGL: 'Source Mage GNU/Linux',
};
const OS_RELEASE_ALIAS: Record<string, string> = { Archlinux: 'Arch Linux' };

/** python-distro's view of the host: os-release, the distro release file, debian_version. */
interface DistroInfo {
  osRelease: Map<string, string>;
  releaseFile: { id?: string; name?: string; version_id?: string; codename?: string };
  debianVersion: string;
}

/** python-distro's _parse_distro_release_content (the reversed-regex trick, done forwards). */
export function parseDistroReleaseContent(line: string): { name?: string; version_id?: string; codename?: string } {
  const rev = [...line.trim()].reverse().join('');
  const m = /^(?:[^)]*\)(.*)\()? *(?:STL )?([\d.+\-a-z]*\d) *(?:esaeler *)?(.+)/.exec(rev);
  const unrev = (s: string) => [...s].reverse().join('');
  if (m) {
    const out: { name?: string; version_id?: string; codename?: string } = { name: unrev(m[3]!) };
    if (m[2]) out.version_id = unrev(m[2]);
    if (m[1]) out.codename = unrev(m[1]);
    return out;
  }
  return line ? { name: line.trim() } : {};
}

function osReleaseProps(text: string): Map<string, string> {
  const props = parseAssignments(text, { lowerKeys: true });
  if (props.has('version_codename')) props.set('codename', props.get('version_codename')!);
  else if (props.has('ubuntu_codename')) props.set('codename', props.get('ubuntu_codename')!);
  else if (props.has('version')) {
    const m = /(\(\D+\))|,(\s+)?\D+/.exec(props.get('version')!);
    if (m) props.set('codename', m[0].replace(/^[()]+|[()]+$/g, '').replace(/^,+|,+$/g, '').trim());
  }
  return props;
}

const RELEASE_BASENAME = /^(\w+)[-_](release|version)$/;
const RELEASE_IGNORE = new Set(['debian_version', 'lsb-release', 'oem-release', 'os-release', 'system-release',
  'plesk-release', 'iredmail-release']);

function distroInfo(raw: RawGather): DistroInfo {
  const osText = raw.files.get('/etc/os-release') ?? raw.files.get('/usr/lib/os-release') ?? '';
  const osRelease = osReleaseProps(osText);
  let releaseFile: DistroInfo['releaseFile'] = {};
  const candidates = [...raw.files.keys()]
    .filter((p) => p.startsWith('/etc/') && p.indexOf('/', 5) < 0)
    .map((p) => p.slice(5))
    .filter((b) => !RELEASE_IGNORE.has(b))
    .sort();
  for (const base of candidates) {
    const m = RELEASE_BASENAME.exec(base);
    if (!m) continue;
    const firstLine = (raw.files.get(`/etc/${base}`) ?? '').split('\n')[0] ?? '';
    const info = parseDistroReleaseContent(firstLine);
    if (info.name === undefined) continue;
    releaseFile = { ...info, id: m[1] };
    if (info.name.toLowerCase().includes('cloudlinux')) releaseFile.id = 'cloudlinux';
    break;
  }
  const debianVersion = (raw.files.get('/etc/debian_version') ?? '').split('\n')[0]!.trimEnd();
  return { osRelease, releaseFile, debianVersion };
}

function distroId(d: DistroInfo): string {
  const norm = (id: string, table: Record<string, string>) => {
    const k = id.toLowerCase().replace(/ /g, '_');
    return table[k] ?? k;
  };
  const osId = d.osRelease.get('id');
  if (osId) return norm(osId, { ol: 'oracle', 'opensuse-leap': 'opensuse' });
  if (d.releaseFile.id) return norm(d.releaseFile.id, { redhat: 'rhel' });
  return '';
}

function distroVersion(d: DistroInfo, best: boolean): string {
  const id = distroId(d);
  const versions = [
    d.osRelease.get('version_id') ?? '',
    d.releaseFile.version_id ?? '',
    parseDistroReleaseContent(d.osRelease.get('pretty_name') ?? '').version_id ?? '',
  ];
  const like = (d.osRelease.get('id_like') ?? '').split(/\s+/);
  if (id === 'debian' || like.includes('debian')) versions.push(d.debianVersion);
  let version = '';
  if (best) {
    const dots = (s: string) => s.split('.').length - 1;
    for (const v of versions) if (dots(v) > dots(version) || version === '') version = v;
  } else {
    version = versions.find((v) => v !== '') ?? '';
  }
  return version;
}

function capitalize(s: string): string {
  return s ? s[0]!.toUpperCase() + s.slice(1).toLowerCase() : s;
}

/** DistributionFiles._guess_distribution via ansible's sys_info helpers. */
function guessDistribution(d: DistroInfo): Facts {
  let dist = capitalize(distroId(d));
  if (dist === 'Amzn') dist = 'Amazon';
  else if (dist === 'Rhel') dist = 'Redhat';
  else if (!dist) dist = 'OtherLinux';

  const id = distroId(d);
  let version = distroVersion(d, false);
  if (id === 'centos') version = distroVersion(d, true).split('.').slice(0, 2).join('.');
  if (id === 'debian') version = distroVersion(d, true);

  let codename: string | undefined = d.osRelease.get('version_codename') ?? d.osRelease.get('ubuntu_codename');
  if (codename === undefined) {
    codename = d.osRelease.has('codename') ? d.osRelease.get('codename')! : (d.releaseFile.codename ?? '');
    if (codename === '') codename = undefined;
  }
  const guess: Facts = {
    distribution: dist || 'NA',
    distribution_version: version || 'NA',
    distribution_release: codename === undefined ? 'NA' : codename,
  };
  guess['distribution_major_version'] = String(guess['distribution_version']).split('.')[0] || 'NA';
  return guess;
}

type Parsed = [boolean, Facts];

function parseDebian(path: string, data: string, collected: Facts, raw: RawGather): Parsed {
  const f: Facts = {};
  const vid = (re: RegExp) => re.exec(data)?.[1];
  if (data.includes('Debian') || data.includes('Raspbian')) {
    f['distribution'] = 'Debian';
    const rel = /PRETTY_NAME=[^(]+ \(?([^)]+?)\)/.exec(data);
    if (rel) f['distribution_release'] = rel[1];
    // (Ansible's dpkg/tzdata fallback for ancient Debian is not reproduced: it needs a command.)
    for (const line of (fileContent(raw, '/etc/debian_version') ?? '').split('\n')) {
      const m = /(\d+)\.(\d+)/.exec(line.trim());
      if (m) f['distribution_minor_version'] = m[2];
    }
  } else if (data.includes('Ubuntu')) {
    f['distribution'] = 'Ubuntu';
  } else if (data.includes('SteamOS')) {
    f['distribution'] = 'SteamOS';
  } else if ((path === '/etc/lsb-release' || path === '/etc/os-release') && (data.includes('Kali') || data.includes('Parrot'))) {
    f['distribution'] = data.includes('Kali') ? 'Kali' : 'Parrot';
    const rel = vid(/DISTRIB_RELEASE=(.*)/);
    if (rel !== undefined) f['distribution_release'] = rel;
  } else if (data.includes('Devuan')) {
    f['distribution'] = 'Devuan';
    const rel = /PRETTY_NAME="?[^("]+ \(?([^) "]+)\)?/.exec(data);
    if (rel) f['distribution_release'] = rel[1];
    const v = vid(/VERSION_ID="(.*)"/);
    if (v !== undefined) { f['distribution_version'] = v; f['distribution_major_version'] = v; }
  } else if (data.includes('Cumulus')) {
    f['distribution'] = 'Cumulus Linux';
    const v = vid(/VERSION_ID=(.*)/);
    if (v !== undefined) { f['distribution_version'] = v; f['distribution_major_version'] = v.split('.')[0]; }
    const rel = vid(/VERSION="(.*)"/);
    if (rel !== undefined) f['distribution_release'] = rel;
  } else if (data.includes('Mint')) {
    f['distribution'] = 'Linux Mint';
    const v = vid(/VERSION_ID="(.*)"/);
    if (v !== undefined) { f['distribution_version'] = v; f['distribution_major_version'] = v.split('.')[0]; }
  } else if (data.includes('UOS') || data.includes('Uos') || data.includes('uos') || data.includes('Deepin') || data.includes('deepin')) {
    f['distribution'] = /UOS|Uos|uos/.test(data) ? 'Uos' : 'Deepin';
    const rel = vid(/VERSION_CODENAME="?([^"\n]+)"?/);
    if (rel !== undefined) f['distribution_release'] = rel;
    const v = vid(/VERSION_ID="(.*)"/);
    if (v !== undefined) { f['distribution_version'] = v; f['distribution_major_version'] = v.split('.')[0]; }
  } else {
    return [false, f];
  }
  void collected;
  return [true, f];
}

function parseSuse(path: string, data: string, collected: Facts): Parsed {
  const f: Facts = {};
  const lower = data.toLowerCase();
  if (!lower.includes('suse')) return [false, f];
  if (path === '/etc/os-release') {
    for (const line of data.split('\n')) {
      const d = /^NAME=(.*)/.exec(line);
      if (d) f['distribution'] = d[1]!.replace(/^"+|"+$/g, '');
      const v = /^VERSION_ID="?([0-9]+\.?[0-9]*)"?/.exec(line);
      if (v) { f['distribution_version'] = v[1]; f['distribution_major_version'] = v[1]!.split('.')[0]; }
      if (lower.includes('open')) {
        const r = /^VERSION_ID="?[0-9]+\.?([0-9]*)"?/.exec(line);
        if (r) f['distribution_release'] = r[1];
      } else if (lower.includes('enterprise') && line.includes('VERSION_ID')) {
        const r = /^VERSION_ID="?[0-9]+\.?([0-9]*)"?/.exec(line);
        f['distribution_release'] = r && r[1] ? r[1] : '0';
      }
    }
  } else if (path === '/etc/SuSE-release') {
    const lines = data.split('\n');
    if (lower.includes('open')) {
      f['distribution'] = (lines[0] ?? '').split(/\s+/)[0];
      for (const line of lines) {
        const r = /CODENAME *= *([^\n]+)/.exec(line);
        if (r) f['distribution_release'] = r[1]!.trim();
      }
    } else if (lower.includes('enterprise')) {
      if (data.includes('Server')) f['distribution'] = 'SLES';
      else if (data.includes('Desktop')) f['distribution'] = 'SLED';
      for (const line of lines) {
        const r = /PATCHLEVEL = ([0-9]+)/.exec(line);
        if (r) {
          f['distribution_release'] = r[1];
          f['distribution_version'] = `${String(collected['distribution_version'])}.${r[1]}`;
        }
      }
    }
  }
  return [true, f];
}

function parseDistFile(name: string, data: string, path: string, collected: Facts, raw: RawGather): Parsed {
  const content = data.replace(/^['"\\]+|['"\\]+$/g, '');
  const search = SEARCH_STRING[name];
  if (search !== undefined) {
    if (content.includes(search)) return [true, { distribution: name, distribution_file_search_string: search }];
    return [true, { distribution: content.split(/\s+/).filter(Boolean)[0] ?? '' }];
  }
  const alias = OS_RELEASE_ALIAS[name];
  if (alias !== undefined) return content.includes(alias) ? [true, { distribution: name }] : [false, {}];

  const f: Facts = {};
  switch (name) {
    case 'Slackware': {
      if (!content.includes('Slackware')) return [false, f];
      f['distribution'] = name;
      const v = /\w+[.]\w+\+?/.exec(content);
      if (v) f['distribution_version'] = v[0];
      return [true, f];
    }
    case 'Amazon': {
      if (!content.includes('Amazon')) return [false, f];
      f['distribution'] = 'Amazon';
      if (path === '/etc/os-release') {
        const v = /VERSION_ID="(.*)"/.exec(content);
        if (v) {
          f['distribution_version'] = v[1];
          const parts = v[1]!.split('.');
          f['distribution_major_version'] = parts[0];
          f['distribution_minor_version'] = parts.length > 1 ? parts[1] : 'NA';
        }
      } else {
        f['distribution_version'] = content.split(/\s+/).find((w) => /^\d+$/.test(w)) ?? 'NA';
      }
      return [true, f];
    }
    case 'OpenWrt': {
      if (!content.includes('OpenWrt')) return [false, f];
      f['distribution'] = name;
      const v = /DISTRIB_RELEASE="(.*)"/.exec(content);
      if (v) f['distribution_version'] = v[1];
      const r = /DISTRIB_CODENAME="(.*)"/.exec(content);
      if (r) f['distribution_release'] = r[1];
      return [true, f];
    }
    case 'Alpine':
      return [true, { distribution: 'Alpine', distribution_version: content }];
    case 'SUSE':
      return parseSuse(path, content, collected);
    case 'Debian':
      return parseDebian(path, content, collected, raw);
    case 'Mandriva': {
      if (!content.includes('Mandriva')) return [false, f];
      f['distribution'] = name;
      const v = /DISTRIB_RELEASE="(.*)"/.exec(content);
      if (v) f['distribution_version'] = v[1];
      const r = /DISTRIB_CODENAME="(.*)"/.exec(content);
      if (r) f['distribution_release'] = r[1];
      return [true, f];
    }
    case 'NA': {
      for (const line of content.split('\n')) {
        const d = /^NAME=(.*)/.exec(line);
        if (d) f['distribution'] = d[1]!.replace(/^"+|"+$/g, '');
        const v = /^VERSION=(.*)/.exec(line);
        if (v && collected['distribution_version'] === 'NA') f['distribution_version'] = v[1]!.replace(/^"+|"+$/g, '');
      }
      return [true, f];
    }
    case 'Coreos': {
      if (String(collected['__distro_id']).toLowerCase() !== 'coreos' || !content) return [false, f];
      const r = /^GROUP=(.*)/m.exec(content);
      if (r) f['distribution_release'] = r[1]!.replace(/^"+|"+$/g, '');
      return [true, f];
    }
    case 'Flatcar': {
      if (String(collected['__distro_id']).toLowerCase() !== 'flatcar' || !content) return [false, f];
      const v = /VERSION=(.*)/.exec(content);
      if (v) {
        const ver = v[1]!.replace(/^"+|"+$/g, '');
        f['distribution_major_version'] = ver.split('.')[0];
        f['distribution_version'] = ver;
      }
      return [true, f];
    }
    case 'ClearLinux': {
      const pname = /NAME="(.*)"/.exec(content);
      if (pname) {
        if (!pname[1]!.includes('Clear Linux')) return [false, f];
        f['distribution'] = pname[1];
      }
      const v = /VERSION_ID=(.*)/.exec(content);
      if (v) { f['distribution_major_version'] = v[1]; f['distribution_version'] = v[1]; }
      const r = /ID=(.*)/.exec(content);
      if (r) f['distribution_release'] = r[1];
      return [true, f];
    }
    case 'CentOS': {
      if (content.includes('CentOS Stream')) return [true, { distribution_release: 'Stream' }];
      if (content.includes('TencentOS Server')) return [true, { distribution: 'TencentOS' }];
      return [false, f];
    }
    default:
      // Gentoo and others without a parser: Ansible's getattr fails and the file is skipped.
      return [false, f];
  }
}

/** The distribution collector's facts (distribution*, os_family and the file bookkeeping keys). */
export function distributionFacts(raw: RawGather): Facts {
  const u = unameInfo(raw);
  const d = distroInfo(raw);
  const facts: Facts = {
    distribution: u.system,
    distribution_release: u.release,
    distribution_version: u.version,
  };
  if (u.system === 'Linux') {
    const fileFacts: Facts = { ...guessDistribution(d) };
    const ctx: Facts = { ...fileFacts, __distro_id: distroId(d) };
    for (const entry of OSDIST_LIST) {
      const content = raw.files.get(entry.path);
      const exists = content !== undefined || pathExists(raw, entry.path);
      if (!exists) continue;
      if (entry.allowEmpty) {
        fileFacts['distribution'] = entry.name;
        fileFacts['distribution_file_path'] = entry.path;
        fileFacts['distribution_file_variety'] = entry.name;
        break;
      }
      if (content === undefined || content === '') continue;
      const [ok, parsed] = parseDistFile(entry.name, content.trim(), entry.path, ctx, raw);
      if (ok) {
        fileFacts['distribution'] = entry.name;
        fileFacts['distribution_file_path'] = entry.path;
        fileFacts['distribution_file_variety'] = entry.name;
        fileFacts['distribution_file_parsed'] = true;
        Object.assign(fileFacts, parsed);
        break;
      }
    }
    Object.assign(facts, fileFacts);
  }
  const distro = String(facts['distribution']);
  facts['os_family'] = OS_FAMILY.get(distro) ?? distro;
  return facts;
}
