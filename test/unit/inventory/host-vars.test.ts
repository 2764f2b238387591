import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { InventoryError } from '../../../src/errors.js';
import {
  groupDepths,
  groupNames,
  groupsMap,
  hostVars,
  loadInventory,
  parseIniInventory,
  sortGroups,
  type Inventory,
  type VarsDir,
} from '../../../src/inventory/index.js';
import { ansiblePython, NO_ANSIBLE, runAnsiblePython } from './ansible-oracle.js';

const FIXTURES = join(import.meta.dirname, '../../fixtures/inventory/parity');

const CHAIN = `[all:vars]
v=all
only_all=1
[top:children]
mid
[top:vars]
v=top
[mid:children]
leaf
[mid:vars]
v=mid
[leaf]
h1
h2 v=host
[leaf:vars]
v=leaf
[other]
h1
[other:vars]
v=other
`;

test('precedence: all < parent < child < host', () => {
  const inv = parseIniInventory(CHAIN, '/i/hosts');
  // h1 is in leaf (depth 3) and other (depth 1): the deeper group wins.
  assert.equal(hostVars(inv, 'h1')['v'], 'leaf');
  assert.equal(hostVars(inv, 'h2')['v'], 'host');
  assert.equal(hostVars(inv, 'h1')['only_all'], 1);
  const d = groupDepths(inv);
  assert.deepEqual([d.get('all'), d.get('top'), d.get('mid'), d.get('leaf'), d.get('other')], [0, 1, 2, 3, 1]);
});

test('same depth: name order, unless ansible_group_priority', () => {
  const inv = parseIniInventory('[b]\nh\n[a]\nh\n[a:vars]\nx=a\n[b:vars]\nx=b\n', '/i');
  assert.equal(hostVars(inv, 'h')['x'], 'b');
  assert.deepEqual(sortGroups(inv, ['b', 'a', 'ungrouped']), ['a', 'b', 'ungrouped']);
  const inv2 = parseIniInventory('[b]\nh\n[a]\nh\n[a:vars]\nx=a\nansible_group_priority=2\n[b:vars]\nx=b\n', '/i');
  assert.equal(hostVars(inv2, 'h')['x'], 'a');
});

test('group_names: ancestors, sorted, without all; groups: every group with its hosts', () => {
  const inv = parseIniInventory('lonely\n' + CHAIN, '/i/hosts');
  assert.deepEqual(groupNames(inv, 'h1'), ['leaf', 'mid', 'other', 'top']);
  const groups = groupsMap(inv);
  assert.deepEqual(groups['all'], ['lonely', 'h1', 'h2']);
  assert.deepEqual(groups['top'], ['h1', 'h2']);
  assert.deepEqual(groups['other'], ['h1']);
  assert.deepEqual(groups['ungrouped'], ['lonely']);
  assert.deepEqual(groupNames(inv, 'lonely'), ['ungrouped']);
  assert.deepEqual(Object.keys(groups), ['all', 'ungrouped', 'top', 'mid', 'leaf', 'other']);
});

test('the implicit localhost gets all vars, no group', () => {
  const inv = parseIniInventory('[all:vars]\nntp=x\n[web]\nw1\n', '/i');
  assert.deepEqual(hostVars(inv, 'localhost'), { ansible_connection: 'local', ntp: 'x' });
  assert.deepEqual(groupNames(inv, 'localhost'), []);
  assert.equal(groupsMap(inv)['all']!.includes('localhost'), false);
});

test('hostVars returns a copy and refuses an unknown host', () => {
  const inv = parseIniInventory('h l="[1]"\n', '/i');
  const v = hostVars(inv, 'h');
  (v['l'] as number[]).push(2);
  assert.deepEqual(hostVars(inv, 'h')['l'], [1]);
  assert.throws(() => hostVars(inv, 'nope'), InventoryError);
});

test('vars folders layer on top of every inventory group var, playbook ones last', () => {
  const inv: Inventory = parseIniInventory('[parent:children]\nchild\n[child]\nh\n[child:vars]\nx=ini-child\ny=ini-child\n[all:vars]\nz=ini-all\n', '/i');
  const layer = (kind: VarsDir['kind'], groups: Record<string, Record<string, unknown>>, hosts: Record<string, Record<string, unknown>> = {}): VarsDir => ({
    dir: `/${kind}`, kind, groupVars: new Map(Object.entries(groups)), hostVars: new Map(Object.entries(hosts)),
  });
  inv.varsDirs = [
    layer('playbook', { child: { y: 'play-child' }, all: { z: 'play-all' } }, { h: { w: 'play-host' } }),
    layer('inventory', { parent: { x: 'file-parent', y: 'file-parent' }, all: { z: 'file-all', a: 'file-all' } }, { h: { w: 'file-host' } }),
  ];
  const v = hostVars(inv, 'h');
  // A parent's group_vars file beats the child's INI vars: all files come after all INI groups.
  assert.equal(v['x'], 'file-parent');
  assert.equal(v['y'], 'play-child');
  assert.equal(v['z'], 'play-all');
  assert.equal(v['a'], 'file-all');
  assert.equal(v['w'], 'play-host');
});

const python = ansiblePython();

test("group_names and groups agree with Ansible's", { skip: python ? false : NO_ANSIBLE }, async () => {
  for (const name of ['children-chain', 'priority', 'ranges', 'multi-source']) {
    const dir = join(FIXTURES, name);
    const sources = name === 'multi-source' ? [join(dir, 'first'), join(dir, 'second')] : [join(dir, 'hosts')];
    const want = runAnsiblePython(
      `from ansible.parsing.dataloader import DataLoader
from ansible.inventory.manager import InventoryManager
im = InventoryManager(DataLoader(), sources=DATA)
print(json.dumps({'groups': im.get_groups_dict(), 'names': {h: im.get_host(h).get_vars()['group_names'] for h in im.hosts}}))`,
      sources,
    ) as { groups: Record<string, string[]>; names: Record<string, string[]> };
    const inv = await loadInventory(sources);
    assert.deepEqual(groupsMap(inv), want.groups, name);
    for (const [h, names] of Object.entries(want.names)) assert.deepEqual(groupNames(inv, h), names, `${name}: ${h}`);
  }
});
