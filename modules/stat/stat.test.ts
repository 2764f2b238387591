import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { chmod, lstat, mkdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import statModule, { statResult, statScript } from './index.js';
import { fakeQuote } from '../../test/helpers/fake-context.js';
import { createHarness, type Harness } from '../../test/helpers/module-harness.js';

test('statResult decodes the raw mode into Ansible\'s flags', () => {
  const st = statResult('/x', {
    exists: '1', stat: '81ed|1|42|2049|0|0|root|root|12|1700000000|1700000001|1700000002|755|0|0',
    readable: '1', writeable: '1', executable: '1', checksum: 'abc',
  });
  assert.equal(st.mode, '0755');
  assert.equal(st.isreg, true);
  assert.equal(st.isdir, false);
  assert.equal(st.xoth, true);
  assert.equal(st.woth, false);
  assert.equal(st.pw_name, 'root');
  assert.equal(st.size, 12);
  assert.equal(st.mtime, 1700000001);
  assert.equal(st.checksum, 'abc');
  assert.deepEqual(statResult('/x', { exists: '0' }), { exists: false });
});

test('statScript quotes the path and honours follow / get_checksum', () => {
  const s = statScript({ path: "/a b/it's", follow: true, get_checksum: false }, fakeQuote);
  assert.match(s, /set -- '\/a b\/it'\\''s'/);
  assert.match(s, /stat -L -c/);
  assert.doesNotMatch(s, /sha1sum/);
  assert.match(statScript({ path: '/x', checksum_algorithm: 'sha256' }, fakeQuote), /sha256sum/);
});

let h: Harness;
before(async () => { h = await createHarness(); });
after(async () => { await h.close(); });

test('stat on the real host: file, directory, link, missing', async () => {
  const f = join(h.dir, 'f.txt');
  await writeFile(f, 'hello\n');
  await chmod(f, 0o640);
  await mkdir(join(h.dir, 'd'));
  await symlink('f.txt', join(h.dir, 'l'));
  const r = await h.run(statModule, { path: f });
  assert.equal(r.status, 'ok');
  const st = r.result.stat as Record<string, unknown>;
  const real = await lstat(f);
  assert.equal(st.exists, true);
  assert.equal(st.isreg, true);
  assert.equal(st.mode, '0640');
  assert.equal(st.size, 6);
  assert.equal(st.inode, real.ino);
  assert.equal(st.uid, real.uid);
  assert.equal(st.mtime, Math.floor(real.mtimeMs / 1000));
  assert.equal(st.checksum, createHash('sha1').update('hello\n').digest('hex'));
  assert.equal(st.readable, true);

  const d = (await h.run(statModule, { path: join(h.dir, 'd') })).result.stat as Record<string, unknown>;
  assert.equal(d.isdir, true);
  assert.equal(d.checksum, undefined);

  const l = (await h.run(statModule, { path: join(h.dir, 'l') })).result.stat as Record<string, unknown>;
  assert.equal(l.islnk, true);
  assert.equal(l.lnk_target, 'f.txt');
  assert.equal(l.lnk_source, f);
  const lf = (await h.run(statModule, { path: join(h.dir, 'l'), follow: true })).result.stat as Record<string, unknown>;
  assert.equal(lf.islnk, false);
  assert.equal(lf.isreg, true);

  assert.deepEqual((await h.run(statModule, { path: join(h.dir, 'nope') })).result.stat, { exists: false });
});
