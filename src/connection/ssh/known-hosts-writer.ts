/**
 * Appending accepted host keys to a known_hosts file when many hosts connect at once: an
 * in-process queue per file (appends run one after another, connects do not wait for each
 * other), a lock file against other processes, and one O_APPEND write per line so a reader
 * never sees half a line. Before writing, the file is re-read: a key another process added
 * meanwhile is not added twice.
 */
import { constants, promises as fs } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { hostFieldMatches, parseKnownHosts } from './known-hosts.js';

const queues = new Map<string, Promise<unknown>>();

/** Oldest a lock file may be before it is taken as left by a crashed process. */
const STALE_LOCK_MS = 10_000;
const LOCK_WAIT_MS = 15_000;

export interface AppendRequest {
  file: string;
  /** The full line, newline included. */
  line: string;
  /** The host's lookup name and key: skip the write when the file already records them. */
  name: string;
  key: Buffer;
}

/**
 * Append one line to a known_hosts file, creating the file (0600) and its directory (0700)
 * when missing. Resolves once the line is on disk (or was already there).
 */
export function appendKnownHost(req: AppendRequest): Promise<void> {
  const file = resolve(req.file);
  const prev = queues.get(file) ?? Promise.resolve();
  const next = prev.catch(() => undefined).then(() => appendLocked(file, req));
  queues.set(file, next);
  // Drop the chain when idle so the map does not grow.
  void next.finally(() => {
    if (queues.get(file) === next) queues.delete(file);
  }).catch(() => undefined);
  return next;
}

async function appendLocked(file: string, req: AppendRequest): Promise<void> {
  await fs.mkdir(dirname(file), { recursive: true, mode: 0o700 });
  const release = await lockFile(`${file}.lock`);
  try {
    let current = '';
    try {
      current = await fs.readFile(file, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    }
    const already = parseKnownHosts(current, file).some(
      (l) => l.marker === undefined && l.key.equals(req.key) && hostFieldMatches(l.hosts, req.name),
    );
    if (already) return;
    // A file without a final newline would glue our line onto its last one.
    const text = current.length && !current.endsWith('\n') ? `\n${req.line}` : req.line;
    const fh = await fs.open(file, constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT, 0o600);
    try {
      await fh.write(text);
    } finally {
      await fh.close();
    }
  } finally {
    await release();
  }
}

/** Take `path` as an exclusive lock file (O_EXCL), waiting for another holder; returns the release. */
async function lockFile(path: string): Promise<() => Promise<void>> {
  const deadline = Date.now() + LOCK_WAIT_MS;
  let delay = 5;
  for (;;) {
    try {
      const fh = await fs.open(path, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o600);
      await fh.write(`${process.pid}\n`);
      await fh.close();
      return () => fs.rm(path, { force: true });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
    try {
      const st = await fs.stat(path);
      if (Date.now() - st.mtimeMs > STALE_LOCK_MS) {
        await fs.rm(path, { force: true });
        continue;
      }
    } catch {
      continue; // released between our open and stat
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for the lock ${path}`);
    await new Promise((r) => setTimeout(r, delay));
    delay = Math.min(delay * 2, 100);
  }
}
