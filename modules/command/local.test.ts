// command and shell on the real local host.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import command from './index.js';
import shell from '../shell/index.js';
import { createHarness, type Harness } from '../../test/helpers/module-harness.js';

let h: Harness;
before(async () => { h = await createHarness(); });
after(async () => { await h.close(); });

test('command passes shell operators literally; shell interprets them', async () => {
  const c = await h.run(command, { cmd: 'echo a | wc -l > out "$HOME"' });
  assert.equal(c.status, 'changed');
  assert.equal(c.result.stdout, 'a | wc -l > out $HOME');
  const s = await h.run(shell, { cmd: 'printf "a\\nb\\n" | wc -l' });
  assert.equal(String(s.result.stdout).trim(), '2');
});

test('creates: runs once, then ok; check mode never runs it', async () => {
  const marker = join(h.dir, 'made');
  const args = { cmd: `touch ${marker}`, creates: marker };
  const check = await h.run(command, args, { checkMode: true });
  assert.equal(check.status, 'changed');
  assert.equal(existsSync(marker), false);
  assert.equal((await h.run(command, args)).status, 'changed');
  assert.equal(existsSync(marker), true);
  const again = await h.run(command, args);
  assert.equal(again.status, 'ok');
  assert.equal(again.msg, `Did not run command since '${marker}' exists`);
  // A glob that matches counts too, and chdir makes relative patterns work.
  assert.equal((await h.run(command, { cmd: 'false', creates: 'ma*', chdir: h.dir })).status, 'ok');
});

test('unguarded commands are skipped in check mode', async () => {
  const marker = join(h.dir, 'never');
  const r = await h.run(shell, { cmd: `touch ${marker}` }, { checkMode: true });
  assert.equal(r.status, 'skipped');
  assert.equal(existsSync(marker), false);
});

test('rc, stderr, stdin, chdir, and an exit that cannot kill the shell', async () => {
  const f = await h.run(shell, { cmd: 'echo oops >&2; exit 3' });
  assert.equal(f.status, 'failed');
  assert.equal(f.result.rc, 3);
  assert.equal(f.result.stderr, 'oops');
  assert.equal((await h.run(command, { cmd: 'cat', stdin: 'in put' })).result.stdout, 'in put');
  assert.equal((await h.run(command, { cmd: 'pwd', chdir: h.dir })).result.stdout, h.dir);
  assert.equal((await h.run(command, { argv: ['printf', '%s|', 'a b', "c'd"] })).result.stdout, "a b|c'd|");
});
