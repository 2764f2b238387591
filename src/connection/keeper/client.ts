/**
 * Talking to the keeper: connect to its socket (starting it when nobody listens), send one
 * request line, read the answer line. Anything that goes wrong before an answer arrives is a
 * KeeperUnavailable: the caller may still connect directly.
 */
import { readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { connect as netConnect, type Socket } from 'node:net';
import { pidAlive } from '../../util/process.js';
import type { ControlSettings } from './control-settings.js';
import { LineReader, type KeeperAnswer, type KeeperRequest } from './protocol.js';
import { ensureControlDir, KeeperUnavailable, startKeeper } from './spawn.js';

/** Longest wait for a keeper just started to listen (from source, tsx compiles it first). */
const START_TIMEOUT_MS = 20_000;
/** A start lock older than this is left over (its keeper would be listening by now). */
const STALE_START_MS = 10_000;

const starting = new Map<string, Promise<void>>();
/** Sockets whose keeper could not be started lately: not tried again for BROKEN_MS. */
const broken = new Map<string, { why: string; until: number }>();
const BROKEN_MS = 60_000;

function dial(path: string): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = netConnect(path);
    s.once('connect', () => {
      s.off('error', reject);
      resolve(s);
    });
    s.once('error', reject);
  });
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/**
 * Become the process that starts the keeper: a lock file beside the socket, holding our pid.
 * False when another live process is starting it now (we only wait for its socket then). A
 * lock whose process is gone, or older than STALE_START_MS, is taken over.
 */
function takeStartLock(lock: string): boolean {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(lock, String(process.pid), { flag: 'wx', mode: 0o600 });
      return true;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') return true; // no lock possible: just start
    }
    let stale = true;
    try {
      const pid = Number(readFileSync(lock, 'utf8'));
      const young = Date.now() - statSync(lock).mtimeMs < STALE_START_MS;
      stale = !young || !pidAlive(pid);
    } catch {
      // gone meanwhile: try again
    }
    if (!stale) return false;
    rmSync(lock, { force: true });
  }
  return false;
}

/**
 * Start a keeper (unless another process is starting one) and wait until it listens. Shared
 * by everyone in this process.
 */
function started(ctl: ControlSettings): Promise<void> {
  let p = starting.get(ctl.socket);
  if (!p) {
    p = (async () => {
      const lock = `${ctl.socket}.starting`;
      const deadline = Date.now() + START_TIMEOUT_MS;
      let child: ReturnType<typeof startKeeper> | undefined;
      try {
        for (let delay = 5; ; delay = Math.min(delay * 2, 50)) {
          if (!child && takeStartLock(lock)) child = startKeeper(ctl.dir);
          await sleep(delay);
          try {
            (await dial(ctl.socket)).destroy();
            return;
          } catch {
            // not yet
          }
          const code = child?.exitCode();
          if (code !== undefined && code !== 0) {
            throw new KeeperUnavailable(`the connection keeper ended at start (status ${code}; see ${ctl.dir}/keeper.log)`);
          }
          if (Date.now() > deadline) throw new KeeperUnavailable(`the connection keeper did not start within ${START_TIMEOUT_MS / 1000}s`);
        }
      } finally {
        if (child) rmSync(lock, { force: true });
      }
    })().finally(() => starting.delete(ctl.socket));
    starting.set(ctl.socket, p);
  }
  return p;
}

/**
 * A socket to the keeper of `ctl`, starting the keeper when `start` and nobody listens.
 * @throws KeeperUnavailable
 */
export async function keeperSocket(ctl: ControlSettings, start: boolean): Promise<Socket> {
  const b = broken.get(ctl.socket);
  if (b && Date.now() < b.until) throw new KeeperUnavailable(b.why);
  ensureControlDir(ctl.dir);
  try {
    return await dial(ctl.socket);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (!start || (code !== 'ENOENT' && code !== 'ECONNREFUSED')) {
      throw new KeeperUnavailable(`cannot reach the connection keeper at ${ctl.socket}: ${(e as Error).message}`);
    }
  }
  try {
    await started(ctl);
    return await dial(ctl.socket);
  } catch (e) {
    const msg = e instanceof KeeperUnavailable ? e.message : `cannot reach the connection keeper at ${ctl.socket}: ${(e as Error).message}`;
    broken.set(ctl.socket, { why: msg, until: Date.now() + BROKEN_MS });
    throw new KeeperUnavailable(msg);
  }
}

/** Read the answer line from `sock`; `rest` is what followed it in the same chunk. */
export function readAnswer<T = KeeperAnswer>(sock: Socket): Promise<{ answer: T; rest: Buffer }> {
  return new Promise((resolve, reject) => {
    const reader = new LineReader();
    const fail = (why: string): void => {
      cleanup();
      sock.destroy();
      reject(new KeeperUnavailable(`connection keeper: ${why}`));
    };
    const onData = (chunk: Buffer): void => {
      let got;
      try {
        got = reader.push(chunk);
      } catch (e) {
        return fail((e as Error).message);
      }
      if (!got) return;
      cleanup();
      sock.pause();
      try {
        resolve({ answer: JSON.parse(got.line) as T, rest: got.rest });
      } catch {
        fail('unreadable answer');
      }
    };
    const onClose = (): void => fail('closed the connection without answering');
    const onError = (e: Error): void => fail(e.message);
    const cleanup = (): void => {
      sock.off('data', onData);
      sock.off('close', onClose);
      sock.off('error', onError);
    };
    sock.on('data', onData);
    sock.once('close', onClose);
    sock.once('error', onError);
  });
}

/**
 * Send `req` and wait for the answer. The socket stays open for what follows (frames, file
 * bytes, a session's lifetime). With `start`, a keeper that drops the connection unanswered
 * (it was exiting just then: idle, stopped, killed) is asked once more, which starts a new one.
 * @throws KeeperUnavailable when no answer could be had
 */
export async function keeperRequest<T = KeeperAnswer>(
  ctl: ControlSettings,
  req: KeeperRequest,
  start = true,
): Promise<{ sock: Socket; answer: T; rest: Buffer }> {
  for (let attempt = 1; ; attempt++) {
    const sock = await keeperSocket(ctl, start);
    const answered = readAnswer<T>(sock);
    sock.write(JSON.stringify(req) + '\n');
    try {
      const { answer, rest } = await answered;
      return { sock, answer, rest };
    } catch (e) {
      if (!start || attempt >= 2 || !(e instanceof KeeperUnavailable)) throw e;
      await sleep(20);
    }
  }
}
