// shellQuote/shellJoin against real shells: for arbitrary strings, the shell must hand the
// exact bytes to printf as exactly one argument. Cases are batched (one shell per run).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { shellJoin, shellQuote } from '../../../src/connection/quote.js';
import { InputError } from '../../../src/errors.js';

// Each distinct shell once (/bin/sh is often dash).
const SHELLS = [...new Map(['/bin/sh', '/bin/dash', '/bin/bash', '/bin/busybox']
  .filter((s) => existsSync(s)).map((s) => [realpathSync(s), s] as const)).values()];
const dir = mkdtempSync(join(tmpdir(), 'k8sp-quote-'));
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));

const specials = ["'", '"', '$', '`', '\\', '\n', '\r', '\t', ' ', '!', '*', '?', '~', '#', '&', ';', '|',
  '(', ')', '{', '}', '[', ']', '<', '>', '=', '-', '%', '^', 'a', 'Z', '0', 'é', '€', '😀', '\x7f', '\x01'];
const noNul = (s: string): boolean => !s.includes('\0');
const anyString = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ unit: 'binary-ascii', maxLength: 40 }),
  fc.string({ unit: fc.constantFrom(...specials), maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 20 }),
).filter(noNul);
const batch = fc.array(anyString, { minLength: 1, maxLength: 200 });

/** Run a script file with `shell` and return stdout bytes. */
function runScript(shell: string, script: string): Buffer {
  const file = join(dir, 'script.sh');
  writeFileSync(file, script);
  const argv = shell.endsWith('busybox') ? ['sh', file] : [file];
  const r = spawnSync(shell, argv, { maxBuffer: 64 * 1024 * 1024 });
  assert.equal(r.status, 0, `${shell} failed: ${r.stderr?.toString()}`);
  return r.stdout;
}

/** What printf '%s\0' prints for each argument. */
const expected = (args: string[]): Buffer => Buffer.concat(args.map((a) => Buffer.from(`${a}\0`, 'utf8')));

for (const shell of SHELLS) {
  test(`shellQuote: ${shell} prints every quoted string back byte for byte, as one word`, () => {
    fc.assert(
      fc.property(batch, (args) => {
        const script = args.map((a) => `printf '%s\\0' ${shellQuote(a)}\n`).join('');
        // A word split in two or an expansion shows as extra NULs or changed bytes.
        assert.deepEqual(runScript(shell, script), expected(args));
      }),
      { numRuns: 12 },
    );
  });

  test(`shellJoin: ${shell} runs one joined command line with every argument intact`, () => {
    fc.assert(
      fc.property(batch, (args) => {
        assert.deepEqual(runScript(shell, `${shellJoin(['printf', '%s\\0', ...args])}\n`), expected(args));
      }),
      { numRuns: 8 },
    );
  });
}

test('shellQuote leaves safe words alone and quotes the rest', () => {
  assert.equal(shellQuote(''), "''");
  assert.equal(shellQuote('abc-1.2_x/y:z,w@h%p+q=r'), 'abc-1.2_x/y:z,w@h%p+q=r');
  assert.equal(shellQuote('a b'), "'a b'");
  assert.equal(shellQuote("it's"), `'it'\\''s'`);
  assert.equal(shellQuote('~'), "'~'");
  assert.equal(shellQuote('$HOME'), "'$HOME'");
});

test('shellJoin quotes a first word that would read as an assignment', () => {
  assert.equal(shellJoin(['A=b', 'c=d']), "'A=b' c=d");
  const out = runScript(SHELLS[0]!, `${shellJoin(['A=b'])} 2>/dev/null; echo $?\n`).toString();
  assert.equal(out, '127\n', 'the shell looked for a command named A=b');
});

test('shellQuote refuses a NUL byte', () => {
  assert.throws(() => shellQuote('a\0b'), InputError);
  assert.throws(() => shellJoin(['x=\0']), InputError);
});
