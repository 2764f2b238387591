/**
 * The executor's semantics, end to end through run(), on local hosts in temporary directories.
 * Expected numbers follow what ansible-playbook 2.14 reports for the same playbooks.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConnectionError } from '../../src/errors.js';
import type { Connection, ConnectionOptions } from '../../src/connection/types.js';
import { projectsForThisFile, runIn, localInventory, localWith } from '../helpers/playbook-fixture.js';

const project = projectsForThisFile();

test('loop with a per-item when, and the registered results', async () => {
  const dir = project({
    'hosts.ini': localInventory(['h1']),
    'site.yml': `
- hosts: all
  gather_facts: false
  tasks:
    - name: echo
      command: echo {{ item }}
      loop: [1, 2, 3]
      when: item != 2
      register: out
    - name: show
      set_fact:
        got: "{{ out.results | map(attribute='stdout', default='-') | list }}"
        skipped: "{{ out.results | selectattr('skipped', 'defined') | list | length }}"
`,
  });
  const r = await runIn(dir);
  assert.equal(r.result.exitCode, 0);
  const echo = r.resultsOf('echo')[0]!;
  assert.equal(echo.status, 'changed');
  assert.deepEqual(echo.items!.map((i) => i.status), ['changed', 'skipped', 'changed']);
  const h1 = r.result.stats.h1!;
  assert.deepEqual(h1, { ok: 2, changed: 1, unreachable: 0, failed: 0, skipped: 0, rescued: 0, ignored: 0 });
});

test('handlers run once, at the end of the play, in definition order, only where notified', async () => {
  const dir = project({
    'hosts.ini': localInventory(['h1', 'h2']),
    'site.yml': `
- hosts: all
  gather_facts: false
  tasks:
    - name: change twice
      command: "true"
      notify: [second, first]
      loop: [a, b]
      when: inventory_hostname == 'h1'
    - name: listen topic
      command: "true"
      notify: topic
      when: inventory_hostname == 'h2'
    - name: ok only
      command: "true"
      changed_when: false
      notify: never-notified
  handlers:
    - name: first
      shell: echo first >> $DIR/order-{{ inventory_hostname }}
    - name: second
      shell: echo second >> $DIR/order-{{ inventory_hostname }}
    - name: never-notified
      shell: echo never >> $DIR/order-{{ inventory_hostname }}
    - name: by topic
      listen: topic
      shell: echo topic >> $DIR/order-{{ inventory_hostname }}
`,
  });
  const r = await runIn(dir);
  assert.equal(r.result.exitCode, 0);
  assert.equal(readFileSync(join(dir, 'order-h1'), 'utf8'), 'first\nsecond\n');
  assert.equal(readFileSync(join(dir, 'order-h2'), 'utf8'), 'topic\n');
  // Handlers come after every task.
  const names = r.lines.map((l) => l[0]);
  assert.ok(names.indexOf('first') > names.lastIndexOf('ok only'));
});

test('block / rescue / always: a rescued failure counts as rescued, not failed', async () => {
  const dir = project({
    'hosts.ini': localInventory(['h1']),
    'site.yml': `
- hosts: all
  gather_facts: false
  tasks:
    - block:
        - name: boom
          command: /bin/false
        - name: not reached
          command: "true"
      rescue:
        - name: rescue
          debug: msg=rescued
      always:
        - name: always
          shell: touch $DIR/always-ran
    - name: after
      command: "true"
`,
  });
  const r = await runIn(dir);
  assert.equal(r.result.exitCode, 0);
  assert.equal(r.resultsOf('not reached').length, 0);
  assert.ok(existsSync(join(dir, 'always-ran')));
  assert.equal(r.resultsOf('after')[0]!.status, 'changed');
  assert.deepEqual(r.result.stats.h1, { ok: 3, changed: 2, unreachable: 0, failed: 0, skipped: 0, rescued: 1, ignored: 0 });
});

test('always runs after an unrescued failure, and the host stays failed', async () => {
  const dir = project({
    'hosts.ini': localInventory(['h1']),
    'site.yml': `
- hosts: all
  gather_facts: false
  tasks:
    - block:
        - name: boom
          fail: msg=nope
      always:
        - name: always
          shell: touch $DIR/always-ran
    - name: after
      command: "true"
`,
  });
  const r = await runIn(dir);
  assert.equal(r.result.exitCode, 2);
  assert.ok(existsSync(join(dir, 'always-ran')));
  assert.equal(r.resultsOf('after').length, 0);
  assert.equal(r.result.stats.h1!.failed, 1);
  assert.deepEqual(r.result.failedHosts, ['h1']);
});

test('ignore_errors counts ok + ignored (+ changed) and the play goes on', async () => {
  const dir = project({
    'hosts.ini': localInventory(['h1']),
    'site.yml': `
- hosts: all
  gather_facts: false
  tasks:
    - name: fails
      command: /bin/false
      ignore_errors: "{{ 1 == 1 }}"
    - name: next
      command: "true"
`,
  });
  const r = await runIn(dir);
  assert.equal(r.result.exitCode, 0);
  assert.equal(r.resultsOf('fails')[0]!.ignored, true);
  assert.deepEqual(r.result.stats.h1, { ok: 2, changed: 2, unreachable: 0, failed: 0, skipped: 0, rescued: 0, ignored: 1 });
});

test('a failed host stops there while the others go on; exit code 2', async () => {
  const dir = project({
    'hosts.ini': localInventory(['h1', 'h2', 'h3']),
    'site.yml': `
- hosts: all
  gather_facts: false
  tasks:
    - name: maybe fail
      fail: msg="h2 fails"
      when: inventory_hostname == 'h2'
    - name: after
      command: "true"
- hosts: all
  gather_facts: false
  tasks:
    - name: second play
      command: "true"
`,
  });
  const r = await runIn(dir);
  assert.equal(r.result.exitCode, 2);
  assert.deepEqual(r.resultsOf('after').map((x) => x.host).sort(), ['h1', 'h3']);
  assert.deepEqual(r.resultsOf('second play').map((x) => x.host).sort(), ['h1', 'h3']);
  const failed = r.resultsOf('maybe fail').find((x) => x.host === 'h2')!;
  assert.equal(failed.status, 'failed');
  assert.match(failed.msg ?? '', /h2 fails/);
});

test('registered results and facts of one host are readable from another through hostvars', async () => {
  const dir = project({
    'hosts.ini': localInventory(['master', 'node1', 'node2'], '[masters]\nmaster\n[nodes]\nnode1\nnode2\n'),
    'site.yml': `
- hosts: masters
  gather_facts: false
  tasks:
    - name: make token
      command: echo abcdef.0123456789abcdef
      register: token
    - set_fact:
        ca_hash: sha256:1234
- hosts: nodes
  gather_facts: false
  tasks:
    - name: join
      shell: echo "join {{ hostvars[groups['masters'][0]].token.stdout }} {{ hostvars['master'].ca_hash }}" > $DIR/{{ inventory_hostname }}.join
`,
  });
  const r = await runIn(dir);
  assert.equal(r.result.exitCode, 0);
  for (const n of ['node1', 'node2']) {
    assert.equal(readFileSync(join(dir, `${n}.join`), 'utf8'), 'join abcdef.0123456789abcdef sha256:1234\n');
  }
});

test('run_once runs on the first host and shares the registered result', async () => {
  const dir = project({
    'hosts.ini': localInventory(['h1', 'h2', 'h3']),
    'site.yml': `
- hosts: all
  gather_facts: false
  tasks:
    - name: once
      shell: echo {{ inventory_hostname }} >> $DIR/once.log; echo from-{{ inventory_hostname }}
      run_once: true
      register: once
    - name: use
      shell: echo {{ once.stdout }} > $DIR/{{ inventory_hostname }}.seen
`,
  });
  const r = await runIn(dir);
  assert.equal(r.result.exitCode, 0);
  assert.equal(readFileSync(join(dir, 'once.log'), 'utf8'), 'h1\n');
  for (const h of ['h1', 'h2', 'h3']) assert.equal(readFileSync(join(dir, `${h}.seen`), 'utf8'), 'from-h1\n');
});

test('serial runs the whole play on one batch before the next', async () => {
  const dir = project({
    'hosts.ini': localInventory(['h1', 'h2', 'h3']),
    'site.yml': `
- hosts: all
  gather_facts: false
  serial: [1, 2]
  tasks:
    - name: A
      command: "true"
    - name: B
      command: "true"
`,
  });
  const r = await runIn(dir);
  assert.deepEqual(r.lines.map((l) => `${l[0]}:${l[1]}`), ['A:h1', 'B:h1', 'A:h2', 'A:h3', 'B:h2', 'B:h3']);
});

test('tags: --tags, --skip-tags, always and never follow Ansible', async () => {
  const files = {
    'hosts.ini': localInventory(['h1']),
    'site.yml': `
- hosts: all
  gather_facts: false
  tasks:
    - { name: plain, command: "true" }
    - { name: tagged-a, command: "true", tags: a }
    - { name: tagged-b, command: "true", tags: [b] }
    - { name: always, command: "true", tags: always }
    - { name: never, command: "true", tags: [never, debug] }
    - block:
        - { name: inherited, command: "true" }
      tags: a
`,
  };
  const names = async (opts: object): Promise<string[]> => (await runIn(project(files), opts)).lines.map((l) => l[0]);
  assert.deepEqual(await names({}), ['plain', 'tagged-a', 'tagged-b', 'always', 'inherited']);
  assert.deepEqual(await names({ tags: ['a'] }), ['tagged-a', 'always', 'inherited']);
  assert.deepEqual(await names({ skipTags: ['a'] }), ['plain', 'tagged-b', 'always']);
  assert.deepEqual(await names({ tags: ['debug'] }), ['always', 'never']);
  assert.deepEqual(await names({ tags: ['untagged'] }), ['plain', 'always']);
  assert.deepEqual(await names({ tags: ['tagged'] }), ['tagged-a', 'tagged-b', 'always', 'inherited']);
  assert.deepEqual(await names({ tags: ['b'], skipTags: ['always'] }), ['tagged-b']);
});

test('--limit narrows the hosts of every play', async () => {
  const dir = project({
    'hosts.ini': localInventory(['h1', 'h2', 'h3'], '[g]\nh1\nh2\n'),
    'site.yml': `
- hosts: all
  gather_facts: false
  tasks:
    - { name: t, command: "true" }
`,
  });
  const r = await runIn(dir, { limit: 'g:!h1' });
  assert.deepEqual(r.lines.map((l) => l[1]), ['h2']);
  assert.deepEqual(Object.keys(r.result.stats), ['h2']);
});

test('retries/until retries until the condition holds and records attempts', async () => {
  const dir = project({
    'hosts.ini': localInventory(['h1']),
    'site.yml': `
- hosts: all
  gather_facts: false
  tasks:
    - name: flaky
      shell: echo x >> $DIR/count; wc -l < $DIR/count
      register: r
      until: r.stdout | int >= 3
      retries: 5
      delay: 0
    - name: exhausted
      command: "false"
      register: e
      until: e.rc == 0
      retries: 2
      delay: 0
      ignore_errors: true
`,
  });
  const r = await runIn(dir);
  const flaky = r.resultsOf('flaky')[0]!;
  assert.equal(flaky.status, 'changed');
  assert.equal(flaky.data.attempts, 3);
  const ex = r.resultsOf('exhausted')[0]!;
  assert.equal(ex.status, 'failed');
  assert.equal(ex.data.attempts, 3);
  assert.equal(r.events.filter((e) => e.name === 'warning').length, 2 + 2);
});

test('changed_when and failed_when see the registered result', async () => {
  const dir = project({
    'hosts.ini': localInventory(['h1']),
    'site.yml': `
- hosts: all
  gather_facts: false
  tasks:
    - name: never changed
      command: echo hello
      register: out
      changed_when: "'bye' in out.stdout"
    - name: failed by output
      command: echo ERROR here
      register: out2
      failed_when: "'ERROR' in out2.stdout"
      ignore_errors: true
    - name: not failed despite rc
      command: "false"
      register: out3
      failed_when: out3.rc not in [0, 1]
`,
  });
  const r = await runIn(dir);
  assert.equal(r.resultsOf('never changed')[0]!.status, 'ok');
  assert.equal(r.resultsOf('failed by output')[0]!.status, 'failed');
  assert.equal(r.resultsOf('not failed despite rc')[0]!.status, 'changed');
  assert.equal(r.result.exitCode, 0);
});

test('include_tasks with a loop and import_tasks with inherited when', async () => {
  const dir = project({
    'hosts.ini': localInventory(['h1']),
    'inc.yml': `
- name: included
  shell: echo {{ item }} >> $DIR/inc.log
`,
    'imp.yml': `
- name: imported one
  shell: echo one >> $DIR/imp.log
- name: imported two
  shell: echo two >> $DIR/imp.log
`,
    'site.yml': `
- hosts: all
  gather_facts: false
  tasks:
    - include_tasks: inc.yml
      loop: [x, y]
    - import_tasks: imp.yml
      when: false
    - import_tasks: imp.yml
`,
  });
  const r = await runIn(dir);
  assert.equal(r.result.exitCode, 0);
  assert.equal(readFileSync(join(dir, 'inc.log'), 'utf8'), 'x\ny\n');
  assert.equal(readFileSync(join(dir, 'imp.log'), 'utf8'), 'one\ntwo\n');
  assert.equal(r.resultsOf('imported one').filter((x) => x.status === 'skipped').length, 1);
});

test('check mode: files are not written, commands are skipped, the plan is reported', async () => {
  const dir = project({
    'hosts.ini': localInventory(['h1']),
    'site.yml': `
- hosts: all
  gather_facts: false
  tasks:
    - name: write
      copy:
        content: "hello\\n"
        dest: $DIR/out.txt
    - name: cmd
      command: touch $DIR/touched
    - name: forced
      command: touch $DIR/forced
      check_mode: false
    - name: mode
      debug: msg="{{ ansible_check_mode }}"
`,
  });
  const r = await runIn(dir, { check: true, diff: true });
  assert.equal(r.result.exitCode, 0);
  assert.ok(!existsSync(join(dir, 'out.txt')));
  assert.ok(!existsSync(join(dir, 'touched')));
  assert.ok(existsSync(join(dir, 'forced')));
  const w = r.resultsOf('write')[0]!;
  assert.equal(w.status, 'changed');
  assert.equal(w.diff?.[0]?.after, 'hello\n');
  assert.equal(r.resultsOf('cmd')[0]!.status, 'skipped');
  assert.equal(r.resultsOf('mode')[0]!.data.msg, true);
});

test('no_log: the secret appears in no event, result or message', async () => {
  const dir = project({
    'hosts.ini': localInventory(['h1']),
    'site.yml': `
- hosts: all
  gather_facts: false
  vars:
    secret: s3cr3t-value
  tasks:
    - name: uses secret
      shell: echo {{ secret }}
      no_log: true
    - name: fails with secret
      fail: msg="bad {{ secret }}"
      no_log: true
      ignore_errors: true
    - name: loop with secret
      debug: msg={{ item }}
      loop: ["{{ secret }}"]
      no_log: true
`,
  });
  const r = await runIn(dir);
  const everything = JSON.stringify(r.events) + JSON.stringify(r.result);
  assert.ok(!everything.includes('s3cr3t-value'), 'secret leaked');
  assert.equal(r.resultsOf('uses secret')[0]!.status, 'changed');
});

test('precedence: extra vars > set_fact > task vars > play vars > inventory', async () => {
  const dir = project({
    'hosts.ini': localInventory(['h1'], '[all:vars]\na=inv\nb=inv\nc=inv\nd=inv\n'),
    'site.yml': `
- hosts: all
  gather_facts: false
  vars: { b: play, c: play, d: play }
  tasks:
    - set_fact: { d: fact }
    - name: show
      debug: msg="{{ a }} {{ b }} {{ c }} {{ d }} {{ e }}"
      vars: { c: task, d: task }
`,
  });
  const r = await runIn(dir, { extraVars: { e: 'extra', a: 'extra' } });
  assert.equal(r.resultsOf('show')[0]!.data.msg, 'extra play task fact extra');
});

test('environment, lazily templated vars, and delegate_to', async () => {
  const dir = project({
    'hosts.ini': localInventory(['h1', 'h2']),
    'site.yml': `
- hosts: h1
  gather_facts: false
  vars:
    base: $DIR
    target: "{{ base }}/env-{{ inventory_hostname }}"
  tasks:
    - name: env
      shell: echo "$GREETING" > {{ target }}
      environment:
        GREETING: "hi {{ inventory_hostname }}"
    - name: delegated
      shell: echo {{ inventory_hostname }} > $DIR/delegated
      delegate_to: h2
`,
  });
  const r = await runIn(dir);
  assert.equal(r.result.exitCode, 0);
  assert.equal(readFileSync(join(dir, 'env-h1'), 'utf8'), 'hi h1\n');
  assert.equal(readFileSync(join(dir, 'delegated'), 'utf8'), 'h1\n');
  assert.equal(r.resultsOf('delegated')[0]!.delegatedTo, 'h2');
});

test('--start-at-task skips what comes before the named task', async () => {
  const dir = project({
    'hosts.ini': localInventory(['h1']),
    'site.yml': `
- hosts: all
  gather_facts: false
  tasks:
    - { name: one, command: "true" }
    - { name: two, command: "true" }
    - { name: three, command: "true" }
`,
  });
  const r = await runIn(dir, { startAtTask: 'two' });
  assert.deepEqual(r.lines.map((l) => l[0]), ['two', 'three']);
});

test('any_errors_fatal ends the play for every host', async () => {
  const dir = project({
    'hosts.ini': localInventory(['h1', 'h2']),
    'site.yml': `
- hosts: all
  gather_facts: false
  any_errors_fatal: true
  tasks:
    - { name: boom, fail: { msg: x }, when: "inventory_hostname == 'h1'" }
    - { name: after, command: "true" }
`,
  });
  const r = await runIn(dir);
  assert.equal(r.resultsOf('after').length, 0);
  assert.equal(r.result.exitCode, 2);
});

test('an unreachable host is reported apart from failed; exit code 4 wins over 2', async () => {
  const dir = project({
    'hosts.ini': 'good ansible_connection=local\nbad ansible_connection=refusing\nworse ansible_connection=local\n',
    'site.yml': `
- hosts: all
  gather_facts: false
  tasks:
    - { name: t, command: "true" }
    - { name: f, fail: { msg: x }, when: "inventory_hostname == 'worse'" }
`,
  });
  // A transport whose connect is refused (the SSH transport's own failures are tested on sandbox hosts).
  const refusing = (o: ConnectionOptions): Connection => ({
    kind: 'refusing', host: o.host,
    connect: async () => { throw new ConnectionError(o.host, 'Failed to connect to the host via ssh: Connection refused'); },
    exec: async () => { throw new Error('not connected'); },
    get: async () => null,
    close: async () => undefined,
  });
  const r = await runIn(dir, { connections: { refusing } });
  const bad = r.resultsOf('t').find((x) => x.host === 'bad')!;
  assert.equal(bad.status, 'unreachable');
  assert.equal(r.result.stats.bad!.unreachable, 1);
  assert.equal(r.result.stats.worse!.failed, 1);
  assert.equal(r.result.exitCode, 4);
});

test('facts a module returns are visible as ansible_facts.x and ansible_x', async () => {
  const lib = `export default { name: 'fact_maker', description: 'returns a fact', schema: { type: 'object', properties: {} },
    diff: () => ({ changes: [], result: { ansible_facts: { ansible_color: 'blue' } } }) };\n`;
  const dir = project({
    'hosts.ini': localInventory(['h1']),
    'library/fact_maker.mjs': lib,
    'site.yml': `
- hosts: all
  gather_facts: false
  tasks:
    - fact_maker: {}
    - name: show
      debug: msg="{{ ansible_facts.color }} {{ ansible_color }}"
`,
  });
  const r = await runIn(dir);
  assert.equal(r.resultsOf('show')[0]!.data.msg, 'blue blue');
});

test('task names are rendered with play vars; {{ item }} stays as written', async () => {
  const dir = project({
    'hosts.ini': localInventory(['h1']),
    'site.yml': `
- hosts: all
  gather_facts: false
  vars: { version: 1.13.3 }
  tasks:
    - { name: "Install {{ version }}", command: "true" }
    - { name: "Item {{ item }}", command: "true", loop: [a] }
`,
  });
  const r = await runIn(dir);
  assert.deepEqual(r.lines.map((l) => l[0]), ['Install 1.13.3', 'Item {{ item }}']);
});

test('honest check mode: a task that depends on earlier predicted changes is unknown, not failed', async () => {
  const dir = project({
    'hosts.ini': localInventory(['h1']),
    'site.yml': `
- hosts: all
  gather_facts: false
  tasks:
    - name: create
      copy: { content: "x", dest: "$DIR/made" }
    - name: needs it
      command: cat $DIR/made
      check_mode: false
    - name: independent failure stays a failure
      fail: { msg: nope }
      when: false
`,
  });
  const r = await runIn(dir, { check: true });
  const needs = r.resultsOf('needs it')[0]!;
  assert.equal(needs.status, 'skipped');
  assert.match(needs.skipReason ?? '', /unknown in check mode: 1 earlier change\(s\) not applied, the latest by 'create'/);
  assert.equal(r.result.exitCode, 0);
  // Without an earlier predicted change, a check-mode failure is a failure.
  const dir2 = project({
    'hosts.ini': localInventory(['h1']),
    'site.yml': `
- hosts: all
  gather_facts: false
  tasks:
    - { name: fails, command: cat /nonexistent/file, check_mode: false }
`,
  });
  const r2 = await runIn(dir2, { check: true });
  assert.equal(r2.resultsOf('fails')[0]!.status, 'failed');
  assert.equal(r2.result.exitCode, 2);
});

test('rescue sees ansible_failed_task and ansible_failed_result', async () => {
  const dir = project({
    'hosts.ini': localInventory(['h1']),
    'site.yml': `
- hosts: all
  gather_facts: false
  tasks:
    - block:
        - name: breaks
          command: sh -c 'echo oops >&2; exit 3'
      rescue:
        - name: report
          debug: msg="{{ ansible_failed_task.name }} rc={{ ansible_failed_result.rc }} {{ ansible_failed_result.stderr }}"
    - name: after rescue
      debug: msg="{{ ansible_failed_task | default('gone') }}"
`,
  });
  const r = await runIn(dir);
  assert.equal(r.resultsOf('report')[0]!.data.msg, 'breaks rc=3 oops');
  assert.equal(r.resultsOf('after rescue')[0]!.data.msg, 'gone');
});

test('throttle: at most N hosts run the task at once (on a task, from a block, templated); others run at --forks', async () => {
  const work = (name: string) => `
        - name: ${name}
          shell: "touch {{ d }}/{{ inventory_hostname }}; sleep 0.3; ls {{ d }} | wc -l >> {{ d }}/../${name}.counts; rm {{ d }}/{{ inventory_hostname }}"`;
  const dir = project({
    'hosts.ini': localInventory(['h1', 'h2', 'h3', 'h4']),
    'site.yml': `
- hosts: all
  gather_facts: false
  vars: { d: "{{ playbook_dir }}/running", two: 2 }
  tasks:
    - { name: mk, file: { path: "{{ d }}", state: directory }, run_once: true }
${work('free').replace(/^ {4}/gm, '')}
    - block:
${work('block')}
      throttle: 1
${work('task').replace(/^ {4}/gm, '')}
      throttle: "{{ two }}"
`,
  });
  const r = await runIn(dir);
  assert.equal(r.result.exitCode, 0);
  const most = (name: string): number => Math.max(...readFileSync(join(dir, `${name}.counts`), 'utf8').trim().split('\n').map(Number));
  assert.equal(most('block'), 1, 'throttle: 1 on the block');
  assert.ok(most('task') <= 2, 'throttle: "{{ two }}" on the task');
  assert.ok(most('free') > 2, 'without throttle the four hosts overlap');
  for (const t of ['free', 'block', 'task']) assert.equal(r.resultsOf(t).length, 4, t);
});

test('what a connection reports while opening (no keeper: connected directly) is a warning, once per host', async () => {
  const dir = project({
    'hosts.ini': 'a ansible_connection=noted\nb ansible_connection=noted\n',
    'site.yml': `
- hosts: all
  gather_facts: false
  tasks:
    - { name: one, command: "true" }
    - { name: two, command: "true" }
`,
  });
  const noted = localWith({ kind: 'noted', warnings: (host) => [`connecting directly: the keeper of ${host} is away`] });
  const r = await runIn(dir, { connections: { noted } });
  assert.equal(r.result.exitCode, 0);
  const warnings = r.events.filter((e) => e.name === 'warning').map((e) => e.payload as { host?: string; message: string });
  assert.deepEqual(warnings.map((w) => `${w.host}: ${w.message}`).sort(), [
    'a: connecting directly: the keeper of a is away', 'b: connecting directly: the keeper of b is away',
  ]);
});

test('ansible_play_hosts and ansible_play_batch leave out failed hosts, as Ansible (2.14) does', async () => {
  const dir = project({
    'hosts.ini': localInventory(['h1', 'h2', 'h3']),
    'site.yml': `
- hosts: all
  gather_facts: false
  serial: 2
  tasks:
    - fail: { msg: x }
      when: inventory_hostname == 'h2'
    - name: show
      debug: { msg: "hosts={{ ansible_play_hosts }} batch={{ ansible_play_batch }} play_hosts={{ play_hosts }} all={{ ansible_play_hosts_all }}" }
`,
  });
  const r = await runIn(dir);
  // ansible-playbook 2.14 on the same playbook (local connection):
  assert.deepEqual(r.resultsOf('show').map((x) => [x.host, x.msg]), [
    ['h1', "hosts=['h1', 'h3'] batch=['h1'] play_hosts=['h1'] all=['h1', 'h2', 'h3']"],
    ['h3', "hosts=['h1', 'h3'] batch=['h3'] play_hosts=['h3'] all=['h1', 'h2', 'h3']"],
  ]);
});
