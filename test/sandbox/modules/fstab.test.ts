/**
 * The fstab module (and its Ansible name, mount) on a sandbox host over SSH: real fstab edits,
 * real tmpfs mounts under /mnt (a container may mount), real systemctl for swap.target.
 * /proc/swaps is not namespaced: a container sees the controller's swap, and `swapoff -a`
 * there would act on the controller. The swap tests therefore run only on a controller
 * without active swap (then the module has nothing to switch off and says so).
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { sandboxSuite } from '../../helpers/sandbox-host.js';
import { parseSwaps } from '../../../modules/fstab/live.js';

const sb = sandboxSuite('fstab', ['fs1']);
const H = 'fs1';
const MNT = '/mnt/k8sp-data';
const controllerSwap = parseSwaps(readFileSync('/proc/swaps', 'utf8'));

function play(tasks: string): string {
  return `- hosts: all\n  gather_facts: false\n  tasks:\n${tasks.replace(/^/gm, '    ')}\n`;
}

function file(path: string): string | null {
  const r = sb.sh(H, `cat ${path}`);
  return r.rc === 0 ? r.stdout : null;
}

/** Mounts under /mnt, as the host's kernel reports them. */
function mountsUnderMnt(): string[] {
  return sb.shOk(H, 'cat /proc/self/mountinfo').split('\n').filter((l) => / \/mnt\//.test(l)).map((l) => l.split(' ').slice(4, 5).concat(l.split(' - ')[1] ?? '').join(' '));
}

/** Everything an fstab task may touch. */
function snapshot(): Record<string, unknown> {
  return {
    fstab: file('/etc/fstab'),
    mounts: mountsUnderMnt(),
    // What is under /mnt, with modes and owners but no times: creating and removing a directory
    // changes /mnt's mtime, and a minute boundary must not fail the comparison.
    mnt: sb.shOk(H, "find /mnt -printf '%p %m %u %g %y\\n' | sort"),
    swaps: sb.shOk(H, 'cat /proc/swaps'),
    swapTarget: sb.sh(H, 'systemctl is-enabled swap.target').stdout.trim(),
  };
}

const CENTOS_FSTAB = `
#
# /etc/fstab
#
/dev/mapper/centos-root /                       xfs     defaults        0 0
/dev/mapper/centos-swap swap                    swap    defaults        0 0
# an old swap file
#/old.swap none swap sw 0 0
/swapfile none swap sw 0 0
`;

describe('fstab module on a sandbox host', { skip: sb.skip }, () => {
  before(async () => {
    await sb.up();
  });
  after(sb.down);

  test('mounted: directory, fstab line and a real tmpfs mount; second run unchanged; absent undoes all', async () => {
    const yaml = play(`- name: data
  ansible.posix.mount: { path: ${MNT}, src: tmpfs, fstype: tmpfs, opts: size=1m, state: mounted }`);
    const first = await sb.play(yaml);
    assert.equal(first.result.exitCode, 0, JSON.stringify(first.result.tasks.map((t) => t.results)));
    assert.equal(first.resultsOf('data')[0]!.status, 'changed');
    assert.match(file('/etc/fstab')!, new RegExp(`^tmpfs ${MNT} tmpfs size=1m 0 0$`, 'm'));
    assert.deepEqual(mountsUnderMnt(), [`${MNT} tmpfs tmpfs rw,size=1024k`]);
    assert.equal((await sb.play(yaml)).changed, 0);

    // New options: the line is rewritten and the live mount remounted with them.
    const bigger = await sb.play(yaml.replace('size=1m', 'size=2m'));
    assert.equal(bigger.resultsOf('data')[0]!.status, 'changed');
    assert.deepEqual(mountsUnderMnt(), [`${MNT} tmpfs tmpfs rw,size=2048k`]);

    const gone = await sb.play(play(`- name: gone
  mount: { path: ${MNT}, state: absent }`));
    assert.equal(gone.resultsOf('gone')[0]!.status, 'changed');
    assert.doesNotMatch(file('/etc/fstab')!, /k8sp-data/);
    assert.deepEqual(mountsUnderMnt(), []);
    assert.equal(sb.sh(H, `test -e ${MNT}`).rc, 1);
    assert.equal((await sb.play(play(`- name: gone
  mount: { path: ${MNT}, state: absent }`))).changed, 0);
  });

  test('check mode for mounted changes nothing (no directory, no line, no mount); diff shows the real before/after', async () => {
    const before = snapshot();
    const chk = await sb.play(play(`- name: data
  fstab: { path: ${MNT}/x, src: tmpfs, fstype: tmpfs, state: mounted }`), { check: true, diff: true });
    const r = chk.resultsOf('data')[0]!;
    assert.equal(r.status, 'changed');
    assert.deepEqual(snapshot(), before);
    assert.equal(r.diff![0]!.before, before.fstab);
    assert.equal(r.diff![0]!.after, `${before.fstab}tmpfs ${MNT}/x tmpfs defaults 0 0\n`);
  });

  test('a mount that fails puts the old fstab back and removes the directory it made', async () => {
    const before = snapshot();
    const r = await sb.play(play(`- name: bad
  fstab: { path: ${MNT}/deep/er, src: /dev/k8sp-nope, fstype: ext4, state: mounted }
  ignore_errors: true`));
    const res = r.resultsOf('bad')[0]!;
    assert.equal(res.status, 'failed');
    assert.match(res.msg!, new RegExp(`^Error mounting ${MNT}/deep/er: `));
    assert.deepEqual(snapshot(), before);
  });

  test('swap: off comments out each swap line, masks swap.target; second run unchanged', { skip: controllerSwap.length > 0 && 'the controller has active swap' }, async () => {
    sb.shOk(H, `cp /etc/fstab /root/fstab.orig; printf '%s' '${CENTOS_FSTAB}' > /etc/fstab`);
    const yaml = play(`- name: swap off
  fstab: { swap: off, mask_swap_target: true, backup: true }`);
    const first = await sb.play(yaml, { diff: true });
    const r = first.resultsOf('swap off')[0]!;
    assert.equal(r.status, 'changed', r.msg);
    const want = CENTOS_FSTAB.replace('/dev/mapper/centos-swap', '#/dev/mapper/centos-swap').replace('\n/swapfile', '\n#/swapfile');
    assert.equal(file('/etc/fstab'), want);
    assert.equal(r.diff![0]!.before, CENTOS_FSTAB);
    assert.equal(r.diff![0]!.after, want);
    assert.deepEqual(r.data.swap_lines, ['/dev/mapper/centos-swap swap                    swap    defaults        0 0', '/swapfile none swap sw 0 0']);
    assert.deepEqual(r.data.swap_active, []);
    assert.equal(sb.sh(H, 'systemctl is-enabled swap.target').stdout.trim(), 'masked');
    assert.equal(file(String(r.data.backup_file)), CENTOS_FSTAB);
    const again = await sb.play(yaml);
    assert.equal(again.changed, 0);
    assert.equal(again.resultsOf('swap off')[0]!.msg, 'swap is off');
    sb.shOk(H, 'systemctl unmask swap.target; cp /root/fstab.orig /etc/fstab');
  });

  test('swap: off in check mode changes nothing; remove mode deletes the lines', { skip: controllerSwap.length > 0 && 'the controller has active swap' }, async () => {
    sb.shOk(H, `cp /etc/fstab /root/fstab.orig; printf '%s' '${CENTOS_FSTAB}' > /etc/fstab`);
    const before = snapshot();
    const yaml = play(`- name: swap off
  fstab: { swap: off, swap_lines: remove, mask_swap_target: true }`);
    const chk = await sb.play(yaml, { check: true, diff: true });
    assert.equal(chk.resultsOf('swap off')[0]!.status, 'changed');
    assert.deepEqual(snapshot(), before);
    const real = await sb.play(yaml);
    assert.equal(real.resultsOf('swap off')[0]!.status, 'changed');
    assert.equal(file('/etc/fstab'), chk.resultsOf('swap off')[0]!.diff![0]!.after);
    assert.doesNotMatch(file('/etc/fstab')!, /^[^#].*\sswap\s/m);
    assert.match(file('/etc/fstab')!, /^#\/old\.swap none swap sw 0 0$/m);
    sb.shOk(H, 'systemctl unmask swap.target; cp /root/fstab.orig /etc/fstab');
  });

  test('bad arguments: a located error before anything runs', async () => {
    const before = snapshot();
    for (const [task, want] of [
      ['fstab: { swap: on }', /value of swap must be one of: false, got: true/],
      [`mount: { path: ${MNT}, state: mountd }`, /value of state must be one of: absent, absent_from_fstab, mounted/],
      ['fstab: { src: tmpfs }', /missing required arguments: path, state/],
      [`fstab: { path: ${MNT}, state: absent, swap_line: remove }`, /unsupported parameter 'swap_line'.*swap_lines/s],
    ] as const) {
      const text = await sb.errorText(play(`- name: bad
  ${task}`), 'bad');
      assert.match(text, want);
      assert.match(text, /site\.yml:\d+:\d+/);
    }
    assert.deepEqual(snapshot(), before);
  });
});
