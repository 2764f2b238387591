import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { absentEdit, presentEdit, readLines } from './edit.js';
import { compilePyRegex, expandTemplate } from './pyregex.js';

interface RecordedCase {
  content: string;
  params: Record<string, unknown>;
  expected: { content: string; changed: boolean; msg: string; found?: number };
}

// Recorded from ansible-core 2.14 (`ansible-playbook -c local`, lineinfile on temp files):
// 7 file contents x 37 parameter sets. The transform must reproduce each result exactly.
const recorded: RecordedCase[] = JSON.parse(readFileSync(new URL('./ansible-cases.json', import.meta.url), 'utf8'));

test('reproduces every recorded Ansible lineinfile result', () => {
  assert.ok(recorded.length > 200);
  const failures: string[] = [];
  for (const c of recorded) {
    const p = c.params as Record<string, any>;
    const r = p.state === 'absent'
      ? absentEdit(c.content, { line: p.line, regexp: p.regexp, search_string: p.search_string })
      : presentEdit(c.content, {
          line: p.line, regexp: p.regexp, search_string: p.search_string, insertafter: p.insertafter,
          insertbefore: p.insertbefore, backrefs: p.backrefs, firstmatch: p.firstmatch,
        });
    const got = { content: r.content, changed: r.changed, msg: r.msg, ...(p.state === 'absent' ? { found: r.found } : {}) };
    try {
      assert.deepEqual(got, c.expected);
    } catch {
      failures.push(`${JSON.stringify(c.content)} ${JSON.stringify(p)}\n  want ${JSON.stringify(c.expected)}\n  got  ${JSON.stringify(got)}`);
    }
  }
  assert.equal(failures.length, 0, failures.join('\n'));
});

test('readLines keeps line endings like Python readlines', () => {
  assert.deepEqual(readLines(''), []);
  assert.deepEqual(readLines('a'), ['a']);
  assert.deepEqual(readLines('a\nb'), ['a\n', 'b']);
  assert.deepEqual(readLines('a\r\n\n'), ['a\r\n', '\n']);
});

test('a regexp replaces the last matching line, firstmatch the first', () => {
  assert.equal(presentEdit('k=1\nk=2\n', { regexp: '^k=', line: 'k=9' }).content, 'k=1\nk=9\n');
  assert.equal(presentEdit('k=1\nk=2\n', { regexp: '^k=', line: 'k=9', firstmatch: true }).content, 'k=9\nk=2\n');
});

test('backrefs with no match leaves the file alone', () => {
  const r = presentEdit('a\n', { regexp: '^(z)', line: '\\1', backrefs: true });
  assert.deepEqual(r, { content: 'a\n', changed: false, msg: '' });
});

test('a line is appended after a last line that has no newline', () => {
  assert.deepEqual(presentEdit('a', { line: 'b' }), { content: 'a\nb\n', changed: true, msg: 'line added' });
});

test('absent counts removed lines', () => {
  assert.deepEqual(absentEdit('x\ny\nx\n', { line: 'x' }), { content: 'y\n', changed: true, msg: '2 line(s) removed', found: 2 });
  assert.deepEqual(absentEdit('y\n', { line: 'x' }), { content: 'y\n', changed: false, msg: '', found: 0 });
});

test('Python regex dialect: $ before a final newline, \\A, \\Z, named groups', () => {
  assert.ok(compilePyRegex('^b$').test('b\n'));
  assert.ok(!compilePyRegex('^b$').test('b\nc'));
  assert.ok(compilePyRegex('\\Ab').test('b'));
  assert.ok(!compilePyRegex('b\\Z').test('b\n'));
  assert.ok(compilePyRegex('(?i)^B').test('b'));
  assert.ok(compilePyRegex('[]x]').test(']'));
  const m = compilePyRegex('(?P<k>\\w+)=(?P=k)').exec('ab=ab')!;
  assert.equal(m.groups!.k, 'ab');
});

test('expandTemplate follows Python match.expand', () => {
  const m = compilePyRegex('(a)(b)?(?P<n>c)').exec('ac')!;
  assert.equal(expandTemplate('\\1-\\2-\\g<n>-\\g<1>\\n\\t', m), 'a--c-a\n\t');
  assert.throws(() => expandTemplate('\\5', m), /invalid group reference/);
  assert.throws(() => expandTemplate('\\q', m), /bad escape/);
  assert.equal(expandTemplate('\\.', m), '\\.');
});
