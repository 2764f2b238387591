/**
 * Keyword inheritance: nearest level wins, `when` and `tags` accumulate, `vars` stack; answers
 * are shared per parent, node and options (a task asks the same on every host).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { inherit, rootInherited } from '../../../src/executor/inherit.js';
import type { CommonKeywords } from '../../../src/playbook/model.js';

const node = (k: Partial<CommonKeywords> = {}): CommonKeywords => ({ tags: [], when: [], ...k });

test('the nearest level wins; when, tags and vars accumulate unless left out', () => {
  const play = inherit(rootInherited(), node({ become: true, tags: ['a'], when: ['x'], vars: { v: 1 } }));
  const block = inherit(play, node({ becomeUser: 'app', tags: ['b', 'a'], when: ['y'] }));
  const task = node({ become: false, when: ['z'], vars: { w: 2 } });
  const eff = inherit(block, task);
  assert.equal(eff.become, false);
  assert.equal(eff.becomeUser, 'app');
  assert.deepEqual(eff.tags, ['a', 'b']);
  assert.deepEqual(eff.when, ['x', 'y', 'z']);
  assert.deepEqual(eff.varsLayers, [{ v: 1 }, { w: 2 }]);
  const bare = inherit(block, task, { withWhen: false, withVars: false });
  assert.deepEqual(bare.when, ['x', 'y']);
  assert.deepEqual(bare.varsLayers, [{ v: 1 }]);
});

test('the same parent, node and options give the same (read-only) answer; any other gives its own', () => {
  const parent = inherit(rootInherited(), node({ when: ['p'] }));
  const task = node({ when: ['t'] });
  const a = inherit(parent, task);
  assert.equal(inherit(parent, task), a);
  assert.equal(inherit(parent, task, {}), a);
  assert.equal(inherit(parent, task, { withWhen: true, withVars: true }), a);
  const noWhen = inherit(parent, task, { withWhen: false });
  assert.notEqual(noWhen, a);
  assert.deepEqual(noWhen.when, ['p']);
  assert.equal(inherit(parent, task, { withWhen: false }), noWhen);
  const otherParent = inherit(rootInherited(), node({ when: ['q'] }));
  assert.deepEqual(inherit(otherParent, task).when, ['q', 't']);
  assert.deepEqual(inherit(parent, node({ when: ['u'] })).when, ['p', 'u']);
});
