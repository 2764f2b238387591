/**
 * Runs gathering commands on this machine (read-only) for the facts tests and the bench.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FactsExec } from '../../../src/facts/index.js';

/**
 * An exec function running `cmd` locally with /bin/sh, or with `shell` (a command line such
 * as 'bash --posix', run with -c); optional PATH prefix and environment.
 */
export function localExec(opts: { pathPrefix?: string; env?: Record<string, string>; shell?: string } = {}): FactsExec {
  const [sh, ...shArgs] = (opts.shell ?? '/bin/sh').split(' ');
  return (cmd) =>
    new Promise((resolve, reject) => {
      const env = { ...process.env, ...opts.env };
      if (opts.pathPrefix) env['PATH'] = `${opts.pathPrefix}:${env['PATH'] ?? ''}`;
      const child = spawn(sh!, [...shArgs, '-c', cmd], { env, stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
      child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
      child.on('error', reject);
      child.on('close', (code) => resolve({ rc: code ?? 1, stdout, stderr }));
    });
}

const here = dirname(fileURLToPath(import.meta.url));

/** A fixture of test/fixtures/facts. */
export function fixture(name: string): string {
  return readFileSync(join(here, '../../fixtures/facts', name), 'utf8');
}
