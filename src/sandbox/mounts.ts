/** Overlay mounts of sandbox hosts, and finding what is still mounted under a directory. */
import { readFileSync } from 'node:fs';
import { runCommand } from './run-command.js';

/** Mounts an overlay: `lower` read-only underneath, writes go to `upper`. */
export async function mountOverlay(lower: string, upper: string, work: string, merged: string): Promise<void> {
  await runCommand('mount', ['-t', 'overlay', 'overlay', '-o', `lowerdir=${lower},upperdir=${upper},workdir=${work}`, merged]);
}

/** Mount points at or below `dir` (deepest first), read from the kernel's mount table. */
export function mountsUnder(dir: string): string[] {
  const prefix = dir.replace(/\/+$/, '');
  const out: string[] = [];
  for (const line of readFileSync('/proc/self/mountinfo', 'utf8').split('\n')) {
    const raw = line.split(' ')[4];
    if (!raw) continue;
    // mountinfo escapes space, tab, newline and backslash as octal.
    const mp = raw.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8)));
    if (mp === prefix || mp.startsWith(prefix + '/')) out.push(mp);
  }
  return out.sort((a, b) => b.length - a.length);
}

/** Unmounts everything at or below `dir`; returns what could not be unmounted. */
export async function unmountAllUnder(dir: string): Promise<string[]> {
  for (const mp of mountsUnder(dir)) {
    const r = await runCommand('umount', [mp], { allowFail: true });
    // A busy mount (a process still inside) is detached lazily so it cannot block removal forever.
    if (r.code !== 0) await runCommand('umount', ['-l', mp], { allowFail: true });
  }
  return mountsUnder(dir);
}
