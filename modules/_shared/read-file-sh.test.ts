// readFileCommand on real shells: exact bytes whatever the file holds, builtins for small
// files, cat where the builtin read cannot prove it kept every byte.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { READ_BUILTIN_MAX, fileContentSection, parseFileContentSection, readFileCommand } from './read-file-sh.js';
import { parseSections, sectionsScript } from './read-sections.js';
import { fakeQuote } from '../../test/helpers/fake-context.js';

const has = (cmd: string) => spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;
const SHELLS = [['/bin/sh'], ['bash', '--posix'], ['busybox', 'sh']].filter(([s]) => s === '/bin/sh' || has(s!));

const CASES: Record<string, Buffer> = {
  'every byte but NUL, twice': Buffer.concat([Buffer.from(Array.from({ length: 255 }, (_, i) => i + 1)), Buffer.from('\n'), Buffer.from(Array.from({ length: 255 }, (_, i) => i + 1))]),
  'backslashes, blanks, CRLF': Buffer.from('a\\nb\\\\c\\\n  lead\ttab  \r\ntrail \n'),
  'no final newline': Buffer.from('line1\nline2'),
  'empty': Buffer.alloc(0),
  'only newlines': Buffer.from('\n\n\n'),
  'a NUL byte': Buffer.from('ab\x00cd\n'),
  'UTF-8 text': Buffer.from('héllo wörld ✓\n'),
  'printf-looking text': Buffer.from('-n\n%s %d %b\n$HOME `id` $(id) * ?\n'),
  'past the builtin limit': Buffer.from(`${'x'.repeat(READ_BUILTIN_MAX + 10)}\n`),
};

function run(shell: string[], script: string): { out: Buffer; rc: number } {
  const r = spawnSync(shell[0]!, [...shell.slice(1), '-c', script]);
  return { out: r.stdout, rc: r.status ?? -1 };
}

for (const shell of SHELLS) {
  test(`${shell.join(' ')}: readFileCommand prints every file byte for byte`, () => {
    const dir = mkdtempSync(join(tmpdir(), 'k8sp-readsh-'));
    try {
      for (const [label, content] of Object.entries(CASES)) {
        const f = join(dir, label.replace(/\W+/g, '_'));
        writeFileSync(f, content);
        const r = run(shell, readFileCommand(f, fakeQuote));
        assert.equal(r.rc, 0, label);
        assert.ok(r.out.equals(content), `${label}: got ${JSON.stringify(r.out.toString('latin1').slice(0, 80))}`);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
}

test('a missing file, a directory: no output and a failing status (cat\'s)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'k8sp-readsh-'));
  try {
    for (const p of [join(dir, 'nope'), dir]) {
      const r = run(['/bin/sh'], readFileCommand(p, fakeQuote));
      assert.notEqual(r.rc, 0, p);
      assert.equal(r.out.length, 0);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

/** The programs a command runs, by name (strace), the shell itself left out. */
function programs(script: string): string[] {
  const dir = mkdtempSync(join(tmpdir(), 'k8sp-readsh-strace-'));
  try {
    spawnSync('strace', ['-f', '-qq', '-e', 'trace=execve', '-o', join(dir, 'log'), '/bin/sh', '-c', script]);
    return readFileSync(join(dir, 'log'), 'utf8').split('\n').filter((l) => /execve\(/.test(l) && !/ENOENT/.test(l))
      .map((l) => /execve\("[^"]*", \["([^"]*)"/.exec(l)?.[1] ?? '?').slice(1);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('no process for a small file; cat for a big one or one with a NUL', { skip: has('strace') ? false : 'strace not installed' }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'k8sp-readsh-'));
  try {
    const small = join(dir, 'small');
    const big = join(dir, 'big');
    const nul = join(dir, 'nul');
    writeFileSync(small, '# fstab\n/dev/sda1 / ext4 defaults 0 1\n');
    writeFileSync(big, CASES['past the builtin limit']!);
    writeFileSync(nul, CASES['a NUL byte']!);
    assert.deepEqual(programs(readFileCommand(small, fakeQuote)), []);
    assert.deepEqual(programs(readFileCommand(big, fakeQuote)), ['cat']);
    assert.deepEqual(programs(readFileCommand(nul, fakeQuote)), ['cat']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('fileContentSection in inline sections: file, missing, directory, unreadable', () => {
  const dir = mkdtempSync(join(tmpdir(), 'k8sp-readsh-'));
  try {
    const f = join(dir, 'f');
    const locked = join(dir, 'locked');
    mkdirSync(join(dir, 'd'));
    writeFileSync(f, 'x = 1\ny\\z');
    writeFileSync(locked, 'secret\n');
    chmodSync(locked, 0);
    const paths = { f, missing: join(dir, 'missing'), d: join(dir, 'd'), locked };
    const cmds = Object.fromEntries(Object.entries(paths).map(([k, p]) => [k, fileContentSection(p, fakeQuote)]));
    // As a user who cannot read it, the locked file must say so; root reads it anyway.
    const asUser = process.getuid?.() === 0 && has('setpriv') ? ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups', '/bin/sh'] : ['/bin/sh'];
    for (const p of [dir, locked]) chmodSync(p, p === dir ? 0o755 : 0);
    const r = spawnSync(asUser[0]!, [...asUser.slice(1), '-c', sectionsScript(cmds, 'abc123', { inline: true })], { encoding: 'utf8' });
    const s = parseSections(r.stdout, 'abc123');
    assert.deepEqual(parseFileContentSection(s.f, f), { kind: 'file', content: 'x = 1\ny\\z' });
    assert.deepEqual(parseFileContentSection(s.missing, paths.missing), { kind: 'absent' });
    assert.deepEqual(parseFileContentSection(s.d, paths.d), { kind: 'directory' });
    const lockedAnswer = parseFileContentSection(s.locked, locked);
    if (asUser.length > 1 || process.getuid?.() !== 0) assert.deepEqual(lockedAnswer, { kind: 'unreadable', message: 'Permission denied' });
    else assert.deepEqual(lockedAnswer, { kind: 'file', content: 'secret\n' });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
