// Become shells: sudo's prompt handshake against a stand-in `sudo` placed first in PATH (the
// real one may be absent and must not be reconfigured), su to `nobody` when running as root,
// and every failure turning into a BecomeError quickly, never a hang.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { LocalConnection } from '../../../src/connection/local.js';
import { sudoFlags, becomeKey } from '../../../src/connection/become.js';
import { BecomeError } from '../../../src/errors.js';
import type { BecomeSpec } from '../../../src/connection/types.js';

const dir = mkdtempSync(join(tmpdir(), 'k8sp-become-'));
after(() => rmSync(dir, { recursive: true, force: true }));

// Behaves like sudo -S: prompt on stderr (-p), read a line, "Sorry, try again." up to 3
// times; -n with a password required fails at once. Logs each start and its flags.
const FAKE_SUDO = `#!/bin/sh
printf "start %s\\n" "$*" >> "$FAKE_SUDO_LOG"
prompt='Password:'; nonint=0
while [ $# -gt 0 ]; do
  case $1 in
    -p) prompt=$2; shift 2 ;;
    -u) shift 2 ;;
    -n) nonint=1; shift ;;
    -*) shift ;;
    *) break ;;
  esac
done
if [ -n "$FAKE_SUDO_HANG" ]; then printf '%s' "working..." >&2; exec sleep 30; fi
if [ -n "$FAKE_SUDO_PASSWORD" ]; then
  if [ $nonint = 1 ]; then echo "sudo: a password is required" >&2; exit 1; fi
  tries=0
  while [ $tries -lt 3 ]; do
    printf '%s' "$prompt" >&2
    IFS= read -r pw || exit 1
    [ "$pw" = "$FAKE_SUDO_PASSWORD" ] && exec "$@"
    echo "Sorry, try again." >&2
    tries=$((tries + 1))
  done
  echo "sudo: 3 incorrect password attempts" >&2; exit 1
fi
exec "$@"
`;
// Behaves like util-linux su from a pipe: "Password: " on stderr, one try.
const FAKE_SU = `#!/bin/sh
while [ $# -gt 0 ]; do
  case $1 in
    -c) cmd=$2; shift 2 ;;
    -s) shift 2 ;;
    -*) shift ;;
    *) shift ;;
  esac
done
printf 'Password: ' >&2
IFS= read -r pw || exit 1
if [ "$pw" != "$FAKE_SU_PASSWORD" ]; then echo "su: Authentication failure" >&2; exit 1; fi
exec /bin/sh -c "$cmd"
`;
const fakeBin = join(dir, 'bin');
mkdirSync(fakeBin);
for (const [name, text] of [['sudo', FAKE_SUDO], ['su', FAKE_SU]] as const) {
  writeFileSync(join(fakeBin, name), text);
  chmodSync(join(fakeBin, name), 0o755);
}

let n = 0;
/** A local connection whose PATH finds the fake sudo, configured through env. */
function fakeSudoConn(env: Record<string, string>, timeout?: number): { conn: LocalConnection; log: string } {
  const log = join(dir, `sudo-${++n}.log`);
  writeFileSync(log, '');
  const conn = new LocalConnection({
    host: `fake${n}`,
    env: { ...process.env, PATH: `${fakeBin}:${process.env['PATH']}`, FAKE_SUDO_LOG: log, ...env },
    ...(timeout !== undefined ? { timeout } : {}),
  });
  return { conn, log };
}
const launches = (log: string): string[] => readFileSync(log, 'utf8').split('\n').filter(Boolean);
const sudo = (password?: string, user = 'root'): BecomeSpec => ({ method: 'sudo', user, ...(password !== undefined ? { password } : {}) });

test('sudo with the right password: prompt answered once, one shell reused for every command', async () => {
  const { conn, log } = fakeSudoConn({ FAKE_SUDO_PASSWORD: 's3cret pw' });
  try {
    const rs = await Promise.all([1, 2, 3].map((i) => conn.exec(`echo $$ ${i}; echo e${i} >&2`, { become: sudo('s3cret pw') })));
    rs.forEach((r, i) => {
      assert.equal(r.rc, 0);
      assert.match(r.stdout, new RegExp(` ${i + 1}\\n$`));
      assert.equal(r.stderr, `e${i + 1}\n`, 'the prompt does not leak into a command');
    });
    assert.equal(new Set(rs.map((r) => r.stdout.split(' ')[0])).size, 1, 'one become shell');
    assert.equal((await conn.exec('echo again', { become: sudo('s3cret pw') })).stdout, 'again\n');
    const starts = launches(log);
    assert.equal(starts.length, 1);
    // Ansible's flags without -n (a password is given), the random prompt, the user.
    assert.match(starts[0]!, /^start -H -S -p \[k8splay sudo [0-9a-f]+\] password: -u root \/bin\/sh -c /);
    // The plain shell is a separate one.
    assert.notEqual((await conn.exec('echo $$')).stdout.trim(), rs[0]!.stdout.split(' ')[0]);
  } finally {
    await conn.close();
  }
});

test('sudo with a wrong password fails fast with BecomeError, the plain shell keeps working', async () => {
  const { conn } = fakeSudoConn({ FAKE_SUDO_PASSWORD: 'right' });
  try {
    const t0 = Date.now();
    await assert.rejects(conn.exec('id', { become: sudo('wrong') }), (e: unknown) =>
      e instanceof BecomeError && /Incorrect sudo password/.test(e.message) && e.host === conn.host);
    assert.ok(Date.now() - t0 < 5000, 'no hang');
    assert.equal((await conn.exec('echo plain')).stdout, 'plain\n');
  } finally {
    await conn.close();
  }
});

test('sudo asking for a password nobody gave: "Missing sudo password"', async () => {
  const { conn, log } = fakeSudoConn({ FAKE_SUDO_PASSWORD: 'right' });
  try {
    await assert.rejects(conn.exec('id', { become: sudo() }), (e: unknown) =>
      e instanceof BecomeError && /Missing sudo password/.test(e.message));
    assert.match(launches(log)[0]!, / -n /, 'no password: non-interactive, as Ansible');
    // Custom flags without -n: the prompt appears and is refused, not waited on.
    await assert.rejects(conn.exec('id', { become: { ...sudo(), flags: '-H -S' } }), (e: unknown) =>
      e instanceof BecomeError && /Missing sudo password/.test(e.message));
  } finally {
    await conn.close();
  }
});

test('sudo not installed: a clear BecomeError', async () => {
  const empty = join(dir, 'empty');
  mkdirSync(empty);
  const conn = new LocalConnection({ host: 'nosudo', env: { PATH: empty } });
  try {
    await assert.rejects(conn.exec('id', { become: sudo('x') }), (e: unknown) =>
      e instanceof BecomeError && /sudo is not installed/.test(e.message));
  } finally {
    await conn.close();
  }
});

test('a sudo that never answers times out with BecomeError', async () => {
  const { conn } = fakeSudoConn({ FAKE_SUDO_HANG: '1' }, 0.5);
  try {
    const t0 = Date.now();
    await assert.rejects(conn.exec('id', { become: sudo('x') }), (e: unknown) =>
      e instanceof BecomeError && /Timeout \(0.5s\) waiting for privilege escalation/.test(e.message) && /working/.test(e.message));
    assert.ok(Date.now() - t0 < 4000);
  } finally {
    await conn.close();
  }
});

test('su answers its password prompt; wrong or missing passwords are BecomeErrors', async () => {
  const { conn } = fakeSudoConn({ FAKE_SU_PASSWORD: 'pw' });
  const su = (password?: string): BecomeSpec => ({ method: 'su', user: 'admin', ...(password !== undefined ? { password } : {}) });
  try {
    const rs = await Promise.all([conn.exec('echo $$', { become: su('pw') }), conn.exec('echo $$', { become: su('pw') })]);
    assert.equal(rs[0]!.rc, 0);
    assert.equal(rs[0]!.stdout, rs[1]!.stdout);
    assert.equal(rs[0]!.stderr, '');
    const other = fakeSudoConn({ FAKE_SU_PASSWORD: 'pw' }).conn;
    try {
      await assert.rejects(other.exec('id', { become: su('bad') }), (e: unknown) =>
        e instanceof BecomeError && /Incorrect su password/.test(e.message));
      await assert.rejects(other.exec('id', { become: su() }), (e: unknown) =>
        e instanceof BecomeError && /Missing su password/.test(e.message));
    } finally {
      await other.close();
    }
  } finally {
    await conn.close();
  }
});

const isRoot = process.getuid?.() === 0;
const suWorks = isRoot && spawnSync('su', ['-s', '/bin/sh', 'nobody', '-c', 'true']).status === 0;

test('su to another user runs commands as that user in one persistent shell', { skip: !suWorks && 'needs root and su' }, async () => {
  const conn = new LocalConnection({ host: 'su' });
  try {
    const become: BecomeSpec = { method: 'su', user: 'nobody', flags: '-s /bin/sh' };
    const [a, b] = await Promise.all([conn.exec('id -un; echo $$', { become }), conn.exec('echo $$', { become })]);
    assert.equal(a.stdout.split('\n')[0], 'nobody');
    assert.equal(a.stdout.split('\n')[1], b.stdout.trim());
    assert.equal((await conn.exec('id -un')).stdout, 'root\n');
    // Nobody may not write into a root-only directory: a failure, reported as such.
    const r = await conn.exec(`touch ${dir}/x`, { become });
    assert.notEqual(r.rc, 0);
  } finally {
    await conn.close();
  }
});

test('su to a user without a usable shell fails with BecomeError', { skip: !suWorks && 'needs root and su' }, async () => {
  const conn = new LocalConnection({ host: 'su2' });
  try {
    // nobody's login shell is nologin: su cannot run our shell.
    await assert.rejects(conn.exec('id', { become: { method: 'su', user: 'nobody' } }), BecomeError);
    await assert.rejects(conn.exec('id', { become: { method: 'su', user: 'no-such-user-k8sp' } }), BecomeError);
  } finally {
    await conn.close();
  }
});

const realSudo = spawnSync('sudo', ['-n', 'true']).status === 0;
test('real sudo without a password (when this machine has it)', { skip: !realSudo && 'no passwordless sudo here' }, async () => {
  const conn = new LocalConnection({ host: 'sudo' });
  try {
    assert.equal((await conn.exec('id -u', { become: sudo() })).stdout, '0\n');
  } finally {
    await conn.close();
  }
});

test('sudoFlags drops -n and adds -S only when a password is given (Ansible rules)', () => {
  assert.equal(sudoFlags(undefined, false), '-H -S -n');
  assert.equal(sudoFlags(undefined, true), '-H -S');
  assert.equal(sudoFlags('-Hn -E', true), '-H -E -S');
  assert.equal(sudoFlags('--non-interactive -i', true), '-i -S');
  assert.equal(sudoFlags('-HS', true), '-HS');
});

test('becomeKey tells identities apart and ignores the password', () => {
  assert.equal(becomeKey(false), '');
  assert.equal(becomeKey(sudo('a')), becomeKey(sudo('b')));
  assert.notEqual(becomeKey(sudo(undefined, 'root')), becomeKey(sudo(undefined, 'postgres')));
  assert.notEqual(becomeKey(sudo()), becomeKey({ method: 'su', user: 'root' }));
});
