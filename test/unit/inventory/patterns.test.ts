import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InventoryError } from '../../../src/errors.js';
import {
  globToRegExp,
  orderPatterns,
  parseIniInventory,
  parseLimit,
  resolveHostPattern,
  selectHosts,
  splitHostPattern,
} from '../../../src/inventory/index.js';
import { ansiblePython, NO_ANSIBLE, runAnsiblePython } from './ansible-oracle.js';

const TEXT = `u1
u2:2200
[k8s:children]
masters
nodes
[nodes]
node[1:3]
gpu-a
[masters]
m1
[web-servers]
web1
web2
u1
[db]
db1
web1
[lab:children]
k8s
db
`;
const inv = parseIniInventory(TEXT, '/inv/hosts');
const sel = (p: string | string[]) => selectHosts(inv, p);

test('all, *, groups and hosts, in inventory order', () => {
  // `all` lists hosts group by group, level by level (Ansible's Group.get_hosts).
  assert.deepEqual(sel('all'), ['u2', 'web1', 'web2', 'u1', 'db1', 'node1', 'node2', 'node3', 'gpu-a', 'm1']);
  assert.deepEqual(sel('*'), sel('all'));
  assert.deepEqual(sel('k8s'), ['node1', 'node2', 'node3', 'gpu-a', 'm1']);
  assert.deepEqual(sel('m1'), ['m1']);
  assert.deepEqual(sel('ungrouped'), ['u2']);
  assert.deepEqual(sel('lab'), ['db1', 'web1', 'node1', 'node2', 'node3', 'gpu-a', 'm1']);
});

test('union, intersection and exclusion; & and ! apply after the plain patterns', () => {
  assert.deepEqual(sel('masters:db'), ['m1', 'db1', 'web1']);
  assert.deepEqual(sel('masters,db'), ['m1', 'db1', 'web1']);
  assert.deepEqual(sel('web-servers:&db'), ['web1']);
  assert.deepEqual(sel('web-servers:!db'), ['web2', 'u1']);
  // Written order does not matter: the exclusion still applies last.
  assert.deepEqual(sel('!db:web-servers'), ['web2', 'u1']);
  // Only exclusions: they apply to all.
  assert.deepEqual(sel('!k8s:!lab'), ['u2', 'web2', 'u1']);
  assert.deepEqual(sel(['masters', 'u1']), ['m1', 'u1']);
});

test('globs and regexes match group names and host names', () => {
  // node? matches the group `nodes` as well as the hosts node1..3.
  assert.deepEqual(sel('node?'), ['node1', 'node2', 'node3', 'gpu-a']);
  assert.deepEqual(sel('m?'), ['m1']);
  assert.deepEqual(sel('web*'), ['web1', 'web2', 'u1']); // the group web-servers, then hosts web1, web2
  assert.deepEqual(sel('~(m|db)\\d'), ['m1', 'db1']);
  // A regex matches from the start only, group names too: ~node matches the group nodes.
  assert.deepEqual(sel('~node'), ['node1', 'node2', 'node3', 'gpu-a']);
  assert.deepEqual(sel('~ode'), []);
  assert.deepEqual(sel('[mn]*'), ['node1', 'node2', 'node3', 'gpu-a', 'm1']);
});

test('subscripts pick from what a pattern matched', () => {
  assert.deepEqual(sel('nodes[0]'), ['node1']);
  assert.deepEqual(sel('nodes[-1]'), ['gpu-a']);
  assert.deepEqual(sel('nodes[1:2]'), ['node2', 'node3']);
  assert.deepEqual(sel('nodes[2:]'), ['node3', 'gpu-a']);
  assert.deepEqual(sel('nodes[3:9]'), ['gpu-a']);
  assert.throws(() => sel('nodes[9]'), (e: unknown) => e instanceof InventoryError && /No hosts matched the subscripted pattern 'nodes\[9\]'/.test(e.message));
});

test('localhost is implicit; unmatched patterns add no host and are reported', () => {
  assert.deepEqual(sel('localhost'), ['localhost']);
  assert.deepEqual(sel('all'), sel('all').filter((h) => h !== 'localhost'));
  const r = resolveHostPattern(inv, 'masters:nosuch:!other');
  assert.deepEqual(r.hosts, ['m1']);
  assert.deepEqual(r.unmatched, ['nosuch', 'other']);
  const explicit = parseIniInventory('127.0.0.1 ansible_connection=local\n', '/x');
  assert.deepEqual(selectHosts(explicit, 'localhost'), ['127.0.0.1']);
});

test('limit narrows the selection, @file reads one pattern a line', () => {
  assert.deepEqual(selectHosts(inv, 'all', { limit: ['nodes', 'm1'] }), ['node1', 'node2', 'node3', 'gpu-a', 'm1']);
  assert.deepEqual(selectHosts(inv, 'k8s', { limit: ['!masters'] }), ['node1', 'node2', 'node3', 'gpu-a']);
  const dir = mkdtempSync(join(tmpdir(), 'k8splay-limit-'));
  try {
    writeFileSync(join(dir, 'retry'), 'node2\nm1\n\n');
    const limit = parseLimit('@retry,db1', { cwd: dir });
    assert.deepEqual(limit, ['node2', 'm1', 'db1']);
    assert.deepEqual(selectHosts(inv, 'all', { limit }), ['db1', 'node2', 'm1']);
    assert.throws(() => parseLimit('@missing', { cwd: dir }), (e: unknown) => e instanceof InventoryError && /Unable to find limit file/.test(e.message));
    assert.throws(() => parseLimit('@.', { cwd: dir }), /must be a file, not a directory/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('splitting and ordering patterns', () => {
  assert.deepEqual(splitHostPattern('a:b:!c:&d'), ['a', 'b', '!c', '&d']);
  assert.deepEqual(splitHostPattern('a, b ,c'), ['a', 'b', 'c']);
  assert.deepEqual(splitHostPattern('web[1:3]'), ['web[1:3]']);
  assert.deepEqual(splitHostPattern('fe80::1'), ['fe80::1']);
  assert.deepEqual(splitHostPattern('x[0:1]:y'), ['x[0:1]', 'y']);
  assert.deepEqual(orderPatterns(['!a', 'b', '&c', 'd']), ['b', 'd', '&c', '!a']);
  assert.deepEqual(orderPatterns(['!a']), ['all', '!a']);
});

test('glob translation follows fnmatch', () => {
  assert.ok(globToRegExp('web*').test('web-01'));
  assert.ok(!globToRegExp('web?').test('web10'));
  assert.ok(globToRegExp('n[!0-3]').test('n7'));
  assert.ok(!globToRegExp('n[!0-3]').test('n2'));
  assert.ok(globToRegExp('a.b').test('a.b'));
  assert.ok(!globToRegExp('a.b').test('axb'));
  assert.ok(globToRegExp('x[').test('x['));
});

test('an invalid regex is an InventoryError', () => {
  assert.throws(() => sel('~(open'), (e: unknown) => e instanceof InventoryError && /Invalid host list pattern/.test(e.message));
});

const python = ansiblePython();

test("patterns agree with Ansible's InventoryManager", { skip: python ? false : NO_ANSIBLE }, () => {
  const patterns = [
    'all', '*', 'k8s', 'lab', 'nodes', 'ungrouped', 'masters:db', 'masters,db', 'web-servers:&db', 'web-servers:!db',
    '!db:web-servers', '!k8s:!lab', 'node?', 'web*', '~(m|db)\\d', '~node', '[mn]*', 'nodes[0]', 'nodes[-1]', 'nodes[1:2]',
    'nodes[2:]', 'localhost', 'u1', 'u2', 'k8s:&lab:!masters', 'db:web-servers:nodes[0]', 'g*', '*-*', 'lab[1:3]',
  ];
  const dir = mkdtempSync(join(tmpdir(), 'k8splay-patterns-'));
  try {
    const file = join(dir, 'hosts');
    writeFileSync(file, TEXT);
    const want = runAnsiblePython(
      `from ansible.parsing.dataloader import DataLoader
from ansible.inventory.manager import InventoryManager
im = InventoryManager(DataLoader(), sources=[DATA['file']])
print(json.dumps({p: [h.name for h in im.get_hosts(p)] for p in DATA['patterns']}))`,
      { file, patterns },
    ) as Record<string, string[]>;
    const ours = parseIniInventory(TEXT, file);
    for (const p of patterns) assert.deepEqual(selectHosts(ours, p), want[p], p);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
