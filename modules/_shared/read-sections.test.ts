import { test } from 'node:test';
import assert from 'node:assert/strict';
import { answerSections, parseSections, sectionNames, sectionsScript, readSections } from './read-sections.js';
import { createHarness } from '../../test/helpers/module-harness.js';

test('parseSections splits framed outputs, keeping exact bytes and statuses', () => {
  const n = 'abc123';
  const out = answerSections(sectionsScript({ a: 'x', b: 'y', c: 'z' }, n), { a: 'one\ntwo', b: { out: '', rc: 3 }, c: 'trailing\n\n' });
  assert.deepEqual(parseSections(out, n), {
    a: { out: 'one\ntwo', rc: 0 }, b: { out: '', rc: 3 }, c: { out: 'trailing\n\n', rc: 0 },
  });
  assert.deepEqual(sectionNames(sectionsScript({ a: 'x', b: 'y' }, n)), ['a', 'b']);
  assert.throws(() => sectionsScript({ 'bad name': 'x' }, n), /bad section name/);
});

test('readSections on a real shell: file bytes, statuses, and no state leaking into the shell', async () => {
  const h = await createHarness('k8sp-sections-');
  try {
    const ctx = h.context();
    const f = `${h.dir}/f.txt`;
    await ctx.writeFile(f, 'no newline at end');
    const s = await readSections(ctx, {
      file: `cat -- ${ctx.quote(f)}`,
      missing: `cat -- ${ctx.quote(`${h.dir}/nope`)}`,
      exits: 'X=leak; cd /; exit 7',
      empty: 'true',
    });
    assert.deepEqual(s.file, { out: 'no newline at end', rc: 0 });
    assert.equal(s.missing!.out, '');
    assert.equal(s.missing!.rc, 1);
    assert.deepEqual(s.exits, { out: '', rc: 7 });
    assert.deepEqual(s.empty, { out: '', rc: 0 });
    const after = await ctx.run('echo "${X:-unset}"');
    assert.equal(after.stdout, 'unset\n');
  } finally {
    await h.close();
  }
});
