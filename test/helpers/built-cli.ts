/**
 * Where the built command is (dist/, made by `npm run build`) and whether it is fit to test:
 * the end-to-end tests of the build skip, saying why, when dist/ is missing or older than the
 * sources it is made of (CI builds before testing).
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
/** The executable, as `k8splay` runs (its shell launcher lines first). */
export const BIN = join(ROOT, 'dist/src/cli/bin.js');
/** The bundled CLI it loads. */
export const BUNDLE = join(ROOT, 'dist/src/cli/k8splay.cjs');

/** Newest modification time of the non-test sources the bundle is made of. */
function newestSource(dir: string): number {
  let newest = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) newest = Math.max(newest, newestSource(p));
    else if (/\.(ts|mjs)$/.test(e.name) && !e.name.endsWith('.test.ts')) newest = Math.max(newest, statSync(p).mtimeMs);
  }
  return newest;
}

/** Why the build cannot be tested now (a test's `skip`), or false. */
export function staleBuild(): string | false {
  if (!existsSync(BUNDLE)) return 'dist/ has no bundled CLI: run npm run build';
  const newest = Math.max(...['src', 'modules', 'build'].map((d) => newestSource(join(ROOT, d))));
  return statSync(BUNDLE).mtimeMs < newest ? 'dist/ is older than the sources: run npm run build' : false;
}
