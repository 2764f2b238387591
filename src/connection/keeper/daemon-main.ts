/**
 * Entry point of the connection keeper process: `node daemon-main.js CONTROL_DIR`.
 * Started detached by the first run that needs it (see spawn.ts); loads only the keeper and
 * the ssh transport. Exits when idle (see keeper.ts), on `k8splay keeper stop`, or SIGTERM.
 * What goes wrong is appended to CONTROL_DIR/keeper.log (it has no terminal).
 */
import { appendFileSync, closeSync } from 'node:fs';
import { join } from 'node:path';

// File descriptors the starting process could not keep from us (not close-on-exec, e.g. a
// CI job's pipe): closed first, so the keeper never holds them open.
for (const fd of (process.env['K8SPLAY_KEEPER_CLOSE_FDS'] ?? '').split(',').filter(Boolean)) {
  try {
    closeSync(Number(fd));
  } catch {
    // already closed
  }
}
delete process.env['K8SPLAY_KEEPER_CLOSE_FDS'];

// The user's NODE_EXTRA_CA_CERTS, moved aside for our start (spawn.ts): back for what we start
// (a ProxyCommand), and trusted for a served run's TLS (a custom module's fetch()).
const { restoreExtraCaEnv } = await import('../../util/extra-ca-env.js');
const extraCaFile = restoreExtraCaEnv();
if (extraCaFile) (await import('../../util/extra-ca-certs.js')).trustExtraCaCertificates(extraCaFile);

const dir = process.argv[2];
if (!dir) {
  process.stderr.write('usage: daemon-main CONTROL_DIR\n');
  process.exit(2);
}

function log(text: string): void {
  try {
    appendFileSync(join(dir!, 'keeper.log'), `${new Date().toISOString()} [${process.pid}] ${text}\n`, { mode: 0o600 });
  } catch {
    // nowhere to say it
  }
}

process.on('uncaughtException', (e) => {
  log(`fatal: ${e.stack ?? String(e)}`);
  process.exit(1);
});

const { Keeper } = await import('./keeper.js');
const { socketName } = await import('./control-settings.js');
const { engineEntry } = await import('./locate.js');
const { EngineHost } = await import('./engine-host.js');
const { envBool } = await import('../../util/env-bool.js');
// The warm engine (engine-host.ts): loaded once the run that started us is over, when that run
// was the k8splay command's (spawn.ts says so); else on the first run asked.
const entry = envBool(process.env['K8SPLAY_NO_WARM_ENGINE']) ? undefined : engineEntry();
const engine = entry && new EngineHost({ ...entry, log });
const preload = process.env['K8SPLAY_KEEPER_PRELOAD_ENGINE'] === '1';
delete process.env['K8SPLAY_KEEPER_PRELOAD_ENGINE'];
const keeper = new Keeper({
  socket: join(dir, socketName()),
  ...(engine ? { runHost: engine, engineState: () => engine.state() } : {}),
  ...(engine && preload ? { onIdle: () => engine.preload() } : {}),
  onExit: () => {
    log('exiting');
    // Let the SSH disconnects go out; leave at the latest after 3 s.
    setTimeout(() => process.exit(0), 3000).unref();
  },
});
process.on('SIGTERM', () => keeper.stop());
process.on('SIGINT', () => keeper.stop());
process.on('SIGHUP', () => undefined);
try {
  if (!(await keeper.listen())) {
    log('another keeper serves this directory: exiting');
    process.exit(0);
  }
  log('listening');
} catch (e) {
  log(`cannot listen: ${(e as Error).message}`);
  process.exit(1);
}
// The first session will need ssh2: load it while the client is still sending.
void import('../ssh/open-client.js');
