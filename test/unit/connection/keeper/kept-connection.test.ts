// A kept connection through a ProxyCommand: closed, it says goodbye through the proxy before
// the proxy is stopped; dropped (it did not answer), the proxy is stopped at once.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KeptConnection } from '../../../../src/connection/keeper/kept-connection.js';
import { openClient, type OpenedClient } from '../../../../src/connection/ssh/open-client.js';
import { pidAlive } from '../../../../src/util/process.js';
import { loopbackSsh, type LoopbackSsh } from './loopback-ssh.js';
import { until } from '../../../helpers/waiting.js';

// Relays stdin/stdout to 127.0.0.1:PORT; logs its pid, its stdin's end and a SIGTERM, in order.
// Its stdin ending does not end it (only the server's side closing, or a signal, does): so
// whether it was signalled does not race with its own exit.
const PROXY = `
import { appendFileSync } from 'node:fs';
import { connect } from 'node:net';
const [port, log] = process.argv.slice(2);
appendFileSync(log, 'pid ' + process.pid + '\\n');
const s = connect(Number(port), '127.0.0.1');
process.stdin.pipe(s, { end: false });
s.pipe(process.stdout);
s.on('error', () => process.exit(1));
s.on('close', () => process.exit(0));
process.stdin.on('end', () => appendFileSync(log, 'eof\\n'));
process.on('SIGTERM', () => {
  appendFileSync(log, 'term\\n');
  process.exit(0);
});
`;

let srv: LoopbackSsh;
let dir: string;

before(async () => {
  srv = await loopbackSsh();
  dir = mkdtempSync(join(tmpdir(), 'k8sp-kept-'));
});

after(async () => {
  await srv.close();
  rmSync(dir, { recursive: true, force: true });
});

/** A connection through the logging proxy, kept; `log` is the proxy's log file. */
async function viaProxy(name: string): Promise<{ kept: KeptConnection; opened: OpenedClient; log: string; gone: () => number }> {
  const script = join(dir, 'proxy.mjs');
  const log = join(dir, `${name}.log`);
  writeFileSync(script, PROXY);
  const proxy = `ProxyCommand=${process.execPath} ${script} ${srv.port} ${log}`;
  const opts = srv.options({ vars: { ansible_ssh_common_args: `-o UserKnownHostsFile=${srv.knownHosts} -o "${proxy}"` } });
  const opened = await openClient(opts);
  let gone = 0;
  const kept = new KeptConnection('1', 'key', opened, null, () => gone++);
  return { kept, opened, log, gone: () => gone };
}

/** The proxy's pid and what it saw, in order. */
function proxyLog(log: string): { pid: number; events: string[] } {
  const lines = readFileSync(log, 'utf8').split('\n').filter(Boolean);
  return { pid: Number(/^pid (\d+)$/.exec(lines[0] ?? '')?.[1]), events: lines.slice(1) };
}

test('close(): the disconnect goes through the ProxyCommand before it is stopped', async () => {
  const { kept, opened, log, gone } = await viaProxy('close');
  const closed = new Promise<void>((r) => opened.client.once('close', () => r()));
  kept.close();
  assert.equal(gone(), 1, 'the keeper forgets it at once');
  await closed;
  const { pid } = proxyLog(log);
  await until('the proxy to exit', () => !pidAlive(pid));
  const { events } = proxyLog(log);
  assert.equal(events[0], 'eof', `the proxy saw: ${events.join(', ')}`);
  assert.equal(gone(), 1, 'and only once');
});

test('destroy(): the ProxyCommand itself is stopped at once (not only its shell)', async () => {
  const { kept, log, gone } = await viaProxy('destroy');
  kept.destroy('no answer');
  assert.equal(kept.lost, 'no answer');
  assert.equal(gone(), 1);
  const { pid } = proxyLog(log);
  await until('the proxy to exit', () => !pidAlive(pid));
  assert.ok(proxyLog(log).events.includes('term'), `the proxy saw: ${proxyLog(log).events.join(', ')}`);
});
