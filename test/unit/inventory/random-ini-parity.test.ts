/**
 * Random INI inventories, read by k8splay and by Ansible's own InventoryManager and
 * VariableManager: the groups (direct hosts and children, in order), every host's merged
 * variables, group_names, the `all` host order, or the fact that both refuse the file.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InventoryError } from '../../../src/errors.js';
import { groupNames, hostVars, INTERNAL_VARS, loadInventory, selectHosts } from '../../../src/inventory/index.js';
import { ansiblePython, NO_ANSIBLE, runAnsiblePython } from './ansible-oracle.js';

const GROUPS = ['web', 'db', 'k8s', 'nodes', 'masters'];
const HOSTS = ['h1', 'h2', 'h3:2222', 'n[1:2]', 'n[01:02]', '10.0.0.5'];
const KEYS = ['x', 'y', 'role', 'ansible_port'];
const VALUES = ['1', 'True', 'word', "'quoted'", '"[1, 2]"', '010', 'a=b', '-2'];

const varsArb = fc.array(fc.tuple(fc.constantFrom(...KEYS), fc.constantFrom(...VALUES)), { maxLength: 2 });
const hostLine = fc.tuple(fc.constantFrom(...HOSTS), varsArb).map(([h, vs]) => [h, ...vs.map(([k, v]) => `${k}=${v}`)].join(' '));
const section = fc.oneof(
  fc.tuple(fc.constantFrom(...GROUPS), fc.array(hostLine, { maxLength: 3 })).map(([g, lines]) => [`[${g}]`, ...lines]),
  fc.tuple(fc.constantFrom(...GROUPS), fc.array(fc.constantFrom(...GROUPS), { maxLength: 2 })).map(([g, kids]) => [`[${g}:children]`, ...kids]),
  fc.tuple(fc.constantFrom(...GROUPS, 'all'), varsArb).map(([g, vs]) => [`[${g}:vars]`, ...vs.map(([k, v]) => `${k} = ${v}`)]),
);
// Declaring every group at the end (half the time) keeps most files valid despite random children.
const inventoryArb = fc.tuple(fc.array(hostLine, { maxLength: 2 }), fc.array(section, { minLength: 1, maxLength: 7 }), fc.boolean())
  .map(([top, secs, declare]) => [...top, ...secs.flat(), ...(declare ? GROUPS.map((g) => `[${g}]`) : [])].join('\n') + '\n');

interface Seen {
  error?: string;
  groups?: Record<string, { hosts: string[]; children: string[] }>;
  vars?: Record<string, Record<string, unknown>>;
  names?: Record<string, string[]>;
  all?: string[];
}

const python = ansiblePython();

test("random INI inventories read the same as with Ansible's InventoryManager", { skip: python ? false : NO_ANSIBLE }, async () => {
  const texts = fc.sample(inventoryArb, { numRuns: 120, seed: 2024 });
  const dir = mkdtempSync(join(tmpdir(), 'k8splay-random-ini-'));
  try {
    const files = texts.map((t, i) => {
      const f = join(dir, `inv${i}`);
      writeFileSync(f, t);
      return f;
    });
    const theirs = runAnsiblePython(
      `from ansible.parsing.dataloader import DataLoader
from ansible.inventory.manager import InventoryManager
from ansible.vars.manager import VariableManager
from ansible.cli.inventory import INTERNAL_VARS
out = []
for f in DATA:
    try:
        loader = DataLoader()
        im = InventoryManager(loader, sources=[f])
        vm = VariableManager(loader=loader, inventory=im)
        groups = {g.name: {'hosts': [h.name for h in g.hosts], 'children': [c.name for c in g.child_groups]} for g in im.groups.values()}
        hv = {}
        names = {}
        for h in im.get_hosts():
            v = vm.get_vars(host=h, include_hostvars=False)
            hv[h.name] = {k: v[k] for k in v if k not in INTERNAL_VARS}
            names[h.name] = v['group_names']
        out.append({'groups': groups, 'vars': hv, 'names': names, 'all': [h.name for h in im.get_hosts('all')]})
    except Exception as e:
        out.append({'error': str(e)})
print(json.dumps(out))`,
      files,
    ) as Seen[];

    let refused = 0;
    for (let i = 0; i < files.length; i++) {
      const want = theirs[i]!;
      const label = `inventory ${i}:\n${texts[i]}`;
      let inv;
      try {
        inv = await loadInventory([files[i]!]);
      } catch (e) {
        assert.ok(e instanceof InventoryError, `${label}\nunexpected ${String(e)}`);
        assert.ok(want.error, `${label}\nk8splay refused it (${e.describe()}), Ansible read it`);
        refused++;
        continue;
      }
      assert.equal(want.error, undefined, `${label}\nAnsible refused it (${want.error}), k8splay read it`);
      const groups: Record<string, { hosts: string[]; children: string[] }> = {};
      for (const g of inv.groups.values()) groups[g.name] = { hosts: g.hosts, children: g.children };
      assert.deepEqual(groups, want.groups, label);
      // Past the first level, Ansible walks sibling groups in set order (by object address), so
      // only the membership of `all` is comparable; k8splay walks them in definition order.
      assert.deepEqual([...selectHosts(inv, 'all')].sort(), [...want.all!].sort(), label);
      for (const [h, vars] of Object.entries(want.vars!)) {
        const ours = hostVars(inv, h);
        for (const k of INTERNAL_VARS) delete ours[k];
        assert.deepEqual(ours, vars, `${label}\nhost ${h}`);
        assert.deepEqual(groupNames(inv, h), want.names![h], `${label}\nhost ${h}`);
      }
    }
    // The generator must exercise both outcomes.
    assert.ok(refused > 0 && refused < files.length, `refused ${refused} of ${files.length}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
