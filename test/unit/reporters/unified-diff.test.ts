import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { unifiedDiff, unifiedDiffLines, longestCommonSubsequence, splitLines } from '../../../src/reporters/unified-diff.js';

const opts = { fromFile: 'before: f', toFile: 'after: f' };

/** Apply a unified diff to `before` (a minimal patch(1)), to check diffs independently. */
function applyPatch(before: string, diff: string): string {
  const src = splitLines(before);
  const lines = diff === '' ? [] : diff.slice(0, -1).split('\n');
  const out: string[] = [];
  let pos = 0;
  let i = 2;
  while (i < lines.length) {
    const m = /^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@$/.exec(lines[i]!);
    assert.ok(m, `hunk header expected, got ${lines[i]}`);
    const start = Number(m[1]);
    const len = m[2] === undefined ? 1 : Number(m[2]);
    const from = len === 0 ? start : start - 1;
    while (pos < from) out.push(src[pos++]!);
    i++;
    while (i < lines.length && !lines[i]!.startsWith('@@')) {
      const l = lines[i]!;
      const noNl = lines[i + 1] === '\\ No newline at end of file';
      const text = l.slice(1) + (noNl ? '' : '\n');
      if (l[0] === ' ') { assert.equal(src[pos], text, 'context line must match'); out.push(text); pos++; }
      else if (l[0] === '-') { assert.equal(src[pos], text, 'removed line must match'); pos++; }
      else if (l[0] === '+') out.push(text);
      else assert.fail(`bad diff line ${l}`);
      i += noNl ? 2 : 1;
    }
  }
  while (pos < src.length) out.push(src[pos++]!);
  return out.join('');
}

function lcsLength(a: string[], b: string[]): number {
  const dp = Array.from({ length: a.length + 1 }, () => new Array<number>(b.length + 1).fill(0));
  for (let i = a.length - 1; i >= 0; i--)
    for (let j = b.length - 1; j >= 0; j--)
      dp[i]![j] = a[i] === b[j] ? dp[i + 1]![j + 1]! + 1 : Math.max(dp[i + 1]![j]!, dp[i]![j + 1]!);
  return dp[0]![0]!;
}

test('identical texts give no diff', () => {
  assert.equal(unifiedDiff('a\nb\n', 'a\nb\n', opts), '');
  assert.equal(unifiedDiff('', '', opts), '');
});

test('empty before: everything added, @@ -0,0', () => {
  assert.equal(unifiedDiff('', 'a\nb\n', opts), '--- before: f\n+++ after: f\n@@ -0,0 +1,2 @@\n+a\n+b\n');
});

test('empty after: everything removed, +0,0', () => {
  assert.equal(unifiedDiff('a\nb\n', '', opts), '--- before: f\n+++ after: f\n@@ -1,2 +0,0 @@\n-a\n-b\n');
});

test('missing trailing newline is marked like difflib in Ansible', () => {
  assert.equal(unifiedDiff('a\nb', 'a\nb\n', opts),
    '--- before: f\n+++ after: f\n@@ -1,2 +1,2 @@\n a\n-b\n\\ No newline at end of file\n+b\n');
  assert.equal(unifiedDiff('a\nb\n', 'a\nc', opts),
    '--- before: f\n+++ after: f\n@@ -1,2 +1,2 @@\n a\n-b\n+c\n\\ No newline at end of file\n');
});

test('hunks split when more than 6 unchanged lines separate changes (3 lines of context)', () => {
  const n = (xs: Array<string | number>) => xs.join('\n') + '\n';
  const before = n([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15]);
  const after = n([1, 2, 'X', 4, 5, 6, 7, 8, 9, 10, 11, 12, 'Y', 14, 15]);
  assert.equal(unifiedDiff(before, after, opts),
    '--- before: f\n+++ after: f\n@@ -1,6 +1,6 @@\n 1\n 2\n-3\n+X\n 4\n 5\n 6\n@@ -10,6 +10,6 @@\n 10\n 11\n 12\n-13\n+Y\n 14\n 15\n');
  // Exactly 5 unchanged lines between: one hunk.
  const b2 = n([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  const a2 = n([1, 2, 'X', 4, 5, 6, 7, 8, 'Y', 10]);
  assert.equal(unifiedDiff(b2, a2, opts),
    '--- before: f\n+++ after: f\n@@ -1,10 +1,10 @@\n 1\n 2\n-3\n+X\n 4\n 5\n 6\n 7\n 8\n-9\n+Y\n 10\n');
});

test('default headers are before/after; context is configurable', () => {
  const lines = unifiedDiffLines('a\nb\nc\n', 'a\nB\nc\n', { context: 0 });
  assert.deepEqual(lines, ['--- before', '+++ after', '@@ -2 +2 @@', '-b', '+B']);
});

test('the LCS is as long as the dynamic-programming one (minimal edit script)', () => {
  fc.assert(fc.property(
    fc.array(fc.constantFrom('a', 'b', 'c', 'd'), { maxLength: 30 }),
    fc.array(fc.constantFrom('a', 'b', 'c', 'd'), { maxLength: 30 }),
    (a, b) => {
      const pairs = longestCommonSubsequence(a, b);
      assert.equal(pairs.length, lcsLength(a, b));
      let pi = -1; let pj = -1;
      for (const [i, j] of pairs) {
        assert.equal(a[i], b[j]);
        assert.ok(i > pi && j > pj, 'pairs strictly increasing');
        pi = i; pj = j;
      }
    }), { numRuns: 300 });
});

test('applying the diff to before gives after', () => {
  const text = fc.array(fc.constantFrom('x', 'y', 'z', '', 'x y'), { maxLength: 25 })
    .chain((ls) => fc.boolean().map((nl) => ls.join('\n') + (nl && ls.length ? '\n' : '')));
  fc.assert(fc.property(text, text, (before, after) => {
    assert.equal(applyPatch(before, unifiedDiff(before, after, opts)), after);
  }), { numRuns: 300 });
});

test('10k-line files diff quickly, rewritten or lightly edited', () => {
  const before = Array.from({ length: 10000 }, (_, i) => `line ${i}`).join('\n') + '\n';
  const edited = before.replace('line 5000\n', 'changed\n').replace('line 10\n', '');
  const rewritten = Array.from({ length: 10000 }, (_, i) => `other ${i}`).join('\n') + '\n';
  const shuffled = Array.from({ length: 10000 }, (_, i) => `line ${(i * 7919) % 10000}`).join('\n') + '\n';
  for (const after of [edited, rewritten, shuffled]) {
    const t = Date.now();
    const d = unifiedDiff(before, after, opts);
    const ms = Date.now() - t;
    assert.equal(applyPatch(before, d), after);
    // Generous bound, only to catch a quadratic blow-up (the machine is shared).
    assert.ok(ms < 20000, `took ${ms}ms`);
  }
  assert.equal(unifiedDiffLines(before, edited).filter((l) => /^[-+][^-+]/.test(l)).length, 3);
});
