// The real shell side of modprobe's detection on this machine. Read-only: persistence would
// write under /etc and loading would change the kernel, so neither runs here (the sandbox
// tests cover persistence on a real host).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import modprobe from './index.js';
import { readSections } from '../_shared/read-sections.js';
import { isPresent, kernelSectionCommand, parseKernelSection } from './detect.js';
import { createHarness, type Harness } from '../../test/helpers/module-harness.js';

let h: Harness;
before(async () => { h = await createHarness('k8sp-modprobe-'); });
after(async () => { await h.close(); });

test('detection agrees with what this kernel shows in /proc and /sys', async () => {
  const s = await readSections(h.context(), { kernel: kernelSectionCommand('overlay') });
  const info = parseKernelSection('overlay', s.kernel!.out);
  assert.equal(info.modular, existsSync('/proc/modules'));
  assert.equal(info.inSysModule, existsSync('/sys/module/overlay'));
  assert.equal(info.release, readFileSync('/proc/sys/kernel/osrelease', 'utf8').trim());
  const fsListed = /\soverlay$/m.test(readFileSync('/proc/filesystems', 'utf8'));
  assert.equal(isPresent(info), fsListed || info.inSysModule || info.inProcModules || info.builtin);
});

test('a module that is there is reported present without running modprobe, in normal and check mode', async (t) => {
  if (!/\soverlay$/m.test(readFileSync('/proc/filesystems', 'utf8'))) return t.skip('overlay is not available on this kernel');
  for (const checkMode of [false, true]) {
    const r = await h.run(modprobe, { name: 'overlay' }, { checkMode });
    assert.equal(r.status, 'ok', r.msg);
    assert.deepEqual(r.result, { name: 'overlay', params: '', state: 'present' });
  }
});

test('a module that is not there, in check mode: the dry run\'s failure, nothing loaded', async () => {
  const r = await h.run(modprobe, { name: 'k8sp_no_such_module' }, { checkMode: true });
  assert.equal(r.status, 'failed');
  assert.ok(r.msg && r.msg.length > 0);
  assert.equal(existsSync('/sys/module/k8sp_no_such_module'), false);
});
