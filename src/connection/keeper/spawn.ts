/**
 * Starting the keeper: its directory made safe (0700, ours), then one detached process per
 * directory, started at most once at a time per process. It must not hold anything of ours
 * open: no stdio (a CI job waits for its pipes to close), not even inherited descriptors that
 * lack close-on-exec (the keeper closes those first).
 */
import { spawn } from 'node:child_process';
import { chmodSync, lstatSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { stashExtraCaEnv } from '../../util/extra-ca-env.js';
import { keeperCommand } from './locate.js';

/** The keeper cannot be used (directory unsafe, start failed): connect directly instead. */
export class KeeperUnavailable extends Error {}

const checkedDirs = new Map<string, string | undefined>();

/** Whether a keeper started from now on loads the warm engine once idle (engine-host.ts). */
let preloadEngine = false;

/**
 * Keepers started by this process load the warm engine as soon as they are idle: the k8splay
 * executable's next run will ask for it (a library user's would not).
 */
export function preloadEngineInKeeper(): void {
  preloadEngine = true;
}

/**
 * Make the control directory (0700) and check that only we can use it: our uid, no access
 * for group or others. Sockets in someone else's directory could hand our passwords to them.
 * @throws KeeperUnavailable saying why the directory is refused
 */
export function ensureControlDir(dir: string): void {
  let problem = checkedDirs.get(dir);
  if (!checkedDirs.has(dir)) {
    problem = checkDir(dir);
    checkedDirs.set(dir, problem);
  }
  if (problem) throw new KeeperUnavailable(problem);
}

function checkDir(dir: string): string | undefined {
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const st = lstatSync(dir);
    if (!st.isDirectory()) return `control directory ${dir} is not a directory`;
    const uid = process.getuid?.();
    if (uid !== undefined && st.uid !== uid) return `control directory ${dir} belongs to uid ${st.uid}, not to us`;
    if ((st.mode & 0o077) !== 0) chmodSync(dir, 0o700);
    return undefined;
  } catch (e) {
    return `control directory ${dir} cannot be used: ${(e as Error).message}`;
  }
}

/** Descriptors above stderr without close-on-exec: a spawned child would inherit them. */
function inheritableFds(): number[] {
  let names: string[];
  try {
    names = readdirSync('/proc/self/fd');
  } catch {
    return [];
  }
  const out: number[] = [];
  for (const n of names) {
    const fd = Number(n);
    if (!(fd > 2)) continue;
    try {
      const flags = /flags:\s*([0-7]+)/.exec(readFileSync(`/proc/self/fdinfo/${fd}`, 'utf8'));
      if (flags && (parseInt(flags[1]!, 8) & 0o2000000) === 0) out.push(fd);
    } catch {
      // closed meanwhile (the directory listing's own descriptor)
    }
  }
  return out;
}

/**
 * The environment a keeper starts with: `env` (the starting run's), less what is that run's
 * alone. `closeFds`: descriptors the keeper closes first (inheritableFds).
 */
export function keeperEnv(env: NodeJS.ProcessEnv, preload: boolean, closeFds: readonly number[]): NodeJS.ProcessEnv {
  // Node would parse NODE_EXTRA_CA_CERTS as it starts (~60 ms): put back by daemon-main.
  const out: NodeJS.ProcessEnv = { ...stashExtraCaEnv(env) };
  // Our own flags (an inspector port, a loader) are not the keeper's.
  delete out['NODE_OPTIONS'];
  // The warm engine the keeper loads reads K8SPLAY_TRACE once, at load: it would trace every
  // run it serves later (the client runs a traced command itself, never there).
  delete out['K8SPLAY_TRACE'];
  // One malloc arena: the keeper's threads (libuv's pool, V8's workers) allocate little, and
  // each arena they would open stays resident (-3 MB at 50 connections). A user's setting wins.
  out['MALLOC_ARENA_MAX'] ??= '1';
  if (preload) out['K8SPLAY_KEEPER_PRELOAD_ENGINE'] = '1';
  else delete out['K8SPLAY_KEEPER_PRELOAD_ENGINE'];
  if (closeFds.length) out['K8SPLAY_KEEPER_CLOSE_FDS'] = closeFds.join(',');
  else delete out['K8SPLAY_KEEPER_CLOSE_FDS'];
  return out;
}

export interface StartedKeeper {
  /** Set once the process ended: its exit code (0: another keeper already served). */
  exitCode(): number | null | undefined;
}

/**
 * Start a keeper for `dir` in the background (not waiting for it to listen).
 * @throws KeeperUnavailable when the directory is refused or the process cannot be spawned
 */
export function startKeeper(dir: string): StartedKeeper {
  ensureControlDir(dir);
  const { command, args } = keeperCommand();
  const env = keeperEnv(process.env, preloadEngine, inheritableFds());
  let code: number | null | undefined;
  try {
    const child = spawn(command, [...args, dir], { detached: true, stdio: 'ignore', cwd: '/', env });
    child.once('exit', (c, signal) => (code = c ?? (signal ? 128 : null)));
    child.once('error', () => (code = -1));
    child.unref();
  } catch (e) {
    throw new KeeperUnavailable(`cannot start the connection keeper: ${(e as Error).message}`);
  }
  return { exitCode: () => code };
}
