import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { InventoryError } from '../../../src/errors.js';
import { groupsMap, hostVars, isIgnoredInventoryEntry, loadInventory, selectHosts } from '../../../src/inventory/index.js';

async function withTree(files: Record<string, string>, fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'k8splay-load-'));
  try {
    for (const [p, text] of Object.entries(files)) {
      mkdirSync(dirname(join(dir, p)), { recursive: true });
      writeFileSync(join(dir, p), text);
    }
    await fn(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const rejectsWith = (p: Promise<unknown>, re: RegExp): Promise<void> =>
  assert.rejects(p, (e: unknown) => e instanceof InventoryError && re.test(e.describe()));

test('no inventory: nothing in all, only the implicit localhost', async () => {
  const inv = await loadInventory([]);
  assert.deepEqual(selectHosts(inv, 'all'), []);
  assert.deepEqual(selectHosts(inv, 'localhost'), ['localhost']);
  assert.deepEqual(hostVars(inv, 'localhost'), { ansible_connection: 'local' });
  assert.deepEqual(groupsMap(inv), { all: [], ungrouped: [] });
});

test("a comma list is a host list: -i 'h1,h2:2200,'", async () => {
  const inv = await loadInventory(['h1,h2:2200,', 'localhost,']);
  assert.deepEqual(selectHosts(inv, 'all'), ['h1', 'h2', 'localhost']);
  assert.deepEqual(inv.groups.get('ungrouped')!.hosts, ['h1', 'h2', 'localhost']);
  assert.equal(hostVars(inv, 'h2')['ansible_port'], 2200);
  assert.equal(hostVars(inv, 'h2')['inventory_file'], 'h1,h2:2200,');
  assert.equal(hostVars(inv, 'h2')['inventory_dir'], null);
  // An explicit localhost replaces the implicit one (and is not local unless told).
  assert.equal(inv.hosts.get('localhost')!.implicit, undefined);
  assert.equal(hostVars(inv, 'localhost')['ansible_connection'], undefined);
});

test('several sources merge in order', async () => {
  await withTree({ a: '[web]\nw1 x=a\n', b: '[web]\nw2\n[web:vars]\ny=b\n[db]\nw1 x=b\n' }, async (d) => {
    const inv = await loadInventory([join(d, 'a'), join(d, 'b')]);
    assert.deepEqual(inv.groups.get('web')!.hosts, ['w1', 'w2']);
    assert.equal(hostVars(inv, 'w1')['x'], 'b');
    assert.equal(hostVars(inv, 'w1')['y'], 'b');
    assert.equal(hostVars(inv, 'w1')['inventory_file'], join(d, 'a'));
    assert.deepEqual(inv.sources, [join(d, 'a'), join(d, 'b')]);
  });
});

test('relative sources resolve against cwd', async () => {
  await withTree({ 'inv/hosts': '[web]\nw1\n' }, async (d) => {
    const inv = await loadInventory(['inv/hosts'], { cwd: d });
    assert.deepEqual(selectHosts(inv, 'web'), ['w1']);
  });
});

test('a folder: every entry except what Ansible ignores (.ini included)', async () => {
  await withTree(
    {
      'inv/10-web': '[web]\nw1\n',
      'inv/20-db.yml': 'db:\n  hosts:\n    d1:\n',
      'inv/sub/30-more': '[web]\nw2\n',
      'inv/hosts.ini': '[skipped]\nx1\n',
      'inv/old.bak': '[skipped]\nx2\n',
      'inv/.hidden': '[skipped]\nx3\n',
      'inv/group_vars/web.yml': 'gv: 1\n',
    },
    async (d) => {
      const inv = await loadInventory([join(d, 'inv')]);
      assert.deepEqual(selectHosts(inv, 'all'), ['w1', 'w2', 'd1']);
      assert.equal(inv.groups.has('skipped'), false);
      assert.equal(hostVars(inv, 'w2')['gv'], 1);
    },
  );
  for (const n of ['hosts.ini', 'x.cfg', 'x.retry', 'x.orig', 'x~', 'x.md', 'x.txt', '.git', 'group_vars', 'host_vars']) assert.ok(isIgnoredInventoryEntry(n), n);
  for (const n of ['hosts', 'hosts.yml', 'prod.yaml', 'inv.json', 'x.inv']) assert.ok(!isIgnoredInventoryEntry(n), n);
});

test('a folder with no inventory file is an error that names what was skipped', async () => {
  await withTree({ 'inv/hosts.ini': '[web]\nw1\n' }, async (d) => {
    await rejectsWith(loadInventory([join(d, 'inv')]), /no inventory file in folder[\s\S]*hosts\.ini/);
  });
});

test('a missing source is an error, with a hint for a lone host name', async () => {
  await rejectsWith(loadInventory(['/nonexistent/k8splay/hosts']), /inventory source not found: \/nonexistent\/k8splay\/hosts/);
  await rejectsWith(loadInventory(['web1'], { cwd: tmpdir() }), /end it with a comma: -i 'web1,'/);
});

test('YAML inventories: hosts, vars, children, ranges, ports', async () => {
  const yml = `all:
  vars:
    ntp: pool
  children:
    k8s:
      children:
        masters:
          hosts:
            m1:
              ansible_port: 2222
        nodes:
          hosts:
            n[1:2]:
            n9:2200:
          vars:
            enabled: yes
    bastion:
      hosts: b1
`;
  await withTree({ 'hosts.yml': yml }, async (d) => {
    const inv = await loadInventory([join(d, 'hosts.yml')]);
    assert.deepEqual(selectHosts(inv, 'k8s'), ['m1', 'n1', 'n2', 'n9']);
    assert.deepEqual(selectHosts(inv, 'bastion'), ['b1']);
    assert.deepEqual(hostVars(inv, 'n1'), { inventory_file: join(d, 'hosts.yml'), inventory_dir: d, ntp: 'pool', enabled: true });
    assert.equal(hostVars(inv, 'm1')['ansible_port'], 2222);
    assert.equal(hostVars(inv, 'n9')['ansible_port'], 2200);
  });
});

test('YAML inventory mistakes are located errors', async () => {
  await withTree(
    { 'a.yml': 'all:\n  children:\n    web:\n      host:\n        w1:\n', 'b.yml': 'all:\n  hosts: [w1, w2]\n', 'c.yml': 'plugin: aws_ec2\n' },
    async (d) => {
      await assert.rejects(loadInventory([join(d, 'a.yml')]), (e: unknown) =>
        e instanceof InventoryError && /unexpected key 'host' in group 'web'.*did you mean 'hosts'/.test(e.message) && e.location?.line === 4);
      await rejectsWith(loadInventory([join(d, 'b.yml')]), /Invalid "hosts" entry for "all" group/);
      await rejectsWith(loadInventory([join(d, 'c.yml')]), /inventory plugin/);
    },
  );
});

test('a .yml file holding INI is read as INI, as Ansible does; a file without extension as either', async () => {
  await withTree({ 'x.yml': '[web]\nw1\n', 'y': 'web:\n  hosts:\n    w2:\n', 'z.yml': 'all:\n  hosts: [unclosed\n' }, async (d) => {
    assert.deepEqual(selectHosts(await loadInventory([join(d, 'x.yml')]), 'web'), ['w1']);
    assert.deepEqual(selectHosts(await loadInventory([join(d, 'y')]), 'web'), ['w2']);
    await assert.rejects(loadInventory([join(d, 'z.yml')]), (e: unknown) =>
      e instanceof InventoryError && /YAML syntax error/.test(e.message) && e.location?.file === join(d, 'z.yml') && e.location.line === 3);
  });
});

test('an executable inventory script is refused, not run', async () => {
  await withTree({ 'inv.sh': '#!/bin/sh\necho "{}"\n' }, async (d) => {
    chmodSync(join(d, 'inv.sh'), 0o755);
    await rejectsWith(loadInventory([join(d, 'inv.sh')]), /executable inventory script/);
  });
});

test('a parse error in a source points at that file and line', async () => {
  await withTree({ 'good': '[web]\nw1\n', 'bad': '[web]\nw2\n\n[web:typo]\n' }, async (d) => {
    await assert.rejects(loadInventory([join(d, 'good'), join(d, 'bad')]), (e: unknown) =>
      e instanceof InventoryError && e.location?.file === join(d, 'bad') && e.location.line === 4);
  });
});
