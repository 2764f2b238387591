import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { loadPlaybook, loadTaskFile } from '../../../src/playbook/index.js';
import { testRegistry } from './registry.js';
import { project, remove, loadFiles, rejection, messages, asBlock, asTask } from './helpers.js';

test('import_tasks is static: a block marked imported, with the import keywords, paths relative to the importing file', async () => {
  const pb = await loadFiles({
    'site.yml': '- hosts: all\n  tasks:\n    - name: Prepare\n      import_tasks: tasks/prep.yml\n      when: ready\n      tags: prep\n      become: yes\n      vars: {v: 1}\n',
    'tasks/prep.yml': '- debug: msg=one\n- import_tasks: sub/two.yml\n',
    'tasks/sub/two.yml': '- debug: msg=two\n',
  });
  const b = asBlock(pb.plays[0]!.tasks[0]);
  assert.equal(b.imported, join('tasks', 'prep.yml'));
  assert.equal(b.name, 'Prepare');
  assert.deepEqual(b.when, ['ready']);
  assert.deepEqual(b.tags, ['prep']);
  assert.equal(b.become, true);
  assert.deepEqual(b.vars, { v: 1 });
  assert.deepEqual(b.rescue, []);
  assert.equal(asTask(b.block[0]).args['msg'], 'one');
  const nested = asBlock(b.block[1]);
  assert.equal(nested.imported, join('tasks', 'sub', 'two.yml'));
  assert.equal(asTask(nested.block[0]).location.file, join('tasks', 'sub', 'two.yml'));
});

test('FQCN import/include names and the include_tasks mapping form', async () => {
  const pb = await loadFiles({
    'site.yml': '- hosts: all\n  tasks:\n    - ansible.builtin.import_tasks: a.yml\n    - ansible.builtin.include_tasks: {file: "{{ x }}.yml"}\n',
    'a.yml': '- debug: msg=a\n',
  });
  const [imp, inc] = pb.plays[0]!.tasks;
  assert.equal(asBlock(imp).imported, 'a.yml');
  assert.equal(inc!.kind, 'include');
  assert.equal(inc!.kind === 'include' && inc.file, '{{ x }}.yml');
});

test('recursive imports are detected and show the chain', async () => {
  const e = await rejection(loadFiles({
    'site.yml': '- hosts: all\n  tasks:\n    - import_tasks: a.yml\n',
    'a.yml': '- import_tasks: b.yml\n',
    'b.yml': '- debug: msg=x\n- import_tasks: a.yml\n',
  }));
  assert.equal(e.message, 'recursive import_tasks: a.yml -> b.yml -> a.yml at b.yml:2:3');
});

test('import_tasks errors: missing file (at the import), template name, loops, errors inside the file', async () => {
  const missing = await rejection(loadFiles({ 'site.yml': '- hosts: all\n  tasks:\n    - import_tasks: nope.yml\n' }));
  assert.match(missing.message, /cannot read nope\.yml: file not found \(imported at site\.yml:3:7\)/);
  assert.deepEqual(missing.location, { file: 'site.yml', line: 3, column: 7 });
  const templ = await rejection(loadFiles({ 'site.yml': '- hosts: all\n  tasks:\n    - import_tasks: "{{ f }}"\n' }));
  assert.match(templ.message, /import_tasks is static: its file name cannot be a template .*use include_tasks/);
  const loop = await rejection(loadFiles({ 'site.yml': '- hosts: all\n  tasks:\n    - import_tasks: a.yml\n      loop: [1]\n', 'a.yml': '[]\n' }));
  assert.match(loop.message, /You cannot use loops on 'import_tasks' statements/);
  const inner = await rejection(loadFiles({
    'site.yml': '- hosts: all\n  tasks:\n    - import_tasks: a.yml\n    - debug: msg=x\n      whn: 1\n',
    'a.yml': '- sysctll: name=x\n',
  }));
  assert.deepEqual(messages(inner), [
    "unknown module 'sysctll' at a.yml:1:3, did you mean 'sysctl'?",
    "unknown task keyword 'whn' at site.yml:5:7, did you mean 'when'?",
  ]);
  const syntax = await rejection(loadFiles({ 'site.yml': '- hosts: all\n  tasks:\n    - import_tasks: a.yml\n', 'a.yml': '- debug: {msg: [x}\n' }));
  assert.match(syntax.message, /YAML syntax error at a\.yml:1:/);
});

test('include_tasks is dynamic: an IncludeNode with its keywords, base directory and module_defaults', async () => {
  const dir = project({
    'site.yml': [
      '- hosts: all',
      '  module_defaults: {sysctl: {reload: false}}',
      '  tasks:',
      '    - name: Per node',
      '      include_tasks: "tasks/{{ item }}.yml"',
      '      loop: [a, b]',
      '      loop_control: {loop_var: item}',
      '      when: go',
      '      tags: [inc]',
      '      vars: {x: 1}',
    ].join('\n') + '\n',
    'tasks/a.yml': '- sysctl: name=a\n- import_tasks: b.yml\n',
    'tasks/b.yml': '- debug: msg=b\n',
  });
  try {
    const registry = testRegistry();
    const pb = await loadPlaybook('site.yml', { registry, cwd: dir });
    const inc = pb.plays[0]!.tasks[0]!;
    assert.equal(inc.kind, 'include');
    if (inc.kind !== 'include') return;
    assert.equal(inc.name, 'Per node');
    assert.equal(inc.file, 'tasks/{{ item }}.yml');
    assert.equal(inc.baseDir, dir);
    assert.deepEqual(inc.loop, ['a', 'b']);
    assert.deepEqual(inc.loopControl, { loopVar: 'item' });
    assert.deepEqual(inc.when, ['go']);
    assert.deepEqual(inc.tags, ['inc']);
    assert.deepEqual(inc.vars, { x: 1 });
    assert.deepEqual(inc.moduleDefaults, { sysctl: { reload: false } });
    // What the executor does at run time: load the rendered file with the same parser.
    const nodes = await loadTaskFile(join(inc.baseDir, 'tasks/a.yml'), { registry, cwd: dir, moduleDefaults: inc.moduleDefaults! });
    assert.deepEqual(asTask(nodes[0]).args, { reload: false, name: 'a' });
    assert.equal(asTask(nodes[0]).location.file, join('tasks', 'a.yml'));
    assert.equal(asBlock(nodes[1]).imported, join('tasks', 'b.yml'));
    const bad = await rejection(loadTaskFile(join(dir, 'tasks/nope.yml'), { registry, cwd: dir }));
    assert.match(bad.message, /cannot read tasks\/nope\.yml: file not found/);
  } finally {
    remove(dir);
  }
});

test('loadTaskFile: empty file, non-list file, collected errors', async () => {
  const dir = project({ 'empty.yml': '# nothing\n', 'map.yml': 'debug: msg=x\n', 'bad.yml': '- whn: 1\n  debug: msg=x\n- nosuch: 1\n' });
  try {
    const registry = testRegistry();
    assert.deepEqual(await loadTaskFile(join(dir, 'empty.yml'), { registry, cwd: dir }), []);
    const e = await rejection(loadTaskFile(join(dir, 'map.yml'), { registry, cwd: dir }));
    assert.match(e.message, /expected a list of tasks, got a mapping at map\.yml:1:1/);
    const many = await rejection(loadTaskFile(join(dir, 'bad.yml'), { registry, cwd: dir }));
    assert.equal(messages(many).length, 2);
  } finally {
    remove(dir);
  }
});

test('import_playbook splices plays, applying its vars, tags and when', async () => {
  const pb = await loadFiles({
    'site.yml': [
      '- name: First',
      '  hosts: all',
      '- import_playbook: plays/k8s.yml',
      '  vars: {role: cp}',
      '  tags: [k8s]',
      '  when: enabled',
      '- hosts: last',
    ].join('\n') + '\n',
    'plays/k8s.yml': '- name: Inner\n  hosts: cp\n  vars: {role: x, other: 1}\n  tags: own\n  tasks:\n    - debug: msg=a\n      when: b\n  handlers:\n    - {name: h, debug: msg=h}\n- import_playbook: more.yml\n',
    'plays/more.yml': '- name: Deeper\n  hosts: w\n',
  });
  assert.deepEqual(pb.plays.map((p) => p.name), ['First', 'Inner', 'Deeper', 'last']);
  const inner = pb.plays[1]!;
  assert.deepEqual(inner.vars, { role: 'cp', other: 1 });
  assert.deepEqual(inner.tags, ['own', 'k8s']);
  assert.deepEqual(inner.when, ['enabled']);
  assert.deepEqual(asTask(inner.tasks[0]).when, ['enabled', 'b']);
  assert.deepEqual(inner.handlers[0]!.when, []);
  assert.equal(inner.baseDir.endsWith('plays'), true);
  assert.equal(inner.location.file, join('plays', 'k8s.yml'));
  assert.deepEqual(pb.plays[2]!.tags, ['k8s']);
  assert.deepEqual(pb.plays[0]!.when, []);
});

test('import_playbook errors: recursion, extra keywords, parameters after the name', async () => {
  const rec = await rejection(loadFiles({ 'site.yml': '- import_playbook: b.yml\n', 'b.yml': '- import_playbook: site.yml\n' }));
  assert.equal(rec.message, 'recursive import_playbook: site.yml -> b.yml -> site.yml at b.yml:1:3');
  const extra = await rejection(loadFiles({ 'site.yml': '- import_playbook: b.yml\n  hosts: all\n', 'b.yml': '[]\n' }));
  assert.match(extra.message, /unknown import_playbook keyword 'hosts' at site\.yml:2:3/);
  const params = await rejection(loadFiles({ 'site.yml': '- import_playbook: b.yml x=1\n', 'b.yml': '[]\n' }));
  assert.match(params.message, /import_playbook takes a file name only/);
});

test('import_tasks in handlers adds the handlers with the import keywords', async () => {
  const pb = await loadFiles({
    'site.yml': '- hosts: all\n  handlers:\n    - import_tasks: handlers.yml\n      become: yes\n      tags: h\n',
    'handlers.yml': '- name: restart\n  listen: bounce\n  debug: msg=r\n  become: no\n- name: reload\n  debug: msg=l\n',
  });
  const hs = pb.plays[0]!.handlers;
  assert.deepEqual(hs.map((h) => [h.name, h.become, h.tags, h.listen]), [
    ['restart', false, ['h'], ['bounce']],
    ['reload', true, ['h'], []],
  ]);
});
