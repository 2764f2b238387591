import { test, mock } from 'node:test';
import assert from 'node:assert/strict';
import { gatherFacts, gatherFactsDetailed, gatherCommandTimeoutMs } from '../../../src/facts/index.js';
import { CommandTimeoutError, ModuleFailure } from '../../../src/errors.js';
import { fixture } from './local-exec.js';

test('one exec call carrying the timeout; facts carry gather_subset and module_setup', async () => {
  const calls: { cmd: string; timeoutMs?: number }[] = [];
  const facts = await gatherFacts(async (cmd, o) => {
    calls.push({ cmd, timeoutMs: o?.timeoutMs });
    return { rc: 0, stdout: fixture('centos7.txt'), stderr: '' };
  }, { subset: ['!all', 'network'], timeoutSec: 4 });
  assert.equal(calls.length, 1);
  assert.equal(calls[0]!.timeoutMs, gatherCommandTimeoutMs(4));
  // The script itself (no `sh -c` around it: one process less), after its arguments.
  assert.match(calls[0]!.cmd, /^set -- 4 [a-z_ ]+\n\nS\(\) \{/);
  assert.match(calls[0]!.cmd, / network\b/);
  assert.doesNotMatch(calls[0]!.cmd, / hardware\b/);
  assert.deepEqual(facts['gather_subset'], ['!all', 'network']);
  assert.equal(facts['module_setup'], true);
  // network and the minimal set were parsed, hardware was not.
  assert.equal((facts['default_ipv4'] as Record<string, unknown>)['address'], '192.168.122.10');
  assert.equal(facts['distribution'], 'CentOS');
  assert.equal(facts['mounts'], undefined);
  assert.equal(facts['memtotal_mb'], undefined);
  assert.equal(facts['virtualization_type'], undefined);
});

test("'!all,!min' runs nothing on the host", async () => {
  let called = false;
  const facts = await gatherFacts(async () => { called = true; return { rc: 0, stdout: '', stderr: '' }; }, { subset: ['!all', '!min'] });
  assert.equal(called, false);
  assert.deepEqual(facts, { gather_subset: ['!all', '!min'], module_setup: true });
});

test('a bad subset fails before anything runs', async () => {
  let called = false;
  await assert.rejects(
    gatherFacts(async () => { called = true; return { rc: 0, stdout: '', stderr: '' }; }, { subset: ['nope'] }),
    (e: unknown) => e instanceof ModuleFailure && /Bad subset 'nope'/.test(e.message),
  );
  assert.equal(called, false);
});

test('a connection timeout becomes a failed gather naming gather_timeout', async () => {
  await assert.rejects(
    gatherFacts(async (cmd, o) => { throw new CommandTimeoutError(cmd, o?.timeoutMs ?? 0); }, { timeoutSec: 2 }),
    (e: unknown) => {
      assert.ok(e instanceof ModuleFailure);
      assert.match(e.message, /did not finish within 11s \(gather_timeout=2\)/);
      assert.ok(e.cause instanceof CommandTimeoutError);
      return true;
    },
  );
});

test('an exec that ignores timeoutMs is abandoned at the deadline', async () => {
  mock.timers.enable({ apis: ['setTimeout'] });
  try {
    const p = gatherFacts(() => new Promise(() => {}), { timeoutSec: 1 });
    const settled = assert.rejects(p, /did not finish within 8s/);
    mock.timers.tick(gatherCommandTimeoutMs(1));
    await settled;
  } finally {
    mock.timers.reset();
  }
});

test('a shell that cannot run the script fails with its stderr', async () => {
  await assert.rejects(
    gatherFacts(async () => ({ rc: 127, stdout: '', stderr: 'sh: not found' })),
    (e: unknown) => e instanceof ModuleFailure && /rc=127.*sh: not found/.test(e.message) && e.data['rc'] === 127,
  );
});

test('output cut short still yields what arrived, with a warning', async () => {
  const full = fixture('centos7.txt');
  const cut = full.slice(0, full.indexOf('@@k8splay:hostfwd'));
  const r = await gatherFactsDetailed(async () => ({ rc: 0, stdout: cut, stderr: '' }));
  assert.equal(r.facts['distribution'], 'CentOS');
  assert.equal(r.facts['default_ipv4'] && Object.keys(r.facts['default_ipv4'] as object).length, 0);
  assert.ok(r.warnings.some((w) => /cut short/.test(w)));
});
