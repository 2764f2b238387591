#!/usr/bin/env node
// Test runner: collects *.test.ts under the given folders (default: test/ and modules/) and
// runs them with node's test runner through tsx, so tests run from source without a build.
// The ssh connection keeper of the tests lives in a fresh temporary control directory
// (K8SPLAY_CONTROL_PATH_DIR), never ~/.k8splay, and is stopped at the end.
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawnSync } from 'node:child_process';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
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

const controlDir = mkdtempSync(join(tmpdir(), 'k8sp-test-cp-'));
// --test-force-exit: a test file whose tests all finished must not hold the run open through a
// leftover handle (a socket of a host that was cut off mid-test once did, in CI).
const r = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-concurrency=2', '--test-force-exit', ...flags, ...files], {
  stdio: 'inherit',
  env: { ...process.env, K8SPLAY_CONTROL_PATH_DIR: controlDir },
});
await stopKeepers(controlDir);
rmSync(controlDir, { recursive: true, force: true });
process.exit(r.status ?? 1);

/**
 * Stop the keepers in `dir` with the CLI's own `k8splay keeper stop` (it knows the protocol and
 * the socket names); only a keeper that is still running after that is ended by PID.
 */
async function stopKeepers(dir) {
  let entries = [];
  try { entries = readdirSync(dir); } catch { return; }
  if (!entries.length && !keeperPids(dir).length) return; // no keeper ever started: skip the CLI's start-up
  const stop = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/bin.ts', 'keeper', 'stop'], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 20_000,
    env: { ...process.env, K8SPLAY_CONTROL_PATH_DIR: dir },
  });
  if (stop.status !== 0) process.stderr.write(`test/run.mjs: keeper stop failed (${stop.status ?? stop.signal}): ${stop.stderr}`);
  // Last resort: a keeper that did not answer, or is still exiting after a while.
  const until = Date.now() + 3000;
  for (;;) {
    const left = keeperPids(dir);
    if (!left.length) return;
    if (Date.now() > until) {
      for (const pid of left) { try { process.kill(pid, 'SIGKILL'); } catch { /* gone */ } }
      return;
    }
    await new Promise((res) => setTimeout(res, 50));
  }
}

/** PIDs of processes whose command line names `dir` (keepers of this test run). */
function keeperPids(dir) {
  const out = [];
  for (const p of readdirSync('/proc')) {
    if (!/^\d+$/.test(p) || Number(p) === process.pid) continue;
    try {
      const args = readFileSync(`/proc/${p}/cmdline`, 'utf8').split('\0');
      if (args.some((a) => a.endsWith('daemon-main.ts') || a.endsWith('daemon-main.js')) && args.includes(dir)) out.push(Number(p));
    } catch { /* exited meanwhile */ }
  }
  return out;
}
