/** `sandboxDown`: stops and removes a sandbox, and the bridge once no sandbox needs it. */
import { existsSync, mkdirSync } from 'node:fs';
import { bridgeName, removeBridge } from './bridge.js';
import { acquireLock } from './lock.js';
import { assertSandboxName } from './names.js';
import { sandboxDir, sandboxesRoot } from './paths.js';
import { assertSandboxSupported } from './preflight.js';
import { stderrProgress, type ProgressFn } from './progress.js';
import { globalLockPath, listSandboxNames, readState } from './state.js';
import { teardownSandbox } from './teardown.js';

/**
 * Stops every container of sandbox `name` (each nspawn by its own pid), stops its repository
 * server, unmounts its overlays and removes its directory; removes the bridge when no other
 * sandbox exists. Resolves false when there was no such sandbox.
 */
export async function sandboxDown(name: string, opts: { progress?: ProgressFn } = {}): Promise<boolean> {
  const progress = opts.progress ?? stderrProgress;
  assertSandboxName(name);
  assertSandboxSupported(['umount', 'ip']);
  if (!existsSync(sandboxesRoot())) return false;
  const release = await acquireLock(globalLockPath(), { onWait: () => progress('waiting for another sandbox operation to finish') });
  try {
    const existed = existsSync(sandboxDir(name));
    const state = readState(name);
    if (existed) {
      const t0 = Date.now();
      await teardownSandbox(name, state);
      progress(`sandbox '${name}' removed${state ? ` (${state.hosts.length} hosts)` : ''} in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    }
    await removeUnusedBridge(progress);
    return existed;
  } finally {
    release();
  }
}

/** Removes the bridge when no sandbox exists any more (call under the global lock). */
export async function removeUnusedBridge(progress: ProgressFn): Promise<void> {
  if (listSandboxNames().length === 0 && (await removeBridge())) progress(`removed bridge ${bridgeName()}`);
}

/** Removes every sandbox, then the bridge even if no sandbox was left (after a crash). */
export async function sandboxDownAll(opts: { progress?: ProgressFn } = {}): Promise<string[]> {
  const progress = opts.progress ?? stderrProgress;
  const names = listSandboxNames();
  for (const n of names) await sandboxDown(n, { progress });
  assertSandboxSupported(['ip']);
  mkdirSync(sandboxesRoot(), { recursive: true });
  const release = await acquireLock(globalLockPath());
  try {
    await removeUnusedBridge(progress);
  } finally {
    release();
  }
  return names;
}
