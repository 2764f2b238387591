// Compares our facts with what the installed Ansible's setup module reports on this machine
// (`ansible localhost -c local -m setup`, in a temporary directory). Skips when Ansible is absent.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gatherFacts, gatherFactsDetailed } from '../../../src/facts/index.js';
import { ModuleFailure } from '../../../src/errors.js';
import { localExec } from './local-exec.js';

const hasAnsible = spawnSync('sh', ['-c', 'command -v ansible']).status === 0;
const SKIP = hasAnsible ? false : 'ansible is not installed (no `ansible` on PATH)';

/** Facts Ansible has that we deliberately do not produce (no Python on the target, or costly). */
const NOT_PRODUCED = new Set(['python', 'python_version', 'devices', 'device_links', 'lvm']);

function ansibleSetup(args: string): { facts?: Record<string, unknown>; msg?: string } {
  const dir = mkdtempSync(join(tmpdir(), 'k8sp-facts-ansible-'));
  try {
    const r = spawnSync('ansible', ['localhost', '-c', 'local', '-m', 'setup', '-a', args, '-o'], {
      cwd: dir,
      encoding: 'utf8',
      env: { ...process.env, ANSIBLE_LOCAL_TEMP: join(dir, 'l'), ANSIBLE_REMOTE_TEMP: join(dir, 'r'), ANSIBLE_NOCOLOR: '1' },
    });
    const line = r.stdout.split('\n').find((l) => l.startsWith('localhost |')) ?? '';
    const json = JSON.parse(line.slice(line.indexOf('{'))) as Record<string, unknown>;
    if (!json['ansible_facts']) return { msg: String(json['msg']) };
    const facts: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(json['ansible_facts'] as Record<string, unknown>)) {
      facts[k.startsWith('ansible_') ? k.slice(8) : k] = v;
    }
    return { facts };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const asSet = (v: unknown) => new Set(v as string[]);

test('facts agree with ansible setup on this machine', { skip: SKIP }, async () => {
  const theirs = ansibleSetup('gather_subset=all').facts!;
  const { facts: ours, warnings } = await gatherFactsDetailed(localExec(), {});
  assert.deepEqual(warnings, []);
  const same = [
    'hostname', 'nodename', 'fqdn', 'domain', 'system', 'kernel', 'kernel_version', 'machine', 'architecture',
    'userspace_bits', 'userspace_architecture', 'machine_id', 'distribution', 'distribution_version',
    'distribution_major_version', 'distribution_release', 'distribution_file_path', 'distribution_file_variety',
    'distribution_file_parsed', 'distribution_minor_version', 'os_family', 'memtotal_mb', 'swaptotal_mb',
    'processor', 'processor_count', 'processor_cores', 'processor_threads_per_core', 'processor_vcpus',
    'processor_nproc', 'default_ipv4', 'default_ipv6', 'service_mgr', 'pkg_mgr', 'apparmor', 'fips', 'is_chroot',
    'lsb', 'dns', 'user_id', 'user_uid', 'user_gid', 'user_gecos', 'user_dir', 'user_shell', 'real_user_id',
    'effective_user_id', 'real_group_id', 'effective_group_id', 'virtualization_type', 'virtualization_role',
    'cmdline', 'proc_cmdline', 'iscsi_iqn', 'hostnqn', 'fibre_channel_wwn', 'local', 'gather_subset', 'module_setup',
    'form_factor', 'product_name', 'system_vendor', 'bios_vendor', 'ssh_host_key_rsa_public', 'ssh_host_key_ed25519_public',
  ];
  for (const k of same) assert.deepEqual(ours[k], theirs[k], k);
  if (theirs['selinux_python_present']) assert.deepEqual(ours['selinux'], theirs['selinux'], 'selinux');
  assert.deepEqual(asSet(ours['virtualization_tech_guest']), asSet(theirs['virtualization_tech_guest']));
  assert.deepEqual(asSet(ours['virtualization_tech_host']), asSet(theirs['virtualization_tech_host']));
  const dt = (f: Record<string, unknown>) => {
    const d = f['date_time'] as Record<string, string>;
    return { tz: d['tz'], tz_dst: d['tz_dst'], tz_offset: d['tz_offset'], keys: Object.keys(d).sort() };
  };
  assert.deepEqual(dt(ours), dt(theirs));
  const iface = String((theirs['default_ipv4'] as Record<string, unknown>)['interface'] ?? '');
  if (iface) assert.deepEqual(ours[iface], theirs[iface], `interface ${iface}`);
  const mountKeys = (f: Record<string, unknown>) =>
    (f['mounts'] as Record<string, unknown>[]).map((m) => ({
      mount: m['mount'], device: m['device'], fstype: m['fstype'], options: m['options'], uuid: m['uuid'],
      size_total: m['size_total'], block_size: m['block_size'], inode_total: m['inode_total'],
    }));
  assert.deepEqual(mountKeys(ours), mountKeys(theirs));
  const envHome = (f: Record<string, unknown>) => (f['env'] as Record<string, string>)['HOME'];
  assert.equal(envHome(ours), envHome(theirs));
  // Every fact Ansible has, we have, except the documented ones and per-interface facts
  // (interfaces may come and go between the two runs on a shared machine).
  const ifaces = new Set([...(theirs['interfaces'] as string[]), ...(ours['interfaces'] as string[])].map(factKey));
  const missing = Object.keys(theirs).filter((k) => !(k in ours) && !NOT_PRODUCED.has(k) && !ifaces.has(k));
  assert.deepEqual(missing, []);
});

/** An interface's fact name: Ansible replaces '-' (and ':', '.') with '_'. */
function factKey(name: string): string {
  return name.replace(/[-:.]/g, '_');
}

test('gather_subset=!all,!min,network selects the same facts as Ansible', { skip: SKIP }, async () => {
  const theirs = ansibleSetup('gather_subset=!all,!min,network').facts!;
  const ours = await gatherFacts(localExec(), { subset: ['!all', '!min', 'network'] });
  const keys = (f: Record<string, unknown>) => {
    const ifaces = new Set((f['interfaces'] as string[]).map(factKey));
    // Interfaces come and go while other tests boot sandboxes: compare the rest.
    return Object.keys(f).filter((k) => !ifaces.has(k) && !NOT_PRODUCED.has(k)).sort();
  };
  assert.deepEqual(keys(ours), keys(theirs));
});

test('a bad subset gives the message Ansible gives', { skip: SKIP }, async () => {
  const theirs = ansibleSetup('gather_subset=hardwar').msg;
  await assert.rejects(gatherFacts(localExec(), { subset: ['hardwar'] }), (e: unknown) => {
    assert.ok(e instanceof ModuleFailure);
    assert.equal(e.message, theirs);
    return true;
  });
});
