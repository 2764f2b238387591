import { test } from 'node:test';
import assert from 'node:assert/strict';
import lineinfile from './index.js';
import { fakeContext, fileCommands, type FakeOptions } from '../../test/helpers/fake-context.js';
import { runModule } from '../../test/helpers/run-module.js';
import { fileSectionsCommand } from '../_shared/fake-file-sections.js';

const host = (o: FakeOptions = {}) => fakeContext({ ...o, commands: [...(o.commands ?? []), fileSectionsCommand(), ...fileCommands()] });

test('replaces the matching line, with a content diff under diff mode', async () => {
  const ctx = host({ diffMode: true, files: { '/etc/ssh/sshd_config': '#Port 22\nPermitRootLogin yes\n' } });
  const r = await runModule(lineinfile, { path: '/etc/ssh/sshd_config', regexp: '^#?PermitRootLogin', line: 'PermitRootLogin no' }, ctx);
  assert.equal(r.status, 'changed');
  assert.equal(r.msg, 'line replaced');
  assert.equal(ctx.text('/etc/ssh/sshd_config'), '#Port 22\nPermitRootLogin no\n');
  assert.deepEqual(r.diff![0], {
    path: '/etc/ssh/sshd_config', before: '#Port 22\nPermitRootLogin yes\n', after: '#Port 22\nPermitRootLogin no\n',
    beforeHeader: '/etc/ssh/sshd_config (content)', afterHeader: '/etc/ssh/sshd_config (content)',
  });
  const again = await runModule(lineinfile, { dest: '/etc/ssh/sshd_config', regex: '^#?PermitRootLogin', value: 'PermitRootLogin no' }, ctx);
  assert.equal(again.status, 'ok');
});

test('a missing file fails unless create: true (parents made, mode set)', async () => {
  const r = await runModule(lineinfile, { path: '/etc/new.conf', line: 'a=1' }, host());
  assert.equal(r.status, 'failed');
  assert.equal(r.msg, 'Destination /etc/new.conf does not exist !');
  assert.equal(r.result.rc, 257);

  const ctx = host();
  const c = await runModule(lineinfile, { path: '/etc/app/new.conf', line: 'a=1', create: true, mode: '0600' }, ctx);
  assert.equal(c.status, 'changed');
  assert.equal(c.msg, 'line added and ownership, perms or SE linux context changed');
  assert.equal(ctx.text('/etc/app/new.conf'), 'a=1\n');
  assert.equal(ctx.files.get('/etc/app/new.conf')!.mode, '0600');
  assert.ok(ctx.runs.some((x) => x.command === 'mkdir -p -- /etc/app'));
});

test('only the mode differs: attributes message, nothing written', async () => {
  const ctx = host({ files: { '/etc/a': 'x\n' } });
  const r = await runModule(lineinfile, { path: '/etc/a', line: 'x', mode: '0600' }, ctx);
  assert.equal(r.status, 'changed');
  assert.equal(r.msg, 'ownership, perms or SE linux context changed');
  assert.equal(ctx.writes.length, 0);
  assert.equal(ctx.files.get('/etc/a')!.mode, '0600');
});

test('absent: removes lines and reports found; missing file is "file not present"', async () => {
  const ctx = host({ files: { '/etc/hosts': '127.0.0.1 a\n10.0.0.1 b\n127.0.0.1 c\n' } });
  const r = await runModule(lineinfile, { path: '/etc/hosts', regexp: '^127', state: 'absent' }, ctx);
  assert.equal(r.msg, '2 line(s) removed');
  assert.equal(r.result.found, 2);
  assert.equal(ctx.text('/etc/hosts'), '10.0.0.1 b\n');
  const m = await runModule(lineinfile, { path: '/nope', line: 'x', state: 'absent' }, host());
  assert.equal(m.status, 'ok');
  assert.equal(m.msg, 'file not present');
});

test('check mode plans the change and writes nothing', async () => {
  const ctx = host({ checkMode: true, files: { '/etc/a': 'x\n' } });
  const r = await runModule(lineinfile, { path: '/etc/a', line: 'y' }, ctx);
  assert.equal(r.status, 'changed');
  assert.equal(ctx.text('/etc/a'), 'x\n');
});

test('validate failure keeps the file and uses lineinfile\'s message', async () => {
  const ctx = host({ files: { '/etc/sudoers': 'root ALL=(ALL) ALL\n' }, commands: [{ match: /^visudo/, result: { rc: 1, stderr: 'parse error' } }] });
  const r = await runModule(lineinfile, { path: '/etc/sudoers', line: 'bad line', validate: 'visudo -cf %s' }, ctx);
  assert.equal(r.status, 'failed');
  assert.equal(r.msg, 'failed to validate: rc:1 error:parse error');
  assert.equal(ctx.text('/etc/sudoers'), 'root ALL=(ALL) ALL\n');
});

test('argument errors match Ansible', async () => {
  const ctx = host({ files: { '/etc/a': 'x\n', '/etc': { type: 'directory' } } });
  assert.equal((await runModule(lineinfile, { path: '/etc/a', regexp: 'x', backrefs: true }, ctx)).msg, 'line is required with state=present');
  assert.equal((await runModule(lineinfile, { path: '/etc/a', line: 'x', backrefs: true }, ctx)).msg, 'regexp is required with backrefs=true');
  assert.equal((await runModule(lineinfile, { path: '/etc/a', state: 'absent' }, ctx)).msg, 'one of line, search_string, or regexp is required with state=absent');
  assert.equal((await runModule(lineinfile, { path: '/etc', line: 'x' }, ctx)).msg, 'Path /etc is a directory !');
  assert.match(String((await runModule(lineinfile, { path: '/etc/a', line: 'x', regexp: '(' }, ctx)).msg), /invalid regular expression in regexp/);
});

test('an empty regexp warns like Ansible', async () => {
  const r = await runModule(lineinfile, { path: '/etc/a', regexp: '', line: 'z' }, host({ files: { '/etc/a': 'x\n' } }));
  assert.match(r.plan!.warnings![0]!, /The regular expression is an empty string, which will match every line/);
});

test('backup returns the backup path in `backup`', async () => {
  const ctx = host({ files: { '/etc/a': 'x\n' } });
  const r = await runModule(lineinfile, { path: '/etc/a', line: 'y', backup: true }, ctx);
  assert.equal(ctx.text(r.result.backup as string), 'x\n');
});
