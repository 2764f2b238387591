/**
 * A tiny cross-process lock (a directory holding the owner's pid), so two test files or two
 * CLI invocations never build the same root filesystem or sandbox at once.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pidAlive } from '../util/process.js';
import { SandboxError } from './errors.js';

/**
 * Takes the lock at `path` (waiting while another live process holds it; a lock left by a dead
 * process is taken over) and returns its release function.
 */
export async function acquireLock(path: string, opts: { timeoutMs?: number; onWait?: () => void } = {}): Promise<() => void> {
  const deadline = Date.now() + (opts.timeoutMs ?? 15 * 60_000);
  let warned = false;
  for (;;) {
    try {
      mkdirSync(path);
      writeFileSync(join(path, 'pid'), String(process.pid));
      return () => rmSync(path, { recursive: true, force: true });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
    let owner = NaN;
    try { owner = Number(readFileSync(join(path, 'pid'), 'utf8')); } catch { /* being created or removed */ }
    if (!Number.isNaN(owner) && !pidAlive(owner)) { rmSync(path, { recursive: true, force: true }); continue; }
    if (Date.now() > deadline) throw new SandboxError(`timed out waiting for lock ${path} (held by pid ${owner})`);
    if (!warned) { opts.onWait?.(); warned = true; }
    await new Promise((r) => setTimeout(r, 250));
  }
}
