/**
 * Where the sandbox keeps things on the controller. Overridable by environment variables so a
 * test or a CI job can point them elsewhere.
 */
import { join } from 'node:path';

/** Built root filesystems and built RPMs (kept between runs). */
export function cacheRoot(): string {
  return process.env.K8SPLAY_CACHE_DIR ?? '/var/cache/k8splay';
}

/** Per-sandbox working data: overlays, state files, logs. */
export function sandboxesRoot(): string {
  return process.env.K8SPLAY_SANDBOX_DIR ?? '/var/lib/k8splay/sandbox';
}

/** The directory of one sandbox. */
export function sandboxDir(name: string): string {
  return join(sandboxesRoot(), name);
}

/** The state file of one sandbox. */
export function stateFile(name: string): string {
  return join(sandboxDir(name), 'state.json');
}
