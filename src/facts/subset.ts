/**
 * Ansible's gather_subset semantics (module_utils/facts/collector.py, modules/setup.py):
 * names are collector names or the fact ids they provide; 'all', 'min', '!name', '!all',
 * '!min'; the minimal set is always added unless '!min'; explicitly named subsets win over
 * exclusions; required collectors are added afterwards.
 */
import { ModuleFailure } from '../errors.js';

/** Collectors Ansible has on Linux, with the extra fact ids each answers to. */
export const COLLECTOR_FACT_IDS: Readonly<Record<string, readonly string[]>> = {
  platform: ['system', 'kernel', 'kernel_version', 'machine', 'python_version', 'architecture', 'machine_id'],
  distribution: ['distribution_version', 'distribution_release', 'distribution_major_version', 'os_family'],
  lsb: [],
  selinux: [],
  apparmor: [],
  chroot: ['is_chroot'],
  fips: [],
  python: [],
  caps: ['system_capabilities', 'system_capabilities_enforced'],
  pkg_mgr: [],
  service_mgr: [],
  cmdline: [],
  date_time: [],
  env: [],
  loadavg: [],
  ssh_pub_keys: [
    'ssh_host_pub_keys',
    'ssh_host_key_dsa_public',
    'ssh_host_key_rsa_public',
    'ssh_host_key_ecdsa_public',
    'ssh_host_key_ed25519_public',
  ],
  user: [
    'user_id', 'user_uid', 'user_gid', 'user_gecos', 'user_dir', 'user_shell',
    'real_user_id', 'effective_user_id', 'effective_group_ids',
  ],
  virtual: ['virtualization_type', 'virtualization_role', 'virtualization_tech_guest', 'virtualization_tech_host'],
  hardware: ['processor', 'processor_cores', 'processor_count', 'mounts', 'devices'],
  dns: [],
  fibre_channel_wwn: [],
  network: ['interfaces', 'default_ipv4', 'default_ipv6', 'all_ipv4_addresses', 'all_ipv6_addresses'],
  iscsi: [],
  nvme: [],
  local: [],
  facter: ['facter'],
  ohai: [],
};

/** Collectors other collectors need (their `required_facts` on Linux). */
const REQUIRES: Readonly<Record<string, readonly string[]>> = {
  network: ['distribution', 'platform'],
  hardware: ['platform'],
  service_mgr: ['platform', 'distribution'],
  pkg_mgr: ['distribution'],
};

/** What `gather_subset: ['!all']` still collects (setup.py's minimal_gather_subset). */
export const MINIMAL_GATHER_SUBSET: readonly string[] = [
  'apparmor', 'caps', 'cmdline', 'date_time', 'distribution', 'dns', 'env', 'fips', 'local',
  'lsb', 'pkg_mgr', 'platform', 'python', 'selinux', 'service_mgr', 'ssh_pub_keys', 'user',
];

/** Fact id or collector name -> collector name. */
const ID_TO_COLLECTOR = new Map<string, string>();
for (const [name, ids] of Object.entries(COLLECTOR_FACT_IDS)) {
  ID_TO_COLLECTOR.set(name, name);
  for (const id of ids) ID_TO_COLLECTOR.set(id, name);
}

/** Every name gather_subset accepts besides 'all' and 'min'. */
export const VALID_SUBSETS: ReadonlySet<string> = new Set(ID_TO_COLLECTOR.keys());

/**
 * Normalise a gather_subset value as Ansible does: a list, or a comma-separated string.
 */
export function normalizeGatherSubset(value: string | readonly string[] | undefined): string[] {
  if (value === undefined) return ['all'];
  const items = typeof value === 'string' ? [value] : [...value];
  const out = items.flatMap((v) => String(v).split(',')).map((v) => v.trim()).filter((v) => v !== '');
  return out.length ? out : ['all'];
}

/**
 * The collectors a gather_subset selects, dependencies included.
 * Throws ModuleFailure (Ansible's message) for an unknown subset name.
 */
export function resolveGatherSubset(subset: string | readonly string[] | undefined): Set<string> {
  const gatherSubset = normalizeGatherSubset(subset);
  const valid = VALID_SUBSETS;
  const minimal = new Set(MINIMAL_GATHER_SUBSET);
  const additional = new Set<string>();
  const exclude = new Set<string>();
  const explicit = new Set<string>();

  for (const item of ['min', ...gatherSubset]) {
    if (item === 'min') { for (const m of minimal) additional.add(m); continue; }
    if (item === 'all') { for (const v of valid) additional.add(v); continue; }
    if (item.startsWith('!')) {
      const name = item.slice(1);
      if (name === 'min') { for (const m of minimal) exclude.add(m); continue; }
      if (name === 'all') { for (const v of valid) if (!minimal.has(v)) exclude.add(v); continue; }
      // '!hardware' also drops the fact ids hardware answers to ('processor', 'mounts'...).
      for (const id of COLLECTOR_FACT_IDS[name] ?? []) exclude.add(id);
      exclude.add(name);
      continue;
    }
    if (!valid.has(item)) {
      throw new ModuleFailure(
        `Bad subset '${item}' given to Ansible. gather_subset options allowed: all, ${[...valid].sort().join(', ')}`,
        { gather_subset: gatherSubset },
      );
    }
    explicit.add(item);
    additional.add(item);
  }
  if (additional.size === 0) for (const v of valid) additional.add(v);
  for (const x of exclude) if (!explicit.has(x)) additional.delete(x);

  const collectors = new Set<string>();
  for (const id of additional) {
    const c = ID_TO_COLLECTOR.get(id);
    if (c) collectors.add(c);
  }
  // Resolve required collectors until nothing new is added.
  let grew = true;
  while (grew) {
    grew = false;
    for (const c of [...collectors]) {
      for (const r of REQUIRES[c] ?? []) {
        if (!collectors.has(r)) { collectors.add(r); grew = true; }
      }
    }
  }
  return collectors;
}
