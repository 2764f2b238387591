import { test } from 'node:test';
import assert from 'node:assert/strict';
import { renderValue, renderTemplate, evaluate } from '../../../src/template/index.js';
import { TemplateError, errorMessage } from '../../../src/errors.js';

const loc = { file: 'play.yml', line: 12, column: 7 };

function failure(fn: () => unknown): TemplateError {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof TemplateError, `expected a TemplateError, got ${String(e)}`);
    return e;
  }
  assert.fail('expected an error');
}

test("undefined variables: Ansible's message, the template, the location", () => {
  const e = failure(() => renderValue('{{ nope }}', { nop: 1 }, { location: loc }));
  assert.match(e.message, /^'nope' is undefined/);
  assert.match(e.message, /\{\{ nope \}\}/);
  assert.deepEqual(e.location, loc);
  assert.equal(e.code, 'TEMPLATE');
  assert.match(errorMessage(e), /at play\.yml:12:7/);
  assert.ok(e.details.includes("did you mean 'nop'?"), e.details.join('|'));
});

test('missing attributes and elements use Jinja2 messages', () => {
  assert.match(failure(() => renderValue('{{ a.b }}', { a: { c: 1 } })).message, /^'dict object' has no attribute 'b'/);
  assert.match(failure(() => renderValue("{{ a['b'] }}", { a: {} })).message, /^'dict object' has no attribute 'b'/);
  assert.match(failure(() => renderValue('{{ l[7] }}', { l: [1] })).message, /^list object has no element 7/);
  assert.match(failure(() => renderValue('{{ n.x }}', { n: null })).message, /^'None' has no attribute 'x'/);
  assert.match(failure(() => renderValue('{{ s.x }}', { s: 'str' })).message, /^'str object' has no attribute 'x'/);
  // chained access on an undefined keeps the first message
  assert.match(failure(() => renderValue('{{ nope.x.y }}', {})).message, /^'nope' is undefined/);
});

test('undefined values fail when used: in text, arithmetic, comparison, iteration, lists', () => {
  for (const t of ['a{{ nope }}', '{{ nope + 1 }}', '{{ nope == 1 }}', '{% for x in nope %}{% endfor %}', '{{ [1, nope] }}', '{{ nope ~ "x" }}', '{% if nope %}{% endif %}']) {
    assert.match(failure(() => renderValue(t, {})).message, /'nope' is undefined/, t);
  }
});

test('syntax errors are readable, without nunjucks internals', () => {
  const e = failure(() => renderValue('{{ a b }}', { a: 1 }, { location: loc }));
  assert.match(e.message, /^template error while templating string: /);
  assert.match(e.message, /String: \{\{ a b \}\}/);
  assert.doesNotMatch(e.message, /parse\w+:|nunjucks|Template render error/);
  assert.deepEqual(e.location, loc);
  assert.match(failure(() => renderValue('{% if x %}no end', {})).message, /endif/);
  assert.match(failure(() => renderValue('{% frobnicate %}', {})).message, /unknown tag 'frobnicate'/);
  assert.match(failure(() => renderValue('{{ x | nosuchfilter }}', { x: 1 })).message, /no filter named 'nosuchfilter'/);
});

test('type errors carry Python-like messages', () => {
  assert.match(failure(() => evaluate("'a' + 1", {})).message, /can only concatenate str/);
  assert.match(failure(() => evaluate('x > 3', { x: '5' })).message, /'>' not supported between instances of 'str' and 'int'/);
  assert.match(failure(() => evaluate("'a'()", {})).message, /'str' object is not callable/);
});

test('errors in a multi-line template file point at its line', () => {
  const src = 'line one\n{{ ok }}\n{% if true %}\n  {{ broken.attr }}\n{% endif %}\n';
  const e = failure(() => renderTemplate(src, { ok: 1, broken: {} }, { templatePath: 'templates/x.j2' }));
  assert.match(e.message, /'dict object' has no attribute 'attr'/);
  assert.deepEqual(e.location, { file: 'templates/x.j2', line: 4 });
  const s = failure(() => renderTemplate('a\nb\n{{ x y }}\n', {}, { templatePath: 't.j2' }));
  assert.match(s.message, /line 3/);
});

test('errors deep in a value name the failing string', () => {
  const e = failure(() => renderValue({ a: 'ok', b: ['{{ fine }}', 'x {{ nope }}'] }, { fine: 1 }));
  assert.match(e.message, /String: x \{\{ nope \}\}/);
});

test('no stack of nunjucks or a JS TypeError leaks from odd inputs', () => {
  for (const t of ['{{ }}', '{{ (1 }}', '{{ [1, }}', '{{ {"a" 1} }}', '{{ x[ }}', '{% for %}', '{% set %}', "{{ 'unterminated }}", '{{ 1 | }}']) {
    const e = failure(() => renderValue(t, { x: [1] }));
    assert.match(e.message, /^template error while templating string: /, `${t}: ${e.message}`);
  }
});
