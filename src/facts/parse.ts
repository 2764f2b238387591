/**
 * Turns the gathering script's output into Ansible's fact names (unprefixed, as in
 * `ansible_facts`), for the collectors selected by gather_subset. Pure.
 */
import type { RawGather } from './output.js';
import { parseGatherOutput, pathExists } from './output.js';
import { platformFacts } from './collectors/platform.js';
import { distributionFacts } from './collectors/distribution.js';
import { apparmorFacts, capsFacts, fipsFacts, selinuxFacts } from './collectors/security.js';
import {
  chrootFacts, cmdlineFacts, dnsFacts, envFacts, fcWwnFacts, iscsiFacts, loadavgFacts, lsbFacts,
  nvmeFacts, remoteEnv, sshPubKeyFacts,
} from './collectors/system-misc.js';
import { pkgMgrFacts, serviceMgrFacts } from './collectors/packages-services.js';
import { dateTimeFacts, userFacts } from './collectors/user-time.js';
import { hardwareFacts } from './collectors/hardware.js';
import { networkFacts } from './collectors/network.js';
import { virtualFacts } from './collectors/virtual.js';

type Facts = Record<string, unknown>;

export interface ParsedFacts {
  facts: Facts;
  /** Messages Ansible would show as warnings (e.g. a mount that timed out). */
  warnings: string[];
}

/** Order in which collectors run: dependencies (platform, distribution) first. */
const ORDER = [
  'platform', 'distribution', 'lsb', 'selinux', 'apparmor', 'chroot', 'fips', 'python', 'caps', 'pkg_mgr',
  'service_mgr', 'cmdline', 'date_time', 'env', 'loadavg', 'ssh_pub_keys', 'user', 'virtual', 'hardware', 'dns',
  'fibre_channel_wwn', 'network', 'iscsi', 'nvme', 'local', 'facter', 'ohai',
];

/** Build the facts of the given collectors from a parsed gather. */
export function factsFromRaw(raw: RawGather, collectors: ReadonlySet<string>): ParsedFacts {
  const facts: Facts = {};
  const warnings: string[] = [];
  const env = remoteEnv(raw);
  // Collectors see what earlier ones found (Ansible's collected_facts), even unselected ones.
  // Computed once: the two collectors below reuse them (they are pure functions of the output).
  const platform = platformFacts(raw);
  const distribution = distributionFacts(raw);
  const collected: Facts = { ...platform, ...distribution };
  for (const name of ORDER) {
    if (!collectors.has(name)) continue;
    let f: Facts = {};
    switch (name) {
      case 'platform': f = platform; break;
      case 'distribution': f = distribution; break;
      case 'lsb': f = lsbFacts(raw); break;
      case 'selinux': f = selinuxFacts(raw); break;
      case 'apparmor': f = apparmorFacts(raw); break;
      case 'chroot': f = chrootFacts(raw, env); break;
      case 'fips': f = fipsFacts(raw); break;
      case 'caps': f = capsFacts(); break;
      case 'pkg_mgr': f = pkgMgrFacts(raw, collected); break;
      case 'service_mgr': f = serviceMgrFacts(raw, collected); break;
      case 'cmdline': f = cmdlineFacts(raw); break;
      case 'date_time': f = dateTimeFacts(raw); break;
      case 'env': f = envFacts(raw); break;
      case 'loadavg': f = loadavgFacts(raw); break;
      case 'ssh_pub_keys': f = sshPubKeyFacts(raw); break;
      case 'user': f = userFacts(raw, env); break;
      case 'virtual': f = virtualFacts(raw); break;
      case 'hardware': {
        const h = hardwareFacts(raw, collected);
        f = h.facts;
        warnings.push(...h.warnings);
        break;
      }
      case 'dns': f = dnsFacts(raw); break;
      case 'fibre_channel_wwn': f = fcWwnFacts(raw); break;
      case 'network': f = networkFacts(raw); break;
      case 'iscsi': f = iscsiFacts(raw); break;
      case 'nvme': f = nvmeFacts(raw); break;
      // Local facts (fact_path) are not run; with no facts.d directory Ansible reports {} too.
      case 'local': if (!pathExists(raw, '/etc/ansible/facts.d')) f = { local: {} }; break;
      // python, facter and ohai: nothing to report without Python.
      default: break;
    }
    Object.assign(facts, f);
  }
  if (!raw.complete) warnings.push('fact gathering output was cut short; some facts may be missing');
  return { facts, warnings };
}

/** Parse the script's stdout and build the facts of the given collectors. */
export function parseFacts(stdout: string, collectors: ReadonlySet<string>): ParsedFacts {
  return factsFromRaw(parseGatherOutput(stdout), collectors);
}
