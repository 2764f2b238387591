import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { InventoryError } from '../../../src/errors.js';
import { findVarsFiles, hostVars, loadInventory, parseVarsFile } from '../../../src/inventory/index.js';

/** A temp folder filled with `files` (path -> content); removed after `fn`. */
async function withTree(files: Record<string, string>, fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'k8splay-vars-'));
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

test('NAME, NAME.yml, NAME.yaml, NAME.json: the first that exists wins', async () => {
  await withTree({ 'g/web.yml': 'a: 1', 'g/web.yaml': 'a: 2', 'g/db.json': '{"a": 3}', 'g/db.yaml': 'a: 4', 'g/app': 'a: 5', 'g/app.yml': 'a: 6' }, async (d) => {
    assert.deepEqual(await findVarsFiles(join(d, 'g'), 'web'), [join(d, 'g/web.yml')]);
    assert.deepEqual(await findVarsFiles(join(d, 'g'), 'db'), [join(d, 'g/db.yaml')]);
    assert.deepEqual(await findVarsFiles(join(d, 'g'), 'app'), [join(d, 'g/app')]);
    assert.deepEqual(await findVarsFiles(join(d, 'g'), 'none'), []);
  });
});

test('a NAME/ folder: sorted, recursive, hidden/backup/other extensions skipped', async () => {
  await withTree(
    { 'g/web/b.yml': '', 'g/web/a.yaml': '', 'g/web/sub/c.json': '', 'g/web/z': '', 'g/web/.h.yml': '', 'g/web/old.yml~': '', 'g/web/x.txt': '' },
    async (d) => {
      const files = (await findVarsFiles(join(d, 'g'), 'web')).map((f) => f.slice(d.length + 7));
      assert.deepEqual(files, ['a.yaml', 'b.yml', 'sub/c.json', 'z']);
    },
  );
});

test('vars files are YAML 1.1 as PyYAML reads it', () => {
  const v = parseVarsFile('a: yes\nb: no\nc: 0644\nd: y\ne: 1e3\nf: 2024-01-02\ng: !unsafe "{{ x }}"\nh: 1.5\ni: ~\nj: 09\nk: a\nk: b\n', 'v.yml');
  assert.deepEqual(v, { a: true, b: false, c: 420, d: 'y', e: '1e3', f: '2024-01-02', g: '{{ x }}', h: 1.5, i: null, j: '09', k: 'b' });
  assert.deepEqual(parseVarsFile('', 'e.yml'), {});
  assert.deepEqual(parseVarsFile('# only a comment\n', 'e.yml'), {});
});

test('bad vars files are located errors', () => {
  assert.throws(() => parseVarsFile('- a\n- b\n', '/g/x.yml'), (e: unknown) => e instanceof InventoryError && /must hold a mapping.*not a list/.test(e.message));
  assert.throws(
    () => parseVarsFile('a: 1\nb: [1\n', '/g/x.yml'),
    (e: unknown) => e instanceof InventoryError && e.location?.file === '/g/x.yml' && e.location.line !== undefined && /YAML syntax error/.test(e.message),
  );
  assert.throws(() => parseVarsFile('$ANSIBLE_VAULT;1.1;AES256\n6162', '/g/x.yml'), /vault-encrypted/);
  assert.throws(() => parseVarsFile('p: !vault |\n  $ANSIBLE_VAULT;1.1;AES256\n', '/g/x.yml'), /vault/);
});

test('inventory-side and playbook-side folders are both read, playbook wins', async () => {
  await withTree(
    {
      'inv/hosts': '[web]\nw1\n[web:vars]\nsrc=ini\n',
      'inv/group_vars/all.yml': 'a: inv\nsrc: inv-all\n',
      'inv/group_vars/web.yml': 'src: inv-web\nw: inv\n',
      'inv/host_vars/w1.yml': 'h: inv\n',
      'inv/host_vars/localhost.yml': 'local_file: true\n',
      'play/group_vars/web.yml': 'w: play\n',
      'play/host_vars/w1/10.yml': 'h: play-10\n',
      'play/host_vars/w1/20.yml': 'h: play-20\n',
    },
    async (d) => {
      const inv = await loadInventory([join(d, 'inv/hosts')], { playbookDir: join(d, 'play') });
      const v = hostVars(inv, 'w1');
      assert.deepEqual({ a: v['a'], src: v['src'], w: v['w'], h: v['h'] }, { a: 'inv', src: 'inv-web', w: 'play', h: 'play-20' });
      assert.deepEqual(inv.varsDirs!.map((l) => [l.dir, l.kind]), [[join(d, 'inv'), 'inventory'], [join(d, 'play'), 'playbook']]);
      // host_vars/localhost applies to the implicit localhost too.
      assert.equal(hostVars(inv, 'localhost')['local_file'], true);
    },
  );
});

test('a group_vars that is a file is an error', async () => {
  await withTree({ 'hosts': '[web]\nw1\n', 'group_vars': 'x: 1\n' }, async (d) => {
    await assert.rejects(loadInventory([join(d, 'hosts')]), (e: unknown) => e instanceof InventoryError && /group_vars is not a directory/.test(e.message));
  });
});
