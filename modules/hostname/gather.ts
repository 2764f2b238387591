/**
 * The hostname module's reads, in one round trip and mostly shell builtins: the kernel's
 * running name, the permanent name's file(s), whether systemd runs the host (to pick the
 * strategy as Ansible does) and the FQDN the resolver gives.
 * hostnamectl is only used to set the name: reading /etc/hostname and /proc gives the same
 * static and transient names without a D-Bus round trip.
 */
import { ModuleFailure, type GatherContext } from '../../src/index.js';
import { readSections, type SectionOutput } from '../_shared/read-sections.js';
import { PERMANENT_FILE, detectStrategy, strategyOfUse, type Strategy, type UseChoice } from './strategies.js';

export interface HostnameState {
  strategy: Strategy;
  /** The kernel's hostname (what `hostname` prints). */
  kernelName: string;
  /** The permanent file's text (null: no such file). */
  permanentText: string | null;
  /** `hostnamectl` is on the PATH. */
  hasHostnamectl: boolean;
  /** `hostname` is on the PATH. */
  hasHostnameCmd: boolean;
  /** `hostname -f` (the name itself when it does not resolve), before any change. */
  fqdn: string;
}

const FILE_SECTIONS: Record<string, string> = {
  '/etc/hostname': 'etc_hostname',
  '/etc/HOSTNAME': 'etc_HOSTNAME',
  '/etc/sysconfig/network': 'sysconfig_network',
  '/etc/conf.d/hostname': 'confd_hostname',
};

/** Read a small text file with builtins only (status 2 when it is not there). */
function readSmallFile(path: string, quote: (s: string) => string): string {
  const p = quote(path);
  return `[ -f ${p} ] || exit 2; while IFS= read -r l || [ -n "$l" ]; do printf '%s\\n' "$l"; done < ${p}`;
}

/** `hostname -f`, bounded: an unresolvable name must not stall the task (Ansible waits for DNS). */
export const FQDN_COMMAND = 'if command -v timeout >/dev/null; then timeout 3 hostname -f; else hostname -f; fi';

/** The read-only commands, by section (exported for the unit tests' fake host). */
export function hostnameProbe(use: UseChoice | undefined, quote: (s: string) => string): Record<string, string> {
  const cmds: Record<string, string> = {
    systemd: '[ -d /run/systemd/system ]',
    hostnamectl: 'command -v hostnamectl',
    hostnamecmd: 'command -v hostname',
    kernel: 'read -r h < /proc/sys/kernel/hostname && printf \'%s\\n\' "$h"',
    fqdn: FQDN_COMMAND,
  };
  if (use === undefined) cmds.osid = '. /etc/os-release && printf \'%s\\n\' "$ID"';
  const files = use === undefined ? Object.keys(FILE_SECTIONS) : [PERMANENT_FILE[strategyOfUse(use)]];
  for (const f of files) cmds[FILE_SECTIONS[f]!] = readSmallFile(f, quote);
  return cmds;
}

/** The observed state from the probe's sections (pure). */
export function parseHostnameProbe(s: Record<string, SectionOutput>, use: UseChoice | undefined): HostnameState {
  const hasHostnamectl = s.hostnamectl?.rc === 0;
  const strategy = use !== undefined
    ? strategyOfUse(use)
    // Ansible picks systemd when systemd runs the host; without hostnamectl that cannot work.
    : detectStrategy(s.systemd?.rc === 0 && hasHostnamectl, (s.osid?.out ?? '').trim());
  const file = s[FILE_SECTIONS[PERMANENT_FILE[strategy]]!];
  const kernelName = (s.kernel?.out ?? '').trim();
  const fqdn = s.fqdn?.rc === 0 && s.fqdn.out.trim() ? s.fqdn.out.trim() : kernelName;
  return {
    strategy,
    kernelName,
    permanentText: file && file.rc === 0 ? file.out : null,
    hasHostnamectl,
    hasHostnameCmd: s.hostnamecmd?.rc === 0,
    fqdn,
  };
}

export async function gatherHostname(ctx: GatherContext, use: UseChoice | undefined): Promise<HostnameState> {
  const probe = hostnameProbe(use, ctx.quote);
  const sections = await readSections(ctx, probe);
  if (!sections.kernel || sections.kernel.rc !== 0) throw new ModuleFailure('could not read the current hostname from /proc/sys/kernel/hostname');
  return parseHostnameProbe(sections, use);
}
