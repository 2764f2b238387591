// selinux on the real local host, on a config file in a temp dir. Skipped where SELinux runs
// (the module would switch the controller's running mode).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import selinux from './index.js';
import { createHarness, type Harness } from '../../test/helpers/module-harness.js';

const running = existsSync('/sys/fs/selinux/enforce') || existsSync('/selinux/enforce');
let h: Harness;
before(async () => { h = await createHarness('k8sp-selinux-'); });
after(async () => { await h.close(); });

test('a missing config is created, then ok; an existing one keeps its other lines', { skip: running && 'SELinux runs on this machine' }, async () => {
  const f = join(h.dir, 'sub', 'config');
  const args = { state: 'permissive', policy: 'targeted', configfile: f };
  const check = await h.run(selinux, args, { checkMode: true, diffMode: true });
  assert.equal(check.status, 'changed');
  assert.equal(existsSync(f), false, 'check mode creates nothing');
  assert.match(check.diff![0]!.after, /^SELINUX=permissive$/m);
  const r = await h.run(selinux, args);
  assert.equal(r.status, 'changed', r.msg);
  assert.equal(r.result.reboot_required, true);
  assert.equal(await readFile(f, 'utf8'), check.diff![0]!.after);
  assert.equal(((await stat(f)).mode & 0o777).toString(8), '644');
  assert.equal((await h.run(selinux, args)).status, 'ok');

  const g = join(h.dir, 'config2');
  await writeFile(g, '# keep me\r\nSELINUX=enforcing\r\nSELINUXTYPE=targeted\r\nX=1');
  const d = await h.run(selinux, { state: 'disabled', file: g });
  assert.equal(d.status, 'changed');
  assert.equal(await readFile(g, 'utf8'), '# keep me\r\nSELINUX=disabled\r\nSELINUXTYPE=targeted\r\nX=1');
  assert.equal(d.result.policy, 'targeted');
});
