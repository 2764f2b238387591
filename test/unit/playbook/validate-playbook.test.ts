import { test } from 'node:test';
import assert from 'node:assert/strict';
import { validatePlaybook, PlaybookErrorList } from '../../../src/playbook/index.js';
import type { Playbook } from '../../../src/playbook/model.js';
import { PlaybookError, ModuleArgsError } from '../../../src/errors.js';
import { testRegistry } from './registry.js';
import { loadFiles, loadText, thrown, messages, posOf } from './helpers.js';

const registry = testRegistry();

test('a valid playbook passes, templates included', async () => {
  const pb = await loadText(`
- hosts: all
  tasks:
    - sysctl: name={{ key }} value={{ v }} reload="{{ r | bool }}"
      notify: "restart {{ svc }}"
      register: result_1
    - command: ls
      notify: bounce
  handlers:
    - name: restart x
      listen: bounce
      debug: msg=x
`);
  assert.doesNotThrow(() => validatePlaybook(pb, registry));
});

test('all argument errors of all tasks are reported together, each on its own line with its location', async () => {
  const site = [
    '- hosts: all',
    '  tasks:',
    '    - name: Tune',
    '      sysctl:',
    '        name: vm.swappiness',
    '        vale: 10',
    '    - import_tasks: more.yml',
    '  handlers:',
    '    - name: h',
    '      apt: state=presnt',
  ].join('\n') + '\n';
  const more = '- block:\n    - user: password=x\n  rescue:\n    - sysctl: name=x reload=perhaps\n';
  const pb = await loadFiles({ 'site.yml': site, 'more.yml': more });
  const e = thrown(() => validatePlaybook(pb, registry));
  assert.ok(e instanceof PlaybookErrorList);
  assert.ok(e instanceof PlaybookError);
  const lines = e.message.split('\n');
  assert.equal(lines[0], '4 errors found:');
  const vale = posOf(site, 'vale');
  assert.match(lines[1]!, new RegExp(`^  - unsupported parameter 'vale' for module 'sysctl' at site\\.yml:${vale.line}:${vale.column}, did you mean 'value'\\?`));
  assert.match(lines[2]!, /^ {2}- missing required arguments: name \(module 'user'\) at more\.yml:2:7$/);
  const reload = posOf(more, 'reload=');
  assert.match(lines[3]!, new RegExp(`^  - argument 'reload' of module 'sysctl' must be a boolean, got string "perhaps" at more\\.yml:${reload.line}:${reload.column}$`));
  assert.match(lines[4]!, /^ {2}- value of state must be one of: present, absent, latest, got: presnt at site\.yml:10:/);
  assert.ok(e.errors.every((x) => x instanceof ModuleArgsError));
});

test('a single problem is still one PlaybookError with its location', async () => {
  const pb = await loadText('- hosts: all\n  tasks:\n    - sysctl: value=1\n');
  const e = thrown(() => validatePlaybook(pb, registry));
  assert.ok(e instanceof PlaybookError);
  assert.deepEqual(e.location, { file: 'site.yml', line: 3, column: 7 });
  assert.equal(e.message, "missing required arguments: name (module 'sysctl') at site.yml:3:7");
});

test('notify must name a handler (by name or listen) of the same play', async () => {
  const text = [
    '- name: One',
    '  hosts: all',
    '  tasks:',
    '    - name: Change',
    '      debug: msg=x',
    '      notify: [restart nginx, reload all]',
    '  handlers:',
    '    - name: restart ngnix',
    '      debug: msg=r',
    '- name: Two',
    '  hosts: all',
    '  tasks:',
    '    - debug: msg=y',
    '      notify: restart ngnix',
  ].join('\n') + '\n';
  const pb = await loadText(text);
  const e = thrown(() => validatePlaybook(pb, registry));
  const n = posOf(text, 'notify:');
  assert.deepEqual(messages(e), [
    `notify names a handler that does not exist: 'restart nginx' in task 'Change' (play 'One') at site.yml:${n.line}:${n.column}, did you mean 'restart ngnix'?`,
    `notify names a handler that does not exist: 'reload all' in task 'Change' (play 'One') at site.yml:${n.line}:${n.column}`,
    `notify names a handler that does not exist: 'restart ngnix' (play 'Two') at site.yml:${posOf(text, 'notify:', 1).line}:7`,
  ]);
});

test('handlers may notify other handlers; block notify is checked on its tasks', async () => {
  const ok = await loadText('- hosts: all\n  handlers:\n    - {name: a, debug: msg=a, notify: b}\n    - {name: b, debug: msg=b}\n');
  assert.doesNotThrow(() => validatePlaybook(ok, registry));
  const bad = await loadText('- hosts: all\n  tasks:\n    - block: [{debug: msg=x}]\n      notify: missing\n');
  assert.match(thrown(() => validatePlaybook(bad, registry)).message, /notify names a handler that does not exist: 'missing'/);
});

test('register must be a valid variable name', async () => {
  const text = '- hosts: all\n  tasks:\n    - debug: msg=x\n      register: my-result\n    - debug: msg=y\n      register: 1st\n';
  const pb = await loadText(text);
  const e = thrown(() => validatePlaybook(pb, registry));
  assert.deepEqual(messages(e).map((m) => m.replace(/ \(use.*\)/, '')), [
    "'my-result' is not a valid variable name for register at site.yml:4:7",
    "'1st' is not a valid variable name for register at site.yml:6:7",
  ]);
});

test('a hand-built playbook naming an unknown module is reported, not crashed on', () => {
  const pb: Playbook = {
    path: '/x/site.yml', baseDir: '/x',
    plays: [{
      name: 'p', hosts: 'all', location: { file: 'site.yml', line: 1, column: 3 }, gatherFacts: false, varsFiles: [],
      preTasks: [], postTasks: [], handlers: [], baseDir: '/x', tags: [], when: [],
      tasks: [{ kind: 'task', action: 'sysctll', args: {}, location: { file: 'site.yml', line: 3, column: 7 }, notify: [], listen: [], tags: [], when: [] }],
    }],
  };
  assert.equal(thrown(() => validatePlaybook(pb, registry)).message, "unknown module 'sysctll' at site.yml:3:7, did you mean 'sysctl'?");
});

test('a templated handler name turns the notify check off for its play', async () => {
  const pb = await loadText('- hosts: all\n  tasks:\n    - debug: msg=x\n      notify: restart web\n  handlers:\n    - name: "restart {{ svc }}"\n      debug: msg=r\n');
  assert.doesNotThrow(() => validatePlaybook(pb, registry));
});
