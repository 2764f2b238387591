/**
 * K8SPLAY_TRACE=1: on stderr, the run's phases (inventory loaded, playbook validated, ...) and
 * every connect, command and file read sent to a host, each with the time since the process
 * started and how long it took. For finding the engine's own latency: what lies between the
 * process start and the first byte sent to a host, and between a host's answer and the next
 * command (the "at most 2 round trips per task per host" is counted from this).
 */
import type { Connection } from '../connection/types.js';

/** Whether tracing is on for this run (read once). */
export const TRACE = !!process.env.K8SPLAY_TRACE;

function line(t0: number, text: string): void {
  const t1 = performance.now();
  process.stderr.write(`[trace ${t0.toFixed(1)}ms +${(t1 - t0).toFixed(1)}] ${text.replace(/\s+/g, ' ').slice(0, 120)}\n`);
}

if (TRACE) process.once('exit', () => line(performance.now(), 'process exit'));

/** A phase of the run reached (no-op unless tracing). */
export function traceMark(label: string): void {
  if (TRACE) line(performance.now(), label);
}

/** The same connection, its connect, exec and get logged to stderr. */
export function traced(conn: Connection): Connection {
  return {
    get kind() { return conn.kind; },
    get host() { return conn.host; },
    get warnings() { return conn.warnings; },
    get resumed() { return conn.resumed; },
    connect: async () => {
      const t0 = performance.now();
      try { await conn.connect(); } finally { line(t0, `${conn.host} connect`); }
    },
    exec: async (command, opts) => {
      const t0 = performance.now();
      try { return await conn.exec(command, opts); } finally { line(t0, `${conn.host} exec ${command}`); }
    },
    get: async (path, opts) => {
      const t0 = performance.now();
      try { return await conn.get(path, opts); } finally { line(t0, `${conn.host} get ${path}`); }
    },
    close: async (opts) => {
      const t0 = performance.now();
      try { await conn.close(opts); } finally { line(t0, `${conn.host} close${opts?.park ? ' (park)' : ''}`); }
    },
  };
}
