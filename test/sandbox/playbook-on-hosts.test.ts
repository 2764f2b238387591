/**
 * Whole playbooks over SSH on ten real sandbox hosts: parallel runs with facts, idempotent
 * re-runs, become with a password, a task timeout, and a host that dies mid-play.
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { sandboxSuite } from '../helpers/sandbox-host.js';
import { containerInit } from '../../src/sandbox/processes.js';

const HOSTS = Array.from({ length: 10 }, (_, i) => `web${String(i + 1).padStart(2, '0')}`);
const sb = sandboxSuite('plays', HOSTS, { first: ['web01', 'web02'] });

describe('playbooks on ten sandbox hosts', { skip: sb.skip }, () => {
  before(sb.up);
  after(sb.down);

  test('facts, files and templates on every host in parallel; a re-run changes nothing', async () => {
    const yaml = `
- hosts: all
  tasks:
    - name: write
      copy:
        content: "{{ inventory_hostname }} {{ ansible_distribution }} {{ ansible_processor_vcpus }}\\n"
        dest: /etc/k8splay-test.txt
        mode: "0640"
    - name: line
      lineinfile: { path: /etc/hosts, line: "10.9.9.9 {{ groups['first'] | join(' ') }}" }
`;
    const first = await sb.play(yaml);
    assert.equal(first.result.exitCode, 0);
    assert.equal(first.changed, 20);
    for (const h of ['web01', 'web07']) {
      assert.match(sb.shOk(h, 'cat /etc/k8splay-test.txt'), new RegExp(`^${h} Debian \\d+\\n$`));
      assert.equal(sb.shOk(h, 'stat -c %a /etc/k8splay-test.txt').trim(), '640');
      assert.match(sb.shOk(h, 'cat /etc/hosts'), /^10\.9\.9\.9 web01 web02$/m);
    }
    const again = await sb.play(yaml);
    assert.equal(again.result.exitCode, 0);
    assert.equal(again.changed, 0);
  });

  test('check mode changes nothing on the hosts', async () => {
    const before = sb.shOk('web03', 'cat /etc/k8splay-test.txt; md5sum /etc/hosts');
    const r = await sb.play(`
- hosts: web03
  gather_facts: false
  tasks:
    - { name: write, copy: { content: "other\\n", dest: /etc/k8splay-test.txt } }
    - { name: cmd, command: touch /etc/should-not-exist }
`, { check: true, diff: true });
    assert.equal(r.resultsOf('write')[0]!.status, 'changed');
    assert.equal(r.resultsOf('write')[0]!.diff?.[0]?.after, 'other\n');
    assert.equal(r.resultsOf('cmd')[0]!.status, 'skipped');
    assert.equal(sb.shOk('web03', 'cat /etc/k8splay-test.txt; md5sum /etc/hosts'), before);
    assert.equal(sb.sh('web03', 'test -e /etc/should-not-exist').rc, 1);
  });

  test('become: sudo with a password as another user; a wrong password fails clearly', async () => {
    sb.shOk('web04', [
      'useradd -m -s /bin/sh deploy 2>/dev/null || true',
      "echo 'deploy:s3cret' | chpasswd",
      'mkdir -p ~deploy/.ssh && cp /root/.ssh/authorized_keys ~deploy/.ssh/ && chown -R deploy: ~deploy/.ssh',
      "echo 'deploy ALL=(ALL) ALL' > /etc/sudoers.d/deploy && chmod 0440 /etc/sudoers.d/deploy",
    ].join(' && '));
    const yaml = `
- hosts: web04
  gather_facts: false
  tasks:
    - { name: who, command: id -un, register: who }
    - { name: root, command: id -un, become: true, register: root }
    - { name: record, copy: { content: "{{ who.stdout }} {{ root.stdout }}", dest: /tmp/who }, become: true }
`;
    const ok = await sb.play(yaml, { extraVars: { ansible_user: 'deploy' }, becomePassword: 's3cret' });
    assert.equal(ok.result.exitCode, 0, JSON.stringify(ok.result.tasks.map((t) => t.results.map((x) => x.msg))));
    assert.equal(sb.shOk('web04', 'cat /tmp/who'), 'deploy root');
    assert.equal(sb.shOk('web04', 'stat -c %U /tmp/who').trim(), 'root');
    const started = Date.now();
    const bad = await sb.play(yaml, { extraVars: { ansible_user: 'deploy' }, becomePassword: 'wrong' });
    assert.equal(bad.result.exitCode, 2);
    const failure = bad.resultsOf('root')[0]!;
    assert.equal(failure.status, 'failed');
    assert.match(failure.msg ?? '', /password/i);
    assert.ok(Date.now() - started < 30_000, 'a wrong password must not hang');
  });

  test('a task timeout fails that task and the host stays usable', async () => {
    const r = await sb.play(`
- hosts: web05
  gather_facts: false
  tasks:
    - { name: slow, command: sleep 30, timeout: 2, ignore_errors: true }
    - { name: after, command: echo still here, register: after }
`);
    const slow = r.resultsOf('slow')[0]!;
    assert.equal(slow.status, 'failed');
    assert.match(slow.msg ?? '', /timed out/);
    assert.ok(slow.durationMs < 15_000);
    assert.equal(r.resultsOf('after')[0]!.data.stdout, 'still here');
  });

  test('a host that dies mid-play is UNREACHABLE, the others finish, exit code 4', async () => {
    const victim = sb.state().hosts.find((h) => h.name === 'web10')!;
    const r = sb.play(`
- hosts: web06,web07,web08,web09,web10
  gather_facts: false
  tasks:
    - { name: first, command: "true" }
    - { name: long, command: sleep 3 }
    - { name: last, command: "true" }
`);
    // Pull the plug on web10 while "long" runs: kill its container's init (the whole pid namespace goes).
    await new Promise((res) => setTimeout(res, 1500));
    const init = containerInit(victim.pid);
    assert.ok(init, 'container init found');
    process.kill(init!, 'SIGKILL');
    const done = await r;
    assert.equal(done.result.exitCode, 4);
    assert.deepEqual(done.result.unreachableHosts, ['web10']);
    assert.deepEqual(done.resultsOf('last').map((x) => x.host).sort(), ['web06', 'web07', 'web08', 'web09']);
    assert.ok(done.resultsOf('last').every((x) => x.status === 'changed'));
    assert.equal(done.result.stats.web10!.unreachable, 1);
  });
});
