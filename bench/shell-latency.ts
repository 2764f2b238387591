/**
 * Per-command latency of the persistent shell (one after another, and pipelined) against
 * spawning `sh -c` for every command. Prints a table; not a test.
 *   npx tsx bench/shell-latency.ts [N=300] [command='true']
 */
import { execFile } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { LocalConnection } from '../src/connection/local.js';

const n = Number(process.argv[2] ?? 300);
const command = process.argv[3] ?? 'true';
if (!Number.isInteger(n) || n < 1 || n > 10000) {
  process.stderr.write("usage: npx tsx bench/shell-latency.ts [runs, 1-10000] [command, default 'true']\n");
  process.exit(5);
}

interface Row {
  name: string;
  /** Wall time of each command (sequential) or the batch divided by n (pipelined). */
  perCmd: number[];
  total: number;
}

const spawnOnce = (cmd: string): Promise<void> =>
  new Promise((resolve, reject) => execFile('/bin/sh', ['-c', cmd], (e) => (e && e.code === undefined ? reject(e) : resolve())));

async function sequential(name: string, run: () => Promise<unknown>): Promise<Row> {
  const perCmd: number[] = [];
  const t0 = performance.now();
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await run();
    perCmd.push(performance.now() - t);
  }
  return { name, perCmd, total: performance.now() - t0 };
}

async function pipelined(name: string, run: () => Promise<unknown>): Promise<Row> {
  const t0 = performance.now();
  await Promise.all(Array.from({ length: n }, run));
  const total = performance.now() - t0;
  return { name, perCmd: [total / n], total };
}

const conn = new LocalConnection({ host: 'localhost' });
await conn.connect();
for (let i = 0; i < 20; i++) await conn.exec(command); // warm-up
for (let i = 0; i < 5; i++) await spawnOnce(command);

const rows: Row[] = [
  await sequential('sh -c per command (spawn)', () => spawnOnce(command)),
  await sequential('persistent shell, one at a time', () => conn.exec(command)),
  await pipelined('persistent shell, pipelined', () => conn.exec(command)),
  await sequential('persistent shell + stdin (1 KB)', () => conn.exec(`cat >/dev/null; ${command}`, { stdin: 'x'.repeat(1024) })),
];
await conn.close();

const q = (xs: number[], p: number): number => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(p * xs.length))]!;
const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
const base = mean(rows[0]!.perCmd);
const cols = ['mode', 'mean ms', 'p50 ms', 'p95 ms', 'total ms', 'vs spawn'];
const table = rows.map((r) => [
  r.name,
  mean(r.perCmd).toFixed(3),
  r.perCmd.length > 1 ? q(r.perCmd, 0.5).toFixed(3) : '-',
  r.perCmd.length > 1 ? q(r.perCmd, 0.95).toFixed(3) : '-',
  r.total.toFixed(0),
  `${(base / mean(r.perCmd)).toFixed(1)}x`,
]);
const widths = cols.map((c, i) => Math.max(c.length, ...table.map((t) => t[i]!.length)));
const line = (cells: string[]): string => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
console.log(`${n} runs of ${JSON.stringify(command)} on ${process.platform}, node ${process.version}`);
console.log(line(cols));
console.log(widths.map((w) => '-'.repeat(w)).join('  '));
for (const t of table) console.log(line(t));
