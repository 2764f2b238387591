// The persistent shell protocol, through the local connection (a real /bin/sh).
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { LocalConnection } from '../../../src/connection/local.js';
import { CommandTimeoutError, ConnectionError, InputError } from '../../../src/errors.js';

const dir = mkdtempSync(join(tmpdir(), 'k8sp-shell-'));
const conn = new LocalConnection({ host: 'localhost' });
after(async () => {
  await conn.close();
  rmSync(dir, { recursive: true, force: true });
});

/** True when the process is gone (or only a zombie nobody reaped yet). */
function gone(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z');
  } catch {
    return true;
  }
}

async function waitFor(cond: () => boolean, ms = 3000): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (cond()) return true;
    await new Promise((r) => setTimeout(r, 20));
  }
  return cond();
}

test('many concurrent execs keep their order and their stdout/stderr apart', async () => {
  const n = 200;
  const log = join(dir, 'order.log');
  const results = await Promise.all(
    Array.from({ length: n }, (_, i) => conn.exec(`echo out${i}; echo err${i} >&2; echo ${i} >> ${log}; exit ${i % 7}`)),
  );
  results.forEach((r, i) => {
    assert.deepEqual(r, { rc: i % 7, stdout: `out${i}\n`, stderr: `err${i}\n` });
  });
  // Written in call order, run in call order.
  assert.deepEqual(readFileSync(log, 'utf8').trim().split('\n').map(Number), Array.from({ length: n }, (_, i) => i));
});

test('large output (5 MB) on stdout and stderr at once arrives whole', async () => {
  const text = Array.from({ length: 10 * 1024 }, (_, i) => `${i}:${randomBytes(380).toString('base64')}`).join('\n');
  const f = join(dir, 'big.txt');
  writeFileSync(f, text);
  const r = await conn.exec(`cat ${f}; cat ${f} >&2`);
  assert.equal(r.rc, 0);
  assert.ok(r.stdout.length > 5_000_000);
  assert.equal(r.stdout, text);
  assert.equal(r.stderr, text);
});

test('binary stdin round trip, and stdin is /dev/null by default', async () => {
  const data = randomBytes(300_000);
  data[0] = 0;
  const r = await conn.exec('base64', { stdin: data });
  assert.equal(r.rc, 0);
  assert.deepEqual(Buffer.from(r.stdout, 'base64'), data);
  const f = join(dir, 'bin');
  await conn.exec(`cat > ${f}`, { stdin: data });
  assert.deepEqual(readFileSync(f), data);
  assert.equal((await conn.exec('cat', { stdin: '' })).stdout, '');
  assert.equal((await conn.exec('cat; echo end')).stdout, 'end\n');
});

test('random output bytes and stdin come back exactly (protocol property)', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.array(
        fc.oneof(
          fc.uint8Array({ maxLength: 2000 }).map((a) => Buffer.from(a)),
          fc.array(fc.constantFrom('\n', 'K8SP', ' e 1 0', ' b 2', '\\', "'", 'x'), { maxLength: 40 })
            .map((a) => Buffer.from(a.join(''))),
        ),
        { minLength: 1, maxLength: 20 },
      ),
      async (chunks) => {
        const rs = await Promise.all(chunks.map((c) => conn.exec('base64 -d | base64', { stdin: c.toString('base64') })));
        rs.forEach((r, i) => assert.deepEqual(Buffer.from(r.stdout, 'base64'), chunks[i]));
      },
    ),
    { numRuns: 10 },
  );
});

test('output without a trailing newline, empty output and fake markers pass through', async () => {
  assert.equal((await conn.exec('printf abc')).stdout, 'abc');
  assert.equal((await conn.exec('true')).stdout, '');
  assert.equal((await conn.exec('printf "\\n\\n"')).stdout, '\n\n');
  const fake = '\\nK8SP00000000000000000000000000000000 e 1 0\\nK8SP e 2 0\\n';
  const r = await conn.exec(`printf '${fake}'; printf '${fake}' >&2`);
  assert.equal(r.stdout, '\nK8SP00000000000000000000000000000000 e 1 0\nK8SP e 2 0\n');
  assert.equal(r.stderr, r.stdout);
  assert.equal((await conn.exec('echo still fine')).stdout, 'still fine\n');
});

test('exit codes, signals and syntax errors are reported; the shell survives them', async () => {
  assert.equal((await conn.exec('true')).rc, 0);
  assert.equal((await conn.exec('false')).rc, 1);
  assert.equal((await conn.exec('exit 255')).rc, 255);
  assert.equal((await conn.exec('exit 3')).rc, 3);
  assert.equal((await conn.exec("sh -c 'kill -9 $$'")).rc, 137);
  const syntax = await conn.exec('echo )');
  assert.notEqual(syntax.rc, 0);
  assert.match(syntax.stderr, /Syntax error|syntax error/);
  const unbalanced = await conn.exec("echo 'abc");
  assert.notEqual(unbalanced.rc, 0);
  assert.equal((await conn.exec('echo alive')).stdout, 'alive\n');
});

test('cd, variables, exec and closed stdout in one command do not leak into the next', async () => {
  const before = (await conn.exec('pwd')).stdout;
  await conn.exec(`cd ${dir}; FOO=1; export BAR=2; umask 077`);
  assert.equal((await conn.exec('pwd')).stdout, before);
  assert.equal((await conn.exec('echo ${FOO-unset} ${BAR-unset}; umask')).stdout, `unset unset\n${(await conn.exec('umask')).stdout}`);
  await conn.exec('exec >&- 2>&-');
  await conn.exec('exec sleep 0');
  assert.equal((await conn.exec('echo ok')).stdout, 'ok\n');
});

test('env and cwd apply to one command', async () => {
  const r = await conn.exec('pwd; echo "$A|$B"', { cwd: dir, env: { A: "x y'z", B: '$HOME\n' } });
  assert.equal(r.stdout, `${dir}\nx y'z|$HOME\n\n`);
  assert.notEqual((await conn.exec('pwd')).stdout, `${dir}\n`);
  const missing = await conn.exec('echo never', { cwd: join(dir, 'nope') });
  assert.notEqual(missing.rc, 0);
  assert.equal(missing.stdout, '');
  await assert.rejects(conn.exec('true', { env: { 'A-B': '1' } }), InputError);
});

test('a timeout rejects, kills the command, and the next commands still run', async () => {
  const pidFile = join(dir, 'sleeper.pid');
  const started = Date.now();
  const slow = conn.exec(`sleep 30 & echo $! > ${pidFile}; wait`, { timeoutMs: 300 });
  // Pipelined behind the slow one: must still be answered, by a fresh shell.
  const queued = conn.exec('echo queued');
  await assert.rejects(slow, (e: unknown) => e instanceof CommandTimeoutError && e.timeoutMs === 300);
  assert.ok(Date.now() - started < 5000);
  assert.equal((await queued).stdout, 'queued\n');
  assert.equal((await conn.exec('echo next')).stdout, 'next\n');
  const pid = Number(readFileSync(pidFile, 'utf8'));
  assert.ok(await waitFor(() => gone(pid)), `sleep ${pid} is still running`);
});

test('a command that finishes within its timeout is answered normally', async () => {
  assert.deepEqual(await conn.exec('echo quick', { timeoutMs: 5000 }), { rc: 0, stdout: 'quick\n', stderr: '' });
});

test('a killed shell rejects pending commands with ConnectionError; the next exec gets a new shell', async () => {
  const c = new LocalConnection({ host: 'h1' });
  try {
    const pid = Number((await c.exec('echo $$')).stdout);
    const pending = [c.exec('sleep 5'), c.exec('echo after')];
    await new Promise((r) => setTimeout(r, 100));
    process.kill(pid, 'SIGKILL');
    for (const p of pending) {
      await assert.rejects(p, (e: unknown) => e instanceof ConnectionError && e.host === 'h1');
    }
    const pid2 = Number((await c.exec('echo $$')).stdout);
    assert.notEqual(pid2, pid);
  } finally {
    await c.close();
  }
});

test('close() ends the shells and later execs reject', async () => {
  const c = new LocalConnection({ host: 'h2' });
  const pid = Number((await c.exec('echo $$')).stdout);
  await c.close();
  await c.close();
  assert.ok(await waitFor(() => gone(pid)));
  await assert.rejects(c.exec('true'), ConnectionError);
});

test('a shell that cannot start is a ConnectionError', async () => {
  const c = new LocalConnection({ host: 'h3', shell: '/nonexistent/sh' });
  try {
    await assert.rejects(c.connect(), (e: unknown) => e instanceof ConnectionError && /not found|No such/.test(e.message));
  } finally {
    await c.close();
  }
  assert.ok(!existsSync('/nonexistent/sh'));
});
