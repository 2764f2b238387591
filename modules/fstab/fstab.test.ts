import { test } from 'node:test';
import assert from 'node:assert/strict';
import fstab from './index.js';
import { entryFields, fstabEscape, setEntry, swapOffEdit, unsetEntry } from './entries.js';
import { mountAt, parseMountinfo, parseSwaps } from './live.js';
import { fakeContext, fileCommands, type FakeCommand, type FakeContext } from '../../test/helpers/fake-context.js';
import { runModule } from '../../test/helpers/run-module.js';
import { answerSections, sectionNames, type SectionOutput } from '../_shared/read-sections.js';
import { shlexSplit } from '../_shared/shlex.js';

interface Model {
  /** Mounted: mount point -> source. */
  mounts: Map<string, string>;
  dirs: Set<string>;
  swaps: string[];
  swapTarget: string | null;
  hasSwapoff: boolean;
  /** Make `mount` fail with this message. */
  failMount?: string;
}

interface HostSpec extends Partial<Omit<Model, 'mounts' | 'dirs'>> {
  fstab?: string | null;
  fstabPath?: string;
  mounts?: Record<string, string>;
  dirs?: string[];
  checkMode?: boolean;
  diffMode?: boolean;
}

/** A fake host: fstab in memory, mounts, directories, active swap and swap.target in a model. */
function host(spec: HostSpec = {}): FakeContext & { model: Model } {
  const path = spec.fstabPath ?? '/etc/fstab';
  const model: Model = {
    mounts: new Map(Object.entries(spec.mounts ?? {})),
    dirs: new Set(['/', '/etc', '/mnt', ...(spec.dirs ?? [])]),
    swaps: spec.swaps ?? [],
    swapTarget: spec.swapTarget === undefined ? 'static' : spec.swapTarget,
    hasSwapoff: spec.hasSwapoff ?? true,
    ...(spec.failMount ? { failMount: spec.failMount } : {}),
  };
  const files: Record<string, string> = {};
  if (spec.fstab != null) files[path] = spec.fstab;
  const esc = (s: string) => s.replace(/ /g, '\\040');
  const probe: FakeCommand = {
    match: /'@@[0-9a-f]+ fstab@@'/,
    respond: (cmd, _o, h) => {
      const a: Record<string, string | SectionOutput> = {};
      for (const name of sectionNames(cmd)) {
        if (name === 'fstab') {
          const f = [...h.files.keys()].find((k) => cmd.includes(`cat -- ${k}`) || cmd.includes(`cat -- '${k}'`));
          const dirOk = model.dirs.has(path.replace(/\/[^/]*$/, '') || '/');
          a.fstab = f !== undefined ? h.text(f)! : { out: '', rc: dirOk ? 2 : 4 };
        }
        if (name === 'mountinfo') {
          let id = 30;
          a.mountinfo = [...model.mounts].map(([dst, src]) => `${id++} 1 0:40 / ${esc(dst)} rw,relatime shared:1 - tmpfs ${esc(src)} rw\n`).join('');
        }
        if (name === 'path') {
          const p = shlexSplit(/if \[ -d (.+?) \]; then echo dir/.exec(cmd)![1]!)[0]!;
          a.path = model.dirs.has(p) ? 'dir\n' : h.files.has(p) ? 'other\n' : 'none\n';
        }
        if (name === 'swaps') a.swaps = 'Filename\tType\tSize\tUsed\tPriority\n' + model.swaps.map((s) => `${esc(s)}\tfile\t1024\t0\t-2\n`).join('');
        if (name === 'swapoff') a.swapoff = model.hasSwapoff ? '/usr/sbin/swapoff\n' : { out: '', rc: 1 };
        if (name === 'swaptarget') a.swaptarget = model.swapTarget === null ? { out: '', rc: 127 } : { out: `${model.swapTarget}\n`, rc: model.swapTarget === 'masked' ? 1 : 0 };
      }
      return { stdout: answerSections(cmd, a) };
    },
  };
  const live: FakeCommand[] = [
    {
      match: /^for d in /,
      respond: (cmd) => {
        const list = shlexSplit(cmd.slice('for d in '.length, cmd.indexOf('; do')));
        const made = list.filter((d) => !model.dirs.has(d));
        for (const d of made) model.dirs.add(d);
        return { stdout: made.map((d) => `${d}\n`).join('') };
      },
    },
    {
      match: /^mount /,
      respond: (cmd) => {
        if (model.failMount) return { rc: 32, stderr: `${model.failMount}\n` };
        const w = shlexSplit(cmd);
        const target = w[w.length - 1]!;
        if (!cmd.includes('remount')) model.mounts.set(target, w.includes('-t') ? w[w.length - 2]! : 'fstab-src');
        return {};
      },
    },
    {
      match: /^umount /,
      respond: (cmd) => {
        const p = shlexSplit(cmd).pop()!;
        if (!model.mounts.delete(p)) return { rc: 32, stderr: `umount: ${p}: not mounted.\n` };
        return {};
      },
    },
    {
      match: /^rmdir /,
      respond: (cmd) => {
        for (const d of shlexSplit(cmd).slice(2)) model.dirs.delete(d);
        return {};
      },
    },
    { match: /^swapoff -a$/, respond: () => ((model.swaps = []), {}) },
    { match: /^systemctl mask swap\.target$/, respond: () => ((model.swapTarget = 'masked'), {}) },
  ];
  const ctx = fakeContext({ files, commands: [probe, ...live, ...fileCommands()], checkMode: spec.checkMode ?? false, diffMode: spec.diffMode ?? false });
  return Object.assign(ctx, { model });
}

const commandsRun = (h: FakeContext) => h.runs.map((r) => r.command).filter((c) => !c.includes('@@'));

const UBUNTU = `# /etc/fstab: static file system information.
UUID=1111 /               ext4    errors=remount-ro 0       1
/dev/sda2 none swap sw 0 0
`;

// --- pure line logic --------------------------------------------------------------------------

test('entry lines: 4 to 6 fields are entries; comments, blanks and malformed lines are not', () => {
  assert.deepEqual(entryFields('/dev/sda1 / ext4 defaults'), { src: '/dev/sda1', name: '/', fstype: 'ext4', opts: 'defaults' });
  assert.equal(entryFields('# /dev/sda1 / ext4 defaults 0 0'), undefined);
  assert.equal(entryFields('   '), undefined);
  assert.equal(entryFields('a b c'), undefined);
  assert.equal(entryFields('a b c d e f g'), undefined);
  assert.equal(fstabEscape('a b&c\\d'), 'a\\040b\\046c\\134d');
});

test('setEntry: rewrites a differing line in place, keeps other bytes, appends a missing entry', () => {
  const text = '# c\r\n/dev/a /data ext4 defaults 0 0\n/dev/b /other xfs defaults 0 0';
  const r = setEntry(text, { name: '/data', src: '/dev/a', fstype: 'ext4', opts: 'noatime', dump: '0', passno: '2' });
  assert.equal(r.content, '# c\r\n/dev/a /data ext4 noatime 0 2\n/dev/b /other xfs defaults 0 0');
  const add = setEntry(text, { name: '/my dir', src: '/dev/c', fstype: 'ext4', opts: 'defaults', dump: '0', passno: '0' });
  assert.equal(add.content, `${text}\n/dev/c /my\\040dir ext4 defaults 0 0\n`);
  // Same again: no change (the escaped mount point matches).
  assert.equal(setEntry(add.content, { name: '/my dir', src: '/dev/c', fstype: 'ext4', opts: 'defaults', dump: '0', passno: '0' }).changed, false);
  // A line without dump/passno is rewritten once with them, as Ansible does.
  const four = setEntry('/dev/a /data ext4 defaults\n', { name: '/data', src: '/dev/a', fstype: 'ext4', opts: 'defaults', dump: '0', passno: '0' });
  assert.equal(four.content, '/dev/a /data ext4 defaults 0 0\n');
});

test('Ansible #26036 / #30090: adding a swap file keeps the existing swap line (mount point none)', () => {
  const r = setEntry(UBUNTU, { name: 'none', src: '/swapfile', fstype: 'swap', opts: 'sw', dump: '0', passno: '0' });
  assert.equal(r.content, `${UBUNTU}/swapfile none swap sw 0 0\n`);
  const again = setEntry(r.content, { name: 'none', src: '/swapfile', fstype: 'swap', opts: 'sw', dump: '0', passno: '0' });
  assert.equal(again.changed, false);
});

test('Ansible #31437: swap entries with mount point "swap" are keyed by source too, never overwritten', () => {
  const text = 'LABEL=swap1 swap swap defaults,nofail,pri=50 0 0\n';
  const r = setEntry(text, { name: 'swap', src: 'LABEL=swap2', fstype: 'swap', opts: 'defaults,nofail,pri=50', dump: '0', passno: '0' });
  assert.equal(r.content, `${text}LABEL=swap2 swap swap defaults,nofail,pri=50 0 0\n`);
  // Updating one of them by source keeps its own mount point field ('none' task, 'swap' line).
  const u = setEntry(r.content, { name: 'none', src: 'LABEL=swap1', fstype: 'swap', opts: 'sw', dump: '0', passno: '0' });
  assert.equal(u.content, 'LABEL=swap1 swap swap sw 0 0\nLABEL=swap2 swap swap defaults,nofail,pri=50 0 0\n');
});

test('Ansible #42706: removing one swap device removes only its line', () => {
  const text = '/dev/sda2 swap swap defaults 0 0\n/swapfile swap swap defaults 0 0\n/dev/sdb1 none swap sw 0 0\n/dev/sda1 / xfs defaults 0 0\n';
  const r = unsetEntry(text, { name: 'swap', src: '/swapfile', fstype: 'swap' });
  assert.deepEqual(r.removed, ['/swapfile swap swap defaults 0 0']);
  assert.equal(r.content, '/dev/sda2 swap swap defaults 0 0\n/dev/sdb1 none swap sw 0 0\n/dev/sda1 / xfs defaults 0 0\n');
  // Without a source, Ansible's rule: every line with that mount point field.
  assert.equal(unsetEntry(text, { name: 'swap' }).removed.length, 2);
  // Entries without dump/passno can be removed (Ansible only looks at six-field lines).
  assert.deepEqual(unsetEntry('/dev/x /data ext4 defaults\n', { name: '/data' }).removed, ['/dev/x /data ext4 defaults']);
});

test('swapOffEdit: each swap line commented out (or removed) on its own; everything else byte-exact', () => {
  const text = '# swap was on /dev/sda5\n/dev/sda1 / ext4 defaults 0 1\n/dev/sda2 swap swap defaults 0 0\r\n#/old none swap sw 0 0\n  /swapfile   none   swap   sw   0 0\nUUID=x - swap sw\n';
  const c = swapOffEdit(text, 'comment');
  assert.deepEqual(c.lines, ['/dev/sda2 swap swap defaults 0 0', '  /swapfile   none   swap   sw   0 0', 'UUID=x - swap sw']);
  assert.equal(c.content, '# swap was on /dev/sda5\n/dev/sda1 / ext4 defaults 0 1\n#/dev/sda2 swap swap defaults 0 0\r\n#/old none swap sw 0 0\n#  /swapfile   none   swap   sw   0 0\n#UUID=x - swap sw\n');
  assert.equal(swapOffEdit(c.content, 'comment').lines.length, 0, 'idempotent');
  const r = swapOffEdit(text, 'remove');
  assert.equal(r.content, '# swap was on /dev/sda5\n/dev/sda1 / ext4 defaults 0 1\n#/old none swap sw 0 0\n');
});

test('live parsing: mountinfo with escapes and optional fields, /proc/swaps', () => {
  const mi = '36 35 98:0 /mnt1 /mnt/my\\040dir rw,noatime master:1 shared:2 - ext3 /dev/root rw,errors=continue\n40 1 0:5 / /tmp rw - tmpfs tmpfs rw\n';
  const m = parseMountinfo(mi);
  assert.deepEqual(mountAt(m, '/mnt/my dir'), { dst: '/mnt/my dir', src: '/dev/root', fstype: 'ext3', root: '/mnt1' });
  assert.equal(mountAt(m, '/tmp/')?.fstype, 'tmpfs');
  assert.equal(mountAt(m, '/nope'), undefined);
  assert.deepEqual(parseSwaps('Filename\t\t\t\tType\t\tSize\tUsed\tPriority\n/dev/dm-1  partition\t8388604\t0\t-2\n/swap\\040file file 10 0 -3\n'), ['/dev/dm-1', '/swap file']);
  assert.deepEqual(parseSwaps('Filename\tType\tSize\tUsed\tPriority\n'), []);
});

// --- swap: off ----------------------------------------------------------------------------------

const CENTOS = `
#
# /etc/fstab
#
/dev/mapper/centos-root /                       xfs     defaults        0 0
UUID=2b3f4c5d /boot                   xfs     defaults        0 0
/dev/mapper/centos-swap swap                    swap    defaults        0 0
/swapfile none swap sw 0 0
`;

test('swap: off comments out every swap line one by one, runs swapoff -a, second run changes nothing', async () => {
  const h = host({ fstab: CENTOS, swaps: ['/dev/dm-1', '/swapfile'], diffMode: true });
  const r = await runModule(fstab, { swap: false }, h);
  assert.equal(r.status, 'changed', r.msg);
  assert.equal(h.text('/etc/fstab'), CENTOS.replace('/dev/mapper/centos-swap', '#/dev/mapper/centos-swap').replace('/swapfile none', '#/swapfile none'));
  assert.deepEqual(commandsRun(h), ['swapoff -a']);
  assert.deepEqual(r.result.swap_lines, ['/dev/mapper/centos-swap swap                    swap    defaults        0 0', '/swapfile none swap sw 0 0']);
  assert.deepEqual(r.result.swap_active, ['/dev/dm-1', '/swapfile']);
  assert.equal(r.result.msg, '2 swap line(s) commented out in /etc/fstab, swapoff -a (was active: /dev/dm-1, /swapfile)');
  assert.equal(r.diff![0]!.before, CENTOS);
  assert.equal(r.diff![0]!.after, h.text('/etc/fstab'));
  assert.match(r.diff![1]!.before, /dm-1/);
  const again = await runModule(fstab, { swap: 'off' }, h);
  assert.equal(again.status, 'ok', again.msg);
  assert.equal(again.result.msg, 'swap is off');
  assert.deepEqual(commandsRun(h), ['swapoff -a']);
});

test('swap: off with swap_lines=remove, backup, and swap.target masked', async () => {
  const h = host({ fstab: CENTOS, swapTarget: 'static' });
  const r = await runModule(fstab, { swap: false, swap_lines: 'remove', mask_swap_target: true, backup: true }, h);
  assert.equal(r.status, 'changed');
  assert.ok(!/swap\s/.test(h.text('/etc/fstab')!.split('\n').filter((l) => !l.startsWith('#')).join('\n')));
  assert.equal(h.text('/etc/fstab')!.split('\n').length, CENTOS.split('\n').length - 2);
  assert.equal(h.writes[0]!.opts?.backup, true);
  assert.equal(r.result.backup_file, '/etc/fstab.backup~');
  assert.deepEqual(commandsRun(h), ['systemctl mask swap.target'], 'no swapoff when /proc/swaps is empty');
  assert.equal(r.result.swap_target, 'masked');
  const again = await runModule(fstab, { swap: false, swap_lines: 'remove', mask_swap_target: true }, h);
  assert.equal(again.status, 'ok');
  assert.equal(again.result.swap_target, 'masked');
});

test('swap: off in check mode predicts everything and changes nothing', async () => {
  const h = host({ fstab: CENTOS, swaps: ['/dev/dm-1'], checkMode: true });
  const r = await runModule(fstab, { swap: false, mask_swap_target: true }, h);
  assert.equal(r.status, 'changed');
  assert.equal(h.text('/etc/fstab'), CENTOS);
  assert.deepEqual(commandsRun(h), []);
  assert.deepEqual(h.model.swaps, ['/dev/dm-1']);
  assert.equal(h.model.swapTarget, 'static');
});

test('swap: off on a host with no fstab and no swap: ok, nothing created', async () => {
  const h = host({ fstab: null });
  const r = await runModule(fstab, { swap: false }, h);
  assert.equal(r.status, 'ok');
  assert.equal(h.writes.length, 0);
});

test('swap: off failures: active swap without swapoff; mask without systemctl', async () => {
  let r = await runModule(fstab, { swap: false }, host({ fstab: '', swaps: ['/dev/x'], hasSwapoff: false }));
  assert.equal(r.status, 'failed');
  assert.match(r.msg!, /swap is active \(\/dev\/x\) but swapoff is not installed/);
  r = await runModule(fstab, { swap: false, mask_swap_target: true }, host({ fstab: '', swapTarget: null }));
  assert.equal(r.status, 'failed');
  assert.match(r.msg!, /needs systemctl/);
});

test('bad argument combinations are refused', async () => {
  let r = await runModule(fstab, { swap: false, path: '/mnt/x', state: 'absent' }, host({ fstab: '' }));
  assert.equal(r.status, 'failed');
  assert.match(r.msg!, /'swap: off' handles every swap line and takes no path, state/);
  r = await runModule(fstab, { path: '/mnt/x', state: 'absent', mask_swap_target: true }, host({ fstab: '' }));
  assert.match(r.msg!, /mask_swap_target only apply with 'swap: off'/);
  await assert.rejects(() => runModule(fstab, { swap: true }, host()), /value of swap must be one of: false, got: true/);
  await assert.rejects(() => runModule(fstab, { src: '/dev/x' }, host()), /missing required arguments: path, state/);
  await assert.rejects(() => runModule(fstab, { path: '/x', state: 'mountd' }, host()), /value of state must be one of: .*mounted/);
  r = await runModule(fstab, { path: '/mnt/x', state: 'present', src: '/dev/x' }, host({ fstab: '' }));
  assert.equal(r.msg, 'state is present but all of the following are missing: fstype');
  r = await runModule(fstab, { path: 'none', state: 'mounted', src: '/swapfile', fstype: 'swap' }, host({ fstab: '' }));
  assert.match(r.msg!, /does not apply to swap entries/);
});

// --- mount states -------------------------------------------------------------------------------

test('mounted: creates the mount point, adds the line, mounts; second run changes nothing', async () => {
  const h = host({ fstab: UBUNTU });
  const args = { path: '/mnt/data/x', src: 'tmpfs', fstype: 'tmpfs', opts: 'size=1m', state: 'mounted' };
  const r = await runModule(fstab, args, h);
  assert.equal(r.status, 'changed', r.msg);
  assert.equal(h.text('/etc/fstab'), `${UBUNTU}tmpfs /mnt/data/x tmpfs size=1m 0 0\n`);
  assert.ok(h.model.dirs.has('/mnt/data/x') && h.model.dirs.has('/mnt/data'));
  assert.ok(h.model.mounts.has('/mnt/data/x'));
  const cmds = commandsRun(h);
  assert.equal(cmds[cmds.length - 1], 'mount -- /mnt/data/x');
  assert.deepEqual(r.result, { name: '/mnt/data/x', src: 'tmpfs', fstype: 'tmpfs', opts: 'size=1m', dump: '0', passno: '0', fstab: '/etc/fstab', boot: 'yes', backup_file: '' });
  const again = await runModule(fstab, args, h);
  assert.equal(again.status, 'ok');
  // Changed options: the line is rewritten and the mount point remounted.
  const changed = await runModule(fstab, { ...args, opts: 'size=2m' }, h);
  assert.equal(changed.status, 'changed');
  assert.equal(commandsRun(h).pop(), 'mount -o remount -- /mnt/data/x');
  assert.match(h.text('/etc/fstab')!, /^tmpfs \/mnt\/data\/x tmpfs size=2m 0 0$/m);
});

test('mounted: a failed mount puts the old fstab back and removes the directories it made (Ansible #59183)', async () => {
  const h = host({ fstab: UBUNTU, failMount: 'mount: /mnt/a/b: unknown filesystem type' });
  const r = await runModule(fstab, { path: '/mnt/a/b', src: '/dev/nope', fstype: 'nope', state: 'mounted' }, h);
  assert.equal(r.status, 'failed');
  assert.equal(r.msg, 'Error mounting /mnt/a/b: mount: /mnt/a/b: unknown filesystem type');
  assert.equal(h.text('/etc/fstab'), UBUNTU);
  assert.ok(!h.model.dirs.has('/mnt/a') && !h.model.dirs.has('/mnt/a/b'));
  assert.ok(h.model.dirs.has('/mnt'));
});

test('a custom fstab is passed to mount with -T; a missing one is created by present', async () => {
  const h = host({ fstab: null, fstabPath: '/tmp/t/fstab', dirs: ['/tmp', '/tmp/t', '/mnt/x'] });
  const r = await runModule(fstab, { path: '/mnt/x', src: 'tmpfs', fstype: 'tmpfs', state: 'mounted', fstab: '/tmp/t/fstab' }, h);
  assert.equal(r.status, 'changed', r.msg);
  assert.equal(h.text('/tmp/t/fstab'), 'tmpfs /mnt/x tmpfs defaults 0 0\n');
  assert.equal(commandsRun(h).pop(), 'mount -T /tmp/t/fstab -- /mnt/x');
});

test('present only edits the file; absent removes the line, unmounts and removes the directory', async () => {
  const h = host({ fstab: UBUNTU, mounts: { '/srv': 'tmpfs' }, dirs: ['/srv'] });
  let r = await runModule(fstab, { path: '/srv', src: 'tmpfs', fstype: 'tmpfs', state: 'present', boot: false }, h);
  assert.equal(r.status, 'changed');
  assert.deepEqual(commandsRun(h), []);
  assert.deepEqual(r.plan!.warnings, ["Ignore the 'boot' due to 'opts' contains 'defaults'."]);
  r = await runModule(fstab, { path: '/srv', src: 'tmpfs', fstype: 'tmpfs', opts: 'size=1m', state: 'present', boot: false }, h);
  assert.match(h.text('/etc/fstab')!, /^tmpfs \/srv tmpfs size=1m,noauto 0 0$/m);
  assert.equal(r.result.boot, 'no');
  r = await runModule(fstab, { path: '/srv', state: 'absent' }, h);
  assert.equal(r.status, 'changed');
  assert.equal(h.text('/etc/fstab'), UBUNTU);
  assert.deepEqual(commandsRun(h), ['umount -- /srv', 'rmdir -- /srv']);
  r = await runModule(fstab, { path: '/srv', state: 'absent' }, h);
  assert.equal(r.status, 'ok');
});

test('unmounted only unmounts; absent_from_fstab only edits; remounted always changes', async () => {
  const h = host({ fstab: `${UBUNTU}tmpfs /srv tmpfs defaults 0 0\n`, mounts: { '/srv': 'tmpfs' }, dirs: ['/srv'] });
  let r = await runModule(fstab, { path: '/srv', state: 'remounted' }, h);
  assert.equal(r.status, 'changed');
  assert.deepEqual(commandsRun(h), ['mount -o remount -- /srv']);
  r = await runModule(fstab, { path: '/srv', state: 'unmounted' }, h);
  assert.equal(r.status, 'changed');
  assert.equal(h.model.mounts.has('/srv'), false);
  assert.match(h.text('/etc/fstab')!, /\/srv/);
  r = await runModule(fstab, { path: '/srv', state: 'unmounted' }, h);
  assert.equal(r.status, 'ok');
  r = await runModule(fstab, { path: '/srv', state: 'absent_from_fstab' }, h);
  assert.equal(r.status, 'changed');
  assert.equal(h.text('/etc/fstab'), UBUNTU);
  assert.ok(h.model.dirs.has('/srv'));
});

test('check mode for mounted: predicted, nothing written, mounted or created; diff shows fstab and the mount', async () => {
  const h = host({ fstab: UBUNTU, checkMode: true, diffMode: true });
  const r = await runModule(fstab, { path: '/mnt/new', src: 'tmpfs', fstype: 'tmpfs', state: 'mounted' }, h);
  assert.equal(r.status, 'changed');
  assert.equal(h.writes.length, 0);
  assert.deepEqual(commandsRun(h), []);
  assert.equal(h.model.dirs.has('/mnt/new'), false);
  assert.equal(r.diff![0]!.after, `${UBUNTU}tmpfs /mnt/new tmpfs defaults 0 0\n`);
  assert.match(r.diff![1]!.after, /"mounted": true/);
});

test('ephemeral: mounts without touching fstab; a different source already there fails', async () => {
  const h = host({ fstab: UBUNTU, dirs: ['/mnt/e'] });
  let r = await runModule(fstab, { path: '/mnt/e', src: 'tmpfs', fstype: 'tmpfs', opts: 'size=1m', state: 'ephemeral' }, h);
  assert.equal(r.status, 'changed');
  assert.deepEqual(commandsRun(h), ['mount -t tmpfs -o size=1m -- tmpfs /mnt/e']);
  assert.equal(h.text('/etc/fstab'), UBUNTU);
  r = await runModule(fstab, { path: '/mnt/e', src: '/dev/other', fstype: 'ext4', state: 'ephemeral' }, h);
  assert.equal(r.status, 'failed');
  assert.match(r.msg!, /^Ephemeral mount point is already mounted with a different source/);
});

test('the sequence that loses swap lines in Ansible 2.14 keeps every other line here', async () => {
  // Recorded with ansible-playbook -c local (ansible.posix.mount, state present, present,
  // absent_from_fstab on a temp fstab): Ansible ends with only "UUID=1 ..., /dev/sda2 none ...,
  // /swapfile2 none ..." -- LABEL=swap1 was overwritten by the second task (#31437) and the
  // third removed every 'swap' line, not just /swapfile (#42706).
  const start = 'UUID=1 / ext4 defaults 0 1\n/dev/sda2 none swap sw 0 0\nLABEL=swap1 swap swap defaults 0 0\n/swapfile swap swap defaults 0 0\n';
  const h = host({ fstab: start });
  for (const args of [
    { path: 'none', src: '/swapfile2', fstype: 'swap', opts: 'sw', state: 'present' },
    { path: 'swap', src: 'LABEL=swap2', fstype: 'swap', state: 'present' },
    { path: 'swap', src: '/swapfile', fstype: 'swap', state: 'absent_from_fstab' },
  ]) {
    const r = await runModule(fstab, args, h);
    assert.equal(r.status, 'changed', r.msg);
  }
  assert.equal(h.text('/etc/fstab'), 'UUID=1 / ext4 defaults 0 1\n/dev/sda2 none swap sw 0 0\nLABEL=swap1 swap swap defaults 0 0\n/swapfile2 none swap sw 0 0\nLABEL=swap2 swap swap defaults 0 0\n');
  assert.deepEqual(commandsRun(h), [], 'swap entries never mount or unmount anything');
});
