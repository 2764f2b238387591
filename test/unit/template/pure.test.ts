import { test } from 'node:test';
import assert from 'node:assert/strict';
import { renderPurely, renderValue, templateChanges } from '../../../src/template/index.js';

test('renderPurely: a template that changes a list or dict fails and changes nothing', () => {
  for (const expr of ['l.append(4)', 'l.extend([4])', 'l.insert(0, 4)', 'l.pop()', 'l.remove(1)', 'l.reverse()', "d.update({'b': 2})", "d.pop('a')", "d.setdefault('b', 2)"]) {
    const vars = { l: [1, 2, 3], d: { a: 1 } };
    assert.throws(() => renderPurely(() => renderValue(`{{ ${expr} }}`, vars)), /may change something/, expr);
    assert.deepEqual(vars, { l: [1, 2, 3], d: { a: 1 } }, expr);
    // Outside renderPurely the same template does change the value (as in Ansible).
    renderValue(`{{ ${expr} }}`, vars);
    assert.notDeepEqual(vars, { l: [1, 2, 3], d: { a: 1 } }, expr);
  }
});

test('renderPurely: a refused change fails even when the template catches the error', () => {
  const vars = { l: [1] };
  assert.throws(() => renderPurely(() => renderValue("{{ (l.append(2)) | default('x') }}", vars)));
  assert.throws(() => renderPurely(() => {
    try { renderValue('{{ l.append(2) }}', vars); } catch { /* swallowed */ }
    return 1;
  }), /may change something/);
  assert.deepEqual(vars.l, [1]);
});

test('renderPurely: reading templates render as usual, and nesting works', () => {
  const vars = { l: [3, 1, 2], d: { a: 1 }, name: 'x' };
  assert.deepEqual(renderPurely(() => renderValue('{{ l | sort }}', vars)), [1, 2, 3]);
  assert.equal(renderPurely(() => renderPurely(() => renderValue("{{ d.get('a') }}-{{ name.upper() }}", vars))), '1-X');
  assert.deepEqual(vars.l, [3, 1, 2]);
  // After renderPurely, changes are allowed again.
  renderValue('{{ l.append(4) }}', vars);
  assert.deepEqual(vars.l, [3, 1, 2, 4]);
});

test('templateChanges counts the values templates changed in place, not the refused ones', () => {
  const vars = { l: [1] };
  const before = templateChanges();
  renderValue('{{ l | length }}', vars);
  assert.equal(templateChanges(), before);
  renderValue('{{ l.append(2) }}', vars);
  assert.equal(templateChanges(), before + 1);
  assert.throws(() => renderPurely(() => renderValue('{{ l.append(3) }}', vars)));
  assert.equal(templateChanges(), before + 1);
});

test("renderPurely: a caller's own lookup plugin is refused (it may act); built-in lookups render", () => {
  let calls = 0;
  const lookups = { counter: () => [++calls] };
  assert.equal(String(renderValue("{{ lookup('counter') }}", {}, { lookups })), '1');
  assert.throws(() => renderPurely(() => renderValue("{{ lookup('counter') }}", {}, { lookups })), /lookup\('counter'\)/);
  assert.equal(calls, 1, 'the refused lookup did not run');
  assert.equal(renderPurely(() => renderValue("{{ lookup('vars', 'x') }}-{{ lookup('env', 'K8SPLAY_NO_SUCH_VAR', default='d') }}", { x: 'v' })), 'v-d');
});
