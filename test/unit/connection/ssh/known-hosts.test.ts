// known_hosts reading and writing, checked against OpenSSH's own tools (ssh-keygen -H, -F, -l)
// with real keys, and the concurrent appender (many connects in one process and across
// processes: no lost or doubled lines).
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  checkHostKey, fingerprint, formatKnownHostLine, knownHostsName, parseKnownHosts, hostFieldMatches,
} from '../../../../src/connection/ssh/known-hosts.js';
import { appendKnownHost } from '../../../../src/connection/ssh/known-hosts-writer.js';

const dir = mkdtempSync(join(tmpdir(), 'k8sp-kh-'));
after(() => rmSync(dir, { recursive: true, force: true }));

let n = 0;
/** A fresh real public key: [type, base64, blob]. */
function newKey(type: 'ed25519' | 'rsa' | 'ecdsa' = 'ed25519'): { type: string; b64: string; blob: Buffer; pubFile: string } {
  const f = join(dir, `k${n++}`);
  execFileSync('ssh-keygen', ['-q', '-t', type, ...(type === 'rsa' ? ['-b', '1024'] : []), '-N', '', '-f', f]);
  const [t, b64] = readFileSync(`${f}.pub`, 'utf8').trim().split(/\s+/);
  return { type: t!, b64: b64!, blob: Buffer.from(b64!, 'base64'), pubFile: `${f}.pub` };
}

const k1 = newKey();
const k2 = newKey();
const kr = newKey('rsa');

test('fingerprint is what ssh-keygen -l prints', () => {
  const out = execFileSync('ssh-keygen', ['-l', '-E', 'sha256', '-f', k1.pubFile], { encoding: 'utf8' });
  assert.equal(out.split(/\s+/)[1], fingerprint(k1.blob));
});

test('plain, pattern and [host]:port entries; changed and unknown verdicts', () => {
  const lines = parseKnownHosts(
    [
      `# comment`,
      `10.0.0.5,web1 ${k1.type} ${k1.b64} root@web1`,
      `*.lab,!bad.lab ${k2.type} ${k2.b64}`,
      `[10.0.0.6]:2222 ${kr.type} ${kr.b64}`,
      `garbage line`,
      `10.0.0.7 ssh-ed25519 ${kr.b64}`, // type and blob disagree: skipped
    ].join('\n'),
    '/kh',
  );
  assert.equal(lines.length, 3);
  assert.equal(checkHostKey(lines, ['10.0.0.5'], k1.blob).status, 'known');
  assert.equal(checkHostKey(lines, ['WEB1'], k1.blob).status, 'known');
  assert.equal(checkHostKey(lines, ['x.lab'], k2.blob).status, 'known');
  assert.equal(checkHostKey(lines, ['bad.lab'], k2.blob).status, 'unknown');
  const changed = checkHostKey(lines, ['10.0.0.5'], k2.blob);
  assert.equal(changed.status, 'changed');
  assert.equal(changed.status === 'changed' && changed.entry.line, 2);
  assert.equal(checkHostKey(lines, [knownHostsName('10.0.0.6', 2222)], kr.blob).status, 'known');
  assert.equal(checkHostKey(lines, ['10.0.0.6'], kr.blob).status, 'unknown');
  // Only an RSA key is recorded for 10.0.0.6:2222: an ed25519 key is unknown, not changed.
  const other = checkHostKey(lines, ['[10.0.0.6]:2222'], k1.blob);
  assert.deepEqual(other, { status: 'unknown', otherTypes: ['ssh-rsa'] });
});

test('@revoked refuses a key even when a plain line accepts it; @cert-authority lines are not host keys', () => {
  const lines = parseKnownHosts(
    [`@revoked * ${k1.type} ${k1.b64}`, `web1 ${k1.type} ${k1.b64}`, `@cert-authority web2 ${k2.type} ${k2.b64}`].join('\n'),
    '/kh',
  );
  assert.equal(checkHostKey(lines, ['web1'], k1.blob).status, 'revoked');
  assert.equal(checkHostKey(lines, ['web2'], k2.blob).status, 'unknown');
});

test('hashed names: reads what ssh-keygen -H writes; ssh-keygen -F finds what we write', () => {
  const plain = join(dir, 'kh-plain');
  writeFileSync(plain, `10.9.8.7 ${k1.type} ${k1.b64}\n[10.9.8.7]:2222 ${k2.type} ${k2.b64}\n`);
  execFileSync('ssh-keygen', ['-H', '-f', plain], { stdio: 'ignore' });
  const hashed = parseKnownHosts(readFileSync(plain, 'utf8'), plain);
  assert.ok(hashed.every((l) => l.hosts.startsWith('|1|')));
  assert.equal(checkHostKey(hashed, ['10.9.8.7'], k1.blob).status, 'known');
  assert.equal(checkHostKey(hashed, ['[10.9.8.7]:2222'], k2.blob).status, 'known');
  assert.equal(checkHostKey(hashed, ['10.9.8.8'], k1.blob).status, 'unknown');

  const ours = join(dir, 'kh-ours');
  writeFileSync(ours, formatKnownHostLine('[10.1.1.1]:2200', k1.blob, true) + formatKnownHostLine('web9', k2.blob, false));
  const f1 = execFileSync('ssh-keygen', ['-F', '[10.1.1.1]:2200', '-f', ours], { encoding: 'utf8' });
  assert.match(f1, new RegExp(k1.b64.replace(/[+/]/g, '\\$&')));
  const f2 = execFileSync('ssh-keygen', ['-F', 'web9', '-f', ours], { encoding: 'utf8' });
  assert.match(f2, /web9 ssh-ed25519/);
  assert.ok(!hostFieldMatches(parseKnownHosts(readFileSync(ours, 'utf8'), ours)[0]!.hosts, '10.1.1.1'));
});

test('concurrent appends in one process: every line once, whole lines, duplicates skipped', async () => {
  const file = join(dir, 'sub', 'known_hosts');
  const keys = Array.from({ length: 12 }, () => newKey());
  await Promise.all([
    ...keys.map((k, i) => appendKnownHost({ file, line: formatKnownHostLine(`10.2.0.${i}`, k.blob, false), name: `10.2.0.${i}`, key: k.blob })),
    // The same host again at the same time: recorded once.
    appendKnownHost({ file, line: formatKnownHostLine('10.2.0.0', keys[0]!.blob, true), name: '10.2.0.0', key: keys[0]!.blob }),
  ]);
  const lines = parseKnownHosts(readFileSync(file, 'utf8'), file);
  assert.equal(lines.length, 12);
  for (let i = 0; i < 12; i++) assert.equal(checkHostKey(lines, [`10.2.0.${i}`], keys[i]!.blob).status, 'known');
  assert.equal(readFileSync(file, 'utf8').split('\n').filter(Boolean).length, 12);
  assert.throws(() => readFileSync(`${file}.lock`));
});

test('concurrent appends from several processes: none lost (lock file + O_APPEND)', async () => {
  const file = join(dir, 'multi_known_hosts');
  writeFileSync(file, `existing ${k1.type} ${k1.b64}`); // no final newline: must not glue lines
  const script = join(dir, 'append-many.mts');
  const mod = new URL('../../../../src/connection/ssh/known-hosts-writer.js', import.meta.url).pathname.replace(/\.js$/, '.ts');
  writeFileSync(script, [
    `import { appendKnownHost } from ${JSON.stringify(mod)};`,
    `const [file, tag, b64] = process.argv.slice(2);`,
    `const key = Buffer.from(b64, 'base64');`,
    `await Promise.all(Array.from({ length: 15 }, (_, i) => appendKnownHost({ file, name: tag + '-' + i, key, line: tag + '-' + i + ' ssh-ed25519 ' + b64 + '\\n' })));`,
  ].join('\n'));
  const run = (tag: string): Promise<number> =>
    new Promise((resolve) => {
      const c = spawn(process.execPath, ['--import', 'tsx', script, file, tag, k2.b64], { stdio: 'inherit' });
      c.on('exit', (code) => resolve(code ?? 1));
    });
  const codes = await Promise.all([run('p1'), run('p2'), run('p3')]);
  assert.deepEqual(codes, [0, 0, 0]);
  const text = readFileSync(file, 'utf8');
  const lines = parseKnownHosts(text, file);
  assert.equal(lines.length, 46);
  assert.equal(new Set(lines.map((l) => l.hosts)).size, 46);
  assert.ok(text.endsWith('\n'));
});
