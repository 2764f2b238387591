/**
 * systemd inside each container takes inotify instances from the controller's per-user limit
 * (128 by default): past about 18 hosts a container hangs at boot without sshd. This is the one
 * controller setting the sandbox changes (live only, not persisted), and it says so.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import type { ProgressFn } from './progress.js';

const FILE = '/proc/sys/fs/inotify/max_user_instances';
export const INOTIFY_INSTANCES_WANTED = 8192;

/** Raises fs.inotify.max_user_instances to 8192 when lower; returns the previous value. */
export function raiseInotifyLimit(progress: ProgressFn, wanted = INOTIFY_INSTANCES_WANTED, file = FILE): number {
  const current = Number(readFileSync(file, 'utf8').trim());
  if (current < wanted) {
    writeFileSync(file, `${wanted}\n`);
    progress(`raised the controller's fs.inotify.max_user_instances from ${current} to ${wanted} (systemd in every host needs some; not persisted)`);
  }
  return current;
}
