import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RunEventBus } from '../../../src/events/bus.js';
import type { PlayInfo, TaskInfo, TaskResult } from '../../../src/events/types.js';
import { JsonReporter } from '../../../src/reporters/json.js';
import { Capture } from './capture.js';

const play: PlayInfo = { name: 'web', pattern: 'web', location: { file: '/p/pb.yml', line: 1, column: 3 } };
const task = (name: string, action = 'command'): TaskInfo => ({ name, action, tags: [], location: { file: '/p/pb.yml', line: 4, column: 7 } });
const res = (host: string, status: TaskResult['status'], extra: Partial<TaskResult> = {}): TaskResult =>
  ({ host, status, changed: status === 'changed', data: {}, durationMs: 5, ...extra });

test('one JSON document shaped like Ansible\'s json callback, printed at run end only', () => {
  const bus = new RunEventBus();
  const out = new Capture();
  let tick = 0;
  new JsonReporter({ out, now: () => new Date(Date.UTC(2024, 0, 1, 0, 0, tick++)) }).attach(bus);
  bus.emit('run:start', { playbook: '/p/pb.yml', check: false, diff: true });
  bus.emit('play:start', { play, hosts: ['h1', 'h2'] });
  const t1 = task('changed cmd');
  bus.emit('task:start', { play, task: t1, hosts: ['h1', 'h2'] });
  bus.emit('host:result', { play, task: t1, result: res('h1', 'changed', { data: { cmd: ['echo', 'hi'], rc: 0, stdout: 'hi' }, msg: '', diff: [{ path: '/etc/x', before: 'a\n', after: 'b\n' }] }) });
  bus.emit('host:result', { play, task: t1, result: res('h2', 'failed', { msg: 'boom', data: { rc: 2 }, ignored: true }) });
  bus.emit('task:end', { play, task: t1 });
  const t2 = task('loop');
  bus.emit('task:start', { play, task: t2, hosts: ['h1'] });
  const it = res('h1', 'ok', { item: 'a', data: { rc: 0 } });
  bus.emit('item:result', { play, task: t2, result: it });
  bus.emit('host:result', { play, task: t2, result: res('h1', 'ok', { items: [it] }) });
  bus.emit('task:end', { play, task: t2 });
  const t3 = task('secret');
  bus.emit('task:start', { play, task: t3, hosts: ['h1'] });
  bus.emit('host:result', { play, task: t3, result: res('h1', 'skipped', { skipReason: 'Conditional result was False' }) });
  bus.emit('host:result', { play, task: t3, result: res('h2', 'changed', { censored: true, data: { password: 'x' } }) });
  bus.emit('task:end', { play, task: t3 });
  bus.emit('warning', { message: 'careful', host: 'h1' });
  bus.emit('play:end', { play });
  assert.equal(out.text, '', 'nothing before the end');
  bus.emit('run:end', { stats: { h1: { ok: 2, changed: 1, unreachable: 0, failed: 0, skipped: 1, rescued: 0, ignored: 0 } }, interrupted: false });

  const doc = JSON.parse(out.text);
  assert.equal(out.text.split('\n').length > 10, true, 'indented');
  assert.deepEqual(Object.keys(doc), ['custom_stats', 'global_custom_stats', 'interrupted', 'plays', 'stats', 'warnings'], 'sorted keys');
  assert.equal(doc.plays.length, 1);
  const p = doc.plays[0];
  assert.equal(p.play.name, 'web');
  assert.equal(p.play.path, '/p/pb.yml:1');
  assert.equal(p.play.duration.start, '2024-01-01T00:00:00.000Z');
  assert.ok(p.play.duration.end > p.play.duration.start);
  assert.deepEqual(p.tasks.map((x: { task: { name: string } }) => x.task.name), ['changed cmd', 'loop', 'secret']);
  assert.equal(p.tasks[0].task.path, '/p/pb.yml:4');
  assert.match(p.tasks[0].task.id, /^[0-9a-f-]{36}$/);
  assert.deepEqual(p.tasks[0].hosts.h1, {
    action: 'command', changed: true, cmd: ['echo', 'hi'], rc: 0, stdout: 'hi', msg: '', duration_ms: 5,
    diff: [{ before: 'a\n', after: 'b\n', before_header: '/etc/x', after_header: '/etc/x' }],
  });
  assert.deepEqual(p.tasks[0].hosts.h2, { action: 'command', changed: false, failed: true, ignored: true, msg: 'boom', rc: 2, duration_ms: 5 });
  assert.deepEqual(p.tasks[1].hosts.h1, {
    action: 'command', changed: false, msg: 'All items completed', duration_ms: 5,
    results: [{ changed: false, item: 'a', rc: 0, duration_ms: 5 }],
  });
  assert.deepEqual(p.tasks[2].hosts.h1, { action: 'command', changed: false, skipped: true, skip_reason: 'Conditional result was False', duration_ms: 5 });
  assert.equal(p.tasks[2].hosts.h2.password, undefined, 'no_log data never printed');
  assert.match(p.tasks[2].hosts.h2.censored, /no_log: true/);
  assert.deepEqual(doc.stats, { h1: { changed: 1, failures: 0, ignored: 0, ok: 2, rescued: 0, skipped: 1, unreachable: 0 } });
  assert.deepEqual(doc.warnings, ['h1: careful']);
  assert.equal(doc.interrupted, false);
});
