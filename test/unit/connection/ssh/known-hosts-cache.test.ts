// known_hosts files are parsed once and kept while they stay the same (the keeper re-checks a
// host key at every session): any change is seen at the next read, a rewrite of the same size
// within the file system's timestamp granularity included; missing files count as empty.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkHostKey, readKnownHosts } from '../../../../src/connection/ssh/known-hosts.js';

const dir = mkdtempSync(join(tmpdir(), 'k8sp-khc-'));
after(() => rmSync(dir, { recursive: true, force: true }));

let n = 0;
/** A fresh ed25519 public key: its base64 and blob (every such line has the same length). */
function newKey(): { b64: string; blob: Buffer } {
  const f = join(dir, `k${n++}`);
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', f]);
  const b64 = readFileSync(`${f}.pub`, 'utf8').trim().split(/\s+/)[1]!;
  return { b64, blob: Buffer.from(b64, 'base64') };
}

const a = newKey();
const b = newKey();
const line = (k: { b64: string }): string => `host1 ssh-ed25519 ${k.b64}\n`;
const verdict = (file: string, k: { blob: Buffer }): string => checkHostKey(readKnownHosts([file]), ['host1'], k.blob).status;

test('a rewrite of the same size right after a read is seen (no stale key within one timestamp tick)', () => {
  const f = join(dir, 'racy');
  writeFileSync(f, line(a));
  assert.equal(verdict(f, a), 'known');
  assert.equal(line(a).length, line(b).length);
  writeFileSync(f, line(b));
  assert.equal(verdict(f, a), 'changed');
  assert.equal(verdict(f, b), 'known');
});

test('an unchanged file is not parsed again; a change (rewrite, replacement, removal) is seen', async () => {
  const f = join(dir, 'settled');
  writeFileSync(f, line(a));
  // Changed long enough ago that its time stamps tell every later change apart.
  await new Promise((r) => setTimeout(r, 1100));
  const first = readKnownHosts([f]);
  const again = readKnownHosts([f]);
  assert.equal(again[0], first[0], 'the same parsed line: cached');
  assert.ok(Object.isFrozen(again[0]), 'shared lines cannot be changed by one caller');

  writeFileSync(f, line(b));
  assert.equal(verdict(f, a), 'changed');
  writeFileSync(join(dir, 'next'), line(a));
  renameSync(join(dir, 'next'), f);
  assert.equal(verdict(f, a), 'known');
  rmSync(f);
  assert.deepEqual(readKnownHosts([f]), []);
  writeFileSync(f, line(b));
  assert.equal(verdict(f, b), 'known');
});

test('missing and unreadable files count as empty', () => {
  assert.deepEqual(readKnownHosts([join(dir, 'none'), dir]), []);
});
