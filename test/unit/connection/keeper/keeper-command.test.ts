// `k8splay keeper status|stop`: reports and stops the keeper of the control directory the
// environment names; bad actions are option errors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer } from 'node:net';
import { PassThrough } from 'node:stream';
import { keeperCommand } from '../../../../src/cli/keeper-command.js';
import { main } from '../../../../src/cli/main.js';
import { Keeper } from '../../../../src/connection/keeper/keeper.js';
import { socketName } from '../../../../src/connection/keeper/control-settings.js';
import { keeperStatus, stopKeepers } from '../../../../src/connection/keeper/control.js';
import { OptionsError } from '../../../../src/errors.js';

function sink(): { out: PassThrough; text: () => string } {
  const out = new PassThrough();
  let text = '';
  out.on('data', (d: Buffer) => (text += d.toString()));
  return { out, text: () => text };
}

test('status and stop of the keeper in K8SPLAY_CONTROL_PATH_DIR', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'k8sp-kcmd-'));
  try {
    const env = { K8SPLAY_CONTROL_PATH_DIR: dir };
    const none = sink();
    assert.equal(await keeperCommand(['status'], none.out, env), 0);
    assert.match(none.text(), /no connection keeper running in /);
    let exited = false;
    const k = new Keeper({ socket: join(dir, socketName()), onExit: () => (exited = true) });
    assert.ok(await k.listen());
    const st = sink();
    assert.equal(await keeperCommand(['status'], st.out, env), 0);
    assert.match(st.text(), new RegExp(`keeper pid ${process.pid} in .*: 0 connection\\(s\\)`));
    const stop = sink();
    assert.equal(await keeperCommand(['stop'], stop.out, env), 0);
    assert.match(stop.text(), /stopped 1 connection keeper/);
    assert.ok(exited);
    await assert.rejects(keeperCommand(['restart'], sink().out, env), (e: unknown) => e instanceof OptionsError && /unknown keeper action 'restart'/.test(e.message));
    // Through the command line: an unknown action is exit 5, as every bad option.
    const err = sink();
    assert.equal(await main(['keeper', 'restart'], { stdout: sink().out, stderr: err.out, env }), 5);
    assert.match(err.text(), /unknown keeper action/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a keeper of an earlier protocol version is asked for its status and stopped in its own version', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'k8sp-kcmd-old-'));
  // A stand-in for a version 1 keeper: it answers only requests of its version, as keepers do.
  const asked: Array<{ v: number; op: string }> = [];
  const old = createServer((s) => {
    s.once('data', (d: Buffer) => {
      const req = JSON.parse(d.toString().split('\n')[0]!) as { v: number; op: string };
      asked.push(req);
      if (req.v !== 1) return void s.end(`${JSON.stringify({ ok: false, error: { cls: 'Error', message: `speaks protocol 1, not ${req.v}` } })}\n`);
      if (req.op === 'status') return void s.end(`${JSON.stringify({ pid: 4242, version: 1, uptimeMs: 1, clients: 0, connections: [] })}\n`);
      s.end(`${JSON.stringify({ ok: true })}\n`, () => old.close());
    });
  });
  await new Promise<void>((r) => old.listen(join(dir, 'keeper-v1.sock'), r));
  try {
    const st = await keeperStatus(dir);
    assert.deepEqual(st.map((k) => [k.pid, k.version]), [[4242, 1]]);
    assert.equal(await stopKeepers(dir, 2000), 1);
    assert.deepEqual(asked.map((a) => `${a.op} v${a.v}`), ['status v1', 'stop v1']);
  } finally {
    old.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
