/**
 * Boots N sandbox hosts, prints the time until each answered ssh and the memory they use, then
 * tears them down.   npx tsx bench/sandbox-boot.ts [N=20]
 */
import { sandboxDown, sandboxUp } from '../src/sandbox/index.js';
import { errorMessage } from '../src/errors.js';

const n = Number(process.argv[2] ?? 20);
if (!Number.isInteger(n) || n < 1 || n > 200) {
  process.stderr.write('usage: npx tsx bench/sandbox-boot.ts [number of hosts, 1-200]\n');
  process.exit(5);
}
const name = `bench-${process.pid}`;
const hosts = Array.from({ length: n }, (_, i) => ({ name: `host${String(i + 1).padStart(2, '0')}` }));
try {
  const t0 = Date.now();
  const sb = await sandboxUp({ name, hosts });
  const wall = Date.now() - t0;
  const boot = sb.hosts.map((h) => h.bootMs ?? 0).sort((a, b) => a - b);
  const mem = sb.hosts.map((h) => h.memoryKiB ?? 0);
  const td = Date.now();
  await sandboxDown(name);
  const down = Date.now() - td;
  const q = (p: number): string => (boot[Math.min(boot.length - 1, Math.floor(p * boot.length))]! / 1000).toFixed(2);
  console.log(`hosts: ${n}`);
  console.log(`all ready (ssh answering, systemd booted): ${((sb.bootMs ?? 0) / 1000).toFixed(2)} s (sandboxUp wall time ${(wall / 1000).toFixed(2)} s)`);
  console.log(`per host ready after: min ${q(0)} s, median ${q(0.5)} s, max ${q(1)} s`);
  console.log(`memory: ${(mem.reduce((a, b) => a + b, 0) / 1024).toFixed(1)} MB total, ${(mem.reduce((a, b) => a + b, 0) / 1024 / n).toFixed(1)} MB per host (PSS)`);
  console.log(`teardown: ${(down / 1000).toFixed(2)} s`);
} catch (e) {
  process.stderr.write(`ERROR! ${errorMessage(e)}\n`);
  await sandboxDown(name).catch(() => {});
  process.exitCode = 1;
}
