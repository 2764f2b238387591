// The pool over a transport that, like an ssh channel, cannot kill the shell's process tree
// itself: after a timeout the fresh shell must kill what is left of the old one.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ShellPool } from '../../../src/connection/shell-pool.js';
import type { OpenShell, ShellStreams } from '../../../src/connection/persistent-shell.js';
import { CommandTimeoutError, ConnectionError } from '../../../src/errors.js';
import { createConnection, connectionTypes, registerConnection, LocalConnection } from '../../../src/connection/index.js';
import { OptionsError } from '../../../src/errors.js';
import { alive } from '../../helpers/waiting.js';

const dir = mkdtempSync(join(tmpdir(), 'k8sp-pool-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** Like a channel close: drops the pipes and ends only the top process, not its children. */
const channelLike: OpenShell = async (launch) => {
  const child = spawn('/bin/sh', ['-c', launch], { stdio: ['pipe', 'pipe', 'pipe'], detached: true });
  const closed = new Promise<string>((r) => child.once('exit', (c, s) => r(`exited ${c ?? s}`)));
  const s: ShellStreams = {
    stdin: child.stdin,
    stdout: child.stdout,
    stderr: child.stderr,
    closed,
    destroy: () => {
      child.kill('SIGKILL');
      child.stdin.destroy();
      child.stdout.destroy();
      child.stderr.destroy();
    },
  };
  return s;
};

test('after a timeout the new shell kills the old shell\'s leftover processes', async () => {
  const pool = new ShellPool({ host: 'h', openShell: channelLike });
  try {
    const pidFile = join(dir, 'pid');
    const slow = pool.exec(`sleep 30 & echo $! > ${pidFile}; wait`, { timeoutMs: 300 });
    const behind = pool.exec('echo behind');
    await assert.rejects(slow, CommandTimeoutError);
    // The kill runs before the commands that were waiting.
    assert.equal((await behind).stdout, 'behind\n');
    const pid = Number(readFileSync(pidFile, 'utf8'));
    const end = Date.now() + 3000;
    while (alive(pid) && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
    assert.ok(!alive(pid), `sleep ${pid} survived its shell`);
  } finally {
    await pool.close();
  }
});

test('a transport that fails to open rejects the commands with its error, and is retried', async () => {
  let calls = 0;
  const flaky: OpenShell = (launch) => (++calls === 1 ? Promise.reject(new ConnectionError('h', 'no route')) : channelLike(launch));
  const pool = new ShellPool({ host: 'h', openShell: flaky });
  try {
    await assert.rejects(pool.exec('true'), /no route/);
    assert.equal((await pool.exec('echo ok')).stdout, 'ok\n');
    assert.equal(calls, 2);
  } finally {
    await pool.close();
  }
});

test('createConnection builds registered types and lists them for an unknown one', async () => {
  const c = createConnection('local', { host: 'localhost' });
  assert.ok(c instanceof LocalConnection);
  assert.equal(c.kind, 'local');
  await c.close();
  assert.throws(() => createConnection('locl', { host: 'x' }), (e: unknown) =>
    e instanceof OptionsError && /unknown connection type 'locl', did you mean 'local'\? \(known: .*local/.test(e.message));
  registerConnection('test-fake', (o) => new LocalConnection(o));
  assert.ok(connectionTypes().includes('test-fake'));
  assert.equal(createConnection('test-fake', { host: 'y' }).host, 'y');
});
