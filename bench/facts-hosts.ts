/**
 * Fact gathering on N sandbox hosts over the ssh transport (needs root): connect time, then
 * the time of one gather per host (all hosts at once), repeated; prints medians. Not a test.
 *   npx tsx bench/facts-hosts.ts [hosts=3] [rounds=10]
 */
import { performance } from 'node:perf_hooks';
import { sandboxDown, sandboxUp } from '../src/sandbox/index.js';
import { SshConnection } from '../src/connection/ssh/index.js';
import { gatherFacts } from '../src/facts/index.js';

const n = Number(process.argv[2] ?? 3);
const rounds = Number(process.argv[3] ?? 10);
const NAME = 'facts-bench';
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

const sb = await sandboxUp({ name: NAME, hosts: Array.from({ length: n }, (_, i) => ({ name: `f${i + 1}` })), progress: () => {} });
try {
  const t0 = performance.now();
  const conns = sb.hosts.map((h) => new SshConnection({
    host: h.name, address: h.address, user: 'root', privateKeyFile: sb.privateKey,
    vars: { ansible_ssh_common_args: `-o UserKnownHostsFile=${sb.knownHosts} -o StrictHostKeyChecking=yes` },
  }));
  await Promise.all(conns.map((c) => c.connect()));
  await Promise.all(conns.map((c) => c.exec('true')));
  const connectMs = performance.now() - t0;
  const perHost: number[] = [];
  const wall: number[] = [];
  let keys = 0;
  for (let r = 0; r < rounds; r++) {
    const w0 = performance.now();
    await Promise.all(conns.map(async (c) => {
      const s = performance.now();
      const facts = await gatherFacts((cmd, o) => c.exec(cmd, o), {});
      perHost.push(performance.now() - s);
      keys = Object.keys(facts).length;
    }));
    wall.push(performance.now() - w0);
  }
  await Promise.all(conns.map((c) => c.close()));
  console.log(`hosts=${n} rounds=${rounds} facts=${keys}`);
  console.log(`connect + first command, all hosts: ${connectMs.toFixed(0)} ms`);
  console.log(`gather per host: median ${median(perHost).toFixed(1)} ms, min ${Math.min(...perHost).toFixed(1)} ms`);
  console.log(`gather on all hosts at once (wall): median ${median(wall).toFixed(1)} ms`);
} finally {
  await sandboxDown(NAME, { progress: () => {} });
}
