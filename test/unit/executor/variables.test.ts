/**
 * Variable scopes: Ansible's precedence, and the per-host layer reused between tasks (inventory
 * variables with facts) made again whenever the facts change, which task scopes inherit.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { addChildGroup, addGroup, addHost, emptyInventory, reconcileInventory, setGroupVar, setHostVar } from '../../../src/inventory/build.js';
import { VariableManager, scopeWith, type PlayScope } from '../../../src/executor/variables.js';
import { createModuleContext } from '../../../src/executor/module-context.js';
import { evaluateCondition, renderValue } from '../../../src/template/index.js';
import { flatVars } from '../../../src/template/scope.js';
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
  // A runtime variable changed in place (set_fact again) is seen too.
  h1.runtimeVars.ansible_port = 2300;
  check();
  assert.equal(vars.hostLevelSubset('h1', keep).ansible_port, 2300);
  // Another filter on the same layer gets its own answer.
  assert.deepEqual(vars.hostLevelSubset('h1', (k) => k === 'level'), { level: 'host' });
  // Each answer is the caller's own: changing it changes no later answer.
  const mine = vars.hostLevelSubset('h1', keep);
  mine.ansible_port = 'changed';
  check();
  // Magic variables are read each time: group_names is a new list every time, as in hostLevel.
  const groupNames = (k: string): boolean => k === 'group_names';
  const g1 = vars.hostLevelSubset('h1', groupNames).group_names as string[];
  g1.push('changed');
  assert.deepEqual(vars.hostLevelSubset('h1', groupNames), { group_names: ['web'] });
});

/*
 * Task scopes inherit the host's inventory-and-facts layer instead of copying it (variables.ts):
 * everything that reads a scope must still see it as one object with every variable.
 */

/**
 * What a task scope showed when it was one copied object (variables.ts before scopes inherited),
 * built here from the layers themselves in Ansible's order, not from taskScope: inventory and
 * facts, play vars, block/task layers, runtime vars, params, extra vars, overrides, magic vars.
 */
function copiedScope(vars: VariableManager, hosts: Map<string, HostState>, host: string, play: PlayScope,
  layers: Array<Record<string, unknown>>, params: Record<string, unknown> = {}, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const st = hosts.get(host)!;
  const factVars = { ansible_facts: st.facts, ...Object.fromEntries(Object.entries(st.facts ?? {}).map(([k, v]) => [`ansible_${k}`, v])) };
  const below = { ...vars.inventoryVars(host), ...factVars, ...st.runtimeVars, extra: 'x', ...overrides };
  // The magic variables: what hostvars shows beyond those layers.
  const magic = Object.fromEntries(Object.entries(vars.hostLevel(host)).filter(([k]) => !(k in below)));
  return Object.assign({}, vars.inventoryVars(host), factVars, play.playVars, ...layers, st.runtimeVars, params, { extra: 'x' }, overrides, magic, {
    play_hosts: play.batch, ansible_play_hosts: play.playHosts, ansible_play_batch: play.batch,
    ansible_play_hosts_all: play.playHosts, ansible_play_name: play.playName,
  });
}

test('a task scope lists its variables in the order and with the values of one copied object', () => {
  const { vars, hosts, play } = setup({ h1: { over: 'ridden' } });
  const h1 = hosts.get('h1')!;
  h1.facts = { distribution: 'CentOS', level: 'fact' };
  h1.factsGathered = true;
  h1.runtimeVars.registered = 'r';
  const layers = [{ level: 'block', b: 1 }, { level: 'task' }];
  const scope = vars.taskScope('h1', play, layers, { item: 7 });
  const expected = copiedScope(vars, hosts, 'h1', play, layers, { item: 7 }, { over: 'ridden' });
  // `level` comes from the inventory first: it keeps that place, with the task's value.
  const names = Object.keys(expected);
  assert.ok(names.indexOf('level') < names.indexOf('ansible_distribution') && names.indexOf('ansible_distribution') < names.indexOf('pv'));
  assert.deepEqual(flatVars(scope), expected);
  assert.deepEqual(renderValue('{{ vars.keys() | list }}', scope), names);
  assert.equal(renderValue('{{ vars.level }}/{{ vars["ansible_distribution"] }}/{{ vars.over }}', scope), 'task/CentOS/ridden');
  // A loop item's scope, on top: the item and everything below it.
  const item = scopeWith(scope, { item: 'i', ansible_loop_var: 'item' });
  assert.deepEqual(renderValue('{{ vars.keys() | list }}', item), [...names, 'ansible_loop_var']);
  assert.equal(renderValue('{{ item }} {{ level }} {{ ansible_distribution }}', item), 'i task CentOS');
  assert.equal(scope.item, 7, 'the scope below is not changed');
});

test('an inherited variable holding undefined is defined, as in a copied scope', () => {
  const { vars, hosts, play } = setup();
  const h1 = hosts.get('h1')!;
  h1.facts = { distribution: 'CentOS', empty: undefined };
  h1.factsGathered = true;
  const scope = vars.taskScope('h1', play, []);
  assert.equal(evaluateCondition('ansible_empty is defined', scope), true);
  assert.equal(evaluateCondition('ansible_missing is defined', scope), false);
  assert.equal(evaluateCondition('toString is defined', scope), false);
});

test('a module sees the task scope as one plain object, with every variable its own', () => {
  const { vars, hosts, play } = setup();
  const h1 = hosts.get('h1')!;
  h1.facts = { distribution: 'CentOS' };
  h1.factsGathered = true;
  const scope = scopeWith(vars.taskScope('h1', play, [{ t: 1 }]), { item: 3 });
  const ctx = createModuleContext({
    host: 'h1', vars: scope, facts: h1.facts, checkMode: false, diffMode: false, verbosity: 0, become: false,
    searchDirs: ['/pb'], warn: () => undefined,
  });
  const seen = ctx.host.vars;
  assert.equal(Object.getPrototypeOf(seen), Object.prototype);
  for (const k of ['level', 'ansible_distribution', 'pv', 't', 'item', 'inventory_hostname']) {
    assert.ok(Object.prototype.hasOwnProperty.call(seen, k), k);
  }
  assert.deepEqual(seen, { ...copiedScope(vars, hosts, 'h1', play, [{ t: 1 }]), item: 3 });
  assert.equal(ctx.host.vars, seen, 'made once per context');
  assert.equal(ctx.evaluate!('item + t'), 4);
});
