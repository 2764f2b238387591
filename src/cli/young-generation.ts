/**
 * The command's young generation on large runs. V8 doubles it (1 -> 16 MiB per semi-space) as
 * objects survive scavenges, and with tens of hosts in a play they do: at 50 hosts the CLI's
 * young generation reached 32 MiB of its ~115 MB resident. Growth factor 1 keeps it at its
 * start size: 50 hosts -> ~92 MB, ~5% more run time there (issue 6 note). Small runs keep
 * V8's default: at 3 hosts the fixed size cost ~7 ms a run.
 *
 * Only the command does this (never the library: `run()` may live in someone else's process),
 * and only when the user gave no heap flags of their own.
 */
import v8 from 'node:v8';

/** Plays with at least this many hosts run with a young generation that does not grow. */
export const LARGE_PLAY_HOSTS = 10;

/** V8's default growth factor (node --v8-options): restored before the process ends. */
const DEFAULT_GROWTH = '--semi-space-growth-factor=2';

let limited = false;

/** True when the user's own flags mention the young generation: theirs win. */
function userTunedHeap(execArgv: readonly string[], nodeOptions: string | undefined): boolean {
  return [...execArgv, ...(nodeOptions ?? '').split(/\s+/)].some((a) => /semi[-_]space/.test(a));
}

/**
 * Stop the young generation growing from now on (once per process).
 * The default is put back on 'exit', ahead of other exit listeners: V8 code caches record a
 * hash of the flags, and the one the executable writes on its way out must match the next run.
 */
export function limitYoungGeneration(execArgv: readonly string[] = process.execArgv, nodeOptions = process.env['NODE_OPTIONS']): boolean {
  if (limited || userTunedHeap(execArgv, nodeOptions)) return false;
  limited = true;
  // Growth factor 1 makes V8's grow step a no-op; the size in use is kept.
  v8.setFlagsFromString('--semi-space-growth-factor=1');
  process.prependListener('exit', () => v8.setFlagsFromString(DEFAULT_GROWTH));
  return true;
}
