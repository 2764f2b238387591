import { test } from 'node:test';
import assert from 'node:assert/strict';
import { expandLegacyLoop } from '../../../src/playbook/index.js';
import { PlaybookError } from '../../../src/errors.js';
import { loadText, asTask, rejection } from './helpers.js';

test('with_* keep the raw value and name the lookup', async () => {
  const pb = await loadText(`
- hosts: all
  tasks:
    - debug: msg={{ item }}
      with_items: [a, [b, c]]
    - debug: msg={{ item }}
      with_list: "{{ lists }}"
    - debug: msg={{ item.key }}
      with_dict: {x: 1}
    - debug: msg={{ item }}
      with_items:
    - include_tasks: more.yml
      with_items: [1, 2]
      loop_control: {loop_var: n}
`);
  const [a, b, c, d] = pb.plays[0]!.tasks.slice(0, 4).map(asTask);
  assert.deepEqual([a!.loopWith, a!.loop], ['items', ['a', ['b', 'c']]]);
  assert.deepEqual([b!.loopWith, b!.loop], ['list', '{{ lists }}']);
  assert.deepEqual([c!.loopWith, c!.loop], ['dict', { x: 1 }]);
  assert.deepEqual([d!.loopWith, d!.loop], ['items', []]);
  const inc = pb.plays[0]!.tasks[4]!;
  assert.equal(inc.kind, 'include');
  assert.deepEqual([inc.kind === 'include' && inc.loopWith, inc.kind === 'include' && inc.loop], ['items', [1, 2]]);
});

test('with_items flattens one level, with_list does not', () => {
  assert.deepEqual(expandLegacyLoop('items', ['a', ['b', ['c']], 'd']), ['a', 'b', ['c'], 'd']);
  assert.deepEqual(expandLegacyLoop('list', ['a', ['b']]), ['a', ['b']]);
  assert.deepEqual(expandLegacyLoop('items', 'solo'), ['solo']);
  assert.deepEqual(expandLegacyLoop('items', null), []);
  assert.deepEqual(expandLegacyLoop('flattened', [1, [2, [3, [4]]], null]), [1, 2, 3, 4]);
});

test('with_dict gives key/value items (dict2items); a non-dict is an error', () => {
  assert.deepEqual(expandLegacyLoop('dict', { a: 1, b: { c: 2 } }), [{ key: 'a', value: 1 }, { key: 'b', value: { c: 2 } }]);
  const loc = { file: 'f.yml', line: 4, column: 7 };
  assert.throws(() => expandLegacyLoop('dict', [1, 2], loc), (e: unknown) => e instanceof PlaybookError && e.location === loc);
});

test('with_indexed_items, with_together, with_nested', () => {
  assert.deepEqual(expandLegacyLoop('indexed_items', ['a', ['b']]), [[0, 'a'], [1, 'b']]);
  assert.deepEqual(expandLegacyLoop('together', [[1, 2, 3], ['a', 'b']]), [[1, 'a'], [2, 'b'], [3, null]]);
  assert.deepEqual(expandLegacyLoop('nested', [['a', 'b'], [1, 2]]), [['a', 1], ['a', 2], ['b', 1], ['b', 2]]);
  assert.deepEqual(expandLegacyLoop('nested', []), []);
});

test('loop and with_* together, two with_*, or an unsupported lookup are errors', async () => {
  const both = await rejection(loadText('- hosts: all\n  tasks:\n    - debug: msg=x\n      loop: [1]\n      with_items: [2]\n'));
  assert.match(both.message, /only one loop per task, got 'loop' and 'with_items' at site\.yml:5:7/);
  const seq = await rejection(loadText('- hosts: all\n  tasks:\n    - debug: msg=x\n      with_sequence: start=1 end=3\n'));
  assert.match(seq.message, /'with_sequence' is not supported by k8splay \(use loop: with a template instead\) at site\.yml:4:7/);
  const typo = await rejection(loadText('- hosts: all\n  tasks:\n    - debug: msg=x\n      with_item: [1]\n'));
  assert.equal(typo.message, "unknown loop 'with_item' at site.yml:4:7, did you mean 'with_items'?");
});

test('loop must be a list or a template', async () => {
  const e = await rejection(loadText('- hosts: all\n  tasks:\n    - name: L\n      debug: msg=x\n      loop: pkgs\n'));
  assert.equal(e.message, "expected a list or a template for 'loop' in task 'L' at site.yml:5:7");
});
