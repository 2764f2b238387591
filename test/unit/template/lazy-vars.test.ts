import { test } from 'node:test';
import assert from 'node:assert/strict';
import { renderValue, evaluate, lazyVars, markUnsafe } from '../../../src/template/index.js';
import { TemplateError } from '../../../src/errors.js';

test('a variable holding a template is rendered when used, recursively', () => {
  const vars = { a: '{{ b }}', b: 'x{{ c }}', c: 1 };
  assert.equal(renderValue('{{ a }}', vars), 'x1');
  assert.equal(renderValue('<{{ a }}>', vars), '<x1>');
});

test('templates nested inside dicts and lists are rendered on use', () => {
  const vars = {
    host: 'example',
    port: 8080,
    cfg: { url: 'http://{{ host }}:{{ port }}', ports: ['{{ port }}', 443], inner: { name: '{{ host | upper }}' } },
  };
  assert.equal(renderValue('{{ cfg.url }}', vars), 'http://example:8080');
  assert.deepEqual(renderValue('{{ cfg.ports }}', vars), [8080, 443]);
  assert.equal(renderValue('{{ cfg.inner.name }}', vars), 'EXAMPLE');
  assert.deepEqual(renderValue('{{ cfg }}', vars), {
    url: 'http://example:8080',
    ports: [8080, 443],
    inner: { name: 'EXAMPLE' },
  });
  // the variables themselves are not modified
  assert.equal(vars.cfg.url, 'http://{{ host }}:{{ port }}');
});

test('a lazy variable has the type Ansible 2.14 gives it: lists stay lists, computed numbers become text', () => {
  const vars = { n: '{{ 40 + 2 }}', l: '{{ [1, 2] }}', s: '{{ n | int + 1 }}', port: 8080 };
  assert.equal(renderValue('{{ n }}', vars), '42');
  assert.deepEqual(renderValue('{{ l }}', vars), [1, 2]);
  assert.equal(renderValue('{{ l | length }}', vars), '2');
  assert.equal(renderValue('{{ s }}', vars), '43');
  // A bare variable keeps its own type (Ansible's single-variable shortcut).
  assert.equal(renderValue('{{ port }}', vars), 8080);
});

test('cycles are detected with a clear error', () => {
  const vars = { a: '{{ b }}', b: '{{ a }}', self: '{{ self }}', c: { d: '{{ c.d }}' } };
  assert.throws(
    () => renderValue('{{ a }}', vars),
    (e: unknown) =>
      e instanceof TemplateError && /^recursive loop detected in template string: \{\{ [ab] \}\}/.test(e.message) && e.details.some((d) => d.includes('a -> b -> a')),
  );
  assert.throws(() => renderValue('{{ self }}', vars), /recursive loop detected in template string: \{\{ self \}\}/);
  assert.throws(() => renderValue('{{ c.d }}', vars), /recursive loop detected/);
});

test('a variable whose template is undefined is itself undefined (defined-test, default)', () => {
  const vars = { bad: '{{ nope }}', cfg: { x: '{{ nope }}', y: 1 } };
  assert.equal(evaluate('bad is defined', vars), false);
  assert.equal(evaluate("bad | default('fallback')", vars), 'fallback');
  assert.equal(evaluate('cfg is defined', vars), false);
  assert.throws(
    () => renderValue('{{ bad }}', vars),
    (e: unknown) => e instanceof TemplateError && /'nope' is undefined/.test(e.message) && e.details.some((d) => d.includes("while templating variable 'bad'")),
  );
});

test('each variable is rendered once per call even when used many times', () => {
  let reads = 0;
  const vars = new Proxy({ x: '{{ 1 + 1 }}' } as Record<string, unknown>, {
    get(t, k) {
      if (k === 'x') reads++;
      return Reflect.get(t, k);
    },
  });
  // x renders to the text '2' (as in Ansible 2.14), so x + x is '22'.
  assert.equal(renderValue('{{ x }}{{ x }}{{ x + x }}', vars), '2222');
  assert.ok(reads <= 2, `x read ${reads} times`);
});

test('hostvars: each host resolved lazily, in its own variables', () => {
  let built = 0;
  const hostsVars: Record<string, Record<string, unknown>> = {
    m1: { ansible_host: '10.0.0.1', node_ip: '{{ ansible_host }}', role: 'master' },
    w1: { ansible_host: '10.0.0.2', node_ip: '{{ ansible_host }}', peer: "{{ hostvars['m1'].node_ip }}" },
    broken: { x: '{{ nope }}' },
  };
  const hostvars = new Proxy({} as Record<string, unknown>, {
    get: (_t, k) => {
      if (typeof k !== 'string' || !(k in hostsVars)) return undefined;
      built++;
      return hostsVars[k];
    },
    ownKeys: () => Object.keys(hostsVars),
    getOwnPropertyDescriptor: (_t, k) => (typeof k === 'string' && k in hostsVars ? { enumerable: true, configurable: true, value: hostsVars[k] } : undefined),
  });
  const vars = { hostvars, groups: { masters: ['m1'], all: ['m1', 'w1'] }, ansible_host: 'local' };
  assert.equal(renderValue("{{ hostvars['m1'].node_ip }}", vars), '10.0.0.1');
  assert.equal(renderValue("{{ hostvars[groups['masters'][0]]['node_ip'] }}", vars), '10.0.0.1');
  assert.equal(renderValue("{{ hostvars['w1'].peer }}", vars), '10.0.0.1');
  assert.deepEqual(renderValue("{{ groups['all'] | map('extract', hostvars, 'node_ip') | list }}", vars), ['10.0.0.1', '10.0.0.2']);
  assert.equal(renderValue("{{ 'm1' in hostvars }}", vars), true);
  assert.equal(renderValue("{{ hostvars['m1'].nope is defined }}", vars), false);
  assert.throws(() => renderValue("{{ hostvars['zz'].x }}", vars), /"hostvars\['zz'\]" is undefined/);
  // reading m1 does not build or render the broken host
  built = 0;
  renderValue("{{ hostvars['m1'].role }}", vars);
  assert.equal(built, 1);
  // the whole of one host, rendered (unrenderable variables left out)
  assert.deepEqual(renderValue("{{ hostvars['w1'] }}", vars), { ansible_host: '10.0.0.2', node_ip: '10.0.0.2', peer: '10.0.0.1' });
  assert.deepEqual(renderValue("{{ hostvars['m1'].keys() | list }}", vars), ['ansible_host', 'node_ip', 'role']);
});

test('vars: dynamic variable names', () => {
  const vars = { kube_version: '1.30', pkg: 'kube', sel: '{{ vars[pkg + "_version"] }}' };
  assert.equal(renderValue("{{ vars['kube_' + 'version'] }}", vars), '1.30');
  assert.equal(renderValue('{{ sel }}', vars), '1.30');
  assert.equal(renderValue("{{ vars['nope'] | default('d') }}", vars), 'd');
});

test('data marked unsafe (registered results) is never templated', () => {
  const result = markUnsafe({ stdout: 'hello {{ not_a_var }}', rc: 0 });
  const vars = { result };
  assert.equal(renderValue('{{ result.stdout }}', vars), 'hello {{ not_a_var }}');
  assert.equal(renderValue('out: {{ result.stdout }}', vars), 'out: hello {{ not_a_var }}');
  assert.equal(renderValue('{{ result }}', vars), result);
});

test('lazyVars(): a read-only view rendering values when read', () => {
  const vars = { a: '{{ b }}', b: 2, bad: '{{ nope }}', hostvars: { m: { x: '{{ y }}', y: 'my' } } };
  const view = lazyVars(vars);
  assert.equal(view.a, 2);
  assert.equal(view.b, 2);
  assert.equal(view.missing, undefined);
  assert.ok('a' in view);
  assert.deepEqual(Object.keys(view), ['a', 'b', 'bad', 'hostvars']);
  assert.throws(() => view.bad, /'nope' is undefined/);
  assert.deepEqual(view.hostvars, { m: { x: 'my', y: 'my' } });
  assert.throws(() => {
    (view as Record<string, unknown>).a = 3;
  }, TypeError);
  // a view passed back to renderValue works like the variables themselves
  assert.equal(renderValue('{{ a + 1 }}', view), '3');
  // frozen variables are fine
  assert.equal(lazyVars(Object.freeze({ f: '{{ 1 + 1 }}' })).f, '2');
});

test('variables layered through a prototype chain are visible', () => {
  const play = { a: 1, b: '{{ a + 1 }}' };
  const task = Object.assign(Object.create(play) as Record<string, unknown>, { c: '{{ b | int * 10 }}' });
  assert.equal(renderValue('{{ c }}', task), '20');
  assert.equal(evaluate('toString is defined', task), false);
});
