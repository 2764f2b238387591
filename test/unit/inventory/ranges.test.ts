import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { expandHostRange, hasHostRange, HostRangeError } from '../../../src/inventory/index.js';
import { ansiblePython, NO_ANSIBLE, runAnsiblePython } from './ansible-oracle.js';

test('numeric ranges are inclusive', () => {
  assert.deepEqual(expandHostRange('node[1:3]'), ['node1', 'node2', 'node3']);
  assert.deepEqual(expandHostRange('[8:10].lab'), ['8.lab', '9.lab', '10.lab']);
});

test('zero padding is kept when begin has a leading zero', () => {
  assert.deepEqual(expandHostRange('web[01:03].example.com'), ['web01.example.com', 'web02.example.com', 'web03.example.com']);
  assert.deepEqual(expandHostRange('w[08:10]'), ['w08', 'w09', 'w10']);
  assert.throws(() => expandHostRange('w[01:100]'), /equal-length begin and end/);
});

test('letters, strides, an empty begin and several ranges', () => {
  assert.deepEqual(expandHostRange('db-[a:c]'), ['db-a', 'db-b', 'db-c']);
  assert.deepEqual(expandHostRange('n[0:8:2]'), ['n0', 'n2', 'n4', 'n6', 'n8']);
  assert.deepEqual(expandHostRange('n[a:g:3]'), ['na', 'nd', 'ng']);
  assert.deepEqual(expandHostRange('n[:2]'), ['n0', 'n1', 'n2']);
  assert.deepEqual(expandHostRange('r[1:2]-n[a:b]'), ['r1-na', 'r1-nb', 'r2-na', 'r2-nb']);
});

test('malformed ranges are errors with Ansible wording', () => {
  const err = (s: string, re: RegExp): void => {
    assert.throws(() => expandHostRange(s), (e: unknown) => e instanceof HostRangeError && re.test(e.message), s);
  };
  err('h[1:2:3:4]', /host range must be begin:end or begin:end:step/);
  err('h[5]', /host range must be begin:end or begin:end:step/);
  err('h[1:]', /host range must specify end value/);
  err('h[1:3', /unclosed '\['/);
  err('h[c:a]', /begin <= end/);
  err('h[3:1]', /begin <= end/); // Ansible silently yields no host here
  err('h[1:3:0]', /step/);
  err('h[x1:3]', /numbers or single letters/);
});

test('hasHostRange looks for a bracket only', () => {
  assert.equal(hasHostRange('web1'), false);
  assert.equal(hasHostRange('web[1:2]'), true);
});

test('property: a numeric range gives end-begin+1 names of one width, in order', () => {
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 300 }), fc.integer({ min: 0, max: 40 }), fc.boolean(), (b, len, pad) => {
      const e = b + len;
      const width = String(e).length;
      const bs = pad ? String(b).padStart(width + 1, '0') : String(b);
      const es = pad ? String(e).padStart(width + 1, '0') : String(e);
      const names = expandHostRange(`h[${bs}:${es}]x`);
      assert.equal(names.length, len + 1);
      assert.equal(names[0], `h${bs}x`);
      assert.equal(names.at(-1), `h${es}x`);
      if (pad) assert.ok(names.every((n) => n.length === width + 3));
    }),
  );
});

const python = ansiblePython();

test("ranges agree with Ansible's expand_hostname_range", { skip: python ? false : NO_ANSIBLE }, () => {
  const piece = fc.oneof(
    fc.tuple(fc.integer({ min: 0, max: 12 }), fc.integer({ min: 0, max: 12 }), fc.integer({ min: 1, max: 4 }), fc.boolean()).map(([a, n, s, pad]) =>
      `[${pad ? String(a).padStart(2, '0') : a}:${pad ? String(a + n).padStart(2, '0') : a + n}${s > 1 ? `:${s}` : ''}]`,
    ),
    fc.tuple(fc.constantFrom('a', 'b', 'x', 'A'), fc.constantFrom('c', 'z', 'B', 'Z')).map(([a, b]) => `[${a}:${b}]`),
    fc.constantFrom('web', '-', '.lab', 'n'),
  );
  const inputs = fc.sample(fc.array(piece, { minLength: 1, maxLength: 3 }).map((p) => 'h' + p.join('')), { numRuns: 300, seed: 3 });
  const py = runAnsiblePython(
    `from ansible.plugins.inventory import expand_hostname_range
out = []
for s in DATA:
    try: out.append(expand_hostname_range(s))
    except Exception as e: out.append({'error': str(e)})
print(json.dumps(out))`,
    inputs,
  ) as Array<string[] | { error: string }>;
  inputs.forEach((s, i) => {
    const want = py[i]!;
    let ours: string[] | { error: string };
    try {
      ours = expandHostRange(s);
    } catch (e) {
      ours = { error: (e as Error).message };
    }
    if (Array.isArray(want)) assert.deepEqual(ours, want, s);
    else assert.ok(!Array.isArray(ours), `${s}: Ansible fails (${want.error}), k8splay gave ${JSON.stringify(ours)}`);
  });
});
