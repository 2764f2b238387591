/**
 * selinux, apparmor, fips and caps collectors. SELinux is read from selinuxfs and
 * /etc/selinux/config, and reported the way Ansible does when its Python library is present.
 */
import type { RawGather } from '../output.js';
import { fileContent, pathExists } from '../output.js';
import { parseAssignments } from '../shell-words.js';

type Facts = Record<string, unknown>;

const MODE: Record<string, string> = { '1': 'enforcing', '0': 'permissive', '-1': 'disabled' };

export function selinuxFacts(raw: RawGather): Facts {
  // libselinux's is_selinux_enabled(): selinuxfs mounted (its enforce file readable).
  const root = fileContent(raw, '/sys/fs/selinux/enforce') !== undefined ? '/sys/fs/selinux'
    : fileContent(raw, '/selinux/enforce') !== undefined ? '/selinux' : undefined;
  const selinux: Record<string, unknown> = {};
  if (root === undefined) {
    selinux['status'] = 'disabled';
  } else {
    selinux['status'] = 'enabled';
    const pv = fileContent(raw, `${root}/policyvers`);
    selinux['policyvers'] = pv !== undefined && /^\d+$/.test(pv) ? Number(pv) : 'unknown';
    const config = parseAssignments(raw.files.get('/etc/selinux/config') ?? '');
    const cfgMode = (config.get('SELINUX') ?? '').toLowerCase();
    selinux['config_mode'] = ['enforcing', 'permissive', 'disabled'].includes(cfgMode) ? cfgMode : 'unknown';
    selinux['mode'] = MODE[fileContent(raw, `${root}/enforce`) ?? ''] ?? 'unknown';
    selinux['type'] = config.get('SELINUXTYPE') || 'unknown';
  }
  return { selinux, selinux_python_present: true };
}

export function apparmorFacts(raw: RawGather): Facts {
  return { apparmor: { status: pathExists(raw, '/sys/kernel/security/apparmor') ? 'enabled' : 'disabled' } };
}

export function fipsFacts(raw: RawGather): Facts {
  return { fips: fileContent(raw, '/proc/sys/crypto/fips_enabled') === '1' };
}

/** Ansible reads capabilities with `capsh --print`; without it (our case) it reports N/A. */
export function capsFacts(): Facts {
  return { system_capabilities_enforced: 'N/A', system_capabilities: 'N/A' };
}
