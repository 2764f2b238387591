import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { main, type MainIO } from '../../../src/cli/main.js';
import { InputError } from '../../../src/errors.js';
import type { RunOptions, RunResult } from '../../../src/executor/types.js';
import { PLAYBOOK_OPTIONS } from '../../../src/cli/options-spec.js';
import { Capture } from '../reporters/capture.js';

const dir = mkdtempSync(join(tmpdir(), 'k8splay-main-'));
writeFileSync(join(dir, 'site.yml'), '- hosts: all\n  tasks: []\n');
writeFileSync(join(dir, 'become.pass'), 's3cret\n');
writeFileSync(join(dir, 'inv.ini'), '[web]\nh1 ansible_connection=local\nh2\n');
test.after(() => rmSync(dir, { recursive: true, force: true }));

function result(p: Partial<RunResult> = {}): RunResult {
  return { exitCode: 0, stats: {}, tasks: [], failedHosts: [], unreachableHosts: [], interrupted: false, durationMs: 1, ...p };
}

function io(run?: MainIO['run']) {
  const stdout = new Capture();
  const stderr = new Capture();
  const stdin = new PassThrough() as PassThrough & { isTTY?: boolean };
  let interrupt: (() => void) | undefined;
  const exits: number[] = [];
  const value: Partial<MainIO> = {
    stdout, stderr, stdin, env: {}, cwd: dir,
    onInterrupt: (h) => { interrupt = h; return () => { interrupt = undefined; }; },
    exit: (c) => { exits.push(c); },
    ...(run ? { run } : {}),
  };
  return { stdout, stderr, value, interrupt: () => interrupt?.(), exits, hasHandler: () => interrupt !== undefined };
}

test('--help lists every option; --version prints the version', async () => {
  const a = io();
  assert.equal(await main(['--help'], a.value), 0);
  for (const s of PLAYBOOK_OPTIONS) for (const l of s.long) assert.ok(a.stdout.text.includes(l), l);
  assert.match(a.stdout.text, /Connection Options:[\s\S]*Privilege Escalation Options:/);
  const b = io();
  assert.equal(await main(['--version'], b.value), 0);
  assert.match(b.stdout.text, /^k8splay \d+\.\d+\.\d+\n$/);
});

test('bad options exit 5 with ERROR! on stderr and nothing on stdout', async () => {
  const a = io();
  assert.equal(await main(['--forks', 'x', 'site.yml'], a.value), 5);
  assert.match(a.stderr.text, /^ERROR! option -f\/--forks: 'x' is not a positive whole number\n$/);
  assert.equal(a.stdout.text, '');
});

test('a missing playbook is an input error (exit 1), with a hint for a mistyped command', async () => {
  const a = io(async () => assert.fail('must not run'));
  assert.equal(await main(['inventroy', '-i', 'x'], a.value), 1);
  assert.match(a.stderr.text, /ERROR! the playbook: inventroy could not be found\ndid you mean the 'inventory' command\?/);
});

test('exit codes from the run: 0 ok, 2 failed, 4 unreachable wins, 99 interrupted', async () => {
  const cases: Array<[Partial<RunResult>, number]> = [
    [{}, 0],
    [{ exitCode: 2, failedHosts: ['h1'] }, 2],
    [{ exitCode: 4, failedHosts: ['h1'], unreachableHosts: ['h2'] }, 4],
    [{ exitCode: 99, interrupted: true }, 99],
  ];
  for (const [r, code] of cases) {
    const a = io(async () => result(r));
    assert.equal(await main(['site.yml'], a.value), code);
  }
});

test('options reach run(); the console reporter prints the events; the interrupt handler is removed after', async () => {
  let seen: RunOptions | undefined;
  const a = io(async (opts) => {
    seen = opts;
    opts.events!.emit('play:start', { play: { name: 'p', pattern: 'all' }, hosts: ['h1'] });
    opts.events!.emit('run:end', { stats: { h1: { ok: 1, changed: 0, unreachable: 0, failed: 0, skipped: 0, rescued: 0, ignored: 0 } }, interrupted: false });
    return result();
  });
  assert.equal(await main(['site.yml', '-C', '-e', 'a=1', '--become-password-file', 'become.pass'], a.value), 0);
  assert.equal(seen?.playbook, 'site.yml');
  assert.equal(seen?.check, true);
  assert.deepEqual(seen?.extraVars, { a: '1' });
  assert.equal(seen?.becomePassword, 's3cret');
  assert.ok(seen?.signal instanceof AbortSignal);
  assert.match(a.stdout.text, /^\nPLAY \[p\] \*+\n\nPLAY RECAP \*+\nh1 +: ok=1 /);
  assert.equal(a.hasHandler(), false);
});

test('--json prints only the JSON document on stdout', async () => {
  const a = io(async (opts) => {
    opts.events!.emit('play:start', { play: { name: 'p', pattern: 'all' }, hosts: ['h1'] });
    opts.events!.emit('warning', { message: 'w' });
    opts.events!.emit('run:end', { stats: {}, interrupted: false });
    return result();
  });
  assert.equal(await main(['site.yml', '--json'], a.value), 0);
  const doc = JSON.parse(a.stdout.text);
  assert.equal(doc.plays[0].play.name, 'p');
  assert.equal(a.stderr.text, '');
});

test('Ctrl-C aborts the run, which ends cleanly with a recap; exit 99; a second Ctrl-C exits at once', async () => {
  let a!: ReturnType<typeof io>;
  a = io(async (opts) => {
    setTimeout(() => a.interrupt(), 5);
    await new Promise<void>((res) => opts.signal!.addEventListener('abort', () => res()));
    opts.events!.emit('run:end', { stats: { h1: { ok: 1, changed: 0, unreachable: 0, failed: 0, skipped: 0, rescued: 0, ignored: 0 } }, interrupted: true });
    a.interrupt();
    return result({ interrupted: true, exitCode: 99 });
  });
  assert.equal(await main(['site.yml'], a.value), 99);
  assert.match(a.stdout.text, /PLAY RECAP/);
  assert.match(a.stderr.text, /interrupted: stopping after the commands that are running/);
  assert.match(a.stderr.text, /\[ERROR\]: User interrupted execution/);
  assert.deepEqual(a.exits, [99]);
});

test('input errors print ERROR! with the location and no stack unless -vvv; bugs exit 250 with the stack', async () => {
  const err = new InputError("unknown module 'sysctll'", { location: { file: 'site.yml', line: 3, column: 7 }, details: ["did you mean 'sysctl'?"] });
  const a = io(async () => { throw err; });
  assert.equal(await main(['site.yml'], a.value), 1);
  assert.equal(a.stderr.text, "ERROR! unknown module 'sysctll' at site.yml:3:7\ndid you mean 'sysctl'?\n");
  const b = io(async () => { throw err; });
  assert.equal(await main(['site.yml', '-vvv'], b.value), 1);
  assert.match(b.stderr.text, /the full traceback was:\n\nInputError: unknown module/);
  const c = io(async () => { throw new TypeError('x is undefined'); });
  assert.equal(await main(['site.yml'], c.value), 250);
  assert.match(c.stderr.text, /^ERROR! Unexpected Exception, this is probably a bug: x is undefined\nthe full traceback was:\n\nTypeError: x is undefined\n {4}at /);
});

test('-K without a terminal fails at once (exit 5) with what to do instead', async () => {
  const a = io(async () => assert.fail('must not run'));
  const t = Date.now();
  assert.equal(await main(['site.yml', '-K'], a.value), 5);
  assert.ok(Date.now() - t < 2000);
  assert.match(a.stderr.text, /ERROR! cannot ask 'BECOME password': stdin is not a terminal\n.*ansible_become_password.*--become-password-file/);
});

test('-k and -K on a terminal read without echo; an empty become password defaults to the SSH one', async () => {
  let seen: RunOptions | undefined;
  const a = io(async (opts) => { seen = opts; return result(); });
  const stdin = a.value.stdin as PassThrough & { isTTY?: boolean; setRawMode?: (m: boolean) => void };
  stdin.isTTY = true;
  const modes: boolean[] = [];
  stdin.setRawMode = (m) => { modes.push(m); };
  const p = main(['site.yml', '-k', '-K'], a.value);
  setTimeout(() => stdin.write('pw1x\x7f\r'), 5);
  setTimeout(() => stdin.write('\r'), 30);
  assert.equal(await p, 0);
  assert.equal(seen?.connectionPassword, 'pw1');
  assert.equal(seen?.becomePassword, 'pw1');
  assert.equal(a.stderr.text, 'SSH password: \nBECOME password[defaults to SSH password]: \n');
  assert.deepEqual(modes, [true, false, true, false]);
});

test('--sandbox never falls back to the real inventory while it is not wired', async () => {
  const a = io(async () => assert.fail('must not run'));
  assert.equal(await main(['site.yml', '--sandbox'], a.value), 5);
});

test('inventory --graph through main', async () => {
  const a = io();
  assert.equal(await main(['inventory', '-i', 'inv.ini', '--graph', 'web'], a.value), 0);
  assert.equal(a.stdout.text, '@web:\n  |--h1\n  |--h2\n');
});

test("each play's host count reaches onPlayHosts (the command keeps large plays' young generation small)", async () => {
  const counts: number[] = [];
  const a = io(async (opts) => {
    const play = { name: 'p', hosts: 'all' } as never;
    opts.events!.emit('play:start', { play, hosts: ['h1', 'h2'] });
    opts.events!.emit('play:start', { play, hosts: Array.from({ length: 12 }, (_, i) => `n${i}`) });
    return result();
  });
  a.value.onPlayHosts = (n) => counts.push(n);
  assert.equal(await main(['site.yml', '-i', 'inv.ini'], a.value), 0);
  assert.deepEqual(counts, [2, 12]);
});
