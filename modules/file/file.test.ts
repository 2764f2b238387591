import { test } from 'node:test';
import assert from 'node:assert/strict';
import file, { parseTime } from './index.js';
import { planFile, type FileArgs, type FileModState } from './plan.js';
import type { PathInfo } from '../_shared/probe.js';
import { fakeContext, fileCommands } from '../../test/helpers/fake-context.js';
import { runModule } from '../../test/helpers/run-module.js';

const absent: PathInfo = { exists: false };
const fileInfo = (extra: Partial<PathInfo> = {}): PathInfo => ({
  exists: true, type: 'file', mode: '0644', owner: 'root', group: 'root', uid: 0, gid: 0, size: 3, nlink: 1, inode: 10, ...extra,
});
const dirInfo = (extra: Partial<PathInfo> = {}): PathInfo => fileInfo({ type: 'directory', mode: '0755', ...extra });

function state(over: Partial<FileModState> & Pick<FileModState, 'state' | 'prev' | 'info'>): FileModState {
  return { path: '/x', ...over };
}
const plan = (args: Partial<FileArgs>, st: FileModState) => planFile({ path: '/x', ...args }, st);

test('directory: creates a missing one (with parents) and predicts its mode', () => {
  const p = plan({ state: 'directory', mode: '0750' }, state({ state: 'directory', prev: 'absent', info: absent }));
  assert.deepEqual(p.changes.map((c) => c.kind), ['mkdirs', 'attrs-new']);
  assert.deepEqual(JSON.parse(p.diff![0]!.before), { path: '/x', state: 'absent' });
  assert.deepEqual(JSON.parse(p.diff![0]!.after), { path: '/x', state: 'directory', mode: '0750' });
});

test('directory: an existing one with the right mode is ok; wrong mode is a chmod', () => {
  assert.deepEqual(plan({ state: 'directory', mode: '0755' }, state({ state: 'directory', prev: 'directory', info: dirInfo() })).changes, []);
  const p = plan({ state: 'directory', mode: 'g+w' }, state({ state: 'directory', prev: 'directory', info: dirInfo() }));
  assert.equal(p.changes.length, 1);
  assert.deepEqual(JSON.parse(p.diff![0]!.after), { path: '/x', mode: '0775' });
});

test('directory over a file fails like Ansible', () => {
  assert.throws(() => plan({ state: 'directory' }, state({ state: 'directory', prev: 'file', info: fileInfo() })), /\/x already exists as a file/);
});

test('directory recurse: only children that differ are changed', () => {
  const st = state({
    state: 'directory', prev: 'directory', info: dirInfo({ owner: 'app' }),
    children: [
      { path: '/x/a', type: 'file', mode: '0644', owner: 'app', group: 'root', uid: 5, gid: 0 },
      { path: '/x/b', type: 'file', mode: '0644', owner: 'root', group: 'root', uid: 0, gid: 0 },
    ],
  });
  const p = plan({ state: 'directory', owner: 'app', recurse: true }, st);
  const rec = p.changes.find((c) => c.kind === 'recurse-attrs');
  assert.ok(rec && rec.kind === 'recurse-attrs');
  assert.deepEqual(rec.entries.map((e) => e.path), ['/x/b']);
});

test('file: absent path fails, existing file with same attrs is ok', () => {
  assert.throws(() => plan({ state: 'file' }, state({ state: 'file', prev: 'absent', info: absent })), /file \(\/x\) is absent, cannot continue/);
  assert.deepEqual(plan({ state: 'file', mode: '644', owner: 'root' }, state({ state: 'file', prev: 'file', info: fileInfo() })).changes, []);
});

test('owner given as a uid is compared by uid', () => {
  assert.deepEqual(plan({ state: 'file', owner: '0' }, state({ state: 'file', prev: 'file', info: fileInfo() })).changes, []);
  assert.equal(plan({ state: 'file', owner: '1000' }, state({ state: 'file', prev: 'file', info: fileInfo() })).changes.length, 1);
});

test('absent: removes, records directory contents in the diff', () => {
  const st = state({ state: 'absent', prev: 'directory', info: dirInfo(), walk: { directories: ['/x/d'], files: ['/x/f'] } });
  const p = plan({ state: 'absent' }, st);
  assert.deepEqual(p.changes, [{ kind: 'remove', path: '/x', isDir: true }]);
  assert.deepEqual(JSON.parse(p.diff![0]!.before).path_content, { directories: ['/x/d'], files: ['/x/f'] });
  assert.deepEqual(plan({ state: 'absent' }, state({ state: 'absent', prev: 'absent', info: absent })).changes, []);
});

test('touch: always a change (times), creation when absent', () => {
  const st = state({ state: 'touch', prev: 'file', info: fileInfo(), mtime: 'now', atime: 'now' });
  assert.deepEqual(plan({ state: 'touch' }, st).changes.map((c) => c.kind), ['times']);
  const st2 = state({ state: 'touch', prev: 'absent', info: absent, mtime: 'now', atime: 'now' });
  assert.deepEqual(plan({ state: 'touch' }, st2).changes.map((c) => c.kind), ['create-empty', 'times']);
  // preserve/preserve makes touch idempotent, as in Ansible's docs.
  assert.deepEqual(plan({ state: 'touch' }, state({ state: 'touch', prev: 'file', info: fileInfo() })).changes, []);
});

test('link: new, same target ok, other target changes with src diff', () => {
  const mk = (prev: FileModState['prev'], info: PathInfo, extra: Partial<FileModState> = {}) =>
    state({ state: 'link', prev, info, src: '/etc/a', absrc: '/etc/a', srcExists: true, ...extra });
  assert.deepEqual(plan({ state: 'link', src: '/etc/a' }, mk('absent', absent)).changes, [{ kind: 'symlink', path: '/x', src: '/etc/a', prev: 'absent' }]);
  const link = (t: string): PathInfo => ({ exists: true, type: 'link', mode: '0777', linkTarget: t });
  assert.deepEqual(plan({ state: 'link', src: '/etc/a' }, mk('link', link('/etc/a'))).changes, []);
  const p = plan({ state: 'link', src: '/etc/a' }, mk('link', link('/etc/b')));
  assert.equal(p.changes.length, 1);
  assert.deepEqual(JSON.parse(p.diff![0]!.before), { path: '/x', src: '/etc/b' });
});

test('link: refuses files, non-empty directories and missing src without force', () => {
  const base = { state: 'link' as const, src: '/etc/a', absrc: '/etc/a', srcExists: true };
  assert.throws(() => plan({ state: 'link', src: '/etc/a' }, state({ ...base, prev: 'file', info: fileInfo() })), /refusing to convert from file to symlink for \/x/);
  assert.throws(() => plan({ state: 'link', src: '/etc/a', force: true }, state({ ...base, prev: 'directory', info: dirInfo(), dirEmpty: false })), /the directory \/x is not empty/);
  assert.throws(() => plan({ state: 'link', src: '/etc/a' }, state({ ...base, prev: 'absent', info: absent, srcExists: false })), /src file does not exist, use "force=yes"/);
  assert.equal(plan({ state: 'link', src: '/etc/a', force: true }, state({ ...base, prev: 'file', info: fileInfo() })).changes.length, 1);
});

test('hard: same inode ok, other inode needs force', () => {
  const base = { state: 'hard' as const, src: '/etc/a', absrc: '/etc/a', srcExists: true, srcInode: 10 };
  assert.deepEqual(plan({ state: 'hard', src: '/etc/a' }, state({ ...base, prev: 'hard', info: fileInfo({ nlink: 2 }) })).changes, []);
  assert.throws(() => plan({ state: 'hard', src: '/etc/a' }, state({ ...base, prev: 'hard', info: fileInfo({ nlink: 2, inode: 11 }) })), /different hard link exists/);
  assert.throws(() => plan({ state: 'hard' }, state({ ...base, src: undefined, prev: 'absent', info: absent })), /src is required for creating new hardlinks/);
});

test('parameter checks: recurse needs directory, src needs link/hard', () => {
  assert.throws(() => plan({ state: 'file', recurse: true }, state({ state: 'file', prev: 'file', info: fileInfo() })), /recurse option requires state to be 'directory'/);
  assert.throws(() => plan({ state: 'file', src: '/a' }, state({ state: 'file', prev: 'file', info: fileInfo() })), /src option requires state to be 'link' or 'hard'/);
});

test('parseTime: touch defaults to now, other states preserve; default format parsed', () => {
  assert.equal(parseTime(undefined, undefined, 'touch', 'modification_time'), 'now');
  assert.equal(parseTime(undefined, undefined, 'file', 'modification_time'), undefined);
  assert.equal(parseTime('202401021304.05', undefined, 'file', 'x'), Math.floor(new Date(2024, 0, 2, 13, 4, 5).getTime() / 1000));
  assert.throws(() => parseTime('2024', undefined, 'file', 'x'), /does not match/);
});

test('through gather/apply: state defaults to the current state; mkdir chain gets the mode', async () => {
  const ctx = fakeContext({
    files: { '/srv': { type: 'directory' } },
    commands: [
      { match: /^\( for d in/, respond: (cmd, _o, h) => {
        const made = ['/srv/a', '/srv/a/b'].filter((d) => !h.files.has(d));
        for (const d of made) h.files.set(d, { type: 'directory', mode: '0755' });
        assert.match(cmd, /for d in \/srv \/srv\/a \/srv\/a\/b;/);
        return { stdout: made.join('\n') + '\n' };
      } },
      ...fileCommands(),
    ],
  });
  const r = await runModule(file, { path: '/srv/a/b', state: 'directory', mode: '0700' }, ctx);
  assert.equal(r.status, 'changed');
  assert.equal(ctx.files.get('/srv/a')!.mode, '0700');
  assert.equal(ctx.files.get('/srv/a/b')!.mode, '0700');
  assert.equal(r.result.state, 'directory');
  const again = await runModule(file, { path: '/srv/a/b', mode: '0700' }, ctx);
  assert.equal(again.status, 'ok');
});
