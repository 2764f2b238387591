// The generated sandbox inventory: the original hosts, groups and variables (with Ansible's
// precedence) and every connection variable replaced by the container's. Checked against
// ansible-inventory itself: the original and the generated inventory must give every host the
// same variables, apart from how to connect.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadInventory } from '../../src/inventory/index.js';
import { inventoryHostNames, pythonLiteral, REPLACED_CONNECTION_VARS, writeSandboxInventory } from '../../src/sandbox/inventory-file.js';
import { inventoryAddresses } from '../../src/sandbox/up.js';

let dir: string;
const addresses: Record<string, string> = { loner: '10.213.0.13', master: '10.213.0.10', node1: '10.213.0.11', node2: '10.213.0.12' };
const KEY = '/var/cache/k8splay/rootfs-x/harness_ed25519';
const KNOWN = '/var/lib/k8splay/sandbox/lab-test/known_hosts';

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'k8sp-inv-'));
  mkdirSync(join(dir, 'lab/group_vars'), { recursive: true });
  mkdirSync(join(dir, 'lab/host_vars'), { recursive: true });
  writeFileSync(join(dir, 'lab/hosts.ini'), [
    'loner ansible_connection=local',
    '[masters]',
    'master ansible_host=192.168.2.100 node_role=control-plane pods=3',
    '[workers]',
    "node1 ansible_host=192.168.2.101 ansible_ssh_common_args='-o ProxyJump=bastion.example.test'",
    'node2 ansible_host=192.168.2.102 ansible_port=2222',
    '[cluster:children]', 'masters', 'workers',
    '[cluster:vars]', 'swap_off=True', 'label="a string with spaces"', 'who=cluster', 'ports=[80, 443]',
    '[all:vars]', 'ansible_user=centos', 'k8s_version=1.13.3', 'who=all',
    '[masters:vars]', 'ansible_ssh_private_key_file=/home/u/.ssh/lab', 'tmpl="{{ k8s_version }}-x"',
    '',
  ].join('\n'));
  // A group_vars file beats every [g:vars] line, even of a deeper group (who=cluster loses).
  writeFileSync(join(dir, 'lab/group_vars/all.yml'), 'cni:\n  name: flannel\n  cidr: 10.244.0.0/16\nwho: all-file\n');
  writeFileSync(join(dir, 'lab/host_vars/master.yml'), 'pods: 4\nansible_host: 192.168.2.200\n');
});

after(() => { if (dir) rmSync(dir, { recursive: true, force: true }); });

async function generate(): Promise<string> {
  const inventory = await loadInventory([join(dir, 'lab/hosts.ini')]);
  const names = inventoryHostNames(inventory);
  return writeSandboxInventory(join(dir, 'out'), {
    sandboxName: 'lab-test', inventory, hosts: names.map((name) => ({ name, address: addresses[name]! })), privateKey: KEY, knownHosts: KNOWN,
  });
}

function allText(root: string): string {
  const parts: string[] = [];
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) e.isDirectory() ? walk(join(d, e.name)) : parts.push(readFileSync(join(d, e.name), 'utf8'));
  };
  walk(root);
  return parts.join('\n');
}

test('no original address or connection setting survives anywhere in the generated files', async () => {
  const ini = await generate();
  const all = allText(join(dir, 'out'));
  assert.doesNotMatch(all, /192\.168\.2\./);
  assert.doesNotMatch(all, /ProxyJump|centos|\/home\/u\/\.ssh|2222|ansible_connection=local/);
  assert.match(readFileSync(ini, 'utf8'), /^master ansible_host=10\.213\.0\.10 ansible_port=22 ansible_user=root /m);
});

test('inventory addresses (inline and from host_vars files) are collected so the bridge subnet avoids them', async () => {
  const inventory = await loadInventory([join(dir, 'lab/hosts.ini')]);
  assert.deepEqual(inventoryAddresses(inventory).sort(), ['192.168.2.100', '192.168.2.101', '192.168.2.102', '192.168.2.200']);
  assert.deepEqual(inventoryHostNames(inventory), ['loner', 'master', 'node1', 'node2']);
});

test('python literals for [g:vars] values', () => {
  assert.equal(pythonLiteral('1.13.3'), '"1.13.3"');
  assert.equal(pythonLiteral(true), 'True');
  assert.equal(pythonLiteral(null), 'None');
  assert.equal(pythonLiteral({ a: [1, 'x', false] }), '{"a": [1, "x", False]}');
  assert.equal(pythonLiteral('it\'s "q"\n'), '"it\'s \\"q\\"\\n"');
});

const ansible = spawnSync('ansible-inventory', ['--version'], { encoding: 'utf8' }).status === 0;

function ansibleList(ini: string): { _meta: { hostvars: Record<string, Record<string, unknown>> } } & Record<string, { hosts?: string[]; children?: string[] }> {
  const r = spawnSync('ansible-inventory', ['-i', ini, '--list'], { encoding: 'utf8', cwd: dir, env: { ...process.env, ANSIBLE_HOME: join(dir, '.ansible'), ANSIBLE_LOCAL_TEMP: join(dir, '.ansible/tmp') } });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout);
}

test('ansible-inventory: same groups and variables as the original, connection pointed at the containers', { skip: ansible ? false : 'ansible-inventory is not installed' }, async () => {
  const ini = await generate();
  const orig = ansibleList(join(dir, 'lab/hosts.ini'));
  const gen = ansibleList(ini);
  const strip = (v: Record<string, unknown>): Record<string, unknown> =>
    Object.fromEntries(Object.entries(v).filter(([k]) => !REPLACED_CONNECTION_VARS.has(k) && k !== 'k8splay_sandbox'));
  for (const h of Object.keys(addresses)) {
    assert.deepEqual(strip(gen._meta.hostvars[h]!), strip(orig._meta.hostvars[h]!), h);
    const hv = gen._meta.hostvars[h]!;
    assert.equal(hv.ansible_host, addresses[h]);
    assert.equal(hv.ansible_user, 'root');
    assert.equal(hv.ansible_port, 22);
    assert.equal(hv.ansible_connection, 'ssh');
    assert.equal(hv.ansible_ssh_private_key_file, KEY);
    assert.equal(hv.ansible_ssh_common_args, `-o UserKnownHostsFile=${KNOWN} -o StrictHostKeyChecking=yes`);
  }
  // Sanity of the comparison itself: these come from every layer.
  assert.equal(orig._meta.hostvars.master!.pods, 4);
  assert.equal(orig._meta.hostvars.node1!.who, 'all-file');
  assert.deepEqual(orig._meta.hostvars.node2!.ports, [80, 443]);
  for (const g of ['all', 'ungrouped', 'masters', 'workers', 'cluster']) {
    assert.deepEqual(gen[g]?.hosts ?? [], orig[g]?.hosts ?? [], g);
    assert.deepEqual((gen[g]?.children ?? []).sort(), (orig[g]?.children ?? []).sort(), g);
  }
});
