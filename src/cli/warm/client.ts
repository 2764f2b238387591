/**
 * The executable's side of the warm engine: before loading the engine, the built `k8splay`
 * asks the connection keeper (which outlives runs, ControlPersist) to run the command in its
 * process, where the engine is loaded and JIT-warm, and only relays: output as it comes, Ctrl-C,
 * the exit code. On anything but a served run (no keeper, declined, a command that needs this
 * process) it returns undefined and the executable runs the command itself, as before.
 *
 * Kept small and free of the engine: it runs before the bundle is loaded.
 * K8SPLAY_NO_WARM_ENGINE=1 turns it off; K8SPLAY_DEBUG_WARM=1 says on stderr why a command
 * was not served.
 */
import type { Socket } from 'node:net';
import { join } from 'node:path';
import { keeperRequest } from '../../connection/keeper/client.js';
import { exitOnBrokenPipe } from '../broken-pipe.js';
import { envBool } from '../../util/env-bool.js';
import { controlDir, socketName } from '../../connection/keeper/control-settings.js';
import { encodeFrame, FRAME, frameReader, PROTOCOL_VERSION, type RunAnswer, type RunRequest } from '../../connection/keeper/protocol.js';

/** Unix socket paths are limited to 108 bytes (with the terminating NUL). */
const MAX_SOCKET_PATH = 107;

/** Option letters whose command asks on the terminal (-k, -K, -J), alone or in a cluster. */
const PROMPT_SHORT = /^-[a-zA-Z]*[kKJ]/;
const PROMPT_LONG = new Set(['--ask-pass', '--ask-become-pass', '--ask-vault-pass', '--ask-vault-password']);
/** Paths that name this process's own descriptors (a pipe, `<(...)`): another process opens others. */
const OWN_FILES = /(^|[=@]|^-[a-zA-Z]+)(\/dev\/(stdin|fd\/|tty)|\/proc\/self\/)/;
/** A long option's value '-' (a password file): this process's stdin. */
const OWN_VALUE = /^--[a-z-]+=-$/;

/**
 * Why `argv` in this environment must run in this process (undefined: the warm engine may).
 * False positives only cost speed.
 */
export function mustRunHere(argv: readonly string[], env: NodeJS.ProcessEnv, execArgv: readonly string[]): string | undefined {
  if (envBool(env['K8SPLAY_NO_WARM_ENGINE'])) return 'K8SPLAY_NO_WARM_ENGINE is set';
  if (env['K8SPLAY_CONTROL_PERSIST']?.trim() === '0') return 'the keeper is off (K8SPLAY_CONTROL_PERSIST=0)';
  if (execArgv.length || env['NODE_OPTIONS']) return 'Node options were given';
  if (env['K8SPLAY_TRACE']) return 'K8SPLAY_TRACE times this process';
  if (argv[0] === 'sandbox' || argv[0] === 'keeper') return `the ${argv[0]} command`;
  let options = true;
  for (const a of argv) {
    if (options && a === '--') { options = false; continue; }
    // After --: positionals only, which may still be this process's own (a playbook on stdin).
    if (a === '-' || OWN_FILES.test(a) || (options && OWN_VALUE.test(a))) return `${a} is this process's own`;
    if (!options) continue;
    if (a === '--sandbox') return '--sandbox';
    if (PROMPT_LONG.has(a) || (PROMPT_SHORT.test(a) && !a.startsWith('--'))) return `${a} asks on the terminal`;
  }
  return undefined;
}

/** Listings, syntax checks, help: no run to speak of, so no keeper is started for them. */
const NO_RUN = new Set(['--syntax-check', '--list-hosts', '--list-tasks', '--list-tags', '--help', '-h', '--version']);

/**
 * Whether to start a keeper when none listens: for what looks like a playbook run (a .yml or
 * .yaml argument), which then warms the engine for the next one. Others use a keeper only
 * when one is there.
 */
export function startsKeeper(argv: readonly string[]): boolean {
  return argv.some((a) => /\.ya?ml$/i.test(a)) && !argv.some((a) => NO_RUN.has(a) || a === 'inventory');
}

function umask(): number {
  const u = process.umask(0o022);
  process.umask(u);
  return u;
}

/**
 * Run the command in the keeper's warm engine. Returns its exit code once its output is
 * written, or undefined when it was not served (nothing was run: run it here).
 */
export async function tryWarmRun(argv: string[], bundle: string): Promise<number | undefined> {
  const debug = process.env['K8SPLAY_DEBUG_WARM'] ? (why: string) => process.stderr.write(`warm engine: ${why} (${performance.now().toFixed(0)} ms)\n`) : () => undefined;
  const here = mustRunHere(argv, process.env, process.execArgv);
  if (here) {
    debug(`not asked: ${here}`);
    return undefined;
  }
  const dir = controlDir({}, process.env);
  const socket = join(dir, socketName());
  if (Buffer.byteLength(socket) > MAX_SOCKET_PATH) {
    debug('not asked: the control path is too long');
    return undefined;
  }
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined) env[k] = v;
  const req: RunRequest = {
    v: PROTOCOL_VERSION, op: 'run', bundle, node: process.version, argv, cwd: process.cwd(), env, umask: umask(),
    stdout: { isTTY: process.stdout.isTTY === true, ...(process.stdout.isTTY ? { columns: process.stdout.columns } : {}) },
    stderr: { isTTY: process.stderr.isTTY === true, ...(process.stderr.isTTY ? { columns: process.stderr.columns } : {}) },
  };
  let opened;
  try {
    opened = await keeperRequest<RunAnswer>({ dir, socket, persistMs: null }, req, startsKeeper(argv));
  } catch (e) {
    debug(`not served: ${(e as Error).message}`);
    return undefined;
  }
  if (!opened.answer.ok) {
    opened.sock.destroy();
    debug(`not served: ${opened.answer.declined}`);
    return undefined;
  }
  debug('served');
  const code = await relay(opened.sock, opened.rest);
  debug(`exit ${code}`);
  return code;
}

/** Output to ours as it comes, Ctrl-C to the engine; the exit code once all is written. */
function relay(sock: Socket, rest: Buffer): Promise<number> {
  return new Promise((resolve) => {
    let code: number | undefined;
    const onInterrupt = (): void => { if (!sock.destroyed) sock.write(encodeFrame(FRAME.INTERRUPT)); };
    process.on('SIGINT', onInterrupt);
    // Our reader gone (`| head`): we exit as a run here would; the engine sees us leave and
    // stops the run as on Ctrl-C.
    exitOnBrokenPipe();
    // Our output backs up (a slow pipe): stop reading until it drains, as a pipe would.
    const waiting = new Set<NodeJS.WriteStream>();
    const write = (stream: NodeJS.WriteStream, payload: Buffer): void => {
      if (stream.write(payload) || waiting.has(stream)) return;
      waiting.add(stream);
      sock.pause();
      stream.once('drain', () => {
        waiting.delete(stream);
        if (!waiting.size) sock.resume();
      });
    };
    const onData = frameReader(sock, (type, payload) => {
      if (type === FRAME.STDOUT) write(process.stdout, payload);
      else if (type === FRAME.STDERR) write(process.stderr, payload);
      else if (type === FRAME.EXIT) code = Number(payload.toString('latin1'));
    });
    sock.on('data', onData);
    sock.on('error', () => undefined);
    sock.once('close', () => {
      process.off('SIGINT', onInterrupt);
      if (code === undefined || !Number.isInteger(code)) {
        process.stderr.write('ERROR! the connection keeper running this command (its warm engine) ended before the command did\n');
        code = 250;
      }
      resolve(code);
    });
    if (rest.length) onData(rest);
    sock.resume();
  });
}
