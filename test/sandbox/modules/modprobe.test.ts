/**
 * The modprobe module on a sandbox host over SSH, with real kmod and real files.
 *
 * What a sandbox host can and cannot show: it is a container on the controller's kernel, with
 * no CAP_SYS_MODULE and no /lib/modules/<release>; this kernel has no /proc/modules either
 * (br_netfilter and overlay are built in). So loading and unloading are NOT tested for real
 * here (unit tests cover them with a fake host); tested for real are: a module that is there
 * reported present with no change, persistence files (written, idempotent, commented out,
 * check mode, diff), and the error when loading is impossible. Each case checks the host's
 * facts first and skips, saying why, when the host differs from that description.
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { sandboxSuite } from '../../helpers/sandbox-host.js';

const sb = sandboxSuite('modprobe', ['mp1']);
const H = 'mp1';

function play(tasks: string): string {
  return `- hosts: all\n  gather_facts: false\n  tasks:\n${tasks.replace(/^/gm, '    ')}\n`;
}

/** The two persistence directories, every file with its content (OpenSSH). */
function confState(): string {
  return sb.shOk(H, 'for d in /etc/modules-load.d /etc/modprobe.d; do ls -la --time-style=full-iso "$d" 2>&1; for f in "$d"/*; do [ -f "$f" ] && { echo "== $f"; cat "$f"; }; done; done');
}

function file(path: string): string | null {
  const r = sb.sh(H, `cat ${path}`);
  return r.rc === 0 ? r.stdout : null;
}

describe('modprobe module on a sandbox host', { skip: sb.skip }, () => {
  let canLoad = false;
  let bridgePresent = false;
  before(async () => {
    await sb.up();
    sb.shOk(H, 'rm -f /etc/modules-load.d/br_netfilter.conf /etc/modprobe.d/*.conf');
    canLoad = sb.sh(H, 'test -r /proc/modules && test -d /lib/modules/$(uname -r)').rc === 0;
    bridgePresent = sb.sh(H, 'test -d /proc/sys/net/bridge').rc === 0;
  });
  after(sb.down);

  test('a module that is there (br_netfilter here) is present: ok, no change, in normal and check mode', async (t) => {
    if (!bridgePresent) return t.skip('br_netfilter is not available on this host');
    const yaml = play(`- name: br
  community.general.modprobe: { name: br_netfilter, state: present }`);
    for (const check of [false, true]) {
      const r = await sb.play(yaml, { check });
      const res = r.resultsOf('br')[0]!;
      assert.equal(res.status, 'ok', res.msg);
      assert.deepEqual(res.data, { name: 'br_netfilter', params: '', state: 'present' });
    }
  });

  test('persistent: present writes modules-load.d (and modprobe.d for params); second run and check mode change nothing', async (t) => {
    if (!bridgePresent) return t.skip('br_netfilter is not available on this host');
    sb.shOk(H, "printf '# site options\\noptions br_netfilter foo=1\\nblacklist pcspkr\\n' > /etc/modprobe.d/site.conf");
    const yaml = play(`- name: persist
  modprobe: { name: br_netfilter, persistent: present, params: 'bar=2' }`);
    const before = confState();
    const chk = await sb.play(yaml, { check: true, diff: true });
    const c = chk.resultsOf('persist')[0]!;
    assert.equal(c.status, 'changed');
    assert.equal(confState(), before, 'check mode wrote nothing');
    assert.deepEqual(c.diff!.map((d) => [d.path, d.after]), [
      ['/etc/modules-load.d/br_netfilter.conf', 'br_netfilter\n'],
      ['/etc/modprobe.d/site.conf', '# site options\n#options br_netfilter foo=1\nblacklist pcspkr\n'],
      ['/etc/modprobe.d/br_netfilter.conf', 'options br_netfilter bar=2\n'],
    ]);

    const first = await sb.play(yaml, { diff: true });
    assert.equal(first.resultsOf('persist')[0]!.status, 'changed');
    assert.equal(file('/etc/modules-load.d/br_netfilter.conf'), 'br_netfilter\n');
    assert.equal(file('/etc/modprobe.d/br_netfilter.conf'), 'options br_netfilter bar=2\n');
    assert.equal(file('/etc/modprobe.d/site.conf'), '# site options\n#options br_netfilter foo=1\nblacklist pcspkr\n');
    // The real kmod reads the options as written.
    assert.match(sb.shOk(H, 'modprobe -c | grep br_netfilter || true'), /options br_netfilter bar=2/);
    // systemd-modules-load would load it at boot: its config lists the module.
    assert.match(sb.shOk(H, 'cat /etc/modules-load.d/*.conf'), /^br_netfilter$/m);

    const after1 = confState();
    const again = await sb.play(yaml);
    assert.equal(again.changed, 0);
    assert.equal(confState(), after1);
  });

  test('persistent: absent comments the lines out (newlines kept); a module that is not loaded is not unloaded', async () => {
    sb.shOk(H, "printf '# mine\\ndummy\\n' > /etc/modules-load.d/dummy.conf; printf 'options dummy numdummies=2\\n' > /etc/modprobe.d/dummy.conf");
    const yaml = play(`- name: forget
  modprobe: { name: dummy, state: absent, persistent: absent }`);
    const before = confState();
    const chk = await sb.play(yaml, { check: true });
    assert.equal(chk.resultsOf('forget')[0]!.status, 'changed');
    assert.equal(confState(), before);
    const r = await sb.play(yaml);
    assert.equal(r.resultsOf('forget')[0]!.status, 'changed', r.resultsOf('forget')[0]!.msg);
    assert.equal(file('/etc/modules-load.d/dummy.conf'), '# mine\n#dummy\n');
    assert.equal(file('/etc/modprobe.d/dummy.conf'), '#options dummy numdummies=2\n');
    assert.equal((await sb.play(yaml)).changed, 0);
    sb.shOk(H, 'rm -f /etc/modules-load.d/dummy.conf /etc/modprobe.d/dummy.conf');
  });

  test('loading is impossible here: modprobe\'s own error and why, in normal and check mode; nothing written', async (t) => {
    if (canLoad) return t.skip('this host can load kernel modules: the "impossible" case does not apply');
    const before = confState();
    const yaml = play(`- name: load
  modprobe: { name: dummy, params: 'numdummies=2', persistent: present }
  ignore_errors: true`);
    for (const check of [false, true]) {
      const r = await sb.play(yaml, { check });
      const res = r.resultsOf('load')[0]!;
      assert.equal(res.status, 'failed');
      const release = sb.shOk(H, 'uname -r').trim();
      assert.match(res.msg!, new RegExp(`modprobe: FATAL: Module dummy not found in directory /lib/modules/${release.replace(/\./g, '\\.')}`));
      assert.match(res.msg!, /no modules for its running kernel/);
      assert.equal(res.data.name, 'dummy');
    }
    assert.equal(confState(), before);
    assert.equal(sb.sh(H, 'test -e /sys/module/dummy').rc, 1);
  });

  test('unloading a built-in module fails with the reason, nothing changed', async (t) => {
    if (!bridgePresent || canLoad) return t.skip('br_netfilter is not built in on this host');
    const r = await sb.play(play(`- name: unload
  modprobe: { name: br_netfilter, state: absent }
  ignore_errors: true`));
    const res = r.resultsOf('unload')[0]!;
    assert.equal(res.status, 'failed');
    assert.equal(res.msg, 'cannot unload kernel module br_netfilter: it is built into the kernel (/proc/sys/net/bridge exists)');
    assert.equal(sb.sh(H, 'test -d /proc/sys/net/bridge').rc, 0);
  });

  test('bad arguments: a located error before anything runs', async () => {
    const before = confState();
    for (const [task, want] of [
      ['modprobe: { name: dummy, state: loaded }', /value of state must be one of: absent, present, got: loaded/],
      ['modprobe: { name: dummy, persistent: always }', /value of persistent must be one of: disabled, absent, present, got: always/],
      ['modprobe: { state: present }', /missing required arguments: name/],
    ] as const) {
      const text = await sb.errorText(play(`- name: bad
  ${task}`), 'bad');
      assert.match(text, want);
      assert.match(text, /site\.yml:\d+:\d+/);
    }
    assert.equal(confState(), before);
  });
});
