/** Runs controller-side commands for the sandbox (never through a shell). */
import { spawn } from 'node:child_process';
import { SandboxError } from './errors.js';

export interface CommandResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  /** Do not throw on a non-zero exit status. */
  allowFail?: boolean;
  input?: string;
  /** Called with each chunk of output (progress of long commands). */
  onOutput?: (chunk: string) => void;
  env?: NodeJS.ProcessEnv;
}

/** Runs `cmd args...`, resolves with its output; throws SandboxError on failure unless allowFail. */
export function runCommand(cmd: string, args: string[], opts: RunOptions = {}): Promise<CommandResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: [opts.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'], env: opts.env ?? process.env });
    let stdout = '';
    let stderr = '';
    child.stdout!.setEncoding('utf8').on('data', (d: string) => { stdout += d; opts.onOutput?.(d); });
    child.stderr!.setEncoding('utf8').on('data', (d: string) => { stderr += d; opts.onOutput?.(d); });
    child.on('error', (e) => reject(new SandboxError(`cannot run ${cmd}: ${e.message}`, { cause: e })));
    child.on('close', (code, signal) => {
      const rc = code ?? 128 + (signal ? 15 : 0);
      if (rc !== 0 && !opts.allowFail) {
        const tail = (stderr || stdout).trim().split('\n').slice(-15);
        reject(new SandboxError(`command failed (exit ${rc}): ${cmd} ${args.join(' ')}`, { details: tail }));
      } else resolve({ code: rc, stdout, stderr });
    });
    if (child.stdin) {
      child.stdin.on('error', () => { /* the command exited without reading: its status tells */ });
      child.stdin.end(opts.input);
    }
  });
}
