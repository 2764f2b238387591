import { test } from 'node:test';
import assert from 'node:assert/strict';
import modprobe from './index.js';
import { fakeContext, fileCommands, type FakeContext, type FakeOptions } from '../../test/helpers/fake-context.js';
import { answerSections } from '../_shared/read-sections.js';
import { shlexSplit } from '../_shared/shlex.js';
import { runModule, resolveArgs } from '../../test/helpers/run-module.js';
import { parseKernelSection } from './detect.js';
import { enableLoadFile, persistAbsent, persistPresent, setOptionsFile } from './persist.js';

interface Kernel {
  /** Modules in /proc/modules; undefined: a kernel without module support. */
  loaded?: Set<string>;
  builtin?: string[];
  /** Modules modprobe can load (absent: "not found"). */
  available?: string[];
  /** Modules that modprobe "loads" without loading (install /bin/true). */
  fakeLoad?: string[];
  modprobeError?: string;
}

/** A fake host whose modprobe, /proc/modules and /etc files follow `k`. */
function host(k: Kernel, o: FakeOptions = {}): FakeContext {
  const libModules = k.available !== undefined;
  return fakeContext({
    ...o,
    commands: [
      {
        match: /^printf '%s\\n' '@@[0-9a-f]+ /,
        respond: (cmd, _o, ctx) => {
          const answers: Record<string, string | { out: string; rc: number }> = {};
          const name = /grep -q '\^([A-Za-z0-9_]+) ' \/proc\/modules/.exec(cmd)?.[1];
          if (name !== undefined) {
            const facts = ['release 6.1.0'];
            if (k.loaded) facts.push('modular');
            if (k.loaded?.has(name)) facts.push('proc', 'sys');
            if (k.builtin?.includes(name)) facts.push('builtin', 'sys');
            if (libModules) facts.push('libmodules');
            answers.kernel = facts.join('\n') + '\n';
          }
          const dry = /modprobe -n (-r )?-- ([^\n]*?) 2>&1/.exec(cmd);
          if (dry) {
            const mod = shlexSplit(dry[2]!)[0]!;
            const ok = dry[1] ? k.loaded?.has(mod) : k.available?.includes(mod) || k.loaded?.has(mod) || k.builtin?.includes(mod);
            answers.dryrun = ok ? '' : { out: dry[1] ? `modprobe: FATAL: Module ${mod} is not currently loaded\n` : `modprobe: FATAL: Module ${mod} not found in directory /lib/modules/6.1.0\n`, rc: 1 };
          }
          const marker = /'(@@k8sp-conf-[0-9a-f]+@@)'/.exec(cmd)?.[1];
          if (marker) {
            let out = '';
            for (const d of ['/etc/modules-load.d', '/etc/modprobe.d']) {
              if (ctx.files.get(d)?.type !== 'directory') continue;
              out += `${marker} DIR ${d}\n`;
              for (const [p, f] of [...ctx.files].sort()) {
                if (p.startsWith(`${d}/`) && p.endsWith('.conf') && f.type === 'file') out += `${marker} FILE ${p}\n${f.content}`;
              }
            }
            answers.conf = out;
          }
          return { stdout: answerSections(cmd, answers) };
        },
      },
      {
        match: /^modprobe -- /,
        respond: (cmd) => {
          const mod = shlexSplit(cmd)[2]!;
          if (k.modprobeError) return { rc: 1, stderr: k.modprobeError };
          if (k.fakeLoad?.includes(mod)) return {};
          if (!k.available?.includes(mod)) return { rc: 1, stderr: `modprobe: FATAL: Module ${mod} not found in directory /lib/modules/6.1.0\n` };
          k.loaded?.add(mod);
          return {};
        },
      },
      { match: /^modprobe -n --first-time /, result: { rc: 1, stderr: 'modprobe: ERROR: could not insert \'dummy\': Module already in kernel\n' } },
      {
        match: /^modprobe -r -- /,
        respond: (cmd) => {
          const mod = shlexSplit(cmd)[3]!;
          if (!k.loaded?.delete(mod)) return { rc: 1, stderr: `modprobe: FATAL: Module ${mod} is not currently loaded\n` };
          return {};
        },
      },
      ...fileCommands(),
    ],
  });
}

const dirs = { '/etc/modules-load.d': { type: 'directory' as const }, '/etc/modprobe.d': { type: 'directory' as const } };
const isRead = (c: string) => c.startsWith("printf '%s\\n' '@@");

test('present: loads a module that is not loaded; second run is one read, no change', async () => {
  const k: Kernel = { loaded: new Set(), available: ['dummy'] };
  const ctx = host(k);
  const r = await runModule(modprobe, { name: 'dummy', params: 'numdummies=2' }, ctx);
  assert.equal(r.status, 'changed');
  assert.deepEqual(r.result, { name: 'dummy', params: 'numdummies=2', state: 'present', changed: true });
  assert.ok(ctx.runs.some((c) => c.command === 'modprobe -- dummy numdummies=2'));
  ctx.runs.length = 0;
  const again = await runModule(modprobe, { name: 'dummy', params: 'numdummies=2' }, ctx);
  assert.equal(again.status, 'ok');
  assert.equal(ctx.runs.length, 1);
});

test('built in (modules.builtin) or loaded counts as present: no modprobe run', async () => {
  const ctx = host({ loaded: new Set(['overlay']), builtin: ['br_netfilter'] });
  assert.equal((await runModule(modprobe, { name: 'br_netfilter' }, ctx)).status, 'ok');
  assert.equal((await runModule(modprobe, { name: 'overlay' }, ctx)).status, 'ok');
  assert.equal(ctx.runs.filter((c) => !isRead(c.command)).length, 0);
});

test('"-" and "_" are the same module, as for kmod', () => {
  const facts = 'modular\nproc\nrelease 6.1\n';
  assert.equal(parseKernelSection('br-netfilter', facts).inProcModules, true);
});

test('evidence when the kernel has no /proc/modules: br_netfilter by /proc/sys/net/bridge, file systems by /proc/filesystems', () => {
  const br = parseKernelSection('br_netfilter', 'release 6.18\nprovides\n');
  assert.equal(br.modular, false);
  assert.equal(br.provides, '/proc/sys/net/bridge exists');
  assert.equal(parseKernelSection('overlay', 'release 6.18\nfs\n').provides, '/proc/filesystems lists overlay');
});

test('absent unloads a loaded module; a built-in one fails with the reason', async () => {
  const k: Kernel = { loaded: new Set(['dummy']), builtin: ['bridge'] };
  const ctx = host(k);
  const r = await runModule(modprobe, { name: 'dummy', state: 'absent' }, ctx);
  assert.equal(r.status, 'changed');
  assert.equal(k.loaded!.has('dummy'), false);
  assert.equal((await runModule(modprobe, { name: 'dummy', state: 'absent' }, ctx)).status, 'ok');
  const b = await runModule(modprobe, { name: 'bridge', state: 'absent' }, ctx);
  assert.equal(b.status, 'failed');
  assert.equal(b.msg, 'cannot unload kernel module bridge: it is built into the kernel (modules.builtin lists it)');
});

test('loading impossible (container: no /lib/modules): modprobe\'s message and why', async () => {
  const ctx = host({ loaded: undefined });
  const r = await runModule(modprobe, { name: 'dummy' }, ctx);
  assert.equal(r.status, 'failed');
  assert.equal(r.msg, 'modprobe: FATAL: Module dummy not found in directory /lib/modules/6.1.0');
  assert.equal(r.result.rc, 1);
  const text = r.failure!.describe();
  assert.match(text, /no modules for its running kernel \(\/lib\/modules\/6\.1\.0 is missing/);
  assert.match(text, /no loadable module support/);
  // Check mode fails the same way (Ansible runs modprobe -n), and loads nothing.
  const chk = host({ loaded: undefined }, { checkMode: true });
  const c = await runModule(modprobe, { name: 'dummy' }, chk);
  assert.equal(c.status, 'failed');
  assert.match(c.msg!, /not found in directory/);
  assert.equal(chk.runs.filter((x) => !isRead(x.command)).length, 0);
});

test('modprobe succeeding without loading (blacklisted): not changed, modprobe\'s reason as a warning', async () => {
  const ctx = host({ loaded: new Set(), available: [], fakeLoad: ['dummy'] });
  const r = await runModule(modprobe, { name: 'dummy' }, ctx);
  assert.equal(r.status, 'ok');
  assert.match(ctx.warnings.join('\n'), /could not insert 'dummy'/);
});

test('check mode: predicts the load with a dry run, runs nothing else', async () => {
  const k: Kernel = { loaded: new Set(), available: ['dummy'] };
  const ctx = host(k, { checkMode: true, diffMode: true, files: { ...dirs } });
  const r = await runModule(modprobe, { name: 'dummy', persistent: 'present', params: 'numdummies=2' }, ctx);
  assert.equal(r.status, 'changed');
  assert.equal(k.loaded!.size, 0);
  assert.equal(ctx.writes.length, 0);
  assert.deepEqual(ctx.runs.filter((c) => !isRead(c.command)), []);
  assert.deepEqual(r.diff!.map((d) => d.path), ['kernel module dummy', '/etc/modules-load.d/dummy.conf', '/etc/modprobe.d/dummy.conf']);
  assert.equal(r.diff![2]!.after, 'options dummy numdummies=2\n');
});

test('persistent present: both files written, then nothing; params changed: old options commented out elsewhere', async () => {
  const k: Kernel = { loaded: new Set(['dummy']) };
  const ctx = host(k, { files: { ...dirs, '/etc/modprobe.d/local.conf': '# local\noptions dummy numdummies=4\nblacklist pcspkr\n' } });
  const r = await runModule(modprobe, { name: 'dummy', params: 'numdummies=2', persistent: 'present' }, ctx);
  assert.equal(r.status, 'changed');
  assert.equal(ctx.text('/etc/modules-load.d/dummy.conf'), 'dummy\n');
  assert.equal(ctx.text('/etc/modprobe.d/dummy.conf'), 'options dummy numdummies=2\n');
  assert.equal(ctx.text('/etc/modprobe.d/local.conf'), '# local\n#options dummy numdummies=4\nblacklist pcspkr\n');
  assert.equal((await runModule(modprobe, { name: 'dummy', params: 'numdummies=2', persistent: 'present' }, ctx)).status, 'ok');
});

test('persistent present: a module already listed in another file is not listed again; missing directories are made', async () => {
  const ctx = host({ loaded: new Set(['br_netfilter']) }, { files: { '/etc/modules-load.d': { type: 'directory' }, '/etc/modules-load.d/k8s.conf': 'overlay\nbr_netfilter # k8s\n' } });
  const r = await runModule(modprobe, { name: 'br_netfilter', persistent: 'present' }, ctx);
  assert.equal(r.status, 'ok');
  const ctx2 = host({ loaded: new Set(['dummy']) });
  const r2 = await runModule(modprobe, { name: 'dummy', persistent: 'present', params: 'numdummies=1' }, ctx2);
  assert.equal(r2.status, 'changed');
  assert.ok(ctx2.runs.some((c) => c.command === 'mkdir -p -- /etc/modules-load.d'));
  assert.ok(ctx2.runs.some((c) => c.command === 'mkdir -p -- /etc/modprobe.d'));
});

test('persistent absent comments lines out, keeping each file\'s newlines (Ansible doubles them); present brings them back', async () => {
  const ctx = host({ loaded: new Set() }, { files: {
    ...dirs,
    '/etc/modules-load.d/dummy.conf': '# mine\ndummy\n',
    '/etc/modules-load.d/other.conf': 'overlay\ndummy\n',
    '/etc/modprobe.d/dummy.conf': 'options dummy numdummies=2 foo=1\n',
  } });
  const r = await runModule(modprobe, { name: 'dummy', state: 'absent', persistent: 'absent' }, ctx);
  assert.equal(r.status, 'changed');
  assert.equal(ctx.text('/etc/modules-load.d/dummy.conf'), '# mine\n#dummy\n');
  assert.equal(ctx.text('/etc/modules-load.d/other.conf'), 'overlay\n#dummy\n');
  assert.equal(ctx.text('/etc/modprobe.d/dummy.conf'), '#options dummy numdummies=2 foo=1\n');
  assert.equal((await runModule(modprobe, { name: 'dummy', state: 'absent', persistent: 'absent' }, ctx)).status, 'ok');
  // Back to present (module already loaded here): the commented name is re-enabled, not duplicated.
  ctx.files.set('/proc-loaded', { type: 'file', content: '' });
  const k2 = host({ loaded: new Set(['dummy']) }, { files: Object.fromEntries([...ctx.files].map(([p, f]) => [p, f])) });
  const back = await runModule(modprobe, { name: 'dummy', persistent: 'present', backup: true }, k2);
  assert.equal(back.status, 'changed');
  assert.equal(k2.text('/etc/modules-load.d/dummy.conf'), '# mine\ndummy\n');
  assert.deepEqual(back.result.backup_files, ['/etc/modules-load.d/dummy.conf.backup~']);
});

test('persistence edits, pure', () => {
  assert.equal(enableLoadFile('a\n;dummy\n', 'dummy'), 'a\ndummy\n');
  assert.equal(enableLoadFile('a', 'dummy'), 'a\ndummy\n');
  assert.equal(setOptionsFile('# x\noptions dummy a=1\nblacklist y\noptions dummy b=2\n', 'dummy', ['c=3', 'd=4']), '# x\noptions dummy c=3\noptions dummy d=4\nblacklist y\n');
  assert.equal(setOptionsFile(undefined, 'dummy', []), undefined);
  // Several parameters on one line are understood (Ansible's regex sees none of them).
  const opt = new Map([['/etc/modprobe.d/dummy.conf', 'options dummy a=1 b=2\n']]);
  assert.deepEqual(persistPresent(new Map([['/etc/modules-load.d/dummy.conf', 'dummy\n']]), opt, 'dummy', ['b=2', 'a=1']), []);
  assert.deepEqual(persistAbsent(new Map(), new Map([['/etc/modprobe.d/x.conf', 'options dummyx a=1\n']]), 'dummy'), []);
});

test('arguments: choices and names checked before anything runs', async () => {
  assert.throws(() => resolveArgs(modprobe, { name: 'x', state: 'loaded' }), /value of state must be one of: absent, present, got: loaded/);
  assert.throws(() => resolveArgs(modprobe, { name: 'x', persistent: 'yes' }), /value of persistent must be one of: disabled, absent, present/);
  assert.throws(() => resolveArgs(modprobe, {}), /missing required arguments: name/);
  const ctx = host({ loaded: new Set() });
  assert.match((await runModule(modprobe, { name: 'x; reboot' }, ctx)).msg!, /invalid kernel module name/);
  assert.match((await runModule(modprobe, { name: 'x', params: 'a="b' }, ctx)).msg!, /params: No closing quotation/);
  assert.equal(ctx.runs.length, 0);
});
