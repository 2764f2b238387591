#!/usr/bin/env node
// Test runner: collects *.test.ts under the given folders (default: test/ and modules/) and
// runs them with node's test runner through tsx, so tests run from source without a build.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';

const roots = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const flags = process.argv.slice(2).filter((a) => a.startsWith('-'));
const files = [];
function walk(p) {
  const st = statSync(p);
  if (st.isDirectory()) {
    for (const e of readdirSync(p).sort()) if (e !== 'node_modules' && e !== 'dist') walk(join(p, e));
  } else if (p.endsWith('.test.ts')) files.push(p);
}
for (const r of roots.length ? roots : ['test', 'modules']) walk(r);
if (files.length === 0) { console.error('no test files found'); process.exit(1); }
// --test-force-exit: a test file whose tests all finished must not hold the run open through a
// leftover handle (a socket of a host that was cut off mid-test once did, in CI).
const r = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-concurrency=2', '--test-force-exit', ...flags, ...files], { stdio: 'inherit' });
process.exit(r.status ?? 1);
