// A ProxyCommand runs with the run's environment, as a direct connection's does, also when the
// connection keeper starts it: the keeper's own environment is whichever run started it, or
// (a warm engine's run swaps process.env) the run going on in it at that moment.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openClient } from '../../../../src/connection/ssh/open-client.js';
import { resolveTarget } from '../../../../src/connection/ssh/settings.js';
import type { SshConnectionOptions } from '../../../../src/connection/ssh/options.js';
import { connectionKey, wireOptions, wireTarget } from '../../../../src/connection/keeper/wire-options.js';
import { rejectsWithConnectionError as rejects } from '../../../helpers/connection-error.js';

const dir = mkdtempSync(join(tmpdir(), 'k8sp-proxyenv-'));
after(() => rmSync(dir, { recursive: true, force: true }));

// Writes what it sees of K8SP_PROXY_MARK, then ends (the handshake fails: nothing answers).
const script = join(dir, 'proxy.sh');
writeFileSync(script, 'printf %s "${K8SP_PROXY_MARK-unset}" > "$1"\n');

function viaProxy(out: string, extra: Partial<SshConnectionOptions> = {}): SshConnectionOptions {
  return {
    host: 'web1', address: '127.0.0.1', password: 'x', connectAttempts: 1, homeDir: dir, localUser: 'me', env: {},
    configFiles: [], globalKnownHostsFiles: [],
    vars: { ansible_ssh_common_args: `-o "ProxyCommand=/bin/sh ${script} ${out}"` },
    ...extra,
  };
}

test('openClient: the ProxyCommand gets opts.commandEnv, not this process environment', async () => {
  const out = join(dir, 'seen-run');
  process.env['K8SP_PROXY_MARK'] = 'the-keeper';
  try {
    const opts = viaProxy(out, { commandEnv: { K8SP_PROXY_MARK: 'the-run', PATH: process.env['PATH'] ?? '/usr/bin:/bin' } });
    await rejects(openClient(opts), /connect to host 127\.0\.0\.1|ProxyCommand/);
  } finally {
    delete process.env['K8SP_PROXY_MARK'];
  }
  assert.equal(readFileSync(out, 'utf8'), 'the-run');
});

test('openClient without commandEnv: this process environment (a direct connection)', async () => {
  const out = join(dir, 'seen-direct');
  process.env['K8SP_PROXY_MARK'] = 'this-process';
  try {
    await rejects(openClient(viaProxy(out)), /connect to host 127\.0\.0\.1|ProxyCommand/);
  } finally {
    delete process.env['K8SP_PROXY_MARK'];
  }
  assert.equal(readFileSync(out, 'utf8'), 'this-process');
});

test("sent to the keeper: the run's environment with a ProxyCommand only; it does not split connections", () => {
  const opts = viaProxy(join(dir, 'unused'));
  const target = resolveTarget(opts);
  assert.ok(target.proxyCommand);
  process.env['K8SP_PROXY_MARK'] = 'run-env';
  let withProxy;
  try {
    withProxy = wireOptions(opts, target);
  } finally {
    delete process.env['K8SP_PROXY_MARK'];
  }
  assert.equal(withProxy.commandEnv?.['K8SP_PROXY_MARK'], 'run-env');
  assert.equal(withProxy.commandEnv?.['PATH'], process.env['PATH']);
  // The options' own, when given.
  assert.deepEqual(wireOptions({ ...opts, commandEnv: { A: '1' } }, target).commandEnv, { A: '1' });
  // No proxy: nothing of the environment beyond what ssh reads.
  const plain = { ...opts, vars: {} };
  assert.ok(!('commandEnv' in wireOptions(plain, resolveTarget(plain))));
  assert.ok(!('commandEnv' in wireOptions({ ...plain, commandEnv: { A: '1' } }, resolveTarget(plain))));
  // Another environment, the same connection (ssh's ControlMaster: the opener's proxy serves).
  const wt = wireTarget(target);
  assert.equal(connectionKey({ ...withProxy, commandEnv: { OTHER: 'x' } }, wt), connectionKey(withProxy, wt));
});
