import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RunEventBus } from '../../../src/events/bus.js';
import type { HostStats, PlayInfo, TaskInfo, TaskResult } from '../../../src/events/types.js';
import { ConsoleReporter } from '../../../src/reporters/console.js';
import { banner } from '../../../src/reporters/text.js';
import { Capture } from './capture.js';

const play: PlayInfo = { name: 'First play', pattern: 'web' };
const task = (name: string, extra: Partial<TaskInfo> = {}): TaskInfo => ({ name, action: 'command', tags: [], ...extra });
const res = (host: string, status: TaskResult['status'], extra: Partial<TaskResult> = {}): TaskResult =>
  ({ host, status, changed: status === 'changed', data: {}, durationMs: 1, ...extra });
const stats = (s: Partial<HostStats>): HostStats =>
  ({ ok: 0, changed: 0, unreachable: 0, failed: 0, skipped: 0, rescued: 0, ignored: 0, ...s });

function setup(opts: { verbosity?: number; color?: boolean; tty?: boolean; env?: NodeJS.ProcessEnv; displaySkippedHosts?: boolean } = {}) {
  const bus = new RunEventBus();
  const out = new Capture({ tty: opts.tty });
  const err = new Capture({ tty: opts.tty });
  const r = new ConsoleReporter({ out, err, verbosity: opts.verbosity, color: opts.color, env: opts.env ?? {}, displaySkippedHosts: opts.displaySkippedHosts });
  r.attach(bus);
  const runTask = (t: TaskInfo, results: TaskResult[]) => {
    bus.emit('task:start', { play, task: t, hosts: results.map((x) => x.host) });
    for (const result of results) bus.emit('host:result', { play, task: t, result });
    bus.emit('task:end', { play, task: t });
  };
  return { bus, out, err, runTask };
}

test('banners are padded with * to 80 columns after a blank line, as Ansible', () => {
  assert.equal(banner('PLAY [First play]'), '\nPLAY [First play] **************************************************************');
  assert.equal(banner('TASK [say hi]').split('\n')[1]!.length, 80);
  assert.equal(banner('TASK [' + 'x'.repeat(100) + ']').endsWith(' ***'), true, 'at least 3 stars');
  assert.equal(banner('PLAY RECAP', 99).split('\n')[1]!.length, 100);
});

test('a run prints Ansible-shaped lines (compared with ansible-playbook 2.14 output)', () => {
  const { bus, out, err, runTask } = setup();
  bus.emit('run:start', { playbook: 'pb.yml', check: false, diff: false });
  bus.emit('play:start', { play, hosts: ['h1', 'h2'] });
  runTask(task('say hi', { action: 'debug' }), [res('h1', 'ok', { data: { msg: 'hello h1' } }), res('h2', 'ok', { msg: 'hello h2' })]);
  runTask(task('debug var', { action: 'ansible.builtin.debug' }), [res('h1', 'ok', { data: { inventory_hostname: 'h1' } })]);
  runTask(task('changed cmd'), [res('h2', 'changed', { data: { rc: 0 } }), res('h1', 'changed')]);
  runTask(task('skip me'), [res('h1', 'skipped', { skipReason: 'Conditional result was False' }), res('h2', 'skipped')]);
  runTask(task('skipped debug', { action: 'debug' }), [res('h1', 'skipped', { skipReason: 'Conditional result was False' })]);
  runTask(task('delegated'), [res('h2', 'changed', { delegatedTo: 'localhost' }), res('h1', 'ok', { delegatedTo: 'h1' })]);
  runTask(task('secret'), [res('h1', 'changed', { censored: true, data: { censored: 'x' } })]);
  const h = task('h', { handler: true, action: 'debug' });
  runTask(h, [res('h1', 'ok', { data: { msg: 'handler ran' } })]);
  bus.emit('play:end', { play });
  bus.emit('run:end', { stats: { h2: stats({ ok: 11, changed: 6, failed: 1, skipped: 1, ignored: 2 }), h1: stats({ ok: 12, changed: 6, skipped: 2, ignored: 2 }) }, interrupted: false });
  const expected = `
PLAY [First play] **************************************************************

TASK [say hi] ******************************************************************
ok: [h1] => {
    "msg": "hello h1"
}
ok: [h2] => {
    "msg": "hello h2"
}

TASK [debug var] ***************************************************************
ok: [h1] => {
    "inventory_hostname": "h1"
}

TASK [changed cmd] *************************************************************
changed: [h2]
changed: [h1]

TASK [skip me] *****************************************************************
skipping: [h1]
skipping: [h2]

TASK [skipped debug] ***********************************************************
skipping: [h1]

TASK [delegated] ***************************************************************
changed: [h2 -> localhost]
ok: [h1]

TASK [secret] ******************************************************************
changed: [h1]

RUNNING HANDLER [h] ************************************************************
ok: [h1] => {
    "msg": "handler ran"
}

PLAY RECAP *********************************************************************
h1                         : ok=12   changed=6    unreachable=0    failed=0    skipped=2    rescued=0    ignored=2   
h2                         : ok=11   changed=6    unreachable=0    failed=1    skipped=1    rescued=0    ignored=2   

`;
  assert.deepEqual(out.lines(), expected.split('\n'));
  assert.equal(err.text, '');
});

test('loop items: one line per item, nothing for the summary unless all skipped', () => {
  const { bus, out, runTask } = setup();
  bus.emit('play:start', { play, hosts: ['h1', 'h2'] });
  const t = task('loop changed');
  bus.emit('task:start', { play, task: t, hosts: ['h1', 'h2'] });
  const a = res('h2', 'changed', { item: 'a' });
  const b = res('h2', 'skipped', { item: 'b' });
  bus.emit('item:result', { play, task: t, result: a });
  bus.emit('item:result', { play, task: t, result: b });
  bus.emit('host:result', { play, task: t, result: res('h2', 'changed', { items: [a, b] }) });
  // No item events: the reporter prints the items of the final result itself.
  const c = res('h1', 'ok', { item: { name: 'x', n: 1 } });
  bus.emit('host:result', { play, task: t, result: res('h1', 'ok', { items: [c] }) });
  const s1 = res('h1', 'skipped', { item: 1 });
  runTask(task('skip all'), [res('h1', 'skipped', { items: [s1], msg: 'All items skipped' })]);
  assert.deepEqual(out.lines().slice(4), [
    'changed: [h2] => (item=a)',
    'skipping: [h2] => (item=b) ',
    "ok: [h1] => (item={'name': 'x', 'n': 1})",
    '',
    'TASK [skip all] ****************************************************************',
    'skipping: [h1] => (item=1) ',
    'skipping: [h1]',
    '',
  ]);
});

test('failures are readable: message on the fatal line, then command, rc, stderr, stdout', () => {
  const { bus, out, runTask } = setup();
  bus.emit('play:start', { play, hosts: ['h2'] });
  runTask(task('fail for real', { location: { file: '/p/pb.yml', line: 52, column: 7 } }), [res('h2', 'failed', {
    msg: 'non-zero return code',
    data: { cmd: 'echo out; echo err >&2; exit 3', rc: 3, stdout: 'out', stderr: 'err\nmore err\n', stdout_lines: ['out'], stderr_lines: ['err'], start: 'x', changed: true },
  })]);
  runTask(task('argv'), [res('h2', 'failed', { ignored: true, data: { cmd: ['/bin/echo', 'a b', "it's"], rc: 1, extra: { k: 1 } }, msg: 'boom' })]);
  assert.deepEqual(out.lines().slice(4), [
    'fatal: [h2]: FAILED! => non-zero return code',
    '    cmd: echo out; echo err >&2; exit 3',
    '    rc: 3',
    '    stderr:',
    '        err',
    '        more err',
    '    stdout: out',
    '    task path: /p/pb.yml:52:7',
    '',
    'TASK [argv] ********************************************************************',
    'fatal: [h2]: FAILED! => boom',
    `    cmd: /bin/echo 'a b' 'it'\\''s'`,
    '    rc: 1',
    '    extra: {"k": 1}',
    '...ignoring',
    '',
  ]);
});

test('unreachable, failed items, no_log failure, status ok but ignored', () => {
  const { bus, out, runTask } = setup();
  bus.emit('play:start', { play, hosts: ['bad', 'd1'] });
  runTask(task('ping', { action: 'ping' }), [res('bad', 'unreachable', { msg: 'Failed to connect to the host via ssh: Connection refused' })]);
  const it = res('d1', 'failed', { item: 1, msg: 'non-zero return code', data: { rc: 1 } });
  runTask(task('fail loop'), [res('d1', 'failed', { items: [it] })]);
  runTask(task('secret fail'), [res('d1', 'failed', { censored: true, data: { censored: 'x' } })]);
  runTask(task('ignored'), [res('d1', 'ok', { ignored: true, msg: 'boom' })]);
  runTask(task('ign unreachable'), [res('bad', 'unreachable', { ignored: true, msg: 'down' })]);
  assert.deepEqual(out.lines().slice(3).filter((l) => !l.startsWith('TASK') && l !== ''), [
    'fatal: [bad]: UNREACHABLE! => Failed to connect to the host via ssh: Connection refused',
    'failed: [d1] (item=1) => non-zero return code',
    '    rc: 1',
    "fatal: [d1]: FAILED! => the output has been hidden due to the fact that 'no_log: true' was specified for this result",
    'fatal: [d1]: FAILED! => boom',
    '...ignoring',
    'fatal: [bad]: UNREACHABLE! => down',
    '...ignoring',
  ]);
});

test('-v shows result dicts like Ansible; no_log results are censored', () => {
  const { bus, out, runTask } = setup({ verbosity: 1 });
  bus.emit('play:start', { play, hosts: ['h1'] });
  runTask(task('c'), [res('h1', 'changed', { data: { cmd: ['echo', 'hi'], rc: 0, stdout: 'hi', invocation: { module_args: {} } }, msg: '' })]);
  runTask(task('s'), [res('h1', 'skipped', { skipReason: 'Conditional result was False' })]);
  runTask(task('n'), [res('h1', 'changed', { censored: true })]);
  const item = res('h1', 'skipped', { item: 'a', skipReason: 'Conditional result was False' });
  runTask(task('l'), [res('h1', 'skipped', { items: [item], skipReason: 'All items skipped', data: { results: [{ item: 'a' }] } })]);
  const lines = out.lines().filter((l) => /^(ok|changed|skipping)/.test(l));
  assert.deepEqual(lines, [
    'changed: [h1] => {"changed": true, "cmd": ["echo", "hi"], "msg": "", "rc": 0, "stdout": "hi"}',
    'skipping: [h1] => {"changed": false, "skip_reason": "Conditional result was False"}',
    `changed: [h1] => {"censored": "the output has been hidden due to the fact that 'no_log: true' was specified for this result", "changed": true}`,
    'skipping: [h1] => (item=a)  => {"changed": false, "item": "a", "skip_reason": "Conditional result was False"}',
    'skipping: [h1] => {"changed": false, "msg": "All items skipped"}',
  ]);
});

test('-vv prints PLAYBOOK banner and task paths; -vvv indents result dicts', () => {
  const { bus, out, runTask } = setup({ verbosity: 3 });
  bus.emit('run:start', { playbook: '/x/site.yml', check: false, diff: false });
  bus.emit('play:start', { play, hosts: ['h1'] });
  runTask(task('c', { location: { file: '/x/site.yml', line: 4, column: 7 } }), [res('h1', 'ok', { data: { rc: 0 } })]);
  assert.deepEqual(out.lines(), [
    '', 'PLAYBOOK: site.yml *************************************************************',
    '', 'PLAY [First play] **************************************************************',
    '', 'TASK [c] ***********************************************************************',
    'task path: /x/site.yml:4',
    'ok: [h1] => {', '    "changed": false,', '    "rc": 0', '}', '',
  ]);
});

test('diff mode prints unified diffs before the changed line, with a blank line after', () => {
  const { bus, out, runTask } = setup();
  bus.emit('play:start', { play, hosts: ['h1'] });
  runTask(task('copy'), [res('h1', 'changed', { diff: [{ path: '/etc/x', before: 'line1\nline2\n', after: 'line1\nline2 changed\n' }] })]);
  runTask(task('new'), [res('h1', 'changed', { diff: [{ path: '/etc/y', before: '', after: 'a', afterHeader: '/tmp/src' }] })]);
  runTask(task('same'), [res('h1', 'changed', { diff: [{ path: '/etc/z', before: 'a\n', after: 'a\n' }] })]);
  runTask(task('ok not shown'), [res('h1', 'ok', { diff: [{ path: '/etc/z', before: 'a\n', after: 'b\n' }] })]);
  assert.deepEqual(out.lines().slice(4), [
    '--- before: /etc/x', '+++ after: /etc/x', '@@ -1,2 +1,2 @@', ' line1', '-line2', '+line2 changed', '',
    'changed: [h1]',
    '', 'TASK [new] *********************************************************************',
    '--- before: /etc/y', '+++ after: /tmp/src', '@@ -0,0 +1 @@', '+a', '\\ No newline at end of file', '',
    'changed: [h1]',
    '', 'TASK [same] ********************************************************************',
    'changed: [h1]',
    '', 'TASK [ok not shown] ************************************************************',
    'ok: [h1]',
    '',
  ]);
});

test('colour only on a TTY, off with NO_COLOR, forced by ANSIBLE_FORCE_COLOR; recap host padded to 37', () => {
  const run = (o: Parameters<typeof setup>[0]) => {
    const { bus, out, runTask } = setup(o);
    bus.emit('play:start', { play, hosts: ['h1'] });
    runTask(task('c'), [res('h1', 'changed')]);
    bus.emit('run:end', { stats: { h1: stats({ ok: 1, changed: 1 }), h2: stats({ failed: 1 }), h3: stats({ ok: 2 }) }, interrupted: false });
    return out.text;
  };
  assert.ok(!run({ tty: false }).includes('\x1b['));
  assert.ok(!run({ tty: true, env: { NO_COLOR: '1' } }).includes('\x1b['));
  assert.ok(run({ tty: false, env: { ANSIBLE_FORCE_COLOR: '1' } }).includes('\x1b['));
  const text = run({ tty: true });
  assert.ok(text.includes('\x1b[0;33mchanged: [h1]\x1b[0m'));
  const recap = text.split('\n').filter((l) => / : (\x1b\[[0-9;]*m)?ok=/.test(l));
  assert.deepEqual(recap, [
    `${'\x1b[0;33mh1\x1b[0m'.padEnd(37)} : \x1b[0;32mok=1   \x1b[0m \x1b[0;33mchanged=1   \x1b[0m unreachable=0    failed=0    skipped=0    rescued=0    ignored=0   `,
    `${'\x1b[0;31mh2\x1b[0m'.padEnd(37)} : ok=0    changed=0    unreachable=0    \x1b[0;31mfailed=1   \x1b[0m skipped=0    rescued=0    ignored=0   `,
    `${'\x1b[0;32mh3\x1b[0m'.padEnd(37)} : \x1b[0;32mok=2   \x1b[0m changed=0    unreachable=0    failed=0    skipped=0    rescued=0    ignored=0   `,
  ]);
});

test('warnings go to the error stream once, wrapped to the width', () => {
  const { bus, out, err, runTask } = setup();
  bus.emit('play:start', { play, hosts: ['h1'] });
  runTask(task('w'), [res('h1', 'ok', { warnings: ['consider using the file module'] })]);
  bus.emit('warning', { message: 'consider using the file module' });
  bus.emit('warning', { message: 'word '.repeat(30).trim() });
  assert.ok(!out.text.includes('WARNING'));
  assert.deepEqual(err.lines(), [
    '[WARNING]: consider using the file module',
    '[WARNING]: ' + 'word '.repeat(13).trim(),
    'word '.repeat(16).trim(),
    'word',
    '',
  ]);
});

test('hidden skipped hosts: the banner waits for a line to print', () => {
  const { bus, out, runTask } = setup({ displaySkippedHosts: false });
  bus.emit('play:start', { play, hosts: ['h1'] });
  runTask(task('skipped everywhere'), [res('h1', 'skipped')]);
  runTask(task('runs'), [res('h1', 'skipped'), res('h2', 'ok')]);
  assert.deepEqual(out.lines().slice(3), ['TASK [runs] ********************************************************************', 'ok: [h2]', '']);
});

test('plays with no hosts, and no hosts left', () => {
  const { bus, out } = setup();
  bus.emit('play:start', { play: { name: '', pattern: 'nomatch' }, hosts: [] });
  bus.emit('play:no-hosts', { play, reason: 'no hosts matched' });
  bus.emit('play:start', { play, hosts: ['h1'] });
  bus.emit('play:no-hosts', { play, reason: 'all hosts failed' });
  assert.deepEqual(out.lines(), [
    '', 'PLAY [nomatch] *****************************************************************',
    'skipping: no hosts matched',
    '', 'PLAY [First play] **************************************************************',
    '', 'NO MORE HOSTS LEFT *************************************************************',
    '',
  ]);
});

test('a reporter error never escapes a listener, and is reported once', () => {
  const { bus, err } = setup();
  const bad = { host: 'h1', status: 'ok', changed: false, data: null, durationMs: 0, items: 5 } as unknown as TaskResult;
  assert.doesNotThrow(() => {
    bus.emit('play:start', { play, hosts: ['h1'] });
    bus.emit('host:result', { play, task: task('x', { action: undefined as unknown as string, name: undefined as unknown as string }), result: bad });
    bus.emit('host:result', { play, task: task('x', { action: undefined as unknown as string, name: undefined as unknown as string }), result: bad });
  });
  assert.equal(err.lines().filter((l) => l.includes('console reporter failed')).length, 1);
});

test('include_tasks results become one "included: FILE for hosts" line; retries print on stdout', () => {
  const { bus, out, err, runTask } = setup();
  bus.emit('play:start', { play, hosts: ['h1', 'h2'] });
  runTask(task('include_tasks', { action: 'include_tasks' }), [
    res('h1', 'ok', { data: { include: '/p/inc.yml' }, msg: 'included: /p/inc.yml' }),
    res('h2', 'ok', { data: { include: '/p/inc.yml' } }),
    res('h3', 'ok', { data: { include: '/p/other.yml' } }),
  ]);
  bus.emit('warning', { host: 'h1', message: 'FAILED - RETRYING: [h1]: wait (3 retries left).' });
  assert.deepEqual(out.lines().slice(3), [
    'TASK [include_tasks] ***********************************************************',
    'included: /p/inc.yml for h1, h2',
    'included: /p/other.yml for h3',
    'FAILED - RETRYING: [h1]: wait (3 retries left).',
    '',
  ]);
  assert.equal(err.text, '');
});

test('failure details: long stdout shows its end at verbosity 0, multi-line messages continue indented', () => {
  const { bus, out, runTask } = setup();
  bus.emit('play:start', { play, hosts: ['h1'] });
  const stdout = Array.from({ length: 60 }, (_, i) => `line ${i + 1}`).join('\n') + '\n';
  runTask(task('kubeadm init'), [res('h1', 'failed', { msg: 'first\nsecond', data: { rc: 1, stdout } })]);
  const lines = out.lines().slice(4);
  assert.deepEqual(lines.slice(0, 5), [
    'fatal: [h1]: FAILED! => first',
    '    second',
    '    rc: 1',
    '    stdout:',
    '        ... 10 earlier lines not shown (-v shows all)',
  ]);
  assert.equal(lines[5], '        line 11');
  assert.equal(lines[54], '        line 60');
});

test('assert results are always shown, like Ansible (its _ansible_verbose_always); check-mode unknowns say why', () => {
  const { bus, out, runTask } = setup();
  bus.emit('play:start', { play, hosts: ['h1'] });
  runTask(task('a', { action: 'assert' }), [res('h1', 'ok', { data: { msg: 'All assertions passed' } })]);
  runTask(task('c'), [res('h1', 'ok', { data: { rc: 0 } })]);
  runTask(task('u'), [res('h1', 'skipped', { skipReason: "unknown in check mode: 2 earlier change(s) not applied, the latest by 'x'", data: { check_mode_unknown: true } })]);
  const text = out.lines().join('\n');
  assert.match(text, /^ok: \[h1\] => \{\n {4}"changed": false,\n {4}"msg": "All assertions passed"\n\}$/m);
  assert.match(text, /^ok: \[h1\]$/m);
  assert.match(text, /^skipping: \[h1\] \(unknown in check mode: 2 earlier change\(s\) not applied, the latest by 'x'\)$/m);
});
