/**
 * How each of Ansible's hostname strategies reads and writes the name, pure. `file` is
 * k8splay's own: /etc/hostname plus the running name (`hostname NAME`), for hosts without
 * systemd; Ansible's 'debian' is its systemd strategy, as in Ansible.
 */

export type Strategy = 'systemd' | 'file' | 'alpine' | 'redhat' | 'openrc' | 'sles';

/** The `use` choices k8splay implements. */
export const USE_CHOICES = ['alpine', 'debian', 'file', 'openrc', 'redhat', 'sles', 'systemd'] as const;
export type UseChoice = (typeof USE_CHOICES)[number];

/** Where each strategy keeps the name that survives a reboot. */
export const PERMANENT_FILE: Record<Strategy, string> = {
  systemd: '/etc/hostname',
  file: '/etc/hostname',
  alpine: '/etc/hostname',
  sles: '/etc/HOSTNAME',
  redhat: '/etc/sysconfig/network',
  openrc: '/etc/conf.d/hostname',
};

/** Strategies whose running name is the kernel's (the others report the permanent name, as Ansible). */
export function tracksKernelName(s: Strategy): boolean {
  return s === 'systemd' || s === 'file';
}

export function strategyOfUse(use: UseChoice): Strategy {
  return use === 'debian' ? 'systemd' : use;
}

const REDHAT_IDS = new Set(['rhel', 'centos', 'rocky', 'almalinux', 'ol', 'amzn', 'scientific', 'cloudlinux', 'virtuozzo', 'eurolinux', 'anolis', 'alinux', 'altlinux']);

/** Ansible's choice when `use` is not given: systemd when it runs the host, else by distribution. */
export function detectStrategy(systemd: boolean, osId: string): Strategy {
  if (systemd) return 'systemd';
  if (REDHAT_IDS.has(osId)) return 'redhat';
  if (osId === 'alpine') return 'alpine';
  if (osId === 'gentoo') return 'openrc';
  if (osId === 'sles' || osId === 'sled') return 'sles';
  return 'file';
}

function lines(content: string): string[] {
  const parts = content.split(/(?<=\n)/);
  return parts.length === 1 && parts[0] === '' ? [] : parts;
}

/** Replace the first line `pick` accepts (or every one, with `all`) by `line`; append when none. */
function replaceLine(content: string | null, pick: (l: string) => boolean, line: string, all = false): string {
  let found = false;
  const out = lines(content ?? '').map((l) => {
    if ((found && !all) || !pick(l)) return l;
    found = true;
    return `${line}${/\r?\n$/.exec(l)?.[0] ?? '\n'}`;
  });
  if (!found) {
    const last = out.length - 1;
    if (last >= 0 && !out[last]!.endsWith('\n')) out[last] += '\n';
    out.push(`${line}\n`);
  }
  return out.join('');
}

const isNameLine = (l: string) => l.trim() !== '' && !l.trim().startsWith('#');

/** The permanent name a strategy's file holds ('' when none). */
export function readPermanent(s: Strategy, content: string | null): string {
  if (content === null) return '';
  const ls = lines(content).map((l) => l.trim());
  if (s === 'redhat') {
    const l = ls.find((x) => x.startsWith('HOSTNAME'));
    return l ? (l.split('=')[1] ?? '').trim() : '';
  }
  if (s === 'openrc') {
    const l = ls.find((x) => x.startsWith('hostname='));
    return l ? l.slice('hostname='.length).replace(/^"+|"+$/g, '') : '';
  }
  // /etc/hostname as systemd reads it: the first line that is not blank or a comment.
  return ls.find((x) => x !== '' && !x.startsWith('#')) ?? '';
}

/** The permanent file's new text (other lines kept). */
export function writePermanent(s: Strategy, content: string | null, name: string): string {
  if (s === 'redhat') return replaceLine(content, (l) => l.trim().startsWith('HOSTNAME'), `HOSTNAME=${name}`, true);
  if (s === 'openrc') return replaceLine(content, (l) => l.trim().startsWith('hostname='), `hostname="${name}"`);
  return replaceLine(content, isNameLine, name);
}
