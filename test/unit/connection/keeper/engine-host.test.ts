// EngineHost (src/connection/keeper/engine-host.ts), the keeper's side of op 'run', with a fake
// engine over real unix socket pairs: what it declines and why (busy, another installation,
// another Node, retired after a run that was not reusable or failed, an engine that cannot
// load), that it loads the engine once, that preload() loads it before the first run, and
// what state() shows for `keeper status`.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EngineHost, type Engine } from '../../../../src/connection/keeper/engine-host.js';
import { LineReader, PROTOCOL_VERSION, type RunAnswer, type RunRequest } from '../../../../src/connection/keeper/protocol.js';
import { until, within } from '../../../helpers/waiting.js';
import { socketPairs } from '../../../helpers/socket-pairs.js';

const BUNDLE = '/opt/k8splay/dist/src/cli/k8splay.cjs';

function request(over: Partial<RunRequest> = {}): RunRequest {
  return {
    v: PROTOCOL_VERSION, op: 'run', bundle: BUNDLE, node: process.version, argv: ['site.yml'], cwd: '/',
    env: {}, umask: 0o022, stdout: { isTTY: false }, stderr: { isTTY: false }, ...over,
  };
}

/** A promise with its resolvers, for runs and loads the test ends when it wants. */
function deferred<T>(): { promise: Promise<T>; resolve: (v: T) => void; reject: (e: unknown) => void } {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => { resolve = res; reject = rej; });
  return { promise, resolve, reject };
}

function tick(ms = 10): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

interface ServeCall { sock: Socket; req: RunRequest; rest: Buffer; done: ReturnType<typeof deferred<{ reusable: boolean; reason?: string }>> }

/** A fake engine: counts its loads; each serveRun answers ok and waits until the test ends it. */
class FakeEngine {
  loads = 0;
  codeCacheSaves = 0;
  calls: ServeCall[] = [];
  /** Set: load() fails with it. */
  loadError?: Error;
  /** Set: load() waits for it. */
  loadGate?: Promise<void>;
  /** Set: serveRun throws it. */
  serveError?: Error;

  load = async (): Promise<Engine> => {
    this.loads++;
    if (this.loadGate) await this.loadGate;
    if (this.loadError) throw this.loadError;
    return {
      serveRun: (sock, req, rest) => {
        if (this.serveError) return Promise.reject(this.serveError);
        const done = deferred<{ reusable: boolean; reason?: string }>();
        this.calls.push({ sock, req, rest, done });
        sock.write(JSON.stringify({ ok: true }) + '\n');
        return done.promise;
      },
      saveCodeCache: () => { this.codeCacheSaves++; },
    };
  };
}

/** A connected pair: the keeper's end (`keeper`) and the executable's end (`client`). */
const pair = socketPairs();

/** What the client got: the answer line, and whether the keeper ended the socket after it. */
function answerOf(client: Socket): Promise<{ answer: RunAnswer; ended: Promise<void> }> {
  return new Promise((resolve, reject) => {
    const reader = new LineReader();
    const ended = new Promise<void>((r) => client.once('end', () => r()));
    const timer = setTimeout(() => reject(new Error('no answer line within 3 s')), 3000);
    client.on('data', function onData(chunk: Buffer) {
      const got = reader.push(chunk);
      if (!got) return;
      clearTimeout(timer);
      client.off('data', onData);
      client.resume();
      resolve({ answer: JSON.parse(got.line) as RunAnswer, ended });
    });
  });
}

/** Serve `req` on a new pair; returns the client's answer. */
async function ask(host: EngineHost, req: RunRequest, rest = Buffer.alloc(0)): Promise<{ answer: RunAnswer; ended: Promise<void>; client: Socket; keeper: Socket }> {
  const { keeper, client } = await pair();
  const answered = answerOf(client);
  host.serve(keeper, req, rest);
  return { ...(await answered), client, keeper };
}

function declined(a: RunAnswer): string {
  assert.equal(a.ok, false, `expected a decline, got ${JSON.stringify(a)}`);
  return (a as { declined: string }).declined;
}

describe('EngineHost', () => {
  test('serves a run: the engine gets the socket, request and rest; state shows it busy, then served', async () => {
    const fake = new FakeEngine();
    const host = new EngineHost({ bundle: BUNDLE, load: fake.load });
    assert.deepEqual(host.state(), { loaded: false, busy: false, served: 0 });
    const req = request({ argv: ['site.yml', '-v'] });
    const r = await ask(host, req, Buffer.from('frames'));
    assert.deepEqual(r.answer, { ok: true });
    assert.equal(fake.calls.length, 1);
    assert.equal(fake.calls[0]!.sock, r.keeper);
    assert.deepEqual(fake.calls[0]!.req, req);
    assert.equal(fake.calls[0]!.rest.toString(), 'frames');
    assert.deepEqual(host.state(), { loaded: true, busy: true, served: 1 });
    fake.calls[0]!.done.resolve({ reusable: true });
    await until('the run to end', () => !host.state().busy);
    assert.deepEqual(host.state(), { loaded: true, busy: false, served: 1 });
    assert.equal(fake.codeCacheSaves, 1, 'the code cache is saved after the first run');
  });

  test('loads the engine once for many runs; saves the code cache only after the first', async () => {
    const fake = new FakeEngine();
    const host = new EngineHost({ bundle: BUNDLE, load: fake.load });
    for (let i = 0; i < 3; i++) {
      const r = await ask(host, request());
      assert.deepEqual(r.answer, { ok: true }, `run ${i + 1}`);
      fake.calls[i]!.done.resolve({ reusable: true });
      await until('the run to end', () => !host.state().busy);
    }
    assert.equal(fake.loads, 1);
    assert.equal(fake.calls.length, 3);
    assert.equal(host.state().served, 3);
    assert.equal(fake.codeCacheSaves, 1);
  });

  test('declines a second run while one is going on, and serves again once it ended', async () => {
    const fake = new FakeEngine();
    const host = new EngineHost({ bundle: BUNDLE, load: fake.load });
    const first = await ask(host, request());
    assert.deepEqual(first.answer, { ok: true });
    const second = await ask(host, request());
    assert.equal(declined(second.answer), 'the warm engine is running another command');
    await within(second.ended, 'the declined socket to end'); // the keeper ends the declined socket: the client runs the command itself
    assert.equal(fake.calls.length, 1, 'the declined run never reached the engine');
    fake.calls[0]!.done.resolve({ reusable: true });
    await until('the first run to end', () => !host.state().busy);
    const third = await ask(host, request());
    assert.deepEqual(third.answer, { ok: true });
    fake.calls[1]!.done.resolve({ reusable: true });
    await until('the third run to end', () => !host.state().busy);
  });

  test('a bundle file changed since the engine loaded (a rebuild): retired, the run declined, the engine not asked', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'k8splay-engine-stamp-'));
    try {
      const bundle = join(dir, 'k8splay.cjs');
      writeFileSync(bundle, 'one build');
      const fake = new FakeEngine();
      const host = new EngineHost({ bundle, load: fake.load });
      const first = await ask(host, request({ bundle }));
      assert.deepEqual(first.answer, { ok: true });
      fake.calls[0]!.done.resolve({ reusable: true });
      await until('the run to end', () => !host.state().busy);
      // Unchanged: served again.
      const same = await ask(host, request({ bundle }));
      assert.deepEqual(same.answer, { ok: true });
      fake.calls[1]!.done.resolve({ reusable: true });
      await until('the run to end', () => !host.state().busy);
      // A rebuild writes a new file in its place.
      rmSync(bundle);
      writeFileSync(bundle, 'another build, longer');
      const after = await ask(host, request({ bundle }));
      assert.equal(declined(after.answer), 'the warm engine is retired: the installation changed since the engine was loaded');
      assert.equal(fake.calls.length, 2, 'the changed installation never reached the old engine');
      assert.equal(host.state().retired, 'the installation changed since the engine was loaded');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('declines a run of another installation (bundle) without loading the engine', async () => {
    const fake = new FakeEngine();
    const host = new EngineHost({ bundle: BUNDLE, load: fake.load });
    const r = await ask(host, request({ bundle: '/elsewhere/k8splay.cjs' }));
    assert.equal(declined(r.answer), `the keeper belongs to another installation (${BUNDLE})`);
    await within(r.ended, 'the declined socket to end');
    assert.equal(fake.loads, 0);
    assert.deepEqual(host.state(), { loaded: false, busy: false, served: 0 });
  });

  test('declines a client of another Node', async () => {
    const fake = new FakeEngine();
    const host = new EngineHost({ bundle: BUNDLE, load: fake.load });
    const r = await ask(host, request({ node: 'v0.0.1' }));
    assert.equal(declined(r.answer), `the keeper runs another Node (${process.version})`);
    assert.equal(fake.loads, 0);
    assert.equal(fake.calls.length, 0);
  });

  test('a run that returned reusable:false retires the engine: later runs are declined, state and log say why', async () => {
    const fake = new FakeEngine();
    const logs: string[] = [];
    const host = new EngineHost({ bundle: BUNDLE, load: fake.load, log: (t) => logs.push(t) });
    const first = await ask(host, request());
    assert.deepEqual(first.answer, { ok: true });
    fake.calls[0]!.done.resolve({ reusable: false, reason: 'a run loaded custom modules' });
    await until('the run to end', () => !host.state().busy);
    assert.deepEqual(host.state(), { loaded: true, busy: false, served: 1, retired: 'a run loaded custom modules' });
    assert.deepEqual(logs, ['warm engine retired: a run loaded custom modules']);
    const next = await ask(host, request());
    assert.equal(declined(next.answer), 'the warm engine is retired: a run loaded custom modules');
    assert.equal(fake.calls.length, 1);
    // Retired comes first: even another installation is told the engine is retired.
    const other = await ask(host, request({ bundle: '/elsewhere' }));
    assert.match(declined(other.answer), /retired/);
  });

  test('reusable:false without a reason still retires it', async () => {
    const fake = new FakeEngine();
    const host = new EngineHost({ bundle: BUNDLE, load: fake.load });
    await ask(host, request());
    fake.calls[0]!.done.resolve({ reusable: false });
    await until('the run to end', () => !host.state().busy);
    assert.equal(host.state().retired, 'retired');
    assert.equal(declined((await ask(host, request())).answer), 'the warm engine is retired: retired');
  });

  test('a fault in serving (serveRun throws) ends the socket without an answer and retires the engine', async () => {
    const fake = new FakeEngine();
    fake.serveError = new Error('boom');
    const host = new EngineHost({ bundle: BUNDLE, load: fake.load });
    const { keeper, client } = await pair();
    const closed = new Promise<void>((r) => client.once('close', () => r()));
    client.resume();
    host.serve(keeper, request(), Buffer.alloc(0));
    await within(closed, 'the client socket to close');
    await until('the run to end', () => !host.state().busy);
    assert.equal(host.state().retired, 'a run failed: boom');
    assert.equal(declined((await ask(host, request())).answer), 'the warm engine is retired: a run failed: boom');
  });

  test('an engine that cannot load: that run is declined with the reason, the engine retired, and never loaded again', async () => {
    const fake = new FakeEngine();
    fake.loadError = new Error('bundle missing');
    const logs: string[] = [];
    const host = new EngineHost({ bundle: BUNDLE, load: fake.load, log: (t) => logs.push(t) });
    const first = await ask(host, request());
    assert.equal(declined(first.answer), 'cannot load the engine: bundle missing');
    await within(first.ended, 'the declined socket to end');
    await until('the run to end', () => !host.state().busy);
    assert.equal(host.state().retired, 'cannot load the engine: bundle missing');
    assert.deepEqual(logs, ['cannot load the engine: bundle missing']);
    const second = await ask(host, request());
    assert.equal(declined(second.answer), 'the warm engine is retired: cannot load the engine: bundle missing');
    host.preload();
    await tick();
    assert.equal(fake.loads, 1);
    assert.equal(host.state().served, 0);
  });

  test('preload() loads the engine before the first run, which then does not load it again', async () => {
    const fake = new FakeEngine();
    const gate = deferred<void>();
    fake.loadGate = gate.promise;
    const host = new EngineHost({ bundle: BUNDLE, load: fake.load });
    host.preload();
    assert.equal(fake.loads, 1, 'load started at once');
    host.preload();
    assert.equal(fake.loads, 1, 'a second preload does not load again');
    gate.resolve();
    await tick();
    assert.deepEqual(host.state(), { loaded: true, busy: false, served: 0 });
    const r = await ask(host, request());
    assert.deepEqual(r.answer, { ok: true });
    assert.equal(fake.loads, 1);
    fake.calls[0]!.done.resolve({ reusable: true });
    await until('the run to end', () => !host.state().busy);
  });

  test('a run asked while the engine is still loading waits for that one load', async () => {
    const fake = new FakeEngine();
    const gate = deferred<void>();
    fake.loadGate = gate.promise;
    const host = new EngineHost({ bundle: BUNDLE, load: fake.load });
    host.preload();
    const { keeper, client } = await pair();
    const answered = answerOf(client);
    host.serve(keeper, request(), Buffer.alloc(0));
    await tick(30);
    assert.equal(fake.calls.length, 0, 'not served before the engine loaded');
    assert.equal(host.state().busy, true);
    gate.resolve();
    assert.deepEqual((await within(answered, 'the answer')).answer, { ok: true });
    assert.equal(fake.loads, 1);
    fake.calls[0]!.done.resolve({ reusable: true });
    await until('the run to end', () => !host.state().busy);
  });

  test('a failed preload retires the engine without an unhandled rejection', async () => {
    const fake = new FakeEngine();
    fake.loadError = new Error('no bundle');
    const host = new EngineHost({ bundle: BUNDLE, load: fake.load });
    host.preload();
    await tick();
    assert.equal(host.state().retired, 'cannot load the engine: no bundle');
    assert.equal(declined((await ask(host, request())).answer), 'the warm engine is retired: cannot load the engine: no bundle');
  });
});
