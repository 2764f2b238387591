import { test } from 'node:test';
import assert from 'node:assert/strict';
import { splitArgs, parseKv } from '../../../src/playbook/index.js';
import { PlaybookError } from '../../../src/errors.js';
import { loadText, asTask, rejection } from './helpers.js';

// Expected values come from ansible-core 2.14's parse_kv / split_args on the same strings.
const RAW_KEYS = new Set(['creates', 'removes', 'chdir', 'executable', 'warn', 'stdin', 'stdin_add_newline', 'strip_empty_ends']);

function ansible(text: string, checkRaw: boolean): Record<string, string> {
  const r = parseKv(text, checkRaw ? (k) => RAW_KEYS.has(k) : () => true);
  const out: Record<string, string> = {};
  for (const p of r.params) out[p.key] = p.value;
  if (r.raw !== undefined) out['_raw_params'] = r.raw;
  return out;
}

test('splitArgs splits like Ansible: quotes and Jinja2 blocks stay whole, spacing and newlines kept', () => {
  assert.deepEqual(splitArgs('a=b c="foo bar"'), ['a=b', 'c="foo bar"']);
  assert.deepEqual(splitArgs('echo {{ item | default("x y") }} creates=/x'), ['echo', '{{ item | default("x y") }}', 'creates=/x']);
  assert.deepEqual(splitArgs('line1\nline2 chdir=/x'), ['line1\n', 'line2', 'chdir=/x']);
  assert.deepEqual(splitArgs('echo  two  spaces'), ['echo ', 'two ', 'spaces']);
});

test('unbalanced quotes or blocks are a located error', () => {
  const loc = { file: 'f.yml', line: 3, column: 7 };
  assert.throws(() => splitArgs('msg="open', loc), (e: unknown) => e instanceof PlaybookError && /unbalanced.*f\.yml:3:7/.test(e.message));
  assert.throws(() => splitArgs('{{ a '), /unbalanced jinja2 block or quotes/);
});

test('parseKv matches Ansible for k=v strings', () => {
  assert.deepEqual(ansible('a=b c="foo bar"', false), { a: 'b', c: 'foo bar' });
  assert.deepEqual(ansible('msg="{{ a }} and {{ b }}"', false), { msg: '{{ a }} and {{ b }}' });
  assert.deepEqual(ansible('a=1 b=2', false), { a: '1', b: '2' });
  assert.deepEqual(ansible('msg=hi there', false), { msg: 'hi', _raw_params: 'there' });
  assert.deepEqual(ansible("msg='it s'", false), { msg: 'it s' });
  assert.deepEqual(ansible('x\\=y', false), { _raw_params: 'x=y' });
  assert.deepEqual(ansible('msg=a\\nb', false), { msg: 'a\nb' });
});

test('parseKv matches Ansible for free-form (command-like) strings', () => {
  assert.deepEqual(ansible('a=b c="foo bar"', true), { _raw_params: 'a=b c="foo bar"' });
  assert.deepEqual(ansible('echo "hello world" chdir=/tmp', true), { chdir: '/tmp', _raw_params: 'echo "hello world"' });
  assert.deepEqual(ansible('echo {{ item | default("x y") }} creates=/x', true), { creates: '/x', _raw_params: 'echo {{ item | default("x y") }}' });
  assert.deepEqual(ansible('line1\nline2 chdir=/x', true), { chdir: '/x', _raw_params: 'line1\nline2' });
  assert.deepEqual(ansible('echo  two  spaces', true), { _raw_params: 'echo  two  spaces' });
});

test('free-form modules: known k=v words are arguments, the rest is the free-form text', async () => {
  const pb = await loadText(`
- hosts: all
  tasks:
    - command: ls -l chdir=/tmp
    - shell: echo a=b | tee /x creates=/x
    - command: kubeadm init --pod-network-cidr=10.244.0.0/16
    - shell: >
        set -e;
        echo done
    - command: 42
`);
  const [a, b, c, d, e] = pb.plays[0]!.tasks.map(asTask);
  assert.deepEqual(a!.args, { chdir: '/tmp', cmd: 'ls -l' });
  // a=b is not an argument of shell: it stays in the command.
  assert.deepEqual(b!.args, { creates: '/x', cmd: 'echo a=b | tee /x' });
  assert.deepEqual(c!.args, { cmd: 'kubeadm init --pod-network-cidr=10.244.0.0/16' });
  assert.deepEqual(d!.args, { cmd: 'set -e; echo done\n' });
  assert.deepEqual(e!.args, { cmd: '42' });
});

test('k=v modules: every k=v is an argument, values stay strings', async () => {
  const pb = await loadText(`
- hosts: all
  tasks:
    - debug: msg=hi
    - debug: msg="hello world"
    - set_fact: a=1 b=2
    - sysctl: name=net.ipv4.ip_forward value=1 reload=yes
    - debug:
`);
  const [a, b, c, d, e] = pb.plays[0]!.tasks.map(asTask);
  assert.deepEqual(a!.args, { msg: 'hi' });
  assert.deepEqual(b!.args, { msg: 'hello world' });
  assert.deepEqual(c!.args, { a: '1', b: '2' });
  assert.deepEqual(d!.args, { name: 'net.ipv4.ip_forward', value: '1', reload: 'yes' });
  assert.deepEqual(e!.args, {});
});

test('free text for a module without a free-form argument is a located error', async () => {
  const e = await rejection(loadText('- hosts: all\n  tasks:\n    - debug: hello there\n'));
  assert.match(e.message, /module 'debug' takes no free-form text, got 'hello there'.* at site\.yml:3:14/);
});

test('arguments that are neither a mapping nor a string are refused', async () => {
  const e = await rejection(loadText('- hosts: all\n  tasks:\n    - sysctl: [a, b]\n'));
  assert.match(e.message, /arguments of module 'sysctl' must be a mapping or a key=value string, got a list at site\.yml:3:7/);
});
