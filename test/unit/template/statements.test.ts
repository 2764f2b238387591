// Statements ({% for %}, {% if %}, {% set %}, macros...) in values and template files.
// Outputs checked against ansible-core 2.14.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { renderValue, renderTemplate } from '../../../src/template/index.js';

const vars = {
  lst: [3, 1, 2],
  words: ['apple', 'Banana', 'cherry'],
  d: { a: 1, b: 2 },
  users: [
    { name: 'alice', admin: true },
    { name: 'bob', admin: false },
    { name: 'eve', admin: true },
  ],
};
const r = (t: string): unknown => renderValue(t, vars);

test('for loops: loop variables, unpacking, else, filter, dict iteration', () => {
  assert.equal(r('{% for k, v in d | dictsort %}{{ k }}={{ v }};{% endfor %}'), 'a=1;b=2;');
  assert.equal(r('{% for x in lst %}{{ loop.index }}/{{ loop.length }}{% if not loop.last %},{% endif %}{% endfor %}'), '1/3,2/3,3/3');
  assert.equal(r('{% for x in lst %}{{ loop.index0 }}{{ loop.revindex }}{{ loop.first }}{% endfor %}'), '03True12False21False');
  assert.equal(r('{% for x in [] %}a{% else %}empty{% endfor %}'), 'empty');
  assert.equal(r('{% for a, b in [[1, 2], [3, 4]] %}{{ a + b }}{% endfor %}'), '37');
  assert.equal(r('{% for x in lst %}{{ loop.cycle("o", "e") }}{% endfor %}'), 'oeo');
  assert.equal(r('{% for x in lst if x > 1 %}{{ x }}{{ loop.index }}{% endfor %}'), '3122');
  assert.equal(r("{% for x in lst %}{{ loop.previtem | default('-') }}{% endfor %}"), '-31');
  assert.equal(r('{% for k in d %}{{ k }}{% endfor %}'), 'ab');
  assert.equal(r('{% for c in "abc" %}{{ c }}.{% endfor %}'), 'a.b.c.');
  assert.equal(r('{% for k, v in d.items() %}{{ k }}{{ v }}{% endfor %}'), 'a1b2');
});

test('if / elif / else', () => {
  assert.equal(r('{% if lst | length > 2 %}big{% elif lst %}small{% else %}none{% endif %}'), 'big');
  assert.equal(renderValue('{% if l | length > 2 %}big{% elif l %}small{% else %}none{% endif %}', { l: [1] }), 'small');
  assert.equal(renderValue('{% if l %}x{% else %}none{% endif %}', { l: [] }), 'none');
  assert.equal(r('{% if nope is defined %}yes{% else %}no{% endif %}'), 'no');
});

test('set: values, tuples, blocks, scoping, namespaces', () => {
  assert.equal(r('{% set x %}captured {{ lst | length }}{% endset %}{{ x | upper }}'), 'CAPTURED 3');
  assert.equal(r('{% set a, b = 1, 2 %}{{ a }}{{ b }}'), '12');
  assert.equal(r('{% set ns = namespace(total=0) %}{% for x in lst %}{% set ns.total = ns.total + x %}{% endfor %}{{ ns.total }}'), '6');
  // a set inside a loop does not leak out (Jinja2 scoping)
  assert.equal(r("{% for x in lst %}{% set y = x * 2 %}{{ y }}{% endfor %}{{ y | default('unset') }}"), '624unset');
  assert.equal(r('{% with a = 1 %}{{ a }}{% endwith %}'), '1');
});

test('macros, call blocks and filter blocks', () => {
  assert.equal(r('{% macro m(a, b=2) %}[{{ a }}-{{ b }}]{% endmacro %}{{ m(1) }}{{ m(3, b=4) }}'), '[1-2][3-4]');
  assert.equal(r('{% macro m2() %}<{{ caller() }}>{% endmacro %}{% call m2() %}inner{% endcall %}'), '<inner>');
  assert.equal(r('{% filter upper %}hello {{ words[0] }}{% endfilter %}'), 'HELLO APPLE');
  assert.equal(r('{% macro fact(n) %}{{ 1 if n <= 1 else n * (fact(n - 1) | int) }}{% endmacro %}{{ fact(5) }}'), '120');
});

test('raw blocks, comments, whitespace control', () => {
  assert.equal(r('{% raw %}{{ not rendered }}{% endraw %}'), '{{ not rendered }}');
  assert.equal(r("{{ '{{' }} raw {{ '}}' }}"), '{{ raw }}');
  assert.equal(r('{# comment #}x'), 'x');
  assert.equal(r('{%- if true -%}  a  {%- endif -%}'), 'a');
  assert.equal(r('a {{- "b" -}} c'), 'abc');
});

test('renderTemplate: trim_blocks on, text out, trailing newline kept', () => {
  const src = [
    '# managed',
    '{% for u in users %}',
    '{% if u.admin %}',
    '{{ u.name }} ALL=(ALL) NOPASSWD: ALL',
    '{% endif %}',
    '{% endfor %}',
    'count={{ users | length }}',
    '',
  ].join('\n');
  assert.equal(renderTemplate(src, vars), '# managed\nalice ALL=(ALL) NOPASSWD: ALL\neve ALL=(ALL) NOPASSWD: ALL\ncount=3\n');
  // a template file is always text, never converted
  assert.equal(renderTemplate('[{{ lst | join(", ") }}]', vars), '[3, 1, 2]');
  assert.equal(renderTemplate('{{ 42 }}', vars), '42');
  // Python escapes apply in template files
  assert.equal(renderTemplate("{{ 'a\\tb' }}", vars), 'a\tb');
  // lstrip_blocks when asked
  assert.equal(renderTemplate('x\n    {% if true %}\ny\n    {% endif %}\n', vars, { lstripBlocks: true }), 'x\ny\n');
});

test('include with a loader', () => {
  const files: Record<string, string> = { 'part.j2': 'part {{ who }}' };
  const out = renderTemplate('{% for who in ["a", "b"] %}[{% include "part.j2" %}]{% endfor %}', vars, { loader: (n) => files[n]! });
  assert.equal(out, '[part a][part b]');
  assert.throws(() => renderTemplate('{% include "x.j2" %}', vars), /cannot include 'x\.j2'/);
});
