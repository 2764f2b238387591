/**
 * `ansible-inventory --list` parity: each folder of test/fixtures/inventory/parity holds an
 * inventory, a case.json (sources, playbookDir) and expected.json, which is what ansible-inventory
 * printed for it (regenerate with test/fixtures/inventory/regen-expected.mjs). The output is
 * compared with expected.json always, and with a fresh ansible-inventory run when it is installed.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { formatListJson, inventoryListJson, loadInventory, parseIniInventory } from '../../../src/inventory/index.js';
import { ansibleEnv, ansibleInventoryArgs, caseSources, type ParityCase } from '../../fixtures/inventory/parity-case.mjs';
import { hasAnsibleInventory, NO_ANSIBLE } from './ansible-oracle.js';

const execFileAsync = promisify(execFile);
const ROOT = join(import.meta.dirname, '../../fixtures/inventory/parity');
const CASES = readdirSync(ROOT).sort();

async function ours(name: string): Promise<string> {
  const dir = join(ROOT, name);
  const c = JSON.parse(readFileSync(join(dir, 'case.json'), 'utf8')) as ParityCase;
  const inv = await loadInventory(caseSources(dir, c), c.playbookDir ? { playbookDir: join(dir, c.playbookDir) } : {});
  return formatListJson(inventoryListJson(inv)) + '\n';
}

test('at least five parity fixtures exist', () => {
  assert.ok(CASES.length >= 5, CASES.join(', '));
});

for (const name of CASES) {
  test(`--list matches the recorded ansible-inventory output: ${name}`, async () => {
    const expected = readFileSync(join(ROOT, name, 'expected.json'), 'utf8');
    const got = await ours(name);
    assert.deepEqual(JSON.parse(got), JSON.parse(expected));
    // Same text too: key order, indentation, escaping.
    assert.equal(got, expected);
  });
}

const live = hasAnsibleInventory();
test('--list matches a live ansible-inventory run on every fixture', { skip: live ? false : NO_ANSIBLE }, async () => {
  const run = async (name: string): Promise<[string, string]> => {
    const dir = join(ROOT, name);
    const c = JSON.parse(readFileSync(join(dir, 'case.json'), 'utf8')) as ParityCase;
    const { stdout } = await execFileAsync('ansible-inventory', ansibleInventoryArgs(dir, c), { cwd: dir, env: ansibleEnv() });
    return [name, stdout];
  };
  // Three at a time: each run is a Python start-up.
  const results: Array<[string, string]> = [];
  for (let i = 0; i < CASES.length; i += 3) results.push(...(await Promise.all(CASES.slice(i, i + 3).map(run))));
  for (const [name, theirs] of results) assert.equal(await ours(name), theirs, name);
});

test('the document shape: sorted keys, all without hosts, empty groups left out, internal vars hidden', () => {
  const inv = parseIniInventory('b1\n[zeta]\nz1 v=1\n[alpha]\n[empty:children]\n', '/i/hosts');
  const doc = inventoryListJson(inv);
  assert.deepEqual(Object.keys(doc), ['_meta', 'all', 'ungrouped', 'zeta']);
  assert.deepEqual(doc['all'], { children: ['ungrouped', 'zeta', 'alpha', 'empty'] });
  assert.deepEqual(doc['_meta'], { hostvars: { z1: { v: 1 } } });
  assert.equal(formatListJson({ b: [], a: {}, c: [1, 'x"y'] }), '{\n    "a": {},\n    "b": [],\n    "c": [\n        1,\n        "x\\"y"\n    ]\n}');
});
