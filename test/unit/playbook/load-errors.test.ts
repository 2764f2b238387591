import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PlaybookError } from '../../../src/errors.js';
import { PlaybookErrorList } from '../../../src/playbook/index.js';
import { loadText, rejection, messages, posOf } from './helpers.js';

const play = (tasks: string): string => `- name: P\n  hosts: all\n  tasks:\n${tasks}`;

async function errorsOf(text: string): Promise<string[]> {
  return messages(await rejection(loadText(text)));
}

test('unknown module: located, with did-you-mean', async () => {
  const text = play('    - name: Install\n      sysctll: name=x\n');
  const e = await rejection(loadText(text));
  assert.ok(e instanceof PlaybookError);
  const { line, column } = posOf(text, 'sysctll');
  assert.equal(e.message, `unknown module 'sysctll' at site.yml:${line}:${column}, did you mean 'sysctl'?`);
  assert.deepEqual(e.location, { file: 'site.yml', line, column });
});

test('unknown task keyword: located, with did-you-mean', async () => {
  const text = play('    - debug: msg=x\n      whn: ok\n');
  const { line, column } = posOf(text, 'whn');
  assert.deepEqual(await errorsOf(text), [`unknown task keyword 'whn' at site.yml:${line}:${column}, did you mean 'when'?`]);
  // Without a module the closest name decides between a keyword and a module.
  assert.deepEqual(await errorsOf(play('    - regster: x\n')), ["unknown task keyword 'regster' at site.yml:4:7, did you mean 'register'?"]);
  assert.deepEqual(await errorsOf(play('    - shel: ls\n')), ["unknown module 'shel' at site.yml:4:7, did you mean 'shell'?"]);
  assert.deepEqual(await errorsOf(play('    - frobnicate: x\n')), ["unknown module 'frobnicate' at site.yml:4:7"]);
});

test('no module, or two modules, in a task', async () => {
  assert.deepEqual(await errorsOf(play('    - name: Nothing\n      when: x\n')), ["no module/action detected in task 'Nothing' at site.yml:4:7"]);
  assert.deepEqual(await errorsOf(play('    - command: ls\n      shell: ls\n')), [
    "conflicting modules in task: 'command' and 'shell' (a task runs one module) at site.yml:4:7",
  ]);
  assert.match((await errorsOf(play('    - debug: msg=x\n      action: command ls\n')))[0]!, /conflicting modules in task: 'debug' and 'action'/);
});

test('Ansible keywords k8splay does not support are explicit errors', async () => {
  const [a] = await errorsOf(play('    - command: sleep 100\n      async: 120\n      poll: 0\n'));
  assert.match(a!, /^'async' is not supported by k8splay: background tasks are not supported.* at site\.yml:5:7$/);
  assert.match((await errorsOf(play('    - include_role: name=x\n')))[0]!, /'include_role' is not supported by k8splay: roles are not supported/);
  assert.match((await errorsOf(play('    - debug: msg=x\n      remote_user: bob\n')))[0]!, /'remote_user' is not supported by k8splay.*ansible_user/);
  assert.match((await errorsOf('- hosts: all\n  roles: [common]\n'))[0]!, /'roles' is not supported by k8splay/);
  assert.match((await errorsOf('- hosts: all\n  strategy: free\n'))[0]!, /strategy 'free' is not supported by k8splay \(only 'linear'\) at site\.yml:2:3/);
});

test('play keyword errors', async () => {
  assert.match((await errorsOf('- hosts: all\n  when: x\n'))[0]!, /'when' is not a valid keyword for a play: put the condition on the tasks.* at site\.yml:2:3/);
  assert.deepEqual(await errorsOf('- hosts: all\n  gather_fact: no\n'), ["unknown play keyword 'gather_fact' at site.yml:2:3, did you mean 'gather_facts'?"]);
  assert.match((await errorsOf('- hosts: all\n  debug: msg=x\n'))[0]!, /^unknown play keyword 'debug': tasks go in a list under 'tasks:' at site\.yml:2:3$/);
  assert.deepEqual(await errorsOf('- name: Nohosts\n  tasks: []\n'), ["the field 'hosts' is required but was not set in play 'Nohosts' at site.yml:1:3"]);
  assert.deepEqual(await errorsOf('- hosts: []\n'), ["expected a host pattern or a list of patterns for 'hosts' at site.yml:1:3"]);
});

test('keyword types: expected type, keyword, task name and location', async () => {
  const text = play('    - name: Install\n      debug: msg=x\n      retries: "x"\n      loop_control: 3\n');
  assert.deepEqual(await errorsOf(text), [
    `expected integer for 'retries' in task 'Install' at site.yml:${posOf(text, 'retries').line}:7`,
    `expected a mapping for 'loop_control' in task 'Install' at site.yml:${posOf(text, 'loop_control').line}:7`,
  ]);
  const nested = play('    - debug: msg=x\n      loop: [1]\n      loop_control: {lop_var: x, pause: soon}\n');
  assert.deepEqual(await errorsOf(nested), [
    `unknown loop_control key 'lop_var' at site.yml:6:22, did you mean 'loop_var'?`,
    `expected a number for 'loop_control.pause' at site.yml:6:34`,
  ]);
  assert.match((await errorsOf(play('    - debug: msg=x\n      become: maybe\n')))[0]!, /expected a boolean or a template for 'become' at site\.yml:5:7/);
  assert.match((await errorsOf(play('    - debug: msg=x\n      notify: {a: 1}\n')))[0]!, /expected a string or a list of strings for 'notify'/);
  assert.match((await errorsOf('- name: Facts\n  hosts: all\n  gather_facts: sometimes\n'))[0]!, /expected a boolean for 'gather_facts' in play 'Facts' at site\.yml:3:3/);
});

test('other task-level mistakes', async () => {
  assert.match((await errorsOf(play('    - debug: msg=x\n      become_method: doas\n')))[0]!, /become_method 'doas' is not supported \(supported: sudo, su\) at site\.yml:5:7/);
  assert.match((await errorsOf(play('    - debug: msg=x\n      vars: {a-b: 1}\n')))[0]!, /invalid variable name 'a-b' in vars \(use letters, digits and underscores\) at site\.yml:5:14/);
  assert.match((await errorsOf(play('    - local_action: command ls\n      delegate_to: db\n')))[0]!, /local_action and delegate_to cannot be used together at site\.yml:5:7/);
  assert.match((await errorsOf(play('    - debug: msg=x\n      listen: t\n')))[0]!, /'listen' is only valid in handlers at site\.yml:5:7/);
  assert.match((await errorsOf(play('    - block: []\n      debug: msg=x\n')))[0]!, /a block cannot also run a module \('debug'\)/);
  assert.match((await errorsOf(play('    - block: []\n      loop: [1]\n')))[0]!, /a block cannot loop \('loop'\)/);
  assert.match((await errorsOf(play('    - meta: flush_handler\n')))[0]!, /unknown meta action 'flush_handler' at site\.yml:4:7, did you mean 'flush_handlers'\?/);
  assert.match((await errorsOf(play('    - debug msg=x\n')))[0]!, /a task must be a mapping \(key: value\), got a string at site\.yml:4:7/);
  assert.match((await errorsOf(play('    - import_playbook: other.yml\n')))[0]!, /import_playbook can only be used at the top level/);
  assert.match((await errorsOf(play('    - action: nosuch a=b\n')))[0]!, /unknown module 'nosuch' at site\.yml:4:15/);
  assert.match((await errorsOf(play('    - include_tasks: x.yml\n      debug: msg=x\n')))[0]!, /conflicting actions in task: 'include_tasks' and 'debug' .* at site\.yml:5:7/);
});

test('handlers: no blocks, includes or meta', async () => {
  const base = '- hosts: all\n  handlers:\n';
  assert.match((await errorsOf(base + '    - block: [{debug: msg=x}]\n'))[0]!, /blocks are not supported in handlers/);
  assert.match((await errorsOf(base + '    - include_tasks: h.yml\n'))[0]!, /include_tasks is not supported in handlers/);
  assert.match((await errorsOf(base + '    - meta: noop\n'))[0]!, /meta tasks are not supported in handlers/);
});

test('every structural error of a playbook is reported at once, in file order', async () => {
  const text = [
    '- hosts: all',
    '  tasks:',
    '    - sysctll: name=x',
    '    - debug: msg=x',
    '      whn: y',
    '    - name: R',
    '      debug: msg=x',
    '      retries: many',
    '- hosts: db',
    '  gather_factz: no',
  ].join('\n') + '\n';
  const e = await rejection(loadText(text));
  assert.ok(e instanceof PlaybookErrorList);
  assert.deepEqual(e.errors.map((x) => x.location?.line), [3, 5, 8, 10]);
  const lines = e.message.split('\n');
  assert.equal(lines[0], '4 errors found:');
  assert.equal(lines.length, 5);
  assert.match(lines[1]!, /^ {2}- unknown module 'sysctll' at site\.yml:3:7/);
  assert.match(lines[4]!, /^ {2}- unknown play keyword 'gather_factz' at site\.yml:10:3/);
});
