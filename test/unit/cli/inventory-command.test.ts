import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Inventory, InventoryGroup, InventoryHost } from '../../../src/inventory/types.js';
import { inventoryGraph, inventoryOutput } from '../../../src/cli/inventory-command.js';
import { OptionsError } from '../../../src/errors.js';

function inventory(): Inventory {
  const g = (name: string, hosts: string[], children: string[], parents: string[], vars: Record<string, unknown> = {}): [string, InventoryGroup] =>
    [name, { name, hosts, children, parents, vars }];
  const h = (name: string, groups: string[], vars: Record<string, unknown> = {}): [string, InventoryHost] => [name, { name, groups, vars }];
  return {
    hosts: new Map([h('h1', ['web'], { ansible_connection: 'local' }), h('h2', ['web']), h('d1', ['db']), h('bad', ['db'], { ansible_port: 1 })]),
    groups: new Map([
      g('all', [], ['ungrouped', 'web', 'db'], []),
      g('ungrouped', [], [], ['all']),
      g('web', ['h1', 'h2'], [], ['all']),
      g('db', ['d1', 'bad'], [], ['all']),
    ]),
    sources: ['/x/inv.ini'],
  };
}

test('--graph matches ansible-inventory', () => {
  assert.equal(inventoryGraph(inventory()), [
    '@all:', '  |--@ungrouped:', '  |--@web:', '  |  |--h1', '  |  |--h2', '  |--@db:', '  |  |--d1', '  |  |--bad',
  ].join('\n'));
  assert.equal(inventoryGraph(inventory(), 'web'), '@web:\n  |--h1\n  |--h2');
  assert.throws(() => inventoryGraph(inventory(), 'wbe'), (e: unknown) => e instanceof OptionsError && /valid group name.*did you mean 'web'/.test(e.message));
});

test('--host prints that host\'s variables; an unknown host is an option error', () => {
  assert.equal(inventoryOutput(inventory(), { action: 'host', host: 'bad', group: 'all' }), '{\n    "ansible_port": 1\n}');
  assert.equal(inventoryOutput(inventory(), { action: 'host', host: 'h2', group: 'all' }), '{}');
  assert.throws(() => inventoryOutput(inventory(), { action: 'host', host: 'nope', group: 'all' }), /single valid host/);
});

test('--list prints the ansible-inventory document', () => {
  const doc = JSON.parse(inventoryOutput(inventory(), { action: 'list', group: 'all' }));
  assert.deepEqual(doc.all, { children: ['ungrouped', 'web', 'db'] });
  assert.deepEqual(doc.web, { hosts: ['h1', 'h2'] });
  assert.deepEqual(doc._meta.hostvars.h1, { ansible_connection: 'local' });
});
