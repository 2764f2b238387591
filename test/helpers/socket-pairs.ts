/**
 * Connected unix socket pairs for tests of the keeper's protocol: one end as the keeper holds
 * it, the other as the executable does. Call at a test file's top level: it registers the
 * hooks that start the listening socket before the tests and end everything after them.
 */
import { after, before } from 'node:test';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface SocketPair {
  keeper: Socket;
  client: Socket;
}

/** Returns the maker of pairs; every socket it made is destroyed after the file's tests. */
export function socketPairs(): () => Promise<SocketPair> {
  let server: Server;
  let dir: string;
  let socketPath: string;
  const accepted: Socket[] = [];
  const waiting: Array<(s: Socket) => void> = [];
  const open: Socket[] = [];

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'k8sp-pair-'));
    socketPath = join(dir, 's');
    server = createServer((s) => {
      s.on('error', () => undefined);
      const w = waiting.shift();
      if (w) w(s);
      else accepted.push(s);
    });
    await new Promise<void>((r) => server.listen(socketPath, r));
  });

  after(async () => {
    for (const s of open) s.destroy();
    await new Promise<void>((r) => server.close(() => r()));
    rmSync(dir, { recursive: true, force: true });
  });

  return async () => {
    const keeperSide = new Promise<Socket>((r) => {
      const s = accepted.shift();
      if (s) r(s);
      else waiting.push(r);
    });
    const client = connect(socketPath);
    client.on('error', () => undefined);
    await new Promise<void>((r) => client.once('connect', () => r()));
    const keeper = await keeperSide;
    open.push(client, keeper);
    return { keeper, client };
  };
}
