/**
 * The sysctl module on a sandbox host over SSH: real procps sysctl, real /proc/sys in the
 * host's own network namespace (net.* keys are writable there and independent of the
 * controller; the rest of /proc/sys is read-only, which gives the "refused" cases for real).
 * Files and live values are read back with OpenSSH, not through k8splay.
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { sandboxSuite } from '../../helpers/sandbox-host.js';

const sb = sandboxSuite('sysctl', ['sc1']);
const H = 'sc1';
const K8S = '/etc/sysctl.d/k8s.conf';

function play(tasks: string): string {
  return `- hosts: all\n  gather_facts: false\n  tasks:\n${tasks.replace(/^/gm, '    ')}\n`;
}

/** A key's live value on the host (through /proc, with OpenSSH). */
function live(key: string): string {
  return sb.shOk(H, `cat /proc/sys/${key.replace(/\./g, '/')}`).trim();
}

/** A file on the host, or null when it does not exist. */
function file(path: string): string | null {
  const r = sb.sh(H, `cat ${path}`);
  return r.rc === 0 ? r.stdout : null;
}

/** Everything a sysctl task may touch, for before/after comparisons. */
function snapshot(): Record<string, unknown> {
  return {
    k8s: file(K8S), conf: file('/etc/sysctl.conf'),
    fwd: live('net.ipv4.ip_forward'), ip6: live('net.bridge.bridge-nf-call-ip6tables'), ipt: live('net.bridge.bridge-nf-call-iptables'),
    listing: sb.shOk(H, 'ls -la /etc/sysctl.d'),
  };
}

const WALKTHROUGH = play(`- name: forwarding
  sysctl: { name: net.ipv4.ip_forward, value: 1, sysctl_file: ${K8S} }
- name: bridge iptables
  sysctl: { name: net.bridge.bridge-nf-call-iptables, value: 1, sysctl_file: ${K8S}, load_module: br_netfilter }
- name: bridge ip6tables
  sysctl: { name: net.bridge.bridge-nf-call-ip6tables, value: 'yes', sysctl_file: ${K8S} }`);

describe('sysctl module on a sandbox host', { skip: sb.skip }, () => {
  before(async () => {
    await sb.up();
    sb.shOk(H, `rm -f ${K8S}; sysctl -qw net.ipv4.ip_forward=0 net.bridge.bridge-nf-call-ip6tables=0`);
  });
  after(sb.down);

  test('walkthrough keys: first run changes file and live values, second run changes nothing', async () => {
    assert.equal(live('net.ipv4.ip_forward'), '0');
    const first = await sb.play(WALKTHROUGH);
    assert.equal(first.result.exitCode, 0, JSON.stringify(first.result.tasks.map((t) => t.results)));
    assert.equal(first.resultsOf('forwarding')[0]!.status, 'changed');
    assert.equal(first.resultsOf('bridge ip6tables')[0]!.status, 'changed');
    assert.equal(file(K8S), 'net.ipv4.ip_forward=1\nnet.bridge.bridge-nf-call-iptables=1\nnet.bridge.bridge-nf-call-ip6tables=1\n');
    assert.equal(live('net.ipv4.ip_forward'), '1');
    assert.equal(live('net.bridge.bridge-nf-call-ip6tables'), '1');
    // What the host's own sysctl reads from the file agrees.
    assert.match(sb.shOk(H, `sysctl -p ${K8S}`), /net\.bridge\.bridge-nf-call-ip6tables = 1/);
    const again = await sb.play(WALKTHROUGH);
    assert.equal(again.result.exitCode, 0);
    assert.equal(again.changed, 0);
  });

  test('the live value drifted while the file is right: changed and fixed (ansible#59632); reload=false leaves it', async () => {
    sb.shOk(H, 'sysctl -qw net.ipv4.ip_forward=0');
    const keep = await sb.play(play(`- name: file only
  sysctl: { name: net.ipv4.ip_forward, value: 1, sysctl_file: ${K8S}, reload: false }`));
    assert.equal(keep.changed, 0);
    assert.equal(live('net.ipv4.ip_forward'), '0');
    const fix = await sb.play(play(`- name: fix
  sysctl: { name: net.ipv4.ip_forward, value: 1, sysctl_file: ${K8S} }`));
    assert.equal(fix.resultsOf('fix')[0]!.status, 'changed');
    assert.equal(live('net.ipv4.ip_forward'), '1');
  });

  test('check mode changes nothing on the host; diff mode shows the real before/after', async () => {
    const before = snapshot();
    const yaml = play(`- name: disable
  sysctl: { name: net.ipv4.ip_forward, value: 'off', sysctl_file: ${K8S} }`);
    const chk = await sb.play(yaml, { check: true, diff: true });
    const r = chk.resultsOf('disable')[0]!;
    assert.equal(r.status, 'changed');
    assert.deepEqual(snapshot(), before);
    assert.equal(r.diff![0]!.before, before.k8s);
    assert.equal(r.diff![0]!.after, String(before.k8s).replace('net.ipv4.ip_forward=1', 'net.ipv4.ip_forward=0'));
    assert.equal(r.diff![1]!.before, 'net.ipv4.ip_forward = 1\n');
    assert.equal(r.diff![1]!.after, 'net.ipv4.ip_forward = 0\n');
    // The same task for real: the host ends where the diff said.
    const real = await sb.play(yaml, { diff: true });
    assert.equal(file(K8S), real.resultsOf('disable')[0]!.diff![0]!.after);
    assert.equal(live('net.ipv4.ip_forward'), '0');
  });

  test('duplicates and comments: the last line (the one sysctl -p keeps) is edited, nothing else', async () => {
    const text = '# lab tuning\nnet.ipv4.ip_forward = 1\n\n; keep me\nnet.ipv4.ping_group_range = 0 2147483647\nnet.ipv4.ip_forward=0\n';
    sb.shOk(H, `printf '%s' '${text}' > /etc/sysctl.d/dup.conf`);
    const yaml = play(`- name: dup
  sysctl: { name: net.ipv4.ip_forward, value: 1, sysctl_file: /etc/sysctl.d/dup.conf }`);
    const r = await sb.play(yaml);
    assert.equal(r.resultsOf('dup')[0]!.status, 'changed');
    assert.equal(file('/etc/sysctl.d/dup.conf'), text.replace('net.ipv4.ip_forward=0', 'net.ipv4.ip_forward=1'));
    assert.match((r.resultsOf('dup')[0]!.warnings ?? []).join('\n'), /set on lines 2, 6/);
    assert.equal(live('net.ipv4.ip_forward'), '1');
    // The kernel prints the range with a tab; the file has a space: still equal.
    const range = await sb.play(play(`- name: range
  sysctl: { name: net.ipv4.ping_group_range, value: '0 2147483647', sysctl_file: /etc/sysctl.d/dup.conf, sysctl_set: true }`));
    assert.equal(range.changed, 0);
    assert.equal((await sb.play(yaml)).changed, 0);
    const gone = await sb.play(play(`- name: gone
  sysctl: { name: net.ipv4.ip_forward, state: absent, sysctl_file: /etc/sysctl.d/dup.conf }`));
    assert.equal(gone.resultsOf('gone')[0]!.status, 'changed');
    assert.equal(file('/etc/sysctl.d/dup.conf'), '# lab tuning\n\n; keep me\nnet.ipv4.ping_group_range = 0 2147483647\n');
    sb.shOk(H, 'rm -f /etc/sysctl.d/dup.conf');
  });

  test('values the kernel refuses fail with sysctl\'s words, and the file is left as it was', async () => {
    const before = snapshot();
    const r = await sb.play(play(`- name: invalid
  sysctl: { name: net.ipv4.ip_forward, value: foo, sysctl_file: ${K8S} }
  ignore_errors: true
- name: read-only
  sysctl: { name: vm.swappiness, value: 10, sysctl_file: ${K8S} }
  ignore_errors: true`));
    const inv = r.resultsOf('invalid')[0]!;
    assert.equal(inv.status, 'failed');
    assert.equal(inv.msg, 'setting net.ipv4.ip_forward failed: sysctl: setting key "net.ipv4.ip_forward": Invalid argument');
    const ro = r.resultsOf('read-only')[0]!;
    assert.equal(ro.status, 'failed');
    assert.match(ro.msg!, /^setting vm\.swappiness failed: sysctl: permission denied on key "vm\.swappiness"/);
    assert.match(ro.msg!, /read-only on this host/);
    assert.deepEqual(snapshot(), before);
  });

  test('a key that does not exist: a clear error; ignoreerrors writes the file and warns', async () => {
    const before = snapshot();
    const r = await sb.play(play(`- name: unknown
  sysctl: { name: net.bridge.bridge-nf-call-nothing, value: 1, sysctl_file: ${K8S} }
  ignore_errors: true`));
    const u = r.resultsOf('unknown')[0]!;
    assert.equal(u.status, 'failed');
    // br_netfilter is there (built into this kernel: /proc/sys/net/bridge exists), so the key is just unknown.
    assert.equal(sb.sh(H, 'test -d /proc/sys/net/bridge').rc, 0);
    assert.match(u.msg!, /sysctl key net\.bridge\.bridge-nf-call-nothing does not exist on this host \(no \/proc\/sys\/net\/bridge\/bridge-nf-call-nothing\)/);
    assert.deepEqual(snapshot(), before);
    const ig = await sb.play(play(`- name: ignored
  sysctl: { name: net.bridge.bridge-nf-call-nothing, value: 1, sysctl_file: /etc/sysctl.d/ign.conf, ignoreerrors: true }`));
    const i = ig.resultsOf('ignored')[0]!;
    assert.equal(i.status, 'changed', i.msg);
    assert.match((i.warnings ?? []).join('\n'), /does not exist on this host; ignored/);
    assert.equal(file('/etc/sysctl.d/ign.conf'), 'net.bridge.bridge-nf-call-nothing=1\n');
    assert.equal((await sb.play(play(`- name: ignored
  sysctl: { name: net.bridge.bridge-nf-call-nothing, value: 1, sysctl_file: /etc/sysctl.d/ign.conf, ignoreerrors: true }`))).changed, 0);
    sb.shOk(H, 'rm -f /etc/sysctl.d/ign.conf');
  });

  test('bad arguments: a located error before anything runs', async () => {
    const before = snapshot();
    for (const [task, want] of [
      ['sysctl: { name: net.ipv4.ip_forward, value: 1, state: gone }', /value of state must be one of: present, absent, got: gone/],
      ['sysctl: { name: net.ipv4.ip_forward }', /missing required arguments: value/],
      ['sysctl: { name: net.ipv4.ip_forward, value: 1, reloadd: true }', /unsupported parameter 'reloadd'/],
    ] as const) {
      const text = await sb.errorText(play(`- name: bad
  ${task}`), 'bad');
      assert.match(text, want);
      assert.match(text, /site\.yml:\d+:\d+/);
    }
    assert.deepEqual(snapshot(), before);
  });
});
