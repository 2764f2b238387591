/**
 * Whether a host's SSH connection goes through the connection keeper, and where the keeper
 * listens: Ansible's ControlMaster / ControlPersist and control_path_dir, read the same way.
 *
 *  - ControlPersist and ControlMaster come from the ssh args and ssh config (resolveTarget);
 *    a host without ansible_ssh_args gets Ansible's default `-o ControlMaster=auto
 *    -o ControlPersist=60s`. ControlMaster=no or ControlPersist=no: no keeper; ControlPersist
 *    N / Ns / 1m30s: kept N seconds; yes or 0: kept until the keeper is stopped.
 *  - K8SPLAY_CONTROL_PERSIST=N (seconds) or ConnectionOptions.controlPersist replaces the
 *    default 60 s; 0 turns the keeper off for every host.
 *  - The directory: ConnectionOptions.controlPathDir, K8SPLAY_CONTROL_PATH_DIR,
 *    ANSIBLE_SSH_CONTROL_PATH_DIR, else ~/.k8splay/cp.
 */
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import type { SshConnectionOptions } from '../ssh/options.js';
import type { SshTarget } from '../ssh/settings.js';
import { PROTOCOL_VERSION } from './protocol.js';

export interface ControlSettings {
  /** The control directory (created 0700). */
  dir: string;
  /** The keeper's socket in it. */
  socket: string;
  /** How long the connection is kept after its last channel closed; null = until stopped. */
  persistMs: number | null;
}

/** Unix socket paths are limited to 108 bytes (with the terminating NUL). */
const MAX_SOCKET_PATH = 107;

/**
 * ssh's time format: `60`, `60s`, `10m`, `1h30m` (units s m h d w, none = seconds).
 * Returns seconds, or undefined when it is not a time.
 */
export function parseSshTime(text: string): number | undefined {
  const s = text.trim().toLowerCase();
  if (!/^(\d+[smhdw]?)+$/.test(s)) return undefined;
  const unit: Record<string, number> = { '': 1, s: 1, m: 60, h: 3600, d: 86400, w: 604800 };
  let total = 0;
  for (const m of s.matchAll(/(\d+)([smhdw]?)/g)) total += Number(m[1]) * unit[m[2]!]!;
  return total;
}

/**
 * ControlPersist's value in ms: null = forever (yes, 0), undefined = not kept (no, absent or
 * unreadable, as ssh would refuse it).
 */
export function persistFromSsh(value: string | undefined): number | null | undefined {
  if (value === undefined) return undefined;
  const v = value.trim().toLowerCase();
  if (v === 'yes' || v === 'true') return null;
  if (v === 'no' || v === 'false') return undefined;
  const secs = parseSshTime(v);
  if (secs === undefined) return undefined;
  return secs === 0 ? null : secs * 1000;
}

/** The socket's file name: versions of the protocol never talk to each other. */
export function socketName(): string {
  return `keeper-v${PROTOCOL_VERSION}.sock`;
}

/** The control directory for these options (not created here). */
export function controlDir(opts: Pick<SshConnectionOptions, 'controlPathDir'>, env: NodeJS.ProcessEnv = process.env): string {
  const raw = opts.controlPathDir || env['K8SPLAY_CONTROL_PATH_DIR'] || env['ANSIBLE_SSH_CONTROL_PATH_DIR'] || '~/.k8splay/cp';
  if (raw === '~') return homedir();
  // Absolute: the keeper is told it on its command line and runs in /.
  return raw.startsWith('~/') ? join(homedir(), raw.slice(2)) : resolve(raw);
}

/**
 * The keeper settings of a host, or undefined when its connection is made directly: keeper
 * off (settings above), options that cannot be sent to another process (a passphrase prompt,
 * a debug callback), or a runtime that is not Node on Linux/macOS.
 * Reads K8SPLAY_* from `env` (default process.env: the controller's, not the ssh options' env).
 */
export function controlSettings(opts: SshConnectionOptions, target: SshTarget, env: NodeJS.ProcessEnv = process.env): ControlSettings | undefined {
  if (opts.controlPersist === 0) return undefined;
  const envPersist = env['K8SPLAY_CONTROL_PERSIST'];
  const envSecs = envPersist !== undefined && envPersist !== '' ? parseSshTime(envPersist) : undefined;
  if (envSecs === 0) return undefined;
  if (typeof opts.privateKeyPassphrase === 'function' || opts.debug) return undefined;
  if (process.platform === 'win32' || process.versions['bun'] || process.versions['electron']) return undefined;

  const master = target.control.master?.toLowerCase();
  if (master === undefined || master === 'no' || master === 'false') return undefined;
  let persistMs = persistFromSsh(target.control.persist);
  if (persistMs === undefined) return undefined;
  // Our own knobs replace only Ansible's default; what the host's ssh args say stays.
  if (target.control.source === 'default ssh_args') {
    const secs = opts.controlPersist ?? envSecs;
    if (secs !== undefined) persistMs = secs * 1000;
  }
  const dir = controlDir(opts, env);
  const socket = join(dir, socketName());
  if (Buffer.byteLength(socket) > MAX_SOCKET_PATH) return undefined;
  return { dir, socket, persistMs };
}
