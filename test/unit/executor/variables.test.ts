/**
 * Variable scopes: Ansible's precedence, and the per-host layer reused between tasks (inventory
 * variables with facts) made again whenever the facts change.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { addChildGroup, addGroup, addHost, emptyInventory, reconcileInventory, setGroupVar, setHostVar } from '../../../src/inventory/build.js';
import { VariableManager, type PlayScope } from '../../../src/executor/variables.js';
import { HostState } from '../../../src/executor/host-state.js';
import { connectionVars } from '../../../src/executor/connection-vars.js';
import type { Runtime } from '../../../src/executor/runtime.js';

function setup(overrides: Record<string, Record<string, unknown>> = {}) {
  const inv = emptyInventory();
  addGroup(inv, 'web');
  addChildGroup(inv, 'all', 'web');
  addHost(inv, 'h1', { group: 'web' });
  addHost(inv, 'h2', { group: 'web' });
  setGroupVar(inv, 'web', 'level', 'group');
  setGroupVar(inv, 'web', 'net', '10.1.2');
  setHostVar(inv, 'h1', 'level', 'host');
  setHostVar(inv, 'h1', 'ansible_host', '{{ net }}.1');
  setHostVar(inv, 'h1', 'ansible_port', 2222);
  reconcileInventory(inv);
  const hosts = new Map([['h1', new HostState('h1')], ['h2', new HostState('h2')]]);
  const vars = new VariableManager(inv, hosts, { extra: 'x' }, {
    playbookDir: '/pb', checkMode: false, diffMode: false, verbosity: 0, omit: Symbol('omit'),
  }, overrides);
  const play: PlayScope = { playHosts: ['h1', 'h2'], batch: ['h1', 'h2'], playName: 'p', playVars: { level: 'play', pv: 1 } };
  return { vars, hosts, play };
}

test('a task scope layers the variables in Ansible\'s order', () => {
  const { vars, hosts, play } = setup({ h1: { over: 'ridden', extra: 'override wins over extra vars' } });
  const h1 = hosts.get('h1')!;
  h1.facts = { distribution: 'CentOS', level: 'fact' };
  h1.factsGathered = true;
  h1.runtimeVars.registered = 'r';
  const s = vars.taskScope('h1', play, [{ level: 'block', b: 1 }, { level: 'task' }], { item: 7 });
  assert.equal(s.level, 'task');
  assert.equal(s.ansible_distribution, 'CentOS');
  assert.deepEqual(s.ansible_facts, { distribution: 'CentOS', level: 'fact' });
  assert.equal(s.pv, 1);
  assert.equal(s.b, 1);
  assert.equal(s.registered, 'r');
  assert.equal(s.item, 7);
  assert.equal(s.extra, 'override wins over extra vars');
  assert.equal(s.inventory_hostname, 'h1');
  assert.deepEqual(s.group_names, ['web']);
  assert.deepEqual(s.ansible_play_hosts, ['h1', 'h2']);
  // Runtime variables win over task vars; extra vars over everything but the magic names.
  h1.runtimeVars.level = 'set_fact';
  assert.equal(vars.taskScope('h1', play, [{ level: 'task' }]).level, 'set_fact');
  assert.equal(vars.taskScope('h2', play, [], { extra: 'param' }).extra, 'x');
});

test('new facts show at once in task scopes and in hostvars; cleared facts go away', () => {
  const { vars, hosts, play } = setup();
  const h1 = hosts.get('h1')!;
  assert.equal(vars.taskScope('h1', play, []).ansible_distribution, undefined);
  h1.facts = { distribution: 'CentOS' };
  h1.factsGathered = true;
  assert.equal(vars.taskScope('h1', play, []).ansible_distribution, 'CentOS');
  // A module's facts replace the facts object (task-runner.ts register()).
  h1.facts = { ...h1.facts, hostname: 'node1' };
  const s = vars.taskScope('h1', play, []);
  assert.equal(s.ansible_hostname, 'node1');
  assert.equal(s.ansible_distribution, 'CentOS');
  const hv = vars.taskScope('h2', play, []).hostvars as Record<string, Record<string, unknown>>;
  assert.equal(hv.h1!.ansible_hostname, 'node1');
  assert.equal(vars.hostLevel('h1').level, 'host');
  h1.facts = {};
  h1.factsGathered = false;
  assert.equal(vars.taskScope('h1', play, []).ansible_hostname, undefined);
  assert.deepEqual(vars.hostLevel('h1').ansible_facts, {});
});

test('scopes are separate objects: changing one changes no other', () => {
  const { vars, hosts, play } = setup();
  hosts.get('h1')!.facts = { distribution: 'CentOS' };
  hosts.get('h1')!.factsGathered = true;
  const a = vars.taskScope('h1', play, []);
  a.ansible_distribution = 'changed';
  (a.group_names as string[]).push('changed');
  const b = vars.taskScope('h1', play, []);
  assert.equal(b.ansible_distribution, 'CentOS');
  assert.deepEqual(b.group_names, ['web']);
  assert.notEqual(vars.hostLevel('h1'), vars.hostLevel('h1'));
  assert.deepEqual(vars.hostLevel('h1').group_names, ['web']);
});

test('connection variables: templates rendered in the host\'s variables, set_fact and play keywords seen', () => {
  const { vars, hosts } = setup();
  const rt = { vars } as unknown as Runtime;
  assert.deepEqual(connectionVars(rt, 'h1'), { ansible_host: '10.1.2.1', ansible_port: 2222 });
  assert.deepEqual(connectionVars(rt, 'h2', { connection: 'local', remoteUser: 'admin' }), { ansible_connection: 'local', ansible_user: 'admin' });
  hosts.get('h2')!.runtimeVars.ansible_user = 'deploy';
  hosts.get('h2')!.runtimeVars.unrelated = '{{ undefined_thing }}';
  assert.deepEqual(connectionVars(rt, 'h2', { remoteUser: 'admin' }), { ansible_user: 'deploy' });
});

test('hostLevelSubset: the names of hostLevel that pass the filter, as the layers change', () => {
  const { vars, hosts } = setup({ h1: { ansible_user: 'from-override' } });
  const h1 = hosts.get('h1')!;
  const keep = (k: string): boolean => k.startsWith('ansible_') && k !== 'ansible_facts';
  const expected = (): Record<string, unknown> =>
    Object.fromEntries(Object.entries(vars.hostLevel('h1')).filter(([k]) => keep(k)));
  const check = (): void => assert.deepEqual(vars.hostLevelSubset('h1', keep), expected());
  check();
  // Facts gathered, then replaced by a module's: the remembered names follow the new layer.
  h1.facts = { distribution: 'CentOS', port: 1 };
  h1.factsGathered = true;
  check();
  assert.equal(vars.hostLevelSubset('h1', keep).ansible_distribution, 'CentOS');
  h1.facts = { hostname: 'node1' };
  check();
  assert.equal(vars.hostLevelSubset('h1', keep).ansible_distribution, undefined);
  assert.equal(vars.hostLevelSubset('h1', keep).ansible_hostname, 'node1');
  // set_fact and overrides win over facts and inventory.
  h1.runtimeVars.ansible_port = 2200;
  check();
  assert.equal(vars.hostLevelSubset('h1', keep).ansible_port, 2200);
  assert.equal(vars.hostLevelSubset('h1', keep).ansible_user, 'from-override');
  // Another filter on the same layer gets its own answer.
  assert.deepEqual(vars.hostLevelSubset('h1', (k) => k === 'level'), { level: 'host' });
});
