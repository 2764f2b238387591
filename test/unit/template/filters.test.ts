// Expected values were checked against ansible-core 2.14 (debug msg="{{ (expr) | to_json }}").
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { evaluate, renderValue, registerFilter, OMIT } from '../../../src/template/index.js';
import { TemplateError } from '../../../src/errors.js';

const vars = {
  lst: [3, 1, 2],
  words: ['apple', 'Banana', 'cherry'],
  d: { a: 1, b: 2 },
  users: [
    { name: 'alice', admin: true, age: 30 },
    { name: 'bob', admin: false },
    { name: 'eve', admin: true, age: 25 },
  ],
  text: 'line1\nline2',
};

const e = (expr: string, extra: Record<string, unknown> = {}): unknown => evaluate(expr, { ...vars, ...extra });

test('default / d, with the boolean argument', () => {
  assert.equal(e("nope | default('x')"), 'x');
  assert.equal(e("nope | d('x')"), 'x');
  assert.equal(e("'' | default('x')"), '');
  assert.equal(e("'' | default('x', true)"), 'x');
  assert.equal(e("'' | d('x', boolean=true)"), 'x');
  assert.equal(e("none | default('x')"), null);
  assert.equal(e('d.zz.yy | default(5)'), 5);
  assert.equal(e('nope | default'), '');
  assert.deepEqual(e('lst | default([])'), [3, 1, 2]);
});

test('mandatory', () => {
  assert.deepEqual(e('lst | mandatory'), [3, 1, 2]);
  assert.throws(() => e('nope | mandatory'), /Mandatory variable 'nope'  not defined\./);
  assert.throws(() => e("nope | mandatory('set nope please')"), /set nope please/);
});

test('bool: Ansible truthy strings', () => {
  for (const s of ['yes', 'on', '1', 'true', 'TRUE', 'Yes']) assert.equal(e(`'${s}' | bool`), true, s);
  for (const s of ['no', 'off', '0', 'false', 'foo', '']) assert.equal(e(`'${s}' | bool`), false, s);
  assert.equal(e('1 | bool'), true);
  assert.equal(e('0 | bool'), false);
  assert.equal(e('none | bool'), null);
  assert.equal(e('true | bool'), true);
});

test('int, with default and base; float; string', () => {
  assert.equal(e("'42' | int"), 42);
  assert.equal(e("'42.9' | int"), 42);
  assert.equal(e("' 12 ' | int"), 12);
  assert.equal(e("'x' | int"), 0);
  assert.equal(e("'x' | int(7)"), 7);
  assert.equal(e("'x' | int(default=9)"), 9);
  assert.equal(e("'0x1A' | int(base=16)"), 26);
  assert.equal(e("'ff' | int(base=16)"), 255);
  assert.equal(e("'777' | int(base=8)"), 511);
  assert.equal(e('true | int'), 1);
  assert.equal(e('3.99 | int'), 3);
  assert.equal(e("'3.5' | float"), 3.5);
  assert.equal(e("'abc' | float"), 0);
  assert.equal(e("'abc' | float(1.5)"), 1.5);
  assert.equal(e('42 | string'), '42');
  assert.equal(e('none | string'), 'None');
  assert.equal(e("[1, 'a', none, true] | string"), "[1, 'a', None, True]");
});

test('text filters: lower upper capitalize title trim replace', () => {
  assert.equal(e("'Hello World' | lower"), 'hello world');
  assert.equal(e("'hello world' | upper"), 'HELLO WORLD');
  assert.equal(e("'hello World' | capitalize"), 'Hello world');
  assert.equal(e("'hello world' | title"), 'Hello World');
  assert.equal(e("'  x \\n' | trim"), 'x');
  assert.equal(e("'xxhixx' | trim('x')"), 'hi');
  assert.equal(e("'hello' | replace('l', 'L')"), 'heLLo');
  assert.equal(e("'hello' | replace('l', 'L', 1)"), 'heLlo');
});

test('regex_replace, regex_search, regex_findall, regex_escape', () => {
  assert.equal(e("'a.b.c' | regex_replace('\\.', '-')"), 'a-b-c');
  // in a bare expression (as in when:) string escapes are Python's, so a backreference is \\2
  assert.equal(e("'abc123' | regex_replace('([a-z]+)(\\d+)', '\\\\2\\\\1')"), '123abc');
  // in a playbook value ({{ }}), backslashes are literal (Ansible's escape_backslashes)
  assert.equal(renderValue("{{ 'abc123' | regex_replace('([a-z]+)(\\d+)', '\\2\\1') }}", {}), '123abc');
  assert.equal(e("'abc123' | regex_replace('(?P<w>[a-z]+)', '<\\g<w>>')"), '<abc>123');
  assert.equal(e("'AbC' | regex_replace('b', 'x', ignorecase=true)"), 'AxC');
  assert.equal(e("'v1.30.2' | regex_replace('^v', '')"), '1.30.2');
  assert.equal(e("'a\\nb' | regex_replace('^', '> ', multiline=true)"), '> a\n> b');
  assert.equal(e("'foo bar' | regex_search('o+')"), 'oo');
  assert.deepEqual(renderValue("{{ 'foo bar' | regex_search('(o+) (b)', '\\1', '\\2') }}", {}), ['oo', 'b']);
  assert.deepEqual(renderValue("{{ 'k=v' | regex_search('(?P<key>\\w+)=', '\\g<key>') }}", {}), ['k']);
  assert.equal(e("'foo bar' | regex_search('zzz')"), null);
  assert.deepEqual(e("'a1b22c333' | regex_findall('\\d+')"), ['1', '22', '333']);
  assert.deepEqual(e("'k1=v1 k2=v2' | regex_findall('(\\w+)=(\\w+)')"), [['k1', 'v1'], ['k2', 'v2']]);
  assert.equal(e("'a.b*c' | regex_escape"), 'a\\.b\\*c');
  // Python's $ matches before a final newline
  assert.equal(e("'abc\\n' | regex_replace('c$', 'X')"), 'abX\n');
});

test('playbook strings keep backslashes inside {{ }} literal (Ansible escape_backslashes)', () => {
  // YAML "{{ x | regex_replace('\\d', '#') }}" arrives as \d: a regex digit class.
  assert.equal(renderValue("{{ 'a1' | regex_replace('\\d', '#') }}", {}), 'a#');
  assert.equal(renderValue("{{ 'a\\nb' }}", {}), 'a\\nb');
});

test('b64encode / b64decode / hash / checksum / quote', () => {
  assert.equal(e("'hello' | b64encode"), 'aGVsbG8=');
  assert.equal(e("'aGVsbG8=' | b64decode"), 'hello');
  assert.equal(e("'héllo' | b64encode | b64decode"), 'héllo');
  assert.equal(e("'hello' | hash('md5')"), '5d41402abc4b2a76b9719d911017c592');
  assert.equal(e("'hello' | hash('sha1')"), 'aaf4c61ddcc5e8a2dabede0f3b482cd9aea9434d');
  assert.equal(e("'hello' | hash"), 'aaf4c61ddcc5e8a2dabede0f3b482cd9aea9434d');
  assert.equal(e("'hello' | checksum"), 'aaf4c61ddcc5e8a2dabede0f3b482cd9aea9434d');
  assert.equal(e("'hello' | hash('sha256')"), '2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824');
  assert.equal(e("'a b' | quote"), "'a b'");
  assert.equal(e("'' | quote"), "''");
  assert.equal(e("'plain-word_1.2' | quote"), 'plain-word_1.2');
  assert.equal(e('"it\'s" | quote'), `'it'"'"'s'`);
});

test('to_json / to_nice_json / from_json', () => {
  assert.equal(e("{'a': 1, 'b': [1, 2], 'c': 'é'} | to_json"), '{"a": 1, "b": [1, 2], "c": "\\u00e9"}');
  assert.equal(e("{'b': 1, 'a': [1]} | to_nice_json"), '{\n    "a": [\n        1\n    ],\n    "b": 1\n}');
  assert.equal(e("{'b': 1} | to_nice_json(indent=2)"), '{\n  "b": 1\n}');
  assert.equal(e("{'a': 'é'} | to_json(ensure_ascii=false)"), '{"a": "é"}');
  assert.deepEqual(e('\'{"a": [1, 2]}\' | from_json'), { a: [1, 2] });
  assert.throws(() => e("'{bad' | from_json"), TemplateError);
});

test('to_yaml / to_nice_yaml / from_yaml / from_yaml_all', () => {
  assert.equal(e("{'a': 1} | to_yaml"), '{a: 1}\n');
  assert.equal(e("{'k': 1, 'l': [1, 2], 'm': {'x': 'z'}} | to_yaml"), 'k: 1\nl: [1, 2]\nm: {x: z}\n');
  assert.equal(e("{'b': 1, 'a': {'c': 'x'}} | to_nice_yaml"), 'a:\n    c: x\nb: 1\n');
  // strings YAML 1.1 readers (Kubernetes) would take for booleans stay quoted
  assert.equal(e("{'v': 'yes', 'w': 'on'} | to_nice_yaml"), "v: 'yes'\nw: 'on'\n");
  assert.deepEqual(e("'a: [1, 2]\\nb: yes' | from_yaml", {}), { a: [1, 2], b: true });
  assert.deepEqual(evaluate('y | from_yaml_all', { y: 'a: 1\n---\nb: 2\n' }), [{ a: 1 }, { b: 2 }]);
  const data = { x: [1, { y: 'z' }], n: null };
  assert.deepEqual(evaluate('v | to_nice_yaml | from_yaml', { v: data }), data);
});

test('length / count / first / last / join / list', () => {
  assert.equal(e('words | length'), 3);
  assert.equal(e('d | count'), 2);
  assert.equal(e("'héllo' | length"), 5);
  assert.equal(e('words | first'), 'apple');
  assert.equal(e('words | last'), 'cherry');
  assert.throws(() => e('[] | first | upper'), /No first item/);
  assert.equal(e("lst | join(',')"), '3,1,2');
  assert.equal(e('lst | join'), '312');
  assert.equal(e("users | join(', ', attribute='name')"), 'alice, bob, eve');
  assert.deepEqual(e("'ab' | list"), ['a', 'b']);
  assert.deepEqual(e('d | list'), ['a', 'b']);
});

test('unique / union / intersect / difference / symmetric_difference', () => {
  assert.deepEqual(e('[1, 2, 1, 3] | unique'), [1, 2, 3]);
  assert.deepEqual(e("['a', 'A', 'b'] | unique"), ['a', 'b']);
  assert.deepEqual(e("['a', 'A', 'b'] | unique(case_sensitive=true)"), ['a', 'A', 'b']);
  assert.deepEqual(e("[{'a': 1}, {'a': 1}, {'a': 2}] | unique"), [{ a: 1 }, { a: 2 }]);
  assert.deepEqual(e('lst | union([4, 1])'), [3, 1, 2, 4]);
  assert.deepEqual(e('lst | intersect([2, 3, 9])'), [3, 2]);
  assert.deepEqual(e('lst | difference([2])'), [3, 1]);
  assert.deepEqual(e('lst | symmetric_difference([3, 9])'), [1, 2, 9]);
});

test('map (attribute= and filter name), select / reject / selectattr / rejectattr', () => {
  assert.deepEqual(e("users | map(attribute='name') | list"), ['alice', 'bob', 'eve']);
  assert.deepEqual(e("users | map(attribute='age', default=0) | list"), [30, 0, 25]);
  assert.deepEqual(e("words | map('upper') | list"), ['APPLE', 'BANANA', 'CHERRY']);
  assert.deepEqual(e("words | map('replace', 'a', 'X') | list"), ['Xpple', 'BXnXnX', 'cherry']);
  assert.deepEqual(e("['1', '2'] | map('int') | sum"), 3);
  assert.deepEqual(e("users | selectattr('admin') | map(attribute='name') | list"), ['alice', 'eve']);
  assert.deepEqual(e("users | rejectattr('admin') | map(attribute='name') | list"), ['bob']);
  assert.deepEqual(e("users | selectattr('name', 'equalto', 'bob') | map(attribute='name') | list"), ['bob']);
  assert.deepEqual(e("users | selectattr('name', 'in', ['bob', 'eve']) | map(attribute='name') | list"), ['bob', 'eve']);
  assert.deepEqual(e("users | selectattr('name', 'match', '^b') | map(attribute='name') | list"), ['bob']);
  assert.deepEqual(e("users | selectattr('name', 'search', 'v') | map(attribute='name') | list"), ['eve']);
  assert.deepEqual(e("users | selectattr('age', 'defined') | map(attribute='name') | list"), ['alice', 'eve']);
  assert.deepEqual(e("users | rejectattr('age', 'undefined') | map(attribute='name') | list"), ['alice', 'eve']);
  assert.deepEqual(e("lst | select('odd') | list"), [3, 1]);
  assert.deepEqual(e("lst | reject('equalto', 2) | list"), [3, 1]);
  assert.deepEqual(e("lst | select('>', 1) | list"), [3, 2]);
  assert.deepEqual(e("[0, 1, '', 'a'] | select | list"), [1, 'a']);
  // a missing attribute with a value test fails, as in Ansible
  assert.throws(() => e("users | selectattr('age', 'equalto', 30) | list"), /has no attribute 'age'/);
});

test('dict2items / items2dict / combine (recursive, list_merge)', () => {
  assert.deepEqual(e('d | dict2items'), [{ key: 'a', value: 1 }, { key: 'b', value: 2 }]);
  assert.deepEqual(e("d | dict2items(key_name='k', value_name='v')"), [{ k: 'a', v: 1 }, { k: 'b', v: 2 }]);
  assert.deepEqual(e('d | dict2items | items2dict'), { a: 1, b: 2 });
  assert.deepEqual(e("[{'n': 'x', 'v': 1}] | items2dict(key_name='n', value_name='v')"), { x: 1 });
  assert.throws(() => e('lst | dict2items'), /dict2items requires a dictionary/);
  assert.deepEqual(e("d | combine({'b': 3, 'z': {'y': 1}})"), { a: 1, b: 3, z: { y: 1 } });
  assert.deepEqual(e("{'a': {'x': 1}} | combine({'a': {'y': 2}})"), { a: { y: 2 } });
  assert.deepEqual(e("{'a': {'x': 1, 'l': [1]}} | combine({'a': {'y': 2, 'l': [2]}}, recursive=true)"), { a: { x: 1, l: [2], y: 2 } });
  assert.deepEqual(e("{'a': {'x': 1, 'l': [1]}} | combine({'a': {'y': 2, 'l': [2]}}, recursive=true, list_merge='append')"), { a: { x: 1, l: [1, 2], y: 2 } });
  assert.deepEqual(e("{'a': [1, 2]} | combine({'a': [2, 3]}, list_merge='append_rp')"), { a: [1, 2, 3] });
  assert.deepEqual(e("{'a': 1} | combine([{'b': 2}, {'c': 3}])"), { a: 1, b: 2, c: 3 });
  // the inputs are not modified
  const base = { a: { x: 1 } };
  evaluate("base | combine({'a': {'y': 2}}, recursive=true)", { base });
  assert.deepEqual(base, { a: { x: 1 } });
});

test('sort / min / max / sum / reverse', () => {
  assert.deepEqual(e('lst | sort'), [1, 2, 3]);
  assert.deepEqual(e('lst | sort(reverse=true)'), [3, 2, 1]);
  assert.deepEqual(e('words | sort'), ['apple', 'Banana', 'cherry']);
  assert.deepEqual(e('words | sort(case_sensitive=true)'), ['Banana', 'apple', 'cherry']);
  assert.deepEqual(e("users | sort(attribute='name', reverse=true) | map(attribute='name') | list"), ['eve', 'bob', 'alice']);
  assert.equal(e('lst | min'), 1);
  assert.equal(e('lst | max'), 3);
  assert.equal(e('words | max'), 'cherry');
  assert.equal(e("users | selectattr('age', 'defined') | max(attribute='age') | attr('name')"), 'alice');
  assert.equal(e('lst | sum'), 6);
  assert.equal(e("users | selectattr('age', 'defined') | sum(attribute='age')"), 55);
  assert.deepEqual(e('[[1], [2]] | sum(start=[])'), [1, 2]);
  assert.deepEqual(e('lst | reverse'), [2, 1, 3]);
  assert.equal(e("'abc' | reverse"), 'cba');
});

test('basename / dirname / splitext / path_join', () => {
  assert.equal(e("'/a/b/c.txt' | basename"), 'c.txt');
  assert.equal(e("'/a/b/c.txt' | dirname"), '/a/b');
  assert.equal(e("'/a/b/' | basename"), '');
  assert.equal(e("'/a/b/' | dirname"), '/a/b');
  assert.equal(e("'file' | dirname"), '');
  assert.equal(e("'/' | dirname"), '/');
  assert.deepEqual(e("'c.tar.gz' | splitext"), ['c.tar', '.gz']);
  assert.equal(e("['/etc', 'kubernetes', 'admin.conf'] | path_join"), '/etc/kubernetes/admin.conf');
});

test('split (Python str.split) and splitlines', () => {
  assert.deepEqual(e("'a,b,,c' | split(',')"), ['a', 'b', '', 'c']);
  assert.deepEqual(e("'  a  b c ' | split"), ['a', 'b', 'c']);
  assert.deepEqual(e("'a b c' | split(' ', 1)"), ['a', 'b c']);
  assert.deepEqual(e('text | splitlines'), ['line1', 'line2']);
  assert.deepEqual(e("'a\\r\\nb\\n' | splitlines"), ['a', 'b']);
});

test('ternary / type_debug', () => {
  assert.equal(e("true | ternary('y', 'n')"), 'y');
  assert.equal(e("0 | ternary('y', 'n')"), 'n');
  assert.equal(e("none | ternary('y', 'n', 'null')"), 'null');
  assert.equal(e('lst | type_debug'), 'list');
  assert.equal(e('d | type_debug'), 'dict');
  assert.equal(e("'x' | type_debug"), 'str');
  assert.equal(e('1 | type_debug'), 'int');
  assert.equal(e('1.5 | type_debug'), 'float');
  assert.equal(e('true | type_debug'), 'bool');
  assert.equal(e('none | type_debug'), 'NoneType');
});

test('zip / zip_longest / flatten / product', () => {
  assert.deepEqual(e("lst | zip(['a', 'b']) | list"), [[3, 'a'], [1, 'b']]);
  assert.deepEqual(e("lst | zip_longest(['a'], fillvalue='-') | list"), [[3, 'a'], [1, '-'], [2, '-']]);
  assert.equal(renderValue("{{ lst | zip(['a', 'b']) | list }}!", vars), "[(3, 'a'), (1, 'b')]!");
  assert.deepEqual(e('[1, [2, [3, [4]]]] | flatten'), [1, 2, 3, 4]);
  assert.deepEqual(e('[1, [2, [3, [4]]]] | flatten(1)'), [1, 2, [3, [4]]]);
  assert.deepEqual(e("[1, none, 'None', [2, none]] | flatten"), [1, 2]);
  assert.deepEqual(e("['a', 'b'] | product([1, 2]) | list"), [['a', 1], ['a', 2], ['b', 1], ['b', 2]]);
});

test('Jinja2 extras: indent, format, round, abs, dictsort, groupby, batch, truncate, center', () => {
  assert.equal(e("'a\\nb\\n' | indent(2)"), 'a\n  b\n');
  assert.equal(e("'a\\nb' | indent(2, true)"), '  a\n  b');
  assert.equal(e("'a\\n\\nb' | indent(2, blank=true)"), 'a\n  \n  b');
  assert.equal(e("'%s-%s' | format(1, 'x')"), '1-x');
  assert.equal(e('2.5 | round'), 2);
  assert.equal(e('3.5 | round'), 4);
  assert.equal(e('2.567 | round(2)'), 2.57);
  assert.equal(e("2.1 | round(method='ceil')"), 3);
  assert.equal(e("2.9 | round(method='floor')"), 2);
  assert.equal(e('-3 | abs'), 3);
  assert.deepEqual(e('d | dictsort'), [['a', 1], ['b', 2]]);
  assert.deepEqual(e("users | groupby('admin') | map('first') | list"), [false, true]);
  assert.equal(renderValue("{% for g in users | groupby('admin') %}{{ g.grouper }}={{ g.list | length }};{% endfor %}", vars), 'False=1;True=2;');
  assert.deepEqual(e("['a', 'b', 'c'] | batch(2) | list"), [['a', 'b'], ['c']]);
  assert.equal(e("'hello world foo' | truncate(9, leeway=0)"), 'hello...');
  assert.equal(e("'ab' | center(6)"), '  ab  ');
});

test('extract, subelements, urlsplit, to_uuid, dict() and range()', () => {
  const hv = { hostvars: { m1: { ip: '10.0.0.1' }, m2: { ip: '10.0.0.2' } }, hosts: ['m1', 'm2'] };
  assert.deepEqual(evaluate("hosts | map('extract', hostvars, 'ip') | list", hv), ['10.0.0.1', '10.0.0.2']);
  assert.deepEqual(evaluate("['a'] | map('extract', {'a': {'b': {'c': 1}}}, ['b', 'c']) | list", {}), [1]);
  assert.deepEqual(
    evaluate("u | subelements('keys') | map('last') | list", { u: [{ name: 'a', keys: [1, 2] }, { name: 'b', keys: [3] }] }),
    [1, 2, 3],
  );
  assert.deepEqual(e("'http://u:p@Example.com:8080/p/a?q=1#f' | urlsplit"), {
    fragment: 'f', hostname: 'example.com', netloc: 'u:p@Example.com:8080', password: 'p', path: '/p/a', port: 8080, query: 'q=1', scheme: 'http', username: 'u',
  });
  assert.equal(e("'http://example.com:8080/p' | urlsplit('port')"), 8080);
  assert.equal(e("'www.example.com' | to_uuid"), '69680a13-a686-5d20-a166-0e7b3b17ef84');
  assert.deepEqual(e('dict(a=1, b=2)'), { a: 1, b: 2 });
  assert.deepEqual(e('range(5) | list'), [0, 1, 2, 3, 4]);
  assert.deepEqual(e('range(1, 10, 3) | list'), [1, 4, 7]);
});

test('lookup env / vars / file, query, and custom lookups', () => {
  process.env.K8SPLAY_TEMPLATE_TEST = 'from-env';
  assert.equal(e("lookup('env', 'K8SPLAY_TEMPLATE_TEST')"), 'from-env');
  assert.equal(e("lookup('env', 'K8SPLAY_TEMPLATE_NOT_SET_X')"), '');
  assert.equal(e("lookup('vars', 'nope', default='dflt')"), 'dflt');
  assert.deepEqual(e("lookup('vars', 'lst')"), [3, 1, 2]);
  assert.deepEqual(e("query('vars', 'lst')"), [[3, 1, 2]]);
  assert.deepEqual(
    evaluate("lookup('shout', 'a', 'b')", {}, { lookups: { shout: (terms) => terms.map((t) => String(t).toUpperCase()) } }),
    'A,B',
  );
  assert.throws(() => e("lookup('nosuchplugin', 'x')"), /lookup plugin \(nosuchplugin\) not found/);
});

test('unknown filter names fail with a suggestion; custom filters can be registered', () => {
  assert.throws(() => e('lst | lenght'), (err: unknown) => err instanceof TemplateError && /no filter named 'lenght', did you mean 'length'\?/.test(err.message));
  registerFilter('double_it', (_env, v) => (v as number) * 2);
  assert.equal(e('21 | double_it'), 42);
  assert.equal(e('21 | ansible.builtin.double_it'), 42);
  assert.equal(e("{'a': 1} | ansible.builtin.to_json"), '{"a": 1}');
});

test('filters on undefined fail with the undefined message; default(omit) does not', () => {
  assert.throws(() => e('nope | lower'), /'nope' is undefined/);
  assert.throws(() => e("'a' | replace(nope, 'b')"), /'nope' is undefined/);
  assert.equal(e('nope | default(omit)'), OMIT);
});
