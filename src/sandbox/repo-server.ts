/**
 * A static HTTP server for the package repository, listening only on the bridge address. It
 * runs as its own detached process (so it lives as long as the sandbox, not the CLI) and is
 * stopped by pid.
 */
import { spawn } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync, rmSync } from 'node:fs';
import { SandboxError } from './errors.js';
import { isOurProcess, waitGone } from './processes.js';

/** The server program, run with `node -e SCRIPT <dir> <address> <portFile>`. */
const SERVER_SCRIPT = `
const http = require('node:http'), fs = require('node:fs'), path = require('node:path');
const [dir, address, portFile] = process.argv.slice(1);
const root = path.resolve(dir);
const server = http.createServer((req, res) => {
  if (req.method !== 'GET' && req.method !== 'HEAD') { res.writeHead(405); res.end(); return; }
  let rel;
  try { rel = decodeURIComponent(new URL(req.url, 'http://x').pathname); } catch { res.writeHead(400); res.end(); return; }
  const file = path.resolve(root, '.' + path.posix.normalize('/' + rel));
  if (file !== root && !file.startsWith(root + path.sep)) { res.writeHead(403); res.end(); return; }
  fs.stat(file, (err, st) => {
    if (err || !st.isFile()) { res.writeHead(404); res.end(); return; }
    res.writeHead(200, { 'content-length': st.size, 'content-type': 'application/octet-stream' });
    if (req.method === 'HEAD') { res.end(); return; }
    fs.createReadStream(file).pipe(res);
  });
});
server.listen(0, address, () => {
  fs.writeFileSync(portFile + '.tmp', String(server.address().port));
  fs.renameSync(portFile + '.tmp', portFile);
});
process.on('SIGTERM', () => process.exit(0));
`;

export interface RepoServer {
  pid: number;
  port: number;
  url: string;
}

/** Markers identifying the server process in /proc (pids get reused). */
export function repoServerMarkers(dir: string, portFile: string): string[] {
  return ['-e', dir, portFile];
}

/** Starts the server on `address` (a free port); resolves once it listens. */
export async function startRepoServer(dir: string, address: string, portFile: string, logFile: string): Promise<RepoServer> {
  rmSync(portFile, { force: true });
  const fd = openSync(logFile, 'a');
  const env = { ...process.env };
  delete env.NODE_OPTIONS; // the server needs no loader hooks of the parent (tsx)
  const child = spawn(process.execPath, ['-e', SERVER_SCRIPT, dir, address, portFile], { detached: true, stdio: ['ignore', fd, fd], env });
  closeSync(fd);
  let exited: number | null | undefined;
  child.once('exit', (c) => { exited = c; });
  child.once('error', () => { exited = -1; });
  child.unref();
  const deadline = Date.now() + 10_000;
  while (!existsSync(portFile)) {
    if (exited !== undefined || Date.now() > deadline) {
      const log = existsSync(logFile) ? readFileSync(logFile, 'utf8').trim().split('\n').slice(-5) : [];
      if (exited === undefined && child.pid) process.kill(child.pid, 'SIGKILL');
      throw new SandboxError(`the package repository server did not start on ${address}`, { details: log });
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  const port = Number(readFileSync(portFile, 'utf8'));
  return { pid: child.pid!, port, url: `http://${address}:${port}/` };
}

/** Stops the server if `pid` is still it. */
export async function stopRepoServer(pid: number, dir: string, portFile: string): Promise<void> {
  const markers = repoServerMarkers(dir, portFile);
  if (!isOurProcess(pid, markers)) return;
  try { process.kill(pid, 'SIGTERM'); } catch { return; }
  if (!(await waitGone([pid], (p) => isOurProcess(p, markers), 3_000))) {
    try { process.kill(pid, 'SIGKILL'); } catch { /* gone */ }
    await waitGone([pid], (p) => isOurProcess(p, markers), 2_000);
  }
}
