import { test } from 'node:test';
import assert from 'node:assert/strict';
import command from './index.js';
import shell from '../shell/index.js';
import { formatDelta, formatTimestamp } from './exec-core.js';
import { shlexSplit } from '../_shared/shlex.js';
import { globExistsCommand, globWord } from '../_shared/glob.js';
import { fakeContext, fakeQuote } from '../../test/helpers/fake-context.js';
import { runModule } from '../../test/helpers/run-module.js';

const echo = (stdout = '', rc = 0, stderr = '') => ({ match: /.*/, result: { rc, stdout, stderr } });

test('command quotes every word: shell operators reach the program literally', async () => {
  const ctx = fakeContext({ commands: [echo('a | wc -l $HOME\n')] });
  const r = await runModule(command, { cmd: 'echo a | wc -l $HOME' }, ctx);
  assert.equal(ctx.runs[0]!.command, "echo a '|' wc -l '$HOME'");
  assert.equal(r.status, 'changed');
  assert.deepEqual(r.result.cmd, ['echo', 'a', '|', 'wc', '-l', '$HOME']);
  assert.equal(r.result.stdout, 'a | wc -l $HOME');
  assert.deepEqual(r.result.stdout_lines, ['a | wc -l $HOME']);
  assert.equal(r.result.rc, 0);
  assert.match(String(r.result.start), /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{6}$/);
  assert.match(String(r.result.delta), /^0:00:0\d(\.\d{6})?$/);
});

test('command argv keeps words with spaces as one argument', async () => {
  const ctx = fakeContext({ commands: [echo()] });
  await runModule(command, { argv: ['/usr/bin/make_db.sh', 'User name', "it's"] }, ctx);
  assert.equal(ctx.runs[0]!.command, `/usr/bin/make_db.sh 'User name' 'it'\\''s'`);
});

test('shlex splitting follows Python', () => {
  assert.deepEqual(shlexSplit(`a "b c" 'd e' f\\ g "h\\"i" "j\\k" ''`), ['a', 'b c', 'd e', 'f g', 'h"i', 'j\\k', '']);
  assert.deepEqual(shlexSplit('  x\ty\n'), ['x', 'y']);
  assert.deepEqual(shlexSplit('a"b c"d'), ['ab cd']);
  assert.throws(() => shlexSplit('"open'), /No closing quotation/);
  assert.throws(() => shlexSplit('x\\'), /No escaped character/);
});

test('non-zero rc fails with the return values', async () => {
  const ctx = fakeContext({ commands: [echo('', 2, 'ls: cannot access nope\n')] });
  const r = await runModule(command, { cmd: 'ls nope' }, ctx);
  assert.equal(r.status, 'failed');
  assert.equal(r.msg, 'non-zero return code');
  assert.equal(r.result.rc, 2);
  assert.equal(r.result.stderr, 'ls: cannot access nope');
  assert.deepEqual(r.result.stderr_lines, ['ls: cannot access nope']);
});

test('no command, or both cmd and argv, fail like Ansible', async () => {
  const r1 = await runModule(command, { cmd: '  ' }, fakeContext());
  assert.equal(r1.msg, 'no command given');
  assert.equal(r1.result.rc, 256);
  const r2 = await runModule(command, { cmd: 'ls', argv: ['ls'] }, fakeContext());
  assert.equal(r2.msg, 'only command or argv can be given, not both');
});

test('creates that matches: not run, ok, Ansible message', async () => {
  const ctx = fakeContext({ commands: [{ match: 'for f in', result: { rc: 0 } }] });
  const r = await runModule(command, { cmd: 'make', creates: '/opt/app/*.bin' }, ctx);
  assert.equal(ctx.runs.length, 1, 'only the guard ran');
  assert.match(ctx.runs[0]!.command, /for f in \/opt\/app\/\*\.bin;/);
  assert.equal(r.status, 'ok');
  assert.equal(r.msg, "Did not run command since '/opt/app/*.bin' exists");
  assert.equal(r.result.stdout, 'skipped, since /opt/app/*.bin exists');
  assert.equal(r.result.rc, 0);
});

test('removes that does not match: not run', async () => {
  const ctx = fakeContext({ commands: [{ match: 'for f in', result: { rc: 1 } }] });
  const r = await runModule(command, { cmd: 'rm -r /x', removes: '/x' }, ctx);
  assert.equal(r.status, 'ok');
  assert.equal(r.msg, "Did not run command since '/x' does not exist");
});

test('creates is checked relative to chdir, and chdir is the working directory', async () => {
  const ctx = fakeContext({ commands: [{ match: 'for f in', result: { rc: 1 } }, echo('built')] });
  const r = await runModule(command, { cmd: 'make', creates: 'out/app', chdir: '/src' }, ctx);
  assert.equal(r.status, 'changed');
  assert.deepEqual(ctx.runs.map((x) => x.opts?.cwd), ['/src', '/src']);
});

test('check mode: skipped without creates/removes, predicted with them', async () => {
  const skip = await runModule(command, { cmd: 'reboot' }, fakeContext({ checkMode: true }));
  assert.equal(skip.status, 'skipped');
  assert.equal(skip.applied, false);

  const ctx = fakeContext({ checkMode: true, commands: [{ match: 'for f in', result: { rc: 1 } }] });
  const pred = await runModule(command, { cmd: 'kubeadm init', creates: '/etc/kubernetes/admin.conf' }, ctx);
  assert.equal(pred.status, 'changed');
  assert.equal(pred.msg, 'Command would have run if not in check mode');
  assert.equal(ctx.runs.length, 1, 'the command itself did not run');

  const ctx2 = fakeContext({ checkMode: true, commands: [{ match: 'for f in', result: { rc: 0 } }] });
  const ok = await runModule(command, { cmd: 'kubeadm init', creates: '/etc/kubernetes/admin.conf' }, ctx2);
  assert.equal(ok.status, 'ok');
  assert.equal(ok.msg, "Would not run command since '/etc/kubernetes/admin.conf' exists");
});

test('stdin gets a newline unless stdin_add_newline is false; strip_empty_ends', async () => {
  const ctx = fakeContext({ commands: [echo('out\n\n')] });
  const r = await runModule(command, { cmd: 'cat', stdin: 'hi' }, ctx);
  assert.equal(ctx.runs[0]!.opts?.stdin, 'hi\n');
  assert.equal(r.result.stdout, 'out');
  const ctx2 = fakeContext({ commands: [echo('out\n\n')] });
  const r2 = await runModule(command, { cmd: 'cat', stdin: 'hi', stdin_add_newline: false, strip_empty_ends: false }, ctx2);
  assert.equal(ctx2.runs[0]!.opts?.stdin, 'hi');
  assert.equal(r2.result.stdout, 'out\n\n');
  assert.deepEqual(r2.result.stdout_lines, ['out', '']);
});

test('shell runs the string through /bin/sh -c (or executable) as is', async () => {
  const ctx = fakeContext({ commands: [echo('1')] });
  const r = await runModule(shell, { cmd: 'echo a | wc -l' }, ctx);
  assert.equal(ctx.runs[0]!.command, "/bin/sh -c 'echo a | wc -l'");
  assert.equal(r.result.cmd, 'echo a | wc -l');
  const ctx2 = fakeContext({ commands: [echo()] });
  await runModule(shell, { cmd: 'echo $((1+1))', executable: '/bin/bash' }, ctx2);
  assert.equal(ctx2.runs[0]!.command, "/bin/bash -c 'echo $((1+1))'");
});

test('glob words quote everything but the wildcards', () => {
  assert.equal(globWord('/tmp/a b/*.txt', fakeQuote), "'/tmp/a b/'*.txt");
  assert.equal(globWord('/x/$(reboot)', fakeQuote), "'/x/$(reboot)'");
  assert.equal(globWord('/x/[ab]?', fakeQuote), '/x/[ab]?');
  assert.equal(globWord('/x/[$(id)]', fakeQuote), "'/x/[$(id)]'");
  assert.equal(globWord('~/.kube/config', fakeQuote), '~/.kube/config');
  assert.match(globExistsCommand('/a', fakeQuote), /^\(for f in \/a; /);
});

test('timestamps look like Python datetime and timedelta', () => {
  assert.equal(formatTimestamp(new Date(2017, 8, 29, 22, 3, 48), 83128), '2017-09-29 22:03:48.083128');
  assert.equal(formatDelta(1529), '0:00:00.001529');
  assert.equal(formatDelta(3_723_000_000), '1:02:03');
});
