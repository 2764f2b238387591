// Jinja2 tests and Python expression semantics; expected values checked against ansible-core 2.14.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { evaluate, renderValue, registerTest } from '../../../src/template/index.js';

const vars = {
  lst: [3, 1, 2],
  words: ['apple', 'Banana', 'cherry'],
  d: { a: 1, b: 2 },
  users: [{ name: 'alice' }, { name: 'bob' }],
  nested: { a: { b: { c: 'deep' } } },
  ok: { rc: 0, changed: false, failed: false },
  bad: { rc: 1, failed: true, changed: true },
  skippedr: { skipped: true, changed: false },
  loopr: { results: [{ changed: false }, { changed: true }] },
  nonev: null,
  s: 'Hello',
};
const e = (expr: string, extra: Record<string, unknown> = {}): unknown => evaluate(expr, { ...vars, ...extra });

test('defined / undefined / none, without failing on undefined', () => {
  assert.equal(e('lst is defined'), true);
  assert.equal(e('nope is defined'), false);
  assert.equal(e('nope is undefined'), true);
  assert.equal(e('nope is not defined'), true);
  assert.equal(e('d.zz is defined'), false);
  assert.equal(e('d.zz.yy.xx is defined'), false);
  assert.equal(e('d.a is defined'), true);
  assert.equal(e('nonev is none'), true);
  assert.equal(e('nope is none'), false);
  assert.equal(e('nonev is defined'), true);
});

test('type tests: string number integer float boolean mapping sequence iterable', () => {
  assert.equal(e("'x' is string"), true);
  assert.equal(e('1 is string'), false);
  assert.equal(e('1 is number'), true);
  assert.equal(e('true is number'), true);
  assert.equal(e('1 is integer'), true);
  assert.equal(e('1.5 is float'), true);
  assert.equal(e('1.5 is integer'), false);
  assert.equal(e('true is boolean'), true);
  assert.equal(e('1 is boolean'), false);
  assert.equal(e('d is mapping'), true);
  assert.equal(e('lst is mapping'), false);
  assert.equal(e('lst is sequence'), true);
  assert.equal(e("'s' is sequence"), true);
  assert.equal(e('1 is sequence'), false);
  assert.equal(e('lst is iterable'), true);
  assert.equal(e('1 is iterable'), false);
});

test('result tests: succeeded failed changed skipped (and aliases)', () => {
  assert.equal(e('ok is succeeded'), true);
  assert.equal(e('ok is success'), true);
  assert.equal(e('ok is failed'), false);
  assert.equal(e('bad is failed'), true);
  assert.equal(e('bad is failure'), true);
  assert.equal(e('bad is succeeded'), false);
  assert.equal(e('ok is changed'), false);
  assert.equal(e('bad is change'), true);
  assert.equal(e('loopr is changed'), true);
  assert.equal(e('skippedr is skipped'), true);
  assert.equal(e('skippedr is skip'), true);
  assert.equal(e('ok is skipped'), false);
  assert.equal(e('ok is reachable'), true);
  assert.throws(() => e("'x' is failed"), /expects a dictionary/);
});

test('match / search / regex', () => {
  assert.equal(e("s is match('H')"), true);
  assert.equal(e("s is match('e')"), false);
  assert.equal(e("s is match('h', ignorecase=true)"), true);
  assert.equal(e("s is search('ll')"), true);
  assert.equal(e("s is regex('^H.*o$')"), true);
  assert.equal(e("s is regex('ll', match_type='match')"), false);
  assert.equal(e("'a\\nb' is search('^b', multiline=true)"), true);
});

test('version / version_compare', () => {
  assert.equal(e("'1.10' is version('1.9', '>')"), true);
  assert.equal(e("'1.10' is version('1.9.0', 'lt')"), false);
  assert.equal(e("'v1.28.3' is version('v1.28.0', '>=')"), true);
  assert.equal(e("'1.28.3' is version('1.28', '>=')"), true);
  assert.equal(e("'1.28.0' is version('1.28.0')"), true);
  assert.equal(e("'1.0.0-rc1' is version('1.0.0', '<', version_type='semver')"), true);
  assert.equal(e("'2.0' is version('2.0', 'eq', strict=true)"), true);
  assert.equal(e("'1.2' is version_compare('1.10', '<')"), true);
  assert.throws(() => e("'1.2' is version('1.3', 'bogus')"), /Invalid operator type/);
  assert.throws(() => e("'' is version('1.3')"), /cannot be empty/);
});

test('in, contains, subset, superset, any, all, truthy, falsy, sameas, divisibleby, even, odd, lower, upper', () => {
  assert.equal(e('2 is in lst'), true);
  assert.equal(e('5 is in lst'), false);
  assert.equal(e('lst is contains(2)'), true);
  assert.equal(e('[1, 2] is subset(lst)'), true);
  assert.equal(e('[1, 9] is subset(lst)'), false);
  assert.equal(e('lst is superset([1])'), true);
  assert.equal(e('[true, 1] is all'), true);
  assert.equal(e("[0, ''] is any"), false);
  assert.equal(e("'' is falsy"), true);
  assert.equal(e("'x' is truthy"), true);
  assert.equal(e("'no' is truthy"), true);
  assert.equal(e("'no' is truthy(convert_bool=true)"), false);
  assert.equal(e('none is sameas none'), true);
  assert.equal(e('6 is divisibleby 3'), true);
  assert.equal(e('7 is divisibleby(3)'), false);
  assert.equal(e('3 is odd'), true);
  assert.equal(e('4 is even'), true);
  assert.equal(e("'abc' is lower"), true);
  assert.equal(e("'ABC' is upper"), true);
  assert.equal(e('1 is eq 1'), true);
  assert.deepEqual(e("lst | select('ge', 2) | list"), [3, 2]);
});

test('custom tests can be registered; unknown tests fail with a suggestion', () => {
  registerTest('positive', (_env, v) => (v as number) > 0);
  assert.equal(e('5 is positive'), true);
  assert.throws(() => e('5 is definedd'), /no test named 'definedd', did you mean 'defined'\?/);
});

test('Python literals True/False/None and Jinja true/false/none', () => {
  assert.equal(e('True'), true);
  assert.equal(e('False'), false);
  assert.equal(e('None'), null);
  assert.equal(e('true and True'), true);
  assert.equal(e('none is none'), true);
});

test('arithmetic with Python semantics', () => {
  assert.equal(e('7 // 2'), 3);
  assert.equal(e('-7 // 2'), -4);
  assert.equal(e('-7 % 3'), 2);
  assert.equal(e('2 ** 10'), 1024);
  assert.equal(e('10 / 4'), 2.5);
  assert.deepEqual(e('[1, 2] + [3]'), [1, 2, 3]);
  assert.equal(e("'ab' * 3"), 'ababab');
  assert.deepEqual(e('[1] * 3'), [1, 1, 1]);
  assert.equal(e("'a' ~ 1 ~ none"), 'a1None');
  assert.equal(e('1e3'), 1000);
  assert.equal(e('1_000'), 1000);
  assert.equal(e('1.5e-7'), 1.5e-7);
  assert.throws(() => e("'a' + 1"), /can only concatenate str \(not "int"\) to str/);
  assert.throws(() => e("1 + 'a'"), /unsupported operand type\(s\) for \+: 'int' and 'str'/);
  assert.throws(() => e('1 / 0'), /division by zero/);
  assert.throws(() => e("'a' < 1"), /'<' not supported between instances of 'str' and 'int'/);
});

test('string formatting: %, format filter, str.format', () => {
  assert.equal(e("'%05.1f|%s|%d|%x|%-4s|' % (3.14159, 'x', 42.9, 255, 'ab')"), '003.1|x|42|ff|ab  |');
  assert.equal(e("'%(a)s-%(b)03d' % {'a': 'x', 'b': 7}"), 'x-007');
  assert.equal(e("'%s' % [1, 'a']"), "[1, 'a']");
  assert.equal(e("'%s and %s' % ('a', 'b')"), 'a and b');
  assert.equal(e("'{}-{:>5}-{:03d}'.format('a', 'b', 7)"), 'a-    b-007');
  assert.equal(e("'{name}:{0}'.format(1, name='n')"), 'n:1');
});

test('comparisons, truthiness, and/or returning operands, inline if', () => {
  assert.equal(e('lst == [3, 1, 2]'), true);
  assert.equal(e("d == {'b': 2, 'a': 1}"), true);
  assert.equal(e('1 == 1.0'), true);
  assert.equal(e('true == 1'), true);
  assert.equal(e("'1' == 1"), false);
  assert.equal(e('1 < 2 < 3'), true);
  assert.equal(e('3 > 2 > 2'), false);
  assert.equal(e("'abc' < 'abd'"), true);
  assert.equal(e('[1, 2] < [1, 3]'), true);
  assert.equal(e('not []'), true);
  assert.equal(e('not {}'), true);
  assert.equal(e("not ''"), true);
  assert.equal(e("lst and 'x'"), 'x');
  assert.equal(e("[] or 'y'"), 'y');
  assert.equal(e('none or 0'), 0);
  assert.equal(e('1 if lst else 2'), 1);
  assert.equal(e('1 if [] else 2'), 2);
  assert.equal(e("'x' if false"), '');
  assert.equal(e("'apple' in words"), true);
  assert.equal(e("'pp' in 'apple'"), true);
  assert.equal(e("'a' in d"), true);
  assert.equal(e('3 not in lst'), false);
});

test('attribute and item access, negative indexes, slices', () => {
  assert.equal(e('lst[-1]'), 2);
  assert.deepEqual(e('lst[1:]'), [1, 2]);
  assert.deepEqual(e('lst[::-1]'), [2, 1, 3]);
  assert.deepEqual(e('lst[:2]'), [3, 1]);
  assert.equal(e("'abcdef'[1:4]"), 'bcd');
  assert.equal(e("'abcdef'[-2:]"), 'ef');
  assert.equal(e("'abcdef'[::2]"), 'ace');
  assert.equal(e('words[0]'), 'apple');
  assert.equal(e("d['a']"), 1);
  assert.equal(e('users[0].name'), 'alice');
  assert.equal(e('users.0.name'), 'alice');
  assert.equal(e('nested.a.b.c'), 'deep');
  assert.equal(e("nested['a']['b']['c']"), 'deep');
  assert.equal(e("{'a': 1}.a"), 1);
  assert.equal(e("{'a': {'b': 1}}['a'].b"), 1);
});

test('Python methods on strings, lists and dicts (without touching JS prototypes)', () => {
  assert.deepEqual(e("'a,b'.split(',')"), ['a', 'b']);
  assert.deepEqual(e("' a  b '.split()"), ['a', 'b']);
  assert.deepEqual(e("'a=b=c'.split('=', 1)"), ['a', 'b=c']);
  assert.deepEqual(e("'a=b=c'.rsplit('=', 1)"), ['a=b', 'c']);
  assert.equal(e("' x '.strip()"), 'x');
  assert.equal(e("'xxay'.lstrip('x')"), 'ay');
  assert.equal(e("'abc'.startswith('a')"), true);
  assert.equal(e("'abc'.endswith(('x', 'c'))"), true);
  assert.equal(e("'abc'.upper()"), 'ABC');
  assert.equal(e("'ABC'.lower()"), 'abc');
  assert.equal(e("'a-b-c'.replace('-', '+')"), 'a+b+c');
  assert.equal(e("'abc'.find('c')"), 2);
  assert.equal(e("'x'.join(['a', 'b'])"), 'axb');
  assert.equal(e("'42'.isdigit()"), true);
  assert.equal(e("'7'.zfill(3)"), '007');
  assert.deepEqual(e('d.keys() | list'), ['a', 'b']);
  assert.deepEqual(e('d.values() | list'), [1, 2]);
  assert.deepEqual(e('d.items() | list'), [['a', 1], ['b', 2]]);
  assert.equal(e("d.get('a')"), 1);
  assert.equal(e("d.get('zz', 'dflt')"), 'dflt');
  assert.equal(e("d.get('zz')"), null);
  assert.equal(e('lst.index(2)'), 2);
  assert.equal(e('lst.count(1)'), 1);
  assert.equal(renderValue('{{ d.items() | list }}!', vars), "[('a', 1), ('b', 2)]!");
  // nothing leaked onto JavaScript's prototypes
  assert.equal((String.prototype as unknown as Record<string, unknown>).startswith, undefined);
  assert.equal((Object.prototype as unknown as Record<string, unknown>).items, undefined);
  // a dict key named like a method: `.name` prefers the method (Jinja2), `[name]` the key
  assert.equal(e("x['items']", { x: { items: 5 } }), 5);
});

test('templates cannot reach JavaScript internals', () => {
  assert.equal(e('d.constructor is defined'), false);
  assert.equal(e("''.constructor is defined"), false);
  assert.equal(e('lst.__proto__ is defined'), false);
  assert.equal(e("d['__proto__'] is defined"), false);
  const made = e("{'__proto__': {'polluted': 1}}") as Record<string, unknown>;
  assert.equal(Object.getPrototypeOf(made), Object.prototype);
  assert.deepEqual(Object.keys(made), ['__proto__']);
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
});
