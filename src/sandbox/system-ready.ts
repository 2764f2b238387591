/**
 * Waiting until systemd inside a host has finished booting, from the controller (entering the
 * container's namespaces): sshd answers before the last boot jobs end, and a test that runs
 * `systemctl` right away would otherwise see "starting".
 */
import { spawn } from 'node:child_process';
import { containerInit } from './processes.js';

export interface SystemState {
  /** running, degraded, starting (still booting at the deadline), ... or unknown. */
  state: string;
  /** Failed units when degraded. */
  failed: string[];
}

function inContainer(init: number, args: string[], timeoutMs: number): Promise<string | undefined> {
  return new Promise((resolve) => {
    const child = spawn('nsenter', ['-t', String(init), '-m', '-p', '-u', '-i', '-n', ...args], { stdio: ['ignore', 'pipe', 'ignore'] });
    let out = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), Math.max(1, timeoutMs));
    child.stdout.setEncoding('utf8').on('data', (d: string) => { out += d; });
    child.on('error', () => { clearTimeout(timer); resolve(undefined); });
    child.on('close', () => { clearTimeout(timer); resolve(out.trim()); });
  });
}

/** Waits (until `deadline`) for the boot of the container run by `nspawnPid` to finish. */
export async function waitSystemReady(nspawnPid: number, deadline: number): Promise<SystemState> {
  const init = containerInit(nspawnPid);
  if (init === undefined) return { state: 'unknown', failed: [] };
  const state = (await inContainer(init, ['systemctl', 'is-system-running', '--wait'], deadline - Date.now())) || 'unknown';
  const failed = state === 'degraded'
    ? ((await inContainer(init, ['systemctl', '--failed', '--plain', '--no-legend'], 5_000)) ?? '').split('\n').map((l) => l.split(/\s+/)[0]!).filter(Boolean)
    : [];
  return { state: state.split('\n').pop()!, failed };
}
