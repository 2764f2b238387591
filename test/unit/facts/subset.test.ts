import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolveGatherSubset, normalizeGatherSubset, MINIMAL_GATHER_SUBSET } from '../../../src/facts/index.js';
import { ModuleFailure } from '../../../src/errors.js';

const sorted = (s: Set<string>) => [...s].sort();

test('all selects every Linux collector', () => {
  const all = resolveGatherSubset(['all']);
  for (const c of ['platform', 'distribution', 'hardware', 'network', 'virtual', 'selinux', 'date_time', 'env', 'user']) {
    assert.ok(all.has(c), c);
  }
  assert.deepEqual(sorted(resolveGatherSubset(undefined)), sorted(all));
});

test("'!all' keeps the minimal set only (setup.py's minimal_gather_subset)", () => {
  assert.deepEqual(sorted(resolveGatherSubset(['!all'])), [...MINIMAL_GATHER_SUBSET].sort());
  assert.ok(!resolveGatherSubset(['!all']).has('hardware'));
});

test("'!all,!min' collects nothing; adding a subset brings its dependencies", () => {
  assert.deepEqual(sorted(resolveGatherSubset(['!all', '!min'])), []);
  // Linux network needs distribution and platform (its required_facts).
  assert.deepEqual(sorted(resolveGatherSubset(['!all', '!min', 'network'])), ['distribution', 'network', 'platform']);
  assert.deepEqual(sorted(resolveGatherSubset('!all,!min,hardware')), ['hardware', 'platform']);
});

test('a fact id selects the collector that provides it', () => {
  const s = resolveGatherSubset(['!all', '!min', 'default_ipv4', 'processor']);
  assert.ok(s.has('network') && s.has('hardware'));
  assert.ok(!s.has('virtual'));
});

test('exclusions drop a collector unless it is named explicitly', () => {
  const s = resolveGatherSubset(['all', '!hardware', '!facter']);
  assert.ok(!s.has('hardware'));
  assert.ok(!s.has('facter'));
  assert.ok(s.has('network'));
  assert.ok(resolveGatherSubset(['!hardware', 'hardware']).has('hardware'));
  // Excluding a minimal collector works too.
  assert.ok(!resolveGatherSubset(['!env']).has('env'));
});

test('an unknown subset fails like Ansible, listing the valid names', () => {
  assert.throws(() => resolveGatherSubset(['hardwar']), (e: unknown) => {
    assert.ok(e instanceof ModuleFailure);
    assert.match(e.message, /^Bad subset 'hardwar' given to Ansible\. gather_subset options allowed: all, /);
    assert.match(e.message, /\bhardware\b/);
    return true;
  });
  // Excluding an unknown name is ignored, as in Ansible.
  assert.doesNotThrow(() => resolveGatherSubset(['!nonsense']));
});

test('normalizeGatherSubset accepts strings and lists', () => {
  assert.deepEqual(normalizeGatherSubset('!all, network'), ['!all', 'network']);
  assert.deepEqual(normalizeGatherSubset([]), ['all']);
  assert.deepEqual(normalizeGatherSubset(['min']), ['min']);
});
