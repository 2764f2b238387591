/**
 * Per-command latency of the ssh transport on a sandbox host (needs root): the raw floor (one
 * ssh2 `sh` channel, a minimal end marker after each command) against SshConnection.exec (one
 * at a time and pipelined) and one exec channel per command. Prints a table per command; not
 * a test. Default commands: `true` (a builtin: pure protocol overhead) and a small file read
 * (fork + exec, like the checks a playbook runs).
 *   npx tsx bench/ssh-latency.ts [N=300] [command] [--keep]
 */
import { performance } from 'node:perf_hooks';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import ssh2 from 'ssh2';
import type { Client, ClientChannel } from 'ssh2';
import { sandboxDown, sandboxUp } from '../src/sandbox/index.js';
import { SshConnection } from '../src/connection/ssh/index.js';

const args = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const keep = process.argv.includes('--keep');
const n = Number(args[0] ?? 300);
const commands = args[1] !== undefined ? [args[1]] : ['true', 'cat /proc/sys/net/ipv4/ip_forward'];
if (!Number.isInteger(n) || n < 10 || n > 10000) {
  process.stderr.write("usage: npx tsx bench/ssh-latency.ts [runs, 10-10000] [command, default 'true'] [--keep]\n");
  process.exit(5);
}
const NAME = 'ssh-bench';

interface Row {
  name: string;
  perCmd: number[];
  total: number;
}

async function sequential(name: string, runs: number, run: () => Promise<unknown>): Promise<Row> {
  const perCmd: number[] = [];
  const t0 = performance.now();
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await run();
    perCmd.push(performance.now() - t);
  }
  return { name, perCmd, total: performance.now() - t0 };
}

async function pipelined(name: string, runs: number, run: () => Promise<unknown>): Promise<Row> {
  const t0 = performance.now();
  await Promise.all(Array.from({ length: runs }, run));
  const total = performance.now() - t0;
  return { name, perCmd: [total / runs], total };
}

/** The floor: commands written to one `sh`, each followed by `echo MARKER $?`. */
function rawShell(client: Client): Promise<(cmd: string) => Promise<number>> {
  return new Promise((resolve, reject) => {
    client.exec('sh', (err, ch: ClientChannel) => {
      if (err) return reject(err);
      const marker = '__K8SP_RAW_END__';
      let buf = '';
      let waiting: ((rc: number) => void) | undefined;
      ch.on('data', (d: Buffer) => {
        buf += d.toString('latin1');
        const i = buf.indexOf(marker);
        if (i < 0) return;
        const nl = buf.indexOf('\n', i);
        if (nl < 0) return;
        const rc = Number(buf.slice(i + marker.length + 1, nl));
        buf = buf.slice(nl + 1);
        const w = waiting;
        waiting = undefined;
        w?.(rc);
      });
      ch.stderr.resume();
      resolve((cmd) => new Promise((r) => {
        waiting = r;
        ch.write(`${cmd}; echo ${marker} $?\n`);
      }));
    });
  });
}

/** One exec channel per command: what a naive transport does. */
function execChannel(client: Client, cmd: string): Promise<number> {
  return new Promise((resolve, reject) => {
    client.exec(cmd, (err, ch) => {
      if (err) return reject(err);
      let rc = -1;
      ch.on('exit', (code: number) => (rc = code));
      ch.on('close', () => resolve(rc));
      ch.resume();
      ch.stderr.resume();
    });
  });
}

const sb = await sandboxUp({ name: NAME, hosts: [{ name: 'bench' }], repo: false, progress: (m) => process.stderr.write(`${m}\n`) });
const home = mkdtempSync(join(tmpdir(), 'k8sp-sshbench-'));
const host = sb.hosts[0]!;
try {
  const opts = {
    host: host.name, address: host.address, user: 'root', privateKeyFile: sb.privateKey, homeDir: home, env: {},
    configFiles: [], globalKnownHostsFiles: [],
    vars: { ansible_ssh_common_args: `-o UserKnownHostsFile=${sb.knownHosts} -o StrictHostKeyChecking=yes` },
  };
  const tc = performance.now();
  const conn = new SshConnection(opts);
  await conn.connect();
  const connectMs = performance.now() - tc;

  const raw = new ssh2.Client();
  await new Promise<void>((resolve, reject) => {
    raw.once('ready', () => resolve()).once('error', reject).connect({
      host: host.address, username: 'root', privateKey: readFileSync(sb.privateKey), readyTimeout: 10_000,
    });
  });
  raw.setNoDelay(true);
  const rawRun = await rawShell(raw);
  console.log(`sandbox host ${host.address}, node ${process.version}; SshConnection connect + shell ready: ${connectMs.toFixed(0)} ms`);
  for (const command of commands) {
    for (let i = 0; i < 30; i++) {
      await rawRun(command);
      await conn.exec(command);
    }
    const perChannelRuns = Math.max(10, Math.floor(n / 10));
    const rows: Row[] = [
      await sequential('raw ssh2 shell + marker (floor)', n, () => rawRun(command)),
      await sequential('SshConnection.exec, one at a time', n, () => conn.exec(command)),
      await pipelined('SshConnection.exec, pipelined', n, () => conn.exec(command)),
      await sequential('one exec channel per command', perChannelRuns, () => execChannel(raw, command)),
    ];
    const q = (xs: number[], p: number): number => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(p * xs.length))]!;
    const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
    const floor = mean(rows[0]!.perCmd);
    const cols = ['mode', 'runs', 'mean ms', 'p50 ms', 'p95 ms', 'vs floor'];
    const table = rows.map((r, i) => [
      r.name,
      String(i === 3 ? perChannelRuns : n),
      mean(r.perCmd).toFixed(3),
      r.perCmd.length > 1 ? q(r.perCmd, 0.5).toFixed(3) : '-',
      r.perCmd.length > 1 ? q(r.perCmd, 0.95).toFixed(3) : '-',
      `${(mean(r.perCmd) / floor).toFixed(2)}x`,
    ]);
    const widths = cols.map((c, i) => Math.max(c.length, ...table.map((t) => t[i]!.length)));
    const line = (cells: string[]): string => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
    console.log(`\n${JSON.stringify(command)}`);
    console.log(line(cols));
    console.log(widths.map((w) => '-'.repeat(w)).join('  '));
    for (const t of table) console.log(line(t));
    const ours = mean(rows[1]!.perCmd);
    const ratio = ours / floor;
    console.log(`SshConnection.exec: ${ratio.toFixed(2)}x the floor (+${(ours - floor).toFixed(3)} ms a command); target 1.5x: ${ratio <= 1.5 ? 'met' : 'not met'}`);
  }
  await conn.close();
  raw.end();
} finally {
  rmSync(home, { recursive: true, force: true });
  if (!keep) await sandboxDown(NAME, { progress: () => {} });
}
