/**
 * Runs a k8splay command line to completion for the end-to-end tests: the same spawn, timeout
 * and colour-free environment whether the CLI runs from source or from the build.
 */
import { spawnSync } from 'node:child_process';

/** What a finished CLI run gave: its exit code (-1 when killed) and its output. */
export interface CliResult {
  code: number;
  out: string;
  err: string;
}

/** Runs the CLI in `dir` with `args`; `env` adds to the test process's environment. */
export type CliRunner = (dir: string, args: string[], env?: Record<string, string>) => CliResult;

/**
 * A runner of `node ...prefix ...args` (prefix: the entry point, and the loader it needs), with
 * NO_COLOR=1 and a 60 s timeout.
 */
export function cliRunner(prefix: string[]): CliRunner {
  return commandRunner(process.execPath, prefix);
}

/** The same for `command ...prefix ...args`: the built executable run as users run it. */
export function commandRunner(command: string, prefix: string[] = []): CliRunner {
  return (dir, args, env = {}) => {
    const r = spawnSync(command, [...prefix, ...args], {
      cwd: dir, encoding: 'utf8', timeout: 60_000, env: { ...process.env, NO_COLOR: '1', ...env },
    });
    return { code: r.status ?? -1, out: r.stdout, err: r.stderr };
  };
}
