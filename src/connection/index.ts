/**
 * Connections: the transport registry and the shared pieces (quoting, persistent shell,
 * shell pool, host file helpers) the transports are built from.
 */
import { OptionsError } from '../errors.js';
import { didYouMean } from '../util/suggest.js';
import type { Connection, ConnectionFactory, ConnectionOptions } from './types.js';
import { LocalConnection } from './local.js';
import { SshConnection } from './ssh/index.js';

export * from './types.js';
export { shellQuote, shellJoin } from './quote.js';
export { LocalConnection, spawnLocalShell, type LocalConnectionOptions } from './local.js';
export {
  PersistentShell,
  type ShellStreams,
  type ShellParking,
  type OpenShell,
  type ShellIdentity,
  type Handshake,
  type PendingExec,
  type PersistentShellOptions,
} from './persistent-shell.js';
export { ShellPool, shellParkKey, type ShellPoolOptions } from './shell-pool.js';
export { SshConnection, type SshConnectionOptions } from './ssh/index.js';
export { becomeLaunch, becomeKey, sudoFlags, DEFAULT_SUDO_FLAGS } from './become.js';
export {
  writeFileAtomic,
  readFileText,
  readFileViaShell,
  statFile,
  atomicWriteScript,
  type AtomicWriteOptions,
} from './host-files.js';

const factories = new Map<string, ConnectionFactory>([
  ['local', (opts) => new LocalConnection(opts)],
  ['ssh', (opts) => new SshConnection(opts)],
]);

/** Make a connection type available to createConnection (plugins and tests add their own). */
export function registerConnection(type: string, factory: ConnectionFactory): void {
  factories.set(type, factory);
}

/** The registered connection types, sorted. */
export function connectionTypes(): string[] {
  return [...factories.keys()].sort();
}

/**
 * Build a connection of the given type (Ansible's ansible_connection / -c).
 * @throws OptionsError for an unknown type, listing the known ones.
 */
export function createConnection(type: string, opts: ConnectionOptions): Connection {
  const factory = factories.get(type);
  if (!factory) {
    const known = connectionTypes();
    throw new OptionsError(
      `unknown connection type '${type}'${didYouMean(type, known)} (known: ${known.join(', ')})`,
    );
  }
  return factory(opts);
}
