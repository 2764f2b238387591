import { test } from 'node:test';
import assert from 'node:assert/strict';
import { InventoryError } from '../../../src/errors.js';
import { groupNames, hostVars, parseIniInventory } from '../../../src/inventory/index.js';

const F = '/inv/hosts';
const parse = (text: string) => parseIniInventory(text, F);

/** Asserts parsing fails with an InventoryError at F:line whose message matches. */
function assertError(text: string, line: number, message: RegExp): InventoryError {
  let caught: unknown;
  try {
    parse(text);
  } catch (e) {
    caught = e;
  }
  assert.ok(caught instanceof InventoryError, `expected an InventoryError, got ${String(caught)}`);
  assert.match(caught.message, message);
  assert.deepEqual({ file: caught.location?.file, line: caught.location?.line }, { file: F, line });
  assert.ok(caught.describe().includes(`${F}:${line}`), caught.describe());
  return caught;
}

test('[g:hosts] is the same as [g]', () => {
  assert.deepEqual(parse('[web:hosts]\nw1\n').groups.get('web')!.hosts, ['w1']);
});

test('groups, hosts and the implicit all/ungrouped', () => {
  const inv = parse('solo\n[web]\nw1\nw2\n[db]\nd1\n');
  assert.deepEqual([...inv.groups.keys()], ['all', 'ungrouped', 'web', 'db']);
  assert.deepEqual(inv.groups.get('all')!.children, ['ungrouped', 'web', 'db']);
  assert.deepEqual(inv.groups.get('web')!.hosts, ['w1', 'w2']);
  assert.deepEqual(inv.groups.get('web')!.parents, ['all']);
  assert.deepEqual(inv.groups.get('ungrouped')!.hosts, ['solo']);
  assert.deepEqual(inv.hosts.get('w1')!.groups, ['web']);
  assert.deepEqual(inv.hosts.get('w1')!.location, { file: F, line: 3 });
  assert.deepEqual(inv.sources, [F]);
});

test('ungrouped holds only hosts in no other group', () => {
  const inv = parse('u1\nw1\n[web]\nw1\n');
  assert.deepEqual(inv.groups.get('ungrouped')!.hosts, ['u1']);
  assert.deepEqual(inv.hosts.get('w1')!.groups, ['web']);
  assert.deepEqual(groupNames(inv, 'u1'), ['ungrouped']);
  // A host listed in [all] is also ungrouped (Ansible's reconcile).
  const inv2 = parse('[all]\nh\n');
  assert.deepEqual(inv2.groups.get('ungrouped')!.hosts, ['h']);
});

test('the implicit localhost exists only when no host is named like it', () => {
  const inv = parse('[web]\nw1\n');
  const lh = inv.hosts.get('localhost')!;
  assert.equal(lh.implicit, true);
  assert.deepEqual(lh.vars, { ansible_connection: 'local' });
  assert.deepEqual(lh.groups, []);
  assert.ok(!inv.groups.get('ungrouped')!.hosts.includes('localhost'));
  const inv2 = parse('127.0.0.1\n');
  assert.equal(inv2.hosts.has('localhost'), false);
  assert.equal(inv2.hosts.get('127.0.0.1')!.implicit, undefined);
});

test(':children declares links, also to groups declared later', () => {
  const inv = parse('[k8s:children]\nmasters\nnodes\n[k8s:vars]\nx=1\n[masters:vars]\ny=2\n[nodes]\nn1\n[masters]\nm1\n');
  // Ansible links a pending child when its own section appears: nodes before masters here.
  assert.deepEqual(inv.groups.get('k8s')!.children, ['nodes', 'masters']);
  assert.deepEqual(inv.groups.get('masters')!.parents, ['k8s']);
  assert.deepEqual(inv.groups.get('all')!.children, ['ungrouped', 'k8s']);
  assert.deepEqual(groupNames(inv, 'm1'), ['k8s', 'masters']);
});

test('host:port sets ansible_port, only when the host is new', () => {
  const inv = parse('[a]\nh1:2222\n[b]\nh1:3333\n[c]\n[::1]:22\n10.0.0.1:2200\n');
  assert.equal(inv.hosts.get('h1')!.vars['ansible_port'], 2222);
  assert.equal(inv.hosts.get('::1')!.vars['ansible_port'], 22);
  assert.equal(inv.hosts.get('10.0.0.1')!.vars['ansible_port'], 2200);
});

test('inline host vars are typed like literal_eval; quoting keeps strings', () => {
  const inv = parse(`h p=22 b=True s=str q="'22'" l="[1, 'a']" d="{'k': 1}" f=1.5 n=None z=010 spaced="a b" # comment\n`);
  const v = inv.hosts.get('h')!.vars;
  assert.deepEqual(
    { p: v.p, b: v.b, s: v.s, q: v.q, l: v.l, d: v.d, f: v.f, n: v.n, z: v.z, spaced: v.spaced },
    { p: 22, b: true, s: 'str', q: '22', l: [1, 'a'], d: { k: 1 }, f: 1.5, n: null, z: '010', spaced: 'a b' },
  );
  assert.equal(hostVars(inv, 'h')['inventory_file'], F);
  assert.equal(hostVars(inv, 'h')['inventory_dir'], '/inv');
  assert.equal('inventory_file' in v, false);
});

test('[g:vars] values go through literal_eval too (ansible-core 2.14), comments included', () => {
  const inv = parse('[g]\nh\n[g:vars]\nport=22\nflag=True # literal_eval ignores this comment\nword=plain # but not this one\nq="x"\nsp = a b \neq=x=y\nempty=\n');
  assert.deepEqual(inv.groups.get('g')!.vars, {
    port: 22, flag: true, word: 'plain # but not this one', q: 'x', sp: 'a b', eq: 'x=y', empty: '',
  });
});

test('ansible_group_priority is the group priority, not a variable', () => {
  const inv = parse('[g]\nh\n[g:vars]\nansible_group_priority=5\n');
  assert.equal(inv.groups.get('g')!.priority, 5);
  assert.equal('ansible_group_priority' in inv.groups.get('g')!.vars, false);
  assertError('[g]\nh\n[g:vars]\nansible_group_priority=high\n', 4, /ansible_group_priority of group g must be an integer/);
});

test('comments: # and ; lines, trailing # on host and section lines', () => {
  const inv = parse('# c\n; c\n[web] # trailing\nw1 # trailing\n  ; indented\n');
  assert.deepEqual(inv.groups.get('web')!.hosts, ['w1']);
  assert.deepEqual(inv.hosts.get('w1')!.vars, {});
});

test('ranges expand in host lines with the line vars on every host', () => {
  const inv = parse('[n]\nnode[01:03] role=worker\n');
  assert.deepEqual(inv.groups.get('n')!.hosts, ['node01', 'node02', 'node03']);
  assert.equal(inv.hosts.get('node03')!.vars['role'], 'worker');
});

test('later lines override earlier ones for the same host', () => {
  const inv = parse('[a]\nh x=1 y=1\n[b]\nh x=2\n');
  assert.equal(hostVars(inv, 'h')['x'], 2);
  assert.equal(hostVars(inv, 'h')['y'], 1);
});

test('CRLF line endings and a BOM are read like plain lines', () => {
  const inv = parse('\ufeff[web]\r\nw1\r\n[web:vars]\r\nx=1\r\n');
  assert.deepEqual(inv.groups.get('web')!.hosts, ['w1']);
  assert.equal(inv.groups.get('web')!.vars['x'], 1);
});

test('errors carry file:line', () => {
  const e = assertError('[web]\nw1\n[web:var]\n', 3, /Section \[web:var\] has unknown type: var/);
  assert.ok(e.message.includes("did you mean 'vars'?"), e.message);
  assertError('[web]\nw1\n[db:vars]\nx=1\n', 3, /Section \[db:vars\] not valid for undefined group: db/);
  assertError('[k8s:children]\nmasters\nnodes\n[nodes]\n', 2, /Section \[k8s:children\] includes undefined group: masters/);
  assertError('[web]\nh[1:2:3:4]\n', 2, /host range must be begin:end or begin:end:step/);
  assertError('[web]\nh[1:3\n', 2, /unclosed '\['/);
  assertError('[web]\nw1\n[web:vars]\nnoequals\n', 4, /Expected key=value, got: noequals/);
  assertError('[web ]\n', 1, /Invalid section entry: '\[web \]'/);
  assertError('[web]\nw1 "open\n', 2, /Error parsing host definition .*No closing quotation/);
  assertError('[web]\nw1 novalue\n', 2, /Expected key=value host variable assignment, got: novalue/);
  assertError('[web]\nw1 ; comment\n', 2, /Expected key=value host variable assignment, got: ;/);
  assertError('[g:children]\nbad child\n', 2, /Expected group name, got: bad child/);
  assertError('[web]\nw1:\n', 2, /ending in ':' is not allowed/);
  assertError('[a:children]\nb\n[b:children]\na\n', 4, /recursive dependency loop/);
  assertError('[a:children]\na\n[a]\n', 2, /can't add group a to itself/);
});

test('an error shows the offending line', () => {
  const e = assertError('[web]\n  h[1:x]  \n', 2, /host range/);
  assert.ok(e.details.some((d) => d.includes('h[1:x]')), e.details.join('\n'));
});

test('a :vars section for a group declared later in the file is fine', () => {
  const inv = parse('[web:vars]\nx=1\n[web]\nw1\n');
  assert.equal(hostVars(inv, 'w1')['x'], 1);
});

test('a :vars section alone does not declare a child group', () => {
  assertError('[p:children]\nc\n[c:vars]\nx=1\n', 2, /Section \[p:children\] includes undefined group: c/);
});
