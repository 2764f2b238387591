/**
 * The 'local' connection: persistent `sh` processes on the controller itself (Ansible's
 * `-c local`), one per become identity, through the shared shell pool.
 */
import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { ModuleFailure } from '../errors.js';
import type { BecomeSpec, CloseOptions, Connection, ConnectionOptions, ExecOptions, ExecResult } from './types.js';
import type { ShellStreams } from './persistent-shell.js';
import { ShellPool } from './shell-pool.js';
import { readFileViaShell } from './host-files.js';

export interface LocalConnectionOptions extends ConnectionOptions {
  /** Environment of the spawned shells (default: the controller's). */
  env?: NodeJS.ProcessEnv;
  /** The POSIX shell to run; default vars.ansible_shell_executable or /bin/sh. */
  shell?: string;
}

/**
 * Spawns `/bin/sh -c launch` as the leader of a new process group, so destroying it can kill
 * the commands it started too.
 */
export function spawnLocalShell(launch: string, env: NodeJS.ProcessEnv = process.env): Promise<ShellStreams> {
  const child = spawn('/bin/sh', ['-c', launch], { stdio: ['pipe', 'pipe', 'pipe'], detached: true, env });
  const closed = new Promise<string>((resolve) => {
    child.once('exit', (code, signal) =>
      resolve(signal ? `shell killed by ${signal}` : `shell exited with status ${code}`),
    );
    child.once('error', (e) => resolve(`could not start /bin/sh: ${e.message}`));
  });
  let destroyed = false;
  const destroy = (): void => {
    if (destroyed) return;
    destroyed = true;
    if (child.pid !== undefined) {
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        // Group already gone, or not ours to kill (a become shell run by another user).
      }
    }
    child.kill('SIGKILL');
    // Background processes may still hold the pipes: let go of them.
    child.stdin.destroy();
    child.stdout.destroy();
    child.stderr.destroy();
  };
  return Promise.resolve({ stdin: child.stdin, stdout: child.stdout, stderr: child.stderr, closed, destroy });
}

export class LocalConnection implements Connection {
  readonly kind = 'local';
  readonly host: string;
  private readonly pool: ShellPool;

  constructor(opts: LocalConnectionOptions) {
    this.host = opts.host;
    const fromVars = opts.vars?.['ansible_shell_executable'];
    const shell = opts.shell ?? (typeof fromVars === 'string' && fromVars ? fromVars : '/bin/sh');
    const env = opts.env ?? process.env;
    this.pool = new ShellPool({
      host: opts.host,
      shell,
      openShell: (launch) => spawnLocalShell(launch, env),
      ...(opts.timeout !== undefined ? { startTimeoutMs: opts.timeout * 1000 } : {}),
    });
  }

  /** Starts the plain shell and waits until it answers. */
  async connect(): Promise<void> {
    await this.pool.open();
  }

  exec(command: string, opts?: ExecOptions): Promise<ExecResult> {
    return this.pool.exec(command, opts);
  }

  /** Reads with fs as the controller user, or through the become shell (base64). */
  async get(path: string, opts: { become?: BecomeSpec | false } = {}): Promise<Buffer | null> {
    if (opts.become) return readFileViaShell(this, path, { become: opts.become });
    try {
      return await readFile(path);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR') return null;
      throw new ModuleFailure(`could not read ${path}: ${(e as Error).message}`, { path }, { cause: e });
    }
  }

  /** Ends the shells; nothing is parked (a local shell starts in a few milliseconds). */
  close(_opts?: CloseOptions): Promise<void> {
    return this.pool.close();
  }
}
