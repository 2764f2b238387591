import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadText, asTask, asBlock } from './helpers.js';

test('play keywords map into the model', async () => {
  const pb = await loadText(`
- name: Everything
  hosts: [web, db]
  vars: {a: 1}
  vars_files: [common.yml, [first.yml, fallback.yml]]
  gather_facts: no
  gather_subset: "network,!hardware"
  gather_timeout: "20"
  become: yes
  become_user: admin
  become_method: su
  serial: [1, "50%"]
  max_fail_percentage: "30%"
  force_handlers: true
  any_errors_fatal: "yes"
  environment: {HTTP_PROXY: "http://p:3128"}
  tags: "setup, base"
  ignore_errors: "{{ lenient }}"
  no_log: true
  check_mode: false
  diff: yes
  connection: local
  remote_user: deploy
  strategy: linear
  throttle: 2
  run_once: false
  pre_tasks: [{debug: msg=pre}]
  tasks: [{debug: msg=main}]
  post_tasks: [{debug: msg=post}]
  handlers: [{name: h, debug: msg=h}]
`);
  const p = pb.plays[0]!;
  assert.equal(p.name, 'Everything');
  assert.equal(p.hosts, 'web:db');
  assert.deepEqual(p.vars, { a: 1 });
  assert.deepEqual(p.varsFiles, ['common.yml', ['first.yml', 'fallback.yml']]);
  assert.equal(p.gatherFacts, false);
  assert.deepEqual(p.gatherSubset, ['network', '!hardware']);
  assert.equal(p.gatherTimeout, 20);
  assert.equal(p.become, true);
  assert.equal(p.becomeUser, 'admin');
  assert.equal(p.becomeMethod, 'su');
  assert.deepEqual(p.serial, [1, '50%']);
  assert.equal(p.maxFailPercentage, 30);
  assert.equal(p.forceHandlers, true);
  assert.equal(p.anyErrorsFatal, true);
  assert.deepEqual(p.environment, { HTTP_PROXY: 'http://p:3128' });
  assert.deepEqual(p.tags, ['setup', 'base']);
  assert.equal(p.ignoreErrors, '{{ lenient }}');
  assert.equal(p.noLog, true);
  assert.equal(p.checkMode, false);
  assert.equal(p.diff, true);
  assert.equal(p.connection, 'local');
  assert.equal(p.remoteUser, 'deploy');
  assert.equal(p.throttle, 2);
  assert.equal(p.runOnce, false);
  assert.deepEqual([p.preTasks, p.tasks, p.postTasks].map((s) => asTask(s[0]).args['msg']), ['pre', 'main', 'post']);
  assert.equal(p.handlers[0]!.name, 'h');
  assert.deepEqual(p.when, []);
});

test('play defaults: name from hosts, facts gathered, empty sections', async () => {
  const p = (await loadText('- hosts: all\n')).plays[0]!;
  assert.equal(p.name, 'all');
  assert.equal(p.gatherFacts, true);
  assert.deepEqual([p.preTasks, p.tasks, p.postTasks, p.handlers, p.varsFiles], [[], [], [], [], []]);
  assert.equal(p.become, undefined);
  const listed = (await loadText('- hosts: [a, b]\n  tasks:\n')).plays[0]!;
  assert.equal(listed.name, 'a,b');
});

test('task keywords map into the model', async () => {
  const pb = await loadText(`
- hosts: all
  tasks:
    - name: Full task
      apt: name=x
      when: [a, "b is defined"]
      loop: "{{ pkgs }}"
      loop_control: {loop_var: pkg, index_var: i, label: "{{ pkg.name }}", pause: 0.5, extended: yes}
      register: out
      notify: [h1, h2]
      changed_when: false
      failed_when: "out.rc > 1"
      ignore_errors: yes
      ignore_unreachable: true
      tags: [one, 2]
      run_once: "{{ once }}"
      delegate_to: "{{ groups.db[0] }}"
      retries: 3
      until: out is succeeded
      delay: 2
      no_log: yes
      check_mode: no
      diff: false
      environment: [{A: 1}, {B: 2}]
      become: true
      become_user: root
      become_method: sudo
      vars: {x: 1}
      any_errors_fatal: true
      throttle: "{{ t }}"
  handlers:
    - {name: h1, debug: msg=1}
    - {name: h2, debug: msg=2}
`);
  const t = asTask(pb.plays[0]!.tasks[0]);
  assert.equal(t.name, 'Full task');
  assert.equal(t.action, 'apt');
  assert.deepEqual(t.args, { name: 'x' });
  assert.deepEqual(t.when, ['a', 'b is defined']);
  assert.equal(t.loop, '{{ pkgs }}');
  assert.equal(t.loopWith, undefined);
  assert.deepEqual(t.loopControl, { loopVar: 'pkg', indexVar: 'i', label: '{{ pkg.name }}', pause: 0.5, extended: true });
  assert.equal(t.register, 'out');
  assert.deepEqual(t.notify, ['h1', 'h2']);
  assert.deepEqual(t.changedWhen, [false]);
  assert.deepEqual(t.failedWhen, ['out.rc > 1']);
  assert.equal(t.ignoreErrors, true);
  assert.equal(t.ignoreUnreachable, true);
  assert.deepEqual(t.tags, ['one', '2']);
  assert.equal(t.runOnce, '{{ once }}');
  assert.equal(t.delegateTo, '{{ groups.db[0] }}');
  assert.equal(t.retries, 3);
  assert.deepEqual(t.until, ['out is succeeded']);
  assert.equal(t.delay, 2);
  assert.equal(t.noLog, true);
  assert.equal(t.checkMode, false);
  assert.equal(t.diff, false);
  assert.deepEqual(t.environment, { A: 1, B: 2 });
  assert.equal(t.become, true);
  assert.equal(t.becomeUser, 'root');
  assert.equal(t.becomeMethod, 'sudo');
  assert.deepEqual(t.vars, { x: 1 });
  assert.equal(t.anyErrorsFatal, true);
  assert.equal(t.throttle, '{{ t }}');
});

test('unset task keywords stay unset; loop_control defaults loop_var to item', async () => {
  const pb = await loadText('- hosts: all\n  tasks:\n    - debug: msg=x\n    - debug: msg=y\n      loop: [1]\n      loop_control: {label: x}\n');
  const [a, b] = pb.plays[0]!.tasks.map(asTask);
  for (const k of ['changedWhen', 'failedWhen', 'until', 'retries', 'register', 'loop', 'loopControl', 'become', 'name'] as const) {
    assert.equal(a![k], undefined, k);
  }
  assert.deepEqual(a!.notify, []);
  assert.deepEqual(b!.loopControl, { loopVar: 'item', label: 'x' });
});

test('tags as a comma-separated string, notify as a string, listen in handlers', async () => {
  const pb = await loadText(`
- hosts: all
  tasks:
    - debug: msg=x
      tags: "a, b,c"
      notify: restart web
  handlers:
    - name: Restart nginx
      listen: [restart web, "restart all"]
      debug: msg=r
    - listen: restart web
      debug: msg=unnamed
`);
  const t = asTask(pb.plays[0]!.tasks[0]);
  assert.deepEqual(t.tags, ['a', 'b', 'c']);
  assert.deepEqual(t.notify, ['restart web']);
  assert.deepEqual(pb.plays[0]!.handlers.map((h) => h.listen), [['restart web', 'restart all'], ['restart web']]);
});

test("args: are merged under the module arguments (the module's own win)", async () => {
  const pb = await loadText(`
- hosts: all
  tasks:
    - command: ls chdir=/srv
      args: {chdir: /tmp, creates: /x}
`);
  const t = asTask(pb.plays[0]!.tasks[0]);
  assert.deepEqual(t.args, { chdir: '/srv', creates: '/x', cmd: 'ls' });
});

test('action: and local_action: (old forms)', async () => {
  const pb = await loadText(`
- hosts: all
  tasks:
    - action: sysctl name=a value=1
    - action: {module: ansible.builtin.command echo hi, chdir: /tmp}
    - local_action: command hostname
    - local_action: {module: debug, msg: local}
`);
  const [a, b, c, d] = pb.plays[0]!.tasks.map(asTask);
  assert.equal(a!.action, 'sysctl');
  assert.deepEqual(a!.args, { name: 'a', value: '1' });
  assert.equal(a!.delegateTo, undefined);
  assert.equal(b!.action, 'command');
  assert.deepEqual(b!.args, { chdir: '/tmp', cmd: 'echo hi' });
  assert.equal(c!.action, 'command');
  assert.deepEqual(c!.args, { cmd: 'hostname' });
  assert.equal(c!.delegateTo, 'localhost');
  assert.deepEqual(d!.args, { msg: 'local' });
  assert.equal(d!.delegateTo, 'localhost');
});

test('FQCN module names resolve to the registered module', async () => {
  const pb = await loadText('- hosts: all\n  tasks:\n    - ansible.builtin.sysctl: {name: a}\n    - ansible.posix.sysctl: name=b\n');
  assert.deepEqual(pb.plays[0]!.tasks.map((t) => asTask(t).action), ['sysctl', 'sysctl']);
});

test('block/rescue/always with keywords; notify on a block reaches its tasks', async () => {
  const pb = await loadText(`
- hosts: all
  tasks:
    - name: B
      block:
        - debug: msg=1
        - debug: msg=2
          notify: own
      rescue:
        - debug: msg=r
      always:
        - debug: msg=a
      when: x
      become: yes
      tags: blk
      notify: from-block
      ignore_errors: true
  handlers:
    - {name: own, debug: msg=o}
    - {name: from-block, debug: msg=b}
`);
  const b = asBlock(pb.plays[0]!.tasks[0]);
  assert.equal(b.name, 'B');
  assert.deepEqual(b.when, ['x']);
  assert.equal(b.become, true);
  assert.deepEqual(b.tags, ['blk']);
  assert.equal(b.ignoreErrors, true);
  assert.equal(b.imported, undefined);
  assert.deepEqual(b.block.map((t) => asTask(t).notify), [['from-block'], ['own']]);
  assert.deepEqual(asTask(b.rescue[0]).notify, ['from-block']);
  assert.deepEqual(asTask(b.always[0]).args, { msg: 'a' });
});

test('meta tasks', async () => {
  const pb = await loadText('- hosts: all\n  tasks:\n    - meta: flush_handlers\n    - name: stop\n      meta: end_host\n      when: done\n');
  const [a, b] = pb.plays[0]!.tasks;
  assert.deepEqual(a, { kind: 'meta', action: 'flush_handlers', location: a!.location, tags: [], when: [] });
  assert.equal(b!.kind, 'meta');
  assert.equal(b!.name, 'stop');
  assert.deepEqual(b!.when, ['done']);
});

test('module_defaults are applied to the tasks in scope; task arguments win', async () => {
  const pb = await loadText(`
- hosts: all
  module_defaults:
    ansible.builtin.sysctl: {sysctl_file: /etc/sysctl.d/99-k8s.conf, reload: false}
  tasks:
    - sysctl: name=a reload=true
    - block:
        - sysctl: name=b
      module_defaults:
        sysctl: {sysctl_file: /etc/other.conf}
    - debug: msg=untouched
`);
  const [a, blk, c] = pb.plays[0]!.tasks;
  assert.deepEqual(asTask(a).args, { sysctl_file: '/etc/sysctl.d/99-k8s.conf', reload: 'true', name: 'a' });
  assert.deepEqual(asTask(asBlock(blk).block[0]).args, { sysctl_file: '/etc/other.conf', reload: false, name: 'b' });
  assert.deepEqual(asTask(c).args, { msg: 'untouched' });
});

test("a module_defaults alias is replaced by the task's canonical name", async () => {
  const pb = await loadText('- hosts: all\n  module_defaults: {sysctl: {key: a}}\n  tasks:\n    - sysctl: name=b\n');
  assert.deepEqual(asTask(pb.plays[0]!.tasks[0]).args, { name: 'b' });
});
