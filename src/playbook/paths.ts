import { isAbsolute, relative } from 'node:path';

/** A path as shown in messages: relative to `cwd` when inside it, absolute otherwise. */
export function displayPath(abs: string, cwd: string): string {
  const rel = relative(cwd, abs);
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : abs;
}
