import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseYamlText, caretLines } from '../../../src/playbook/index.js';
import { PlaybookError } from '../../../src/errors.js';
import { loadText, rejection, thrown, posOf } from './helpers.js';

test('a YAML syntax error names file:line:col and shows the line with a caret', () => {
  const text = '- hosts: all\n  tasks:\n    - debug: {a: [1, 2}\n';
  const e = thrown(() => parseYamlText(text, '/x/site.yml', 'site.yml'));
  assert.ok(e instanceof PlaybookError);
  assert.equal(e.location?.file, 'site.yml');
  assert.equal(e.location?.line, 3);
  assert.match(e.message, /^YAML syntax error at site\.yml:3:\d+: /);
  assert.equal(e.details[0], '  3 |     - debug: {a: [1, 2}');
  // The caret sits under the reported column.
  const caretCol = e.details[1]!.indexOf('^') - e.details[0]!.indexOf('- debug') + 5;
  assert.equal(caretCol, e.location?.column);
});

test('tab indentation is a located syntax error', () => {
  const e = thrown(() => parseYamlText('- hosts: all\n  tasks:\n\t- debug: msg=x\n', '/x/p.yml', 'p.yml'));
  assert.deepEqual(e.location, { file: 'p.yml', line: 3, column: 1 });
  assert.match(e.describe(), /Tabs/);
});

test('a duplicate key is an error at the second key', () => {
  const text = '- hosts: all\n  tasks:\n    - debug: msg=a\n      debug: msg=b\n';
  const e = thrown(() => parseYamlText(text, '/x/p.yml', 'p.yml'));
  assert.deepEqual(e.location, { file: 'p.yml', ...posOf(text, 'debug', 1) });
  assert.match(e.message, /duplicate key 'debug'/);
});

test('caretLines keeps tabs so the caret lines up', () => {
  assert.deepEqual(caretLines('a\n\tbc\n', { file: 'f', line: 2, column: 3 }), ['  2 | \tbc', '    | \t ^ here']);
  assert.deepEqual(caretLines('a\n', { file: 'f' }), []);
});

test('YAML 1.1 as Ansible reads it: yes/no/on/off booleans, y/n strings, octal, no dates', async () => {
  const pb = await loadText([
    '- hosts: all',
    '  vars:',
    '    a: yes',
    '    b: off',
    '    y: n',
    '    mode: 0644',
    '    day: 2024-01-02',
    '    anchor: &x {k: 1}',
    '    merged:',
    '      <<: *x',
    '      j: 2',
  ].join('\n') + '\n');
  assert.deepEqual(pb.plays[0]!.vars, {
    a: true, b: false, y: 'n', mode: 0o644, day: '2024-01-02', anchor: { k: 1 }, merged: { k: 1, j: 2 },
  });
});

test('several YAML documents are refused', () => {
  const text = '- hosts: a\n---\n- hosts: b\n';
  const e = thrown(() => parseYamlText(text, '/x/p.yml', 'p.yml'));
  assert.match(e.message, /single YAML document.*found 2/);
  assert.equal(e.location?.line, 2);
});

test('vault-encrypted values are refused rather than used as text', () => {
  const e = thrown(() => parseYamlText('- hosts: a\n  vars:\n    p: !vault |\n      abc\n', '/x/p.yml', 'p.yml'));
  assert.match(e.message, /!vault/);
  assert.equal(e.location?.line, 3);
});

test('an empty playbook and a playbook that is not a list are errors', async () => {
  assert.match((await rejection(loadText('# nothing\n'))).message, /empty playbook, nothing to do/);
  const e = await rejection(loadText('hosts: all\n'));
  assert.match(e.message, /a playbook must be a list of plays, got a mapping at site\.yml:1:1/);
});

test('a missing playbook file is a PlaybookError', async () => {
  const { loadPlaybook } = await import('../../../src/playbook/index.js');
  const { testRegistry } = await import('./registry.js');
  const e = await rejection(loadPlaybook('/nonexistent/x.yml', { registry: testRegistry() }));
  assert.ok(e instanceof PlaybookError);
  assert.match(e.message, /cannot read .*x\.yml: file not found/);
});
