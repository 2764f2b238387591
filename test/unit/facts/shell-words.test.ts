import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fc from 'fast-check';
import { posixWords, nonPosixWords, parseAssignments } from '../../../src/facts/shell-words.js';
import { parseGatherOutput } from '../../../src/facts/index.js';
import { remoteEnv } from '../../../src/facts/collectors/system-misc.js';

test('os-release assignments: quotes, escapes, comments', () => {
  const m = parseAssignments('# comment\nNAME="CentOS Linux"\nID=centos\nX=\'a b\'\nY="q\\"uote"\n', { lowerKeys: true });
  assert.equal(m.get('name'), 'CentOS Linux');
  assert.equal(m.get('id'), 'centos');
  assert.equal(m.get('x'), 'a b');
  assert.equal(m.get('y'), 'q"uote');
});

test('shlex non-posix split: quoted words kept whole with their quotes, unclosed quote throws', () => {
  assert.deepEqual(nonPosixWords('a="b c" d'), ['a="b', 'c"', 'd']);
  assert.deepEqual(nonPosixWords('"x y"z w'), ['"x y"', 'z', 'w']);
  assert.throws(() => nonPosixWords('a "b'), /No closing quotation/);
});

/** What `export -p` of the real dash and bash (as sh) print for a value, parsed back. */
for (const shell of ['dash', 'bash']) {
  const ok = spawnSync('sh', ['-c', `command -v ${shell}`]).status === 0;
  test(`export -p of ${shell} round-trips any value`, { skip: ok ? false : `${shell} not installed` }, () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme-ascii', maxLength: 40 }), (value) => {
        const argv = shell === 'bash' ? ['--norc', '--noprofile', '--posix', '-c', 'export -p'] : ['-c', 'export -p'];
        const r = spawnSync(shell, argv, { env: { K8SP_TEST: value }, encoding: 'utf8' });
        const raw = parseGatherOutput(`@@k8splay:begin 1\n@@k8splay:env\n${r.stdout}\n@@k8splay:end\n`);
        assert.equal(remoteEnv(raw)['K8SP_TEST'], value);
      }),
      { numRuns: 60 },
    );
  });
}

test('posixWords splits on unquoted whitespace only', () => {
  assert.deepEqual(posixWords("a 'b c' \"d e\" f\\ g"), ['a', 'b c', 'd e', 'f g']);
});
