/**
 * The warm engine's side of a run (op 'run', see client.ts): inside the connection keeper, the
 * k8splay command runs as the executable would have run it, with the client's arguments,
 * working directory, environment and umask, its output sent back as frames.
 *
 * The process is the keeper's, so what a run reads from the process is set for the run and put
 * back after it: process.env, the working directory, the umask, and process.stdout/stderr's
 * write (a stray write, a custom module's console.log, goes to the client as it would have).
 * One run at a time (engine-host.ts declines a second).
 */
import type { Socket } from 'node:net';
import { Readable, Writable } from 'node:stream';
import { frameWriter } from '../../connection/keeper/frame-writer.js';
import { FRAME, frameReader, type RunRequest, type WireStream } from '../../connection/keeper/protocol.js';
import { customCodeLoaded } from '../../module-api/loader.js';
import { EXIT, main } from '../main.js';

/** What the host needs to know after a run. */
export interface ServedRun {
  /** False: this process must not run further commands (why: `reason`). */
  reusable: boolean;
  reason?: string;
}

/**
 * Above this heap after a run, the engine stops taking runs (the keeper then leaves when idle
 * and the next one starts afresh): what a long-lived keeper's engine may hold on to.
 */
const MAX_HEAP_AFTER_RUN = 192 * 1024 * 1024;

type TerminalWritable = Writable & { isTTY?: boolean; columns?: number };

/** A Writable sending its chunks as frames of `type`, and looking like the client's stream. */
function frameStream(sock: Socket, type: number, like: WireStream): TerminalWritable {
  const w = frameWriter(sock);
  const s: TerminalWritable = new Writable({
    write(chunk: Buffer | string, _enc, cb) {
      if (w.send(type, chunk) || sock.destroyed) return cb();
      // Backed up: wait for the client to read, or for it to leave (else the run hangs here).
      const done = (): void => {
        sock.off('drain', done);
        sock.off('close', done);
        cb();
      };
      sock.once('drain', done);
      sock.once('close', done);
    },
  });
  s.isTTY = like.isTTY;
  if (like.columns !== undefined) s.columns = like.columns;
  return s;
}

/** Swap what the run reads from the process; returns the restorer. @throws when req.cwd cannot be entered */
function enterRun(req: RunRequest, stdout: Writable, stderr: Writable): () => void {
  const cwd = process.cwd();
  process.chdir(req.cwd); // first: when it throws, nothing else has changed
  const env = { ...process.env };
  for (const k of Object.keys(process.env)) delete process.env[k];
  Object.assign(process.env, req.env);
  const umask = process.umask(req.umask);
  const writes = [process.stdout.write, process.stderr.write] as const;
  process.stdout.write = stdout.write.bind(stdout) as typeof process.stdout.write;
  process.stderr.write = stderr.write.bind(stderr) as typeof process.stderr.write;
  return () => {
    process.stdout.write = writes[0];
    process.stderr.write = writes[1];
    process.umask(umask);
    try {
      process.chdir(cwd);
    } catch {
      // gone: keep the run's
    }
    for (const k of Object.keys(process.env)) delete process.env[k];
    Object.assign(process.env, env);
  };
}

/**
 * Run `req` as the k8splay command, its output going to `sock` (the keeper has read the request
 * line; `rest` is what came after it). Resolves when the command has ended and its exit frame
 * was sent (or the client went away).
 */
export async function serveRun(sock: Socket, req: RunRequest, rest: Buffer): Promise<ServedRun> {
  const handlers = new Set<() => void>();
  // A Ctrl-C that comes before main() listens is kept for the first handler (not lost).
  let pendingInterrupt = false;
  const interrupt = (): void => {
    if (handlers.size === 0) pendingInterrupt = true;
    for (const h of [...handlers]) h();
  };
  let clientGone = false;
  let exited = false;
  const onData = frameReader(sock, (type) => { if (type === FRAME.INTERRUPT) interrupt(); });
  const stdout = frameStream(sock, FRAME.STDOUT, req.stdout);
  const stderr = frameStream(sock, FRAME.STDERR, req.stderr);
  let leave: () => void;
  try {
    leave = enterRun(req, stdout, stderr);
  } catch (e) {
    // Its working directory is not ours to enter (gone, not searchable): it runs where it is.
    sock.end(JSON.stringify({ ok: false, declined: `cannot enter ${req.cwd}: ${(e as Error).message}` }) + '\n');
    return { reusable: true };
  }
  sock.on('data', onData);
  // The client went away (killed, its terminal closed, `| head` done): stop as on Ctrl-C.
  sock.once('close', () => {
    clientGone = true;
    if (!exited) interrupt();
  });
  sock.write(JSON.stringify({ ok: true }) + '\n');
  if (rest.length) onData(rest);
  sock.resume();

  const stdin = Readable.from([]);
  const sendExit = (code: number): void => {
    if (exited) return;
    exited = true;
    frameWriter(sock).end(FRAME.EXIT, String(code));
  };
  let code: number;
  try {
    code = await main(req.argv, {
      stdout, stderr, stdin, env: process.env, cwd: req.cwd,
      onInterrupt: (handler) => {
        handlers.add(handler);
        if (pendingInterrupt) {
          pendingInterrupt = false;
          queueMicrotask(handler);
        }
        return () => { handlers.delete(handler); };
      },
      // The second Ctrl-C: the client leaves now; the run ends here as the first one asked.
      exit: (c) => sendExit(c),
      onPlayHosts: () => undefined,
    });
  } catch (e) {
    // main() reports its errors itself: this is a bug in the serving.
    stderr.write(`ERROR! Unexpected Exception, this is probably a bug: ${(e as Error)?.stack ?? e}\n`);
    code = EXIT.INTERNAL_ERROR;
  } finally {
    leave();
  }
  // Everything written reaches the client before the exit frame.
  await Promise.all([stdout, stderr].map((s) => new Promise<void>((resolve) => {
    s.once('finish', resolve);
    s.once('error', () => resolve());
    s.end();
  })));
  sock.off('data', onData);
  if (!clientGone) sendExit(code);
  if (customCodeLoaded()) return { reusable: false, reason: 'a run loaded custom modules (their files may change)' };
  if (process.memoryUsage().heapUsed > MAX_HEAP_AFTER_RUN) return { reusable: false, reason: 'its heap has grown large' };
  return { reusable: true };
}
