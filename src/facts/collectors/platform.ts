/**
 * platform collector: system, kernel, kernel_version, machine, architecture, userspace_bits,
 * hostname, nodename, fqdn, domain, machine_id (Ansible's system/platform.py).
 */
import type { RawGather } from '../output.js';
import { fileContent } from '../output.js';

type Facts = Record<string, unknown>;

export interface UnameInfo {
  system: string;
  nodename: string;
  release: string;
  version: string;
  machine: string;
}

/**
 * What `uname -snrvm` says: the script's uname section, or the same values from
 * /proc/sys/kernel where the script read them instead (it does when the kernel has `arch`).
 * The kernel version comes from /proc when readable (it has spaces).
 */
export function unameInfo(raw: RawGather): UnameInfo {
  if (!raw.sections.has('uname') && raw.files.has('/proc/sys/kernel/arch')) {
    const k = (name: string) => fileContent(raw, `/proc/sys/kernel/${name}`) ?? '';
    return { system: k('ostype'), nodename: k('hostname'), release: k('osrelease'), version: k('version'), machine: k('arch') };
  }
  const line = (raw.sections.get('uname') ?? []).find((l) => l.trim() !== '') ?? '';
  const w = line.trim().split(/\s+/);
  const procVersion = fileContent(raw, '/proc/sys/kernel/version');
  return {
    system: w[0] ?? '',
    nodename: w[1] ?? '',
    release: w[2] ?? '',
    version: procVersion ?? (w.length > 4 ? w.slice(3, -1).join(' ') : ''),
    machine: w.length > 3 ? w[w.length - 1]! : '',
  };
}

/** Machines whose userspace is 64-bit in practice (we cannot inspect a Python binary). */
const BITS64 = /^(x86_64|amd64|aarch64|arm64|ppc64|ppc64le|s390x|riscv64|mips64.*|sparc64|loongarch64|ia64|alpha)$/;

/** First line of `getent hosts` output as [address, ...names]. */
function hostsLine(lines: string[] | undefined): string[] {
  const line = (lines ?? []).find((l) => l.trim() !== '');
  return line ? line.trim().split(/\s+/) : [];
}

/**
 * /etc/hosts lookups: for hosts without getent (busybox), and where the script found that
 * NSS answers from /etc/hosts (its `hostsfile` section).
 */
function etcHostsLookup(raw: RawGather, name: string): { fwd: string[]; rev: string[] } {
  const rows = (raw.files.get('/etc/hosts') ?? '')
    .split('\n')
    .map((l) => l.replace(/#.*/, '').trim().split(/\s+/))
    .filter((w) => w.length >= 2);
  const fwdRow = rows.find((w) => w.slice(1).some((n) => n.toLowerCase() === name.toLowerCase()));
  if (!fwdRow) return { fwd: [], rev: [] };
  const revRow = rows.find((w) => w[0] === fwdRow[0]);
  return { fwd: fwdRow, rev: revRow ?? [] };
}

/** Python's socket.getfqdn(): forward-resolve the hostname, reverse-resolve its address. */
function fqdnOf(raw: RawGather, nodename: string): string {
  let fwd: string[];
  let rev: string[];
  if (raw.commands.has('getent') && !raw.sections.has('hostsfile')) {
    fwd = hostsLine(raw.sections.get('hostfwd'));
    rev = hostsLine(raw.sections.get('hostrev'));
  } else {
    ({ fwd, rev } = etcHostsLookup(raw, nodename));
  }
  if (fwd.length < 1 || rev.length < 2) return nodename;
  const names = rev.slice(1);
  return names.find((n) => n.includes('.')) ?? names[0]!;
}

export function platformFacts(raw: RawGather): Facts {
  const u = unameInfo(raw);
  const facts: Facts = {
    system: u.system,
    kernel: u.release,
    kernel_version: u.version,
    machine: u.machine,
  };
  const fqdn = fqdnOf(raw, u.nodename);
  facts['fqdn'] = fqdn;
  facts['hostname'] = u.nodename.split('.')[0];
  facts['nodename'] = u.nodename;
  facts['domain'] = fqdn.split('.').slice(1).join('.');
  const bits = BITS64.test(u.machine) ? '64' : '32';
  facts['userspace_bits'] = bits;
  facts['architecture'] = u.machine;
  if (u.machine === 'x86_64') facts['userspace_architecture'] = bits === '64' ? 'x86_64' : 'i386';
  const mid = fileContent(raw, '/var/lib/dbus/machine-id') ?? fileContent(raw, '/etc/machine-id');
  if (mid) facts['machine_id'] = mid.split('\n')[0];
  return facts;
}
