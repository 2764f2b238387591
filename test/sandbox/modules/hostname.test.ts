/**
 * The hostname module on a sandbox host over SSH: real systemd-hostnamed (hostnamectl), the
 * host's own UTS namespace, /etc/hostname. Read back with OpenSSH.
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { sandboxSuite } from '../../helpers/sandbox-host.js';

const sb = sandboxSuite('hostname', ['hn1']);
const H = 'hn1';

function play(tasks: string): string {
  return `- hosts: all\n  gather_facts: false\n  tasks:\n${tasks.replace(/^/gm, '    ')}\n`;
}

/** The running name, the static name (hostnamed's view) and /etc/hostname. */
function snapshot(): Record<string, string> {
  return {
    kernel: sb.shOk(H, 'hostname').trim(),
    static: sb.shOk(H, 'hostnamectl --static').trim(),
    file: sb.shOk(H, 'cat /etc/hostname'),
  };
}

describe('hostname module on a sandbox host', { skip: sb.skip }, () => {
  before(sb.up);
  after(sb.down);

  test('systemd: running and static names set; facts for later tasks; second run unchanged', async () => {
    assert.equal(snapshot().kernel, H);
    const yaml = play(`- name: name
  hostname: { name: master1.lab.example }
- name: show
  debug: { msg: "{{ ansible_hostname }} {{ ansible_nodename }}" }`);
    const first = await sb.play(yaml, { diff: true });
    assert.equal(first.result.exitCode, 0, JSON.stringify(first.result.tasks.map((t) => t.results)));
    const r = first.resultsOf('name')[0]!;
    assert.equal(r.status, 'changed');
    assert.deepEqual(snapshot(), { kernel: 'master1.lab.example', static: 'master1.lab.example', file: 'master1.lab.example\n' });
    assert.equal((r.data.ansible_facts as Record<string, unknown>).ansible_hostname, 'master1');
    assert.equal((r.data.ansible_facts as Record<string, unknown>).ansible_nodename, 'master1.lab.example');
    assert.deepEqual([r.diff![0]!.before, r.diff![0]!.after], [`hostname = ${H}\n`, 'hostname = master1.lab.example\n']);
    assert.equal(first.resultsOf('show')[0]!.msg, 'master1 master1.lab.example');
    const again = await sb.play(yaml);
    assert.equal(again.changed, 0);
  });

  test('only the running name drifted: it is set back and the next run is unchanged', async () => {
    sb.shOk(H, 'hostname drifted');
    const yaml = play(`- name: name
  hostname: { name: master1.lab.example }`);
    const r = await sb.play(yaml);
    assert.equal(r.resultsOf('name')[0]!.status, 'changed');
    assert.equal(snapshot().kernel, 'master1.lab.example');
    assert.equal((await sb.play(yaml)).changed, 0);
  });

  test('check mode changes nothing; diff shows the real before/after; use: file gets there', async () => {
    const before = snapshot();
    const yaml = play(`- name: name
  hostname: { name: worker-7, use: file }`);
    const chk = await sb.play(yaml, { check: true, diff: true });
    const r = chk.resultsOf('name')[0]!;
    assert.equal(r.status, 'changed');
    assert.deepEqual(snapshot(), before);
    assert.deepEqual([r.diff![0]!.before, r.diff![0]!.after], [`hostname = ${before.kernel}\n`, 'hostname = worker-7\n']);
    const real = await sb.play(yaml);
    assert.equal(real.resultsOf('name')[0]!.status, 'changed');
    assert.deepEqual(snapshot(), { kernel: 'worker-7', static: 'worker-7', file: 'worker-7\n' });
    assert.equal((await sb.play(yaml)).changed, 0);
  });

  test('bad arguments: a located error before anything runs', async () => {
    const before = snapshot();
    for (const [task, want] of [
      ['hostname: { name: x, use: freebsd }', /value of use must be one of: alpine, debian, file, openrc, redhat, sles, systemd, got: freebsd/],
      ['hostname: { use: systemd }', /missing required arguments: name/],
      ['ansible.builtin.hostname: { nme: x }', /unsupported parameter 'nme'/],
    ] as const) {
      const text = await sb.errorText(play(`- name: bad
  ${task}`), 'bad');
      assert.match(text, want);
      assert.match(text, /site\.yml:\d+:\d+/);
    }
    assert.deepEqual(snapshot(), before);
  });
});
