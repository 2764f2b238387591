/**
 * Waiting in tests: for a condition, a promise or a process, with a failure that names what
 * was awaited (a broken component must fail its test, not hang it).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Poll `cond` every `every` ms until it holds; fails after `ms` naming `what`. */
export async function until(what: string, cond: () => boolean | Promise<boolean>, ms = 5000, every = 20): Promise<void> {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) assert.fail(`timed out waiting for ${what}`);
    await sleep(every);
  }
}

/** `p`, or a failure naming `what` after `ms`. */
export function within<T>(p: Promise<T>, what: string, ms = 5000): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([p, new Promise<never>((_, reject) => { timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), ms); })])
    .finally(() => clearTimeout(timer));
}

/** Whether process `pid` runs (a zombie, ended but not yet reaped, does not). */
export function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z');
  } catch {
    return false;
  }
}
