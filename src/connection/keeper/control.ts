/**
 * Asking running keepers about themselves, and stopping them (`k8splay keeper status|stop`,
 * the test runner, the benchmark): Ansible users do `ssh -O exit`; here one request per
 * keeper socket in the control directory.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { keeperRequest } from './client.js';
import type { KeeperStatus } from './protocol.js';

/**
 * Keeper sockets in a control directory (every protocol version), with the version each
 * speaks: status and stop are asked in it, so keepers of an earlier version can still be
 * stopped (their status may lack later fields).
 */
function sockets(dir: string): Array<{ socket: string; v: number }> {
  try {
    return readdirSync(dir).flatMap((f) => {
      const m = /^keeper-v(\d+)\.sock$/.exec(f);
      return m ? [{ socket: join(dir, f), v: Number(m[1]) }] : [];
    });
  } catch {
    return [];
  }
}

/** The status of each keeper answering in `dir` (none: []). */
export async function keeperStatus(dir: string): Promise<KeeperStatus[]> {
  const out: KeeperStatus[] = [];
  for (const { socket, v } of sockets(dir)) {
    try {
      const { sock, answer } = await keeperRequest<KeeperStatus>({ dir, socket, persistMs: null }, { v, op: 'status' }, false);
      sock.destroy();
      if (Array.isArray(answer.connections)) out.push(answer);
    } catch {
      // not answering: a stale socket file
    }
  }
  return out;
}

/**
 * Stop every keeper in `dir`: they close their SSH connections and exit. Resolves with the
 * number of keepers that were asked, once their sockets closed (at most `waitMs`).
 */
export async function stopKeepers(dir: string, waitMs = 5000): Promise<number> {
  let n = 0;
  for (const { socket, v } of sockets(dir)) {
    try {
      const { sock } = await keeperRequest({ dir, socket, persistMs: null }, { v, op: 'stop' }, false);
      sock.destroy();
      n++;
    } catch {
      continue;
    }
    const until = Date.now() + waitMs;
    while (Date.now() < until && sockets(dir).some((s) => s.socket === socket)) await new Promise((r) => setTimeout(r, 20));
  }
  return n;
}
