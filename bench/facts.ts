/**
 * Runs the fact-gathering script N times on this machine and prints the time per gather:
 * the shell part alone (spawn + script) and the full gatherFacts (with parsing), plus how
 * many processes one gather spawns.   npx tsx bench/facts.ts [N=20] [subset=all]
 */
import { spawnSync } from 'node:child_process';
import { buildGatherCommand, gatherFacts, parseFacts, resolveGatherSubset } from '../src/facts/index.js';
import type { FactsExec } from '../src/facts/index.js';

const n = Number(process.argv[2] ?? 20);
const subset = (process.argv[3] ?? 'all').split(',');
if (!Number.isInteger(n) || n < 1 || n > 1000) {
  process.stderr.write('usage: npx tsx bench/facts.ts [runs, 1-1000] [gather_subset, comma-separated]\n');
  process.exit(5);
}

const exec: FactsExec = async (cmd) => {
  const r = spawnSync('/bin/sh', ['-c', cmd], { encoding: 'utf8' });
  return { rc: r.status ?? 1, stdout: r.stdout, stderr: r.stderr };
};

const collectors = resolveGatherSubset(subset);
const command = buildGatherCommand(collectors, 10);
const quantile = (xs: number[], p: number) => xs[Math.min(xs.length - 1, Math.floor(p * xs.length))]!;
const fmt = (ms: number) => ms.toFixed(1);

const shellMs: number[] = [];
const parseMs: number[] = [];
let bytes = 0;
await gatherFacts(exec, { subset }); // warm-up
for (let i = 0; i < n; i++) {
  const t0 = performance.now();
  const r = await exec(command);
  const t1 = performance.now();
  parseFacts(r.stdout, collectors);
  const t2 = performance.now();
  shellMs.push(t1 - t0);
  parseMs.push(t2 - t1);
  bytes = r.stdout.length;
}
shellMs.sort((a, b) => a - b);
parseMs.sort((a, b) => a - b);

// Count the processes one gather spawns (fork+exec events) when strace is available.
let procs = 'n/a (strace not installed)';
const st = spawnSync('strace', ['-f', '-qq', '-e', 'trace=execve', '-o', '/dev/stdout', '/bin/sh', '-c', command], { encoding: 'utf8' });
if (!st.error && st.status === 0) procs = String(st.stdout.split('\n').filter((l) => /execve\(/.test(l) && !/ENOENT/.test(l)).length);

console.log(`gather_subset: ${subset.join(',')}  collectors: ${collectors.size}  runs: ${n}`);
console.log(`script (spawn sh + run): median ${fmt(quantile(shellMs, 0.5))} ms, p90 ${fmt(quantile(shellMs, 0.9))} ms, min ${fmt(shellMs[0]!)} ms`);
console.log(`parse: median ${fmt(quantile(parseMs, 0.5))} ms`);
console.log(`output: ${(bytes / 1024).toFixed(1)} KiB; processes per gather: ${procs}`);
