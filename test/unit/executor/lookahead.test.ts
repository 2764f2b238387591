/**
 * The read-ahead ledger: a read is used only while nothing it depends on has changed.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Lookahead, readAheadWindow, DEFAULT_READ_AHEAD, type ReadSettings } from '../../../src/executor/lookahead.js';
import { HostState } from '../../../src/executor/host-state.js';
import type { TaskNode } from '../../../src/playbook/model.js';
import type { LoadedModule } from '../../../src/module-api/types.js';

const task = { kind: 'task', action: 'x' } as unknown as TaskNode;
const other = { kind: 'task', action: 'y' } as unknown as TaskNode;
const module = { definition: { name: 'x' }, source: 'test' } as unknown as LoadedModule;
const settings = (over: Partial<ReadSettings> = {}): ReadSettings => ({ module, checkMode: false, diffMode: false, become: false, ...over });
const state = (v: string) => Promise.resolve({ state: v, warnings: [] });

function ledger() {
  const la = new Lookahead(4);
  const host = new HostState('h1');
  host.facts = { os: 'a' };
  host.runtimeVars.r = 1;
  la.add(task, host, la.mark, { path: '/x', n: [1] }, settings(), state('read'));
  return { la, host };
}

test('a read is used once, for equal arguments and settings, on its own task and host', async () => {
  const { la, host } = ledger();
  assert.equal(la.take(other, host, { path: '/x', n: [1] }, settings()), undefined);
  assert.equal(la.take(task, new HostState('h2'), { path: '/x', n: [1] }, settings()), undefined);
  assert.equal(la.take(task, host, { path: '/x', n: [2] }, settings()), undefined);
  assert.equal(la.take(task, host, { path: '/x', n: [1] }, settings({ checkMode: true })), undefined);
  assert.equal(la.take(task, host, { path: '/x', n: [1] }, settings({ become: { method: 'sudo', user: 'root' } })), undefined);
  assert.equal(la.take(task, host, { path: '/x', n: [1] }, settings({ environment: { A: '1' } })), undefined);
  assert.deepEqual(await la.take(task, host, { path: '/x', n: [1] }, settings()), { state: 'read', warnings: [] });
  assert.equal(la.take(task, host, { path: '/x', n: [1] }, settings()), undefined, 'used once');
  assert.deepEqual(la.counts, { sent: 1, used: 1 });
});

test('a change anywhere, an apply, new facts or host variables make a read stale', () => {
  const args = { path: '/x', n: [1] };
  let { la, host } = ledger();
  la.applyPhase('start');
  assert.equal(la.quiet, false);
  la.applyPhase('end');
  assert.equal(la.quiet, true);
  assert.equal(la.take(task, host, args, settings()), undefined, 'apply');
  ({ la, host } = ledger());
  host.facts = { os: 'a' };
  assert.equal(la.take(task, host, args, settings()), undefined, 'new facts object');
  ({ la, host } = ledger());
  host.runtimeVars.r = 2;
  assert.equal(la.take(task, host, args, settings()), undefined, 'variable changed');
  ({ la, host } = ledger());
  host.runtimeVars.s = 1;
  assert.equal(la.take(task, host, args, settings()), undefined, 'variable added');
  ({ la, host } = ledger());
  delete host.runtimeVars.r;
  assert.equal(la.take(task, host, args, settings()), undefined, 'variable removed');
  ({ la, host } = ledger());
  assert.notEqual(la.take(task, host, args, settings()), undefined, 'nothing changed');
});

test('has/claim: a task is read ahead once per host until something changes; drop forgets it', () => {
  const { la, host } = ledger();
  assert.equal(la.has(task, 'h1'), true);
  assert.equal(la.has(task, 'h2'), false);
  la.claim(other, 'h1');
  assert.equal(la.has(other, 'h1'), true);
  la.applyPhase('start');
  la.applyPhase('end');
  assert.equal(la.has(task, 'h1'), false);
  la.drop(task);
  assert.equal(la.take(task, host, { path: '/x', n: [1] }, settings()), undefined);
});

test('K8SPLAY_READ_AHEAD sets the window; 0 turns read-ahead off', () => {
  assert.equal(readAheadWindow({}), DEFAULT_READ_AHEAD);
  assert.equal(readAheadWindow({ K8SPLAY_READ_AHEAD: '0' }), 0);
  assert.equal(readAheadWindow({ K8SPLAY_READ_AHEAD: '3' }), 3);
  assert.equal(readAheadWindow({ K8SPLAY_READ_AHEAD: 'x' }), DEFAULT_READ_AHEAD);
});

test('work kept for a task is used once, while its host, play, keywords and shared state are as they were', () => {
  const play = {};
  const inherited = {};
  const settings = { scope: {} } as never;
  const keep = (la: Lookahead, host: HostState, readsOthers: boolean): void =>
    la.keepWork(task, host, { epoch: la.mark, varsEpoch: la.varsMark, readsOthers }, play, inherited, { settings, scopes: [] });
  const fresh = () => {
    const la = new Lookahead(4);
    const host = new HostState('h1');
    host.runtimeVars.r = 1;
    return { la, host };
  };
  let { la, host } = fresh();
  keep(la, host, false);
  assert.equal(la.workFor(other, host, play, inherited), undefined);
  assert.equal(la.workFor(task, host, {}, inherited), undefined, 'another play scope (batch)');
  ({ la, host } = fresh());
  keep(la, host, false);
  assert.equal(la.workFor(task, host, play, {}), undefined, 'other keywords');
  ({ la, host } = fresh());
  keep(la, host, false);
  la.varsChanged();
  assert.equal(la.workFor(task, host, play, inherited)?.settings, settings, 'another host\'s variables do not matter');
  assert.equal(la.workFor(task, host, play, inherited), undefined, 'used once');
  ({ la, host } = fresh());
  keep(la, host, true);
  la.varsChanged();
  assert.equal(la.workFor(task, host, play, inherited), undefined, 'work that read hostvars');
  ({ la, host } = fresh());
  keep(la, host, false);
  host.runtimeVars.r = 2;
  assert.equal(la.workFor(task, host, play, inherited), undefined, 'own variables');
  ({ la, host } = fresh());
  keep(la, host, false);
  la.applyPhase('start');
  la.applyPhase('end');
  assert.equal(la.workFor(task, host, play, inherited), undefined, 'an apply');
});

test('a value changed in place by a template makes reads and work stale', async () => {
  const { renderValue } = await import('../../../src/template/index.js');
  const { la, host } = ledger();
  const args = { path: '/x', n: [1] };
  renderValue('{{ l.append(1) }}', { l: [] });
  assert.equal(la.take(task, host, args, settings()), undefined);
});

test('arguments are kept by the scope object they were rendered in, until something changes', () => {
  const la = new Lookahead(4);
  const scope = { a: 1 };
  la.keepArgs(scope, la.mark, { x: 1 }, ['w']);
  assert.deepEqual(la.argsFor(scope), { epoch: la.mark, args: { x: 1 }, warnings: ['w'] });
  assert.equal(la.argsFor({ a: 1 }), undefined);
  la.applyPhase('start');
  assert.equal(la.argsFor(scope), undefined);
});
