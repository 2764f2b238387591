// writeFileAtomic / readFileText / statFile / get through the local connection, in temp dirs.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  chmodSync, chownSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { LocalConnection } from '../../../src/connection/local.js';
import { readFileText, readFileViaShell, statFile, writeFileAtomic } from '../../../src/connection/host-files.js';
import { ModuleFailure } from '../../../src/errors.js';

const root = mkdtempSync(join(tmpdir(), 'k8sp-files-'));
const conns: LocalConnection[] = [];
after(async () => {
  await Promise.all(conns.map((c) => c.close()));
  rmSync(root, { recursive: true, force: true });
});

/**
 * The default shell and tools, and busybox alone (sh and every tool from busybox, as on a
 * minimal host) when this machine has it.
 */
function variants(): Array<{ label: string; conn: LocalConnection }> {
  const out = [{ label: 'sh+coreutils', conn: new LocalConnection({ host: 'localhost' }) }];
  if (existsSync('/bin/busybox')) {
    const bin = join(root, 'busybox-bin');
    mkdirSync(bin);
    for (const applet of spawnSync('/bin/busybox', ['--list']).stdout.toString().split('\n').filter(Boolean)) {
      symlinkSync('/bin/busybox', join(bin, applet));
    }
    out.push({ label: 'busybox', conn: new LocalConnection({ host: 'bb', shell: join(bin, 'sh'), env: { PATH: bin } }) });
  }
  conns.push(...out.map((v) => v.conn));
  return out;
}
let n = 0;
const fresh = (): string => {
  const d = join(root, `d${++n}`);
  mkdirSync(d);
  return d;
};
const modeOf = (p: string): number => statSync(p).mode & 0o7777;
/** Files left by a write besides the expected ones (temp files must not survive). */
const leftovers = (d: string, expected: string[]): string[] => readdirSync(d).filter((f) => !expected.includes(f));
const isRoot = process.getuid?.() === 0;

const variantsList = variants();
const mainConn = variantsList[0]!.conn;

for (const { label, conn } of variantsList) {
  test(`${label}: a new file gets the content and 0666 under the umask`, async () => {
    const d = fresh();
    const p = join(d, 'new.conf');
    const umask = parseInt((await conn.exec('umask')).stdout.trim(), 8);
    assert.deepEqual(await writeFileAtomic(conn, p, 'hello\n'), {});
    assert.equal(readFileSync(p, 'utf8'), 'hello\n');
    assert.equal(modeOf(p), 0o666 & ~umask);
    assert.deepEqual(leftovers(d, ['new.conf']), []);
  });

  test(`${label}: rewriting keeps the mode of the existing file; explicit modes win`, async () => {
    const d = fresh();
    const p = join(d, 'f');
    writeFileSync(p, 'old');
    chmodSync(p, 0o640);
    await writeFileAtomic(conn, p, 'new');
    assert.equal(readFileSync(p, 'utf8'), 'new');
    assert.equal(modeOf(p), 0o640);
    await writeFileAtomic(conn, p, 'x', { mode: '0600' });
    assert.equal(modeOf(p), 0o600);
    await writeFileAtomic(conn, p, 'x', { mode: 0o755 });
    assert.equal(modeOf(p), 0o755);
    await writeFileAtomic(conn, p, 'x', { mode: 'u=rw,g=r,o=' });
    assert.equal(modeOf(p), 0o640);
    assert.deepEqual(leftovers(d, ['f']), []);
  });

  test(`${label}: binary content round-trips, through fs and through the shell`, async () => {
    const d = fresh();
    const p = join(d, 'bin');
    const data = randomBytes(200_000);
    await writeFileAtomic(conn, p, data);
    assert.deepEqual(readFileSync(p), data);
    assert.deepEqual(await conn.get(p), data);
    assert.deepEqual(await readFileViaShell(conn, p), data);
    writeFileSync(join(d, 'empty'), '');
    assert.deepEqual(await readFileViaShell(conn, join(d, 'empty')), Buffer.alloc(0));
  });

  test(`${label}: backup: true keeps the old file as path.PID.YYYY-MM-DD@HH:MM:SS~`, async () => {
    const d = fresh();
    const p = join(d, 'app.conf');
    assert.deepEqual(await writeFileAtomic(conn, p, 'v1', { backup: true }), {}, 'nothing to back up yet');
    const r1 = await writeFileAtomic(conn, p, 'v2', { backup: true });
    const r2 = await writeFileAtomic(conn, p, 'v3', { backup: true });
    for (const r of [r1, r2]) {
      assert.ok(r.backupFile);
      assert.match(r.backupFile, /^.*\/app\.conf\.\d+\.\d{4}-\d{2}-\d{2}@\d{2}:\d{2}:\d{2}~$/);
    }
    assert.notEqual(r1.backupFile, r2.backupFile, 'two backups in one second do not overwrite each other');
    assert.equal(readFileSync(r1.backupFile!, 'utf8'), 'v1');
    assert.equal(readFileSync(r2.backupFile!, 'utf8'), 'v2');
    assert.equal(readFileSync(p, 'utf8'), 'v3');
    // The date part is today's, in local time, as Ansible's.
    const now = new Date();
    const day = `${now.getFullYear()}-${String(now.getMonth() + 1).padStart(2, '0')}-${String(now.getDate()).padStart(2, '0')}`;
    assert.ok(r2.backupFile!.includes(`.${day}@`) || now.getHours() === 0);
  });

  test(`${label}: a failure after the temp file exists removes it and leaves the target alone`, async () => {
    const d = fresh();
    const p = join(d, 'keep');
    writeFileSync(p, 'original');
    await assert.rejects(
      writeFileAtomic(conn, p, 'new', { owner: 'no-such-user-k8sp' }),
      (e: unknown) => e instanceof ModuleFailure && /could not write/.test(e.message) && e.data['rc'] !== 0,
    );
    await assert.rejects(writeFileAtomic(conn, p, 'new', { mode: 'bogus' }), ModuleFailure);
    assert.equal(readFileSync(p, 'utf8'), 'original');
    assert.deepEqual(leftovers(d, ['keep']), []);
  });

  test(`${label}: the target being a directory is refused`, async () => {
    const d = fresh();
    mkdirSync(join(d, 'sub'));
    await assert.rejects(writeFileAtomic(conn, join(d, 'sub'), 'x'), /is a directory/);
    assert.deepEqual(leftovers(d, ['sub']), []);
    assert.deepEqual(readdirSync(join(d, 'sub')), []);
  });

  test(`${label}: concurrent writes to different files all land whole`, async () => {
    const d = fresh();
    const files = Array.from({ length: 30 }, (_, i) => [join(d, `f${i}`), randomBytes(1000 + i * 500)] as const);
    await Promise.all(files.map(([p, c]) => writeFileAtomic(conn, p, c)));
    for (const [p, c] of files) assert.deepEqual(readFileSync(p), c);
    assert.equal(readdirSync(d).length, files.length);
  });

  test(`${label}: a symlink is replaced by default and written through with follow`, async () => {
    const d = fresh();
    writeFileSync(join(d, 'real'), 'real');
    symlinkSync('real', join(d, 'link'));
    await writeFileAtomic(conn, join(d, 'link'), 'via follow', { follow: true });
    assert.ok(lstatSync(join(d, 'link')).isSymbolicLink());
    assert.equal(readFileSync(join(d, 'real'), 'utf8'), 'via follow');
    await writeFileAtomic(conn, join(d, 'link'), 'replaced');
    assert.ok(lstatSync(join(d, 'link')).isFile());
    assert.equal(readFileSync(join(d, 'real'), 'utf8'), 'via follow');
  });

  test(`${label}: paths with spaces, quotes and newlines`, async () => {
    const d = fresh();
    const p = join(d, "we'ird $name\nx");
    await writeFileAtomic(conn, p, 'ok');
    assert.equal(readFileSync(p, 'utf8'), 'ok');
    assert.equal(await readFileText(conn, p), 'ok');
    const st = await statFile(conn, p);
    assert.equal(st.type, 'file');
  });

  test(`${label}: readFileText and get: text, null when missing, error for a directory`, async () => {
    const d = fresh();
    writeFileSync(join(d, 't'), 'héllo\n');
    assert.equal(await readFileText(conn, join(d, 't')), 'héllo\n');
    assert.equal(await readFileText(conn, join(d, 'missing')), null);
    assert.equal(await conn.get(join(d, 'missing', 'below')), null);
    assert.equal(await readFileViaShell(conn, join(d, 'missing')), null);
    await assert.rejects(conn.get(d), ModuleFailure);
    await assert.rejects(readFileViaShell(conn, d), ModuleFailure);
  });

  test(`${label}: statFile: file, directory, link, missing`, async () => {
    const d = fresh();
    const f = join(d, 'file');
    writeFileSync(f, '12345');
    chmodSync(f, 0o4751);
    const st = await statFile(conn, f);
    const ls = lstatSync(f);
    assert.deepEqual(
      { exists: st.exists, type: st.type, mode: st.mode, size: st.size, uid: st.uid, gid: st.gid },
      { exists: true, type: 'file', mode: '4751', size: 5, uid: ls.uid, gid: ls.gid },
    );
    const owner = spawnSync('id', ['-un', String(ls.uid)]).stdout.toString().trim();
    assert.equal(st.owner, owner);
    assert.ok(st.group);

    const sd = await statFile(conn, d);
    assert.equal(sd.type, 'directory');
    assert.equal(sd.mode, (statSync(d).mode & 0o7777).toString(8).padStart(4, '0'));

    symlinkSync('file', join(d, 'ln'));
    symlinkSync('/nowhere/at all', join(d, 'dangling'));
    assert.deepEqual(
      { type: (await statFile(conn, join(d, 'ln'))).type, target: (await statFile(conn, join(d, 'ln'))).linkTarget },
      { type: 'link', target: 'file' },
    );
    const dl = await statFile(conn, join(d, 'dangling'));
    assert.equal(dl.exists, true);
    assert.equal(dl.linkTarget, '/nowhere/at all');
    assert.deepEqual(await statFile(conn, join(d, 'missing')), { exists: false });
  });
}

test('sh+coreutils: rewriting keeps the owner and group; explicit owner/group are applied', { skip: !isRoot && 'needs root' }, async () => {
  const d = fresh();
  const p = join(d, 'owned');
  writeFileSync(p, 'old');
  chownSync(p, 65534, 65534);
  await writeFileAtomic(mainConn, p, 'new');
  assert.equal(statSync(p).uid, 65534);
  assert.equal(statSync(p).gid, 65534);
  await writeFileAtomic(mainConn, p, 'new2', { owner: '0', group: '0' });
  assert.equal(statSync(p).uid, 0);
  assert.equal(statSync(p).gid, 0);
});

test('sh+coreutils: a directory that is not writable: ModuleFailure and no temp file', { skip: !isRoot && 'needs root to become nobody' }, async () => {
  const d = fresh();
  chmodSync(root, 0o755);
  chmodSync(d, 0o755);
  const p = join(d, 'f');
  writeFileSync(p, 'original');
  chmodSync(p, 0o666);
  const become = { method: 'su' as const, user: 'nobody', flags: '-s /bin/sh' };
  await assert.rejects(writeFileAtomic(mainConn, p, 'new', { become }), (e: unknown) =>
    e instanceof ModuleFailure && /Permission denied/i.test(e.message));
  assert.equal(readFileSync(p, 'utf8'), 'original');
  assert.deepEqual(leftovers(d, ['f']), []);
});
