// Fact names as variables (`distribution` -> `ansible_distribution`): the names are kept for
// reuse, but not without bound: a long-lived process (the warm engine) sees fact names come
// and go (interfaces named after pods), run after run.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { factVarName, factVarNamesKept, FACT_VAR_NAMES_LIMIT } from '../../../src/executor/variables.js';

test('the ansible_ prefix is added once', () => {
  assert.equal(factVarName('distribution'), 'ansible_distribution');
  assert.equal(factVarName('ansible_local'), 'ansible_local');
  assert.equal(factVarName('distribution'), 'ansible_distribution');
});

test('names kept stay within the limit however many distinct facts were seen', () => {
  for (let i = 0; i < FACT_VAR_NAMES_LIMIT + 500; i++) {
    assert.equal(factVarName(`cali${i.toString(16)}`), `ansible_cali${i.toString(16)}`);
    assert.ok(factVarNamesKept() <= FACT_VAR_NAMES_LIMIT, `${factVarNamesKept()} names kept after ${i + 1}`);
  }
  // Still right after the names were let go.
  assert.equal(factVarName('cali0'), 'ansible_cali0');
});
