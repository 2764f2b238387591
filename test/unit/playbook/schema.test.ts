import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkKeywords, schemaFor } from '../../../src/playbook/index.js';
import { KIND_KEYWORDS } from '../../../src/playbook/schema.js';
import { KEYWORD_SCHEMAS, UNSUPPORTED_KEYWORDS } from '../../../src/playbook/keywords.js';

test('every keyword of every kind has a value schema saying what it expects', () => {
  for (const [kind, keywords] of Object.entries(KIND_KEYWORDS)) {
    for (const k of keywords) {
      assert.ok(KEYWORD_SCHEMAS[k], `${kind}.${k} has no schema`);
      assert.equal(typeof KEYWORD_SCHEMAS[k]!['x-expected'], 'string', `${kind}.${k}`);
    }
    const props = (schemaFor(kind as keyof typeof KIND_KEYWORDS)['properties'] ?? {}) as Record<string, unknown>;
    assert.deepEqual(Object.keys(props).sort(), [...keywords].sort());
  }
});

test('a keyword is never both supported and refused for the same kind', () => {
  for (const [kind, keywords] of Object.entries(KIND_KEYWORDS)) {
    if (kind === 'play') continue; // connection/remote_user are play keywords, refused on tasks
    for (const k of keywords) assert.equal(UNSUPPORTED_KEYWORDS[k], undefined, `${kind}.${k}`);
  }
});

test('keyword types: integers, booleans, templates', () => {
  assert.deepEqual(checkKeywords('task', { retries: 3, delay: '2', until: 'x', become: 'yes', ignore_errors: '{{ a }}' }), []);
  assert.deepEqual(checkKeywords('task', { retries: '{{ n }}', throttle: ' 4 ' }), []);
  assert.deepEqual(checkKeywords('task', { retries: 'x' }), [{ path: ['retries'], message: "expected integer for 'retries'", suggestion: '' }]);
  assert.deepEqual(checkKeywords('task', { retries: 1.5 }).map((p) => p.path), [['retries']]);
  assert.deepEqual(checkKeywords('task', { become: 'maybe', diff: '{{ d }}' }).map((p) => p.message), [
    "expected a boolean or a template for 'become'",
    "expected a boolean for 'diff'",
  ]);
});

test('nested and list values point at the keyword', () => {
  assert.deepEqual(checkKeywords('task', { notify: ['a', { b: 1 }] }), [{ path: ['notify'], message: "expected a string or a list of strings for 'notify'", suggestion: '' }]);
  assert.deepEqual(checkKeywords('task', { loop_control: { pause: 'x' } }), [{ path: ['loop_control', 'pause'], message: "expected a number for 'loop_control.pause'", suggestion: '' }]);
  assert.deepEqual(checkKeywords('task', { loop_control: { loopvar: 'x' } }), [{ path: ['loop_control', 'loopvar'], message: "unknown loop_control key 'loopvar'", suggestion: ", did you mean 'loop_var'?" }]);
});

test('plays require hosts', () => {
  assert.deepEqual(checkKeywords('play', { name: 'x' }), [{ path: [], message: "the field 'hosts' is required but was not set", suggestion: '' }]);
  assert.deepEqual(checkKeywords('play', { hosts: 'all', serial: ['1', 2, '30%'], max_fail_percentage: '25%' }), []);
  assert.deepEqual(checkKeywords('play', { hosts: 'all', max_fail_percentage: 'lots' }).map((p) => p.path), [['max_fail_percentage']]);
});
