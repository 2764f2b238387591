import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import copy from './index.js';
import { fakeContext, fileCommands, type FakeOptions } from '../../test/helpers/fake-context.js';
import { runModule } from '../../test/helpers/run-module.js';

const sha1 = (s: string | Buffer) => createHash('sha1').update(s).digest('hex');
const dir = { type: 'directory' as const, mode: '0755' };

function host(extra: FakeOptions = {}) {
  return fakeContext({ ...extra, files: { '/etc': dir, ...(extra.files ?? {}) }, commands: [...(extra.commands ?? []), ...fileCommands()] });
}

test('content to a new file: written with the mode, checksum returned, diff from empty', async () => {
  const ctx = host({ diffMode: true });
  const r = await runModule(copy, { content: 'hello\n', dest: '/etc/motd', mode: '0600' }, ctx);
  assert.equal(r.status, 'changed');
  assert.equal(ctx.text('/etc/motd'), 'hello\n');
  assert.equal(ctx.files.get('/etc/motd')!.mode, '0600');
  assert.equal(r.result.checksum, sha1('hello\n'));
  assert.equal(r.result.dest, '/etc/motd');
  assert.equal(r.result.size, 6);
  assert.equal(r.result.mode, '0600');
  assert.deepEqual(r.diff?.map((d) => [d.before, d.after]), [['', 'hello\n']]);
});

test('same content and mode: ok, nothing written', async () => {
  const ctx = host({ files: { '/etc/motd': { content: 'hello\n', mode: '0644' } } });
  const r = await runModule(copy, { content: 'hello\n', dest: '/etc/motd', mode: '0644' }, ctx);
  assert.equal(r.status, 'ok');
  assert.equal(ctx.writes.length, 0);
  assert.equal(r.result.checksum, sha1('hello\n'));
});

test('same content, other mode: only chmod, with an attribute diff', async () => {
  const ctx = host({ diffMode: true, files: { '/etc/motd': { content: 'hello\n', mode: '0644' } } });
  const r = await runModule(copy, { content: 'hello\n', dest: '/etc/motd', mode: 'u=rw,go=' }, ctx);
  assert.equal(r.status, 'changed');
  assert.equal(ctx.writes.length, 0);
  assert.equal(ctx.files.get('/etc/motd')!.mode, '0600');
  assert.equal(r.diff?.length, 1);
  assert.match(r.diff![0]!.before, /"mode": "0644"/);
  assert.match(r.diff![0]!.after, /"mode": "0600"/);
});

test('changed content: text diff before/after; existing mode kept', async () => {
  const ctx = host({ diffMode: true, files: { '/etc/motd': { content: 'old\n', mode: '0640' } } });
  const r = await runModule(copy, { content: 'new\n', dest: '/etc/motd' }, ctx);
  assert.equal(r.status, 'changed');
  assert.deepEqual([r.diff![0]!.before, r.diff![0]!.after], ['old\n', 'new\n']);
  assert.equal(ctx.files.get('/etc/motd')!.mode, '0640');
});

test('binary content: the diff is skipped with a reason', async () => {
  const ctx = host({ diffMode: true, controllerFiles: { 'blob.bin': Buffer.from([0, 1, 2]) } });
  const r = await runModule(copy, { src: 'blob.bin', dest: '/etc/blob.bin' }, ctx);
  assert.equal(r.diff![0]!.skipReason, 'source file appears to be binary');
});

test('check mode: predicts the change and writes nothing', async () => {
  const ctx = host({ checkMode: true, files: { '/etc/motd': 'old\n' } });
  const r = await runModule(copy, { content: 'new\n', dest: '/etc/motd' }, ctx);
  assert.equal(r.status, 'changed');
  assert.equal(r.applied, false);
  assert.equal(ctx.text('/etc/motd'), 'old\n');
});

test('force: false never replaces an existing file', async () => {
  const ctx = host({ files: { '/etc/motd': 'old\n' } });
  const r = await runModule(copy, { content: 'new\n', dest: '/etc/motd', force: false }, ctx);
  assert.equal(r.status, 'ok');
  assert.deepEqual(r.result, { dest: '/etc/motd' });
  assert.equal(ctx.text('/etc/motd'), 'old\n');
});

test('a missing parent directory fails like Ansible', async () => {
  const r = await runModule(copy, { content: 'x', dest: '/nope/file' }, host());
  assert.equal(r.status, 'failed');
  assert.equal(r.msg, 'Destination directory /nope does not exist');
});

test('src from the controller into a dest ending in / creates the directory', async () => {
  const ctx = host({ controllerFiles: { 'conf/app.ini': 'a=1\n' } });
  const r = await runModule(copy, { src: 'conf/app.ini', dest: '/etc/app/', directory_mode: '0750' }, ctx);
  assert.equal(r.status, 'changed');
  assert.equal(ctx.text('/etc/app/app.ini'), 'a=1\n');
  assert.equal(ctx.files.get('/etc/app')!.mode, '0750');
  assert.equal(r.result.dest, '/etc/app/app.ini');
});

test('an existing directory dest receives the file inside it', async () => {
  const ctx = host({ files: { '/etc/app': dir }, controllerFiles: { 'app.ini': 'a=1\n' } });
  const r = await runModule(copy, { src: 'app.ini', dest: '/etc/app' }, ctx);
  assert.equal(r.result.dest, '/etc/app/app.ini');
  assert.equal(ctx.text('/etc/app/app.ini'), 'a=1\n');
});

test('missing controller src, and src with content, fail', async () => {
  const r = await runModule(copy, { src: 'nope.txt', dest: '/etc/x' }, host());
  assert.equal(r.msg, "Could not find or access 'nope.txt' on the Ansible Controller.");
  const r2 = await runModule(copy, { src: 'a', content: 'b', dest: '/etc/x' }, host());
  assert.equal(r2.msg, 'src and content are mutually exclusive');
  const r3 = await runModule(copy, { dest: '/etc/x' }, host());
  assert.equal(r3.msg, 'src (or content) is required');
});

test('dict content is written as JSON', async () => {
  const ctx = host();
  await runModule(copy, { content: { a: [1, 2] }, dest: '/etc/x.json' }, ctx);
  assert.equal(ctx.text('/etc/x.json'), '{"a":[1,2]}');
});

test('validate passes: the temp file is checked, then moved over dest', async () => {
  const ctx = host({ files: { '/etc/sudoers': 'old\n' }, commands: [{ match: /^visudo /, result: { rc: 0 } }] });
  const r = await runModule(copy, { content: 'new\n', dest: '/etc/sudoers', validate: 'visudo -cf %s' }, ctx);
  assert.equal(r.status, 'changed');
  const v = ctx.runs.find((x) => x.command.startsWith('visudo'))!;
  assert.match(v.command, /^visudo -cf \/etc\/\.sudoers\.k8splay-.*\.tmp$/);
  assert.equal(ctx.text('/etc/sudoers'), 'new\n');
  assert.equal([...ctx.files.keys()].filter((k) => k.includes('k8splay-')).length, 0);
});

test('validate fails: dest untouched, temp file removed, Ansible failure data', async () => {
  const ctx = host({ files: { '/etc/sudoers': 'old\n' }, commands: [{ match: /^visudo /, result: { rc: 1, stderr: 'syntax error' } }] });
  const r = await runModule(copy, { content: 'bad\n', dest: '/etc/sudoers', validate: 'visudo -cf %s' }, ctx);
  assert.equal(r.status, 'failed');
  assert.equal(r.msg, 'failed to validate');
  assert.equal(r.result.exit_status, 1);
  assert.equal(r.result.stderr, 'syntax error');
  assert.equal(ctx.text('/etc/sudoers'), 'old\n');
  assert.equal([...ctx.files.keys()].filter((k) => k.includes('k8splay-')).length, 0);
});

test('validate without %s is refused', async () => {
  const r = await runModule(copy, { content: 'x', dest: '/etc/x', validate: 'visudo -c' }, host());
  assert.equal(r.msg, 'validate must contain %s: visudo -c');
});

test('backup keeps the old file and returns backup_file', async () => {
  const ctx = host({ files: { '/etc/motd': 'old\n' } });
  const r = await runModule(copy, { content: 'new\n', dest: '/etc/motd', backup: true }, ctx);
  assert.equal(typeof r.result.backup_file, 'string');
  assert.equal(ctx.text(r.result.backup_file as string), 'old\n');
});

test('remote_src copies on the host and compares host checksums', async () => {
  const ctx = host({ files: { '/etc/a.conf': 'A\n', '/etc/b.conf': 'A\n' } });
  const same = await runModule(copy, { src: '/etc/a.conf', dest: '/etc/b.conf', remote_src: true }, ctx);
  assert.equal(same.status, 'ok');
  const ctx2 = host({
    files: { '/etc/a.conf': 'A\n', '/etc/b.conf': 'B\n' },
    commands: [{ match: /^chmod --reference/, result: {} }],
  });
  const diff = await runModule(copy, { src: '/etc/a.conf', dest: '/etc/b.conf', remote_src: true }, ctx2);
  assert.equal(diff.status, 'changed');
  assert.equal(ctx2.text('/etc/b.conf'), 'A\n');
  assert.ok(ctx2.runs.some((x) => /^cp -- \/etc\/a\.conf /.test(x.command)));
});

test('a symlink at dest is replaced (follow: false)', async () => {
  const ctx = host({ files: { '/etc/motd': { type: 'link', linkTarget: '/etc/issue' }, '/etc/issue': 'x' } });
  const r = await runModule(copy, { content: 'x', dest: '/etc/motd' }, ctx);
  assert.equal(r.status, 'changed');
  assert.equal(ctx.files.get('/etc/motd')!.type, 'file');
});
