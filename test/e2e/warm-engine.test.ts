/**
 * The warm engine through the built executable (dist/src/cli/bin.js): the first playbook run
 * starts a keeper and is served by it, later ones too, with the same output and exit codes as a
 * run in the executable's own process (K8SPLAY_NO_WARM_ENGINE=1); what is not asked or not
 * served (--version without a keeper, -K, a run after one that loaded custom modules); Ctrl-C
 * relayed to the run; `keeper status` showing the engine. Each test has a control directory of
 * its own under /tmp (unix socket paths are short) and stops its keeper at the end.
 * Needs `npm run build`; skipped when dist/ is missing or older than the sources (as
 * built-cli.test.ts).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { projectsForThisFile, localInventory } from '../helpers/playbook-fixture.js';
import { BIN, ROOT, staleBuild } from '../helpers/built-cli.js';
import { cliRunner, commandRunner, type CliResult } from '../helpers/cli-runner.js';

const project = projectsForThisFile();
const stale = staleBuild();

// What would keep every command from asking (or change the keeper) comes from the environment
// the tests run in: not ours to inherit.
for (const k of ['K8SPLAY_NO_WARM_ENGINE', 'K8SPLAY_CONTROL_PERSIST', 'K8SPLAY_TRACE', 'NODE_OPTIONS', 'K8SPLAY_DEBUG_WARM', 'ANSIBLE_SSH_CONTROL_PATH_DIR']) {
  delete process.env[k];
}

const cli = cliRunner([BIN]);
/** The executable itself, through its shell lines, as users run it (not `node bin.js`). */
const exe = commandRunner(BIN);

/** PIDs of processes whose command line names `dir` (the keeper of that control directory). */
function processesOf(dir: string): number[] {
  const out: number[] = [];
  for (const p of readdirSync('/proc')) {
    if (!/^\d+$/.test(p) || Number(p) === process.pid) continue;
    try {
      if (readFileSync(`/proc/${p}/cmdline`, 'utf8').split('\0').includes(dir)) out.push(Number(p));
    } catch { /* exited meanwhile */ }
  }
  return out;
}

/**
 * Run `body` with a control directory of its own (K8SPLAY_CONTROL_PATH_DIR, and
 * K8SPLAY_DEBUG_WARM=1 so that each command says whether it was served); the keeper is stopped
 * and anything left of it killed afterwards.
 */
async function withKeeperDir(body: (env: Record<string, string>, dir: string) => Promise<void> | void): Promise<void> {
  const dir = mkdtempSync('/tmp/k8w-');
  const env = { K8SPLAY_CONTROL_PATH_DIR: dir, K8SPLAY_DEBUG_WARM: '1' };
  try {
    await body(env, dir);
  } finally {
    cli(ROOT, ['keeper', 'stop'], env);
    const until = Date.now() + 3000;
    while (processesOf(dir).length && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
    for (const pid of processesOf(dir)) {
      try { process.kill(pid, 'SIGKILL'); } catch { /* gone */ }
    }
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The -v result fields that differ from run to run. */
function masked(out: string): string {
  return out.replace(/"(start|end|delta)": "[^"]*"/g, '"$1": "*"');
}

function served(r: CliResult): boolean {
  return /^warm engine: served /m.test(r.err);
}

/** stderr without the warm engine's own lines (K8SPLAY_DEBUG_WARM). */
function ownErr(r: CliResult): string {
  return r.err.replace(/^warm engine: .*\n/gm, '');
}

const SITE = `
- hosts: all
  gather_facts: false
  tasks:
    - debug: { msg: "greeting={{ greeting | default('none') }} var={{ lookup('env', 'SOME_VAR') }}" }
    - command: echo hi
      changed_when: false
    - copy: { content: "{{ inventory_hostname }}\\n", dest: "$DIR/{{ inventory_hostname }}.txt" }
`;

test('the first playbook run starts a keeper and is served, so is the next; output and exit code as run in-process', { skip: stale }, async () => {
  const dir = project({ 'hosts.ini': localInventory(['h1', 'h2']), 'site.yml': SITE });
  await withKeeperDir((env) => {
    const args = ['site.yml', '-i', 'hosts.ini', '-e', 'greeting=hi', '-l', 'h1,h2', '-v'];
    const first = cli(dir, args, { ...env, SOME_VAR: 'one' });
    assert.equal(first.code, 0, first.out + first.err);
    assert.ok(served(first), `first run: ${first.err}`);
    assert.match(cli(ROOT, ['keeper', 'status'], env).out, /^keeper pid \d+ in /m, 'the first run started a keeper');

    const second = cli(dir, args, { ...env, SOME_VAR: 'two' });
    assert.equal(second.code, 0, second.out + second.err);
    assert.ok(served(second), `second run: ${second.err}`);
    // Each served run has its own environment, not the one the keeper was started with.
    assert.match(second.out, /"msg": "greeting=hi var=two"/);
    assert.match(first.out, /"msg": "greeting=hi var=one"/);

    const inProcess = cli(dir, args, { ...env, SOME_VAR: 'two', K8SPLAY_NO_WARM_ENGINE: '1' });
    assert.match(inProcess.err, /^warm engine: not asked: K8SPLAY_NO_WARM_ENGINE is set/m);
    assert.equal(inProcess.code, second.code);
    assert.equal(masked(second.out), masked(inProcess.out));
    assert.equal(ownErr(second), ownErr(inProcess));
    assert.match(second.out, /PLAY RECAP \*+\nh1 +: ok=3 +changed=0/, 'the copy changed nothing the second time');
  });
});

test('a failing task gives exit 2 with the same output, served or not', { skip: stale }, async () => {
  const dir = project({
    'hosts.ini': localInventory(['h1']),
    'site.yml': '- hosts: all\n  gather_facts: false\n  tasks:\n    - debug: { msg: before }\n    - command: "false"\n    - debug: { msg: never }\n',
  });
  await withKeeperDir((env) => {
    const warm = cli(dir, ['site.yml', '-i', 'hosts.ini'], env);
    assert.ok(served(warm), warm.err);
    assert.equal(warm.code, 2, warm.out + warm.err);
    assert.match(warm.out, /fatal: \[h1\]: FAILED!/);
    const here = cli(dir, ['site.yml', '-i', 'hosts.ini'], { ...env, K8SPLAY_NO_WARM_ENGINE: '1' });
    assert.equal(here.code, 2);
    assert.equal(masked(warm.out), masked(here.out));
    assert.equal(ownErr(warm), ownErr(here));
  });
});

test('--version without a keeper is not served and starts none', { skip: stale }, async () => {
  await withKeeperDir((env, dir) => {
    const r = cli(ROOT, ['--version'], env);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /^k8splay \d+\.\d+\.\d+/);
    assert.match(r.err, /^warm engine: not served: /m);
    assert.ok(!served(r));
    assert.deepEqual(processesOf(dir), [], 'no keeper process');
    assert.ok(!readdirSync(dir).some((f) => f.endsWith('.sock')), `no socket in ${readdirSync(dir).join(', ')}`);
    assert.match(cli(ROOT, ['keeper', 'status'], env).out, /^no connection keeper running in /);
  });
});

test('-K (asks on the terminal) is not asked to the keeper', { skip: stale }, async () => {
  const dir = project({ 'hosts.ini': localInventory(['h1']), 'site.yml': SITE });
  await withKeeperDir((env) => {
    const r = cli(dir, ['site.yml', '-i', 'hosts.ini', '-vK'], env);
    assert.match(r.err, /^warm engine: not asked: -vK asks on the terminal/m);
    assert.ok(!served(r));
    // Run here: without a terminal, ansible-playbook's -K cannot ask (bad options, exit 5).
    assert.equal(r.code, 5, r.err);
    assert.match(r.err, /cannot ask 'BECOME password': stdin is not a terminal/);
  });
});

test('a run loading a library/ custom module is served once; then the engine is retired and says so', { skip: stale }, async () => {
  const dir = project({
    'hosts.ini': localInventory(['h1']),
    'library/shout.mjs': `export default {
  name: 'shout', description: 'prints from the module', target: 'controller',
  schema: { type: 'object', properties: { text: { type: 'string' } }, required: ['text'] },
  diff(args) { console.log('MODULE SAYS ' + args.text); return { changes: [] }; },
};
`,
    'site.yml': '- hosts: all\n  gather_facts: false\n  tasks:\n    - shout: { text: "hello" }\n',
  });
  await withKeeperDir((env) => {
    const first = cli(dir, ['site.yml', '-i', 'hosts.ini'], env);
    assert.equal(first.code, 0, first.out + first.err);
    assert.ok(served(first), first.err);
    assert.match(first.out, /MODULE SAYS hello/);
    const second = cli(dir, ['site.yml', '-i', 'hosts.ini'], env);
    assert.equal(second.code, 0, second.out + second.err);
    assert.match(second.err, /^warm engine: not served: the warm engine is retired: a run loaded custom modules/m);
    assert.equal(second.out, first.out, 'run in-process instead, with the same output');
    assert.match(cli(ROOT, ['keeper', 'status'], env).out, /^ {2}warm engine: retired \(a run loaded custom modules.*\), 1 run\(s\) served$/m);
  });
});

/** Run the built command in the background; resolves with its code and output once it exits. */
function spawnCli(dir: string, args: string[], env: Record<string, string>) {
  const child = spawn(process.execPath, [BIN, ...args], { cwd: dir, env: { ...process.env, NO_COLOR: '1', ...env } });
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => { out += d.toString(); });
  child.stderr.on('data', (d: Buffer) => { err += d.toString(); });
  const done = new Promise<CliResult>((resolve) => child.once('close', (code) => resolve({ code: code ?? -1, out, err })));
  const waitOut = async (re: RegExp, ms = 8000): Promise<void> => {
    const end = Date.now() + ms;
    while (!re.test(out)) {
      if (Date.now() > end || child.exitCode !== null) assert.fail(`never saw ${re} in: ${out}\n${err}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  };
  return { child, done, waitOut };
}

const SLOW = `
- hosts: all
  gather_facts: false
  tasks:
    - name: long
      command: sleep 2
    - name: after
      debug: { msg: "NEVER REACHED" }
`;

test('Ctrl-C (SIGINT) at the served client: the run stops after the running command, exit 99 with the recap', { skip: stale }, async () => {
  const dir = project({ 'hosts.ini': localInventory(['h1']), 'site.yml': SLOW });
  await withKeeperDir(async (env) => {
    const run = spawnCli(dir, ['site.yml', '-i', 'hosts.ini'], env);
    try {
      await run.waitOut(/TASK \[long\]/);
      run.child.kill('SIGINT');
      const r = await run.done;
      assert.ok(served(r), r.err);
      assert.equal(r.code, 99, r.out + r.err);
      assert.match(r.err, /User interrupted execution/);
      assert.match(r.out, /PLAY RECAP/);
      assert.doesNotMatch(r.out, /NEVER REACHED/);
      // The engine is fine after an interrupted run.
      const again = cli(dir, ['site.yml', '-i', 'hosts.ini', '--start-at-task', 'after'], env);
      assert.ok(served(again), again.err);
      assert.equal(again.code, 0, again.out + again.err);
    } finally {
      run.child.kill('SIGKILL');
    }
  });
});

test('a second Ctrl-C ends the served client at once with exit 99', { skip: stale }, async () => {
  const dir = project({ 'hosts.ini': localInventory(['h1']), 'site.yml': SLOW });
  await withKeeperDir(async (env) => {
    const run = spawnCli(dir, ['site.yml', '-i', 'hosts.ini'], env);
    try {
      await run.waitOut(/TASK \[long\]/);
      const t0 = Date.now();
      run.child.kill('SIGINT');
      await new Promise((r) => setTimeout(r, 100));
      run.child.kill('SIGINT');
      const r = await run.done;
      assert.ok(Date.now() - t0 < 1500, `exited after ${Date.now() - t0} ms`);
      assert.ok(served(r), r.err);
      assert.equal(r.code, 99, r.out + r.err);
      assert.match(r.err, /\[ERROR\]: User interrupted execution/);
    } finally {
      run.child.kill('SIGKILL');
    }
  });
});

test('keeper status shows the warm engine and the runs it served', { skip: stale }, async () => {
  const dir = project({ 'hosts.ini': localInventory(['h1']), 'site.yml': SITE });
  await withKeeperDir((env) => {
    for (let i = 0; i < 2; i++) {
      // K8SPLAY_NO_WARM_ENGINE=0 means on, to the client and to the keeper the first run starts.
      const r = cli(dir, ['site.yml', '-i', 'hosts.ini'], { ...env, K8SPLAY_NO_WARM_ENGINE: '0' });
      assert.ok(served(r), r.err);
    }
    const status = cli(ROOT, ['keeper', 'status'], env);
    assert.equal(status.code, 0, status.err);
    assert.match(status.err, /^warm engine: not asked: the keeper command/m);
    assert.match(status.out, /^ {2}warm engine: ready, 2 run\(s\) served$/m);
    const stop = cli(ROOT, ['keeper', 'stop'], env);
    assert.match(stop.out, /^stopped 1 connection keeper\(s\) in /);
  });
});

test('NODE_EXTRA_CA_CERTS: Node starts without it (executable and keeper), what the run starts has it, served or not', { skip: stale }, async () => {
  const dir = project({
    'hosts.ini': localInventory(['h1']),
    'site.yml': `
- hosts: all
  gather_facts: false
  tasks:
    - shell: 'echo "ca=\${NODE_EXTRA_CA_CERTS-unset} stash=\${K8SPLAY_EXTRA_CA_CERTS-unset}"'
      changed_when: false
`,
  });
  await withKeeperDir((env, cpd) => {
    // As users run it: the executable itself, through its shell line (not \`node bin.js\`).
    const run = (extra: Record<string, string> = {}): CliResult =>
      exe(dir, ['site.yml', '-i', 'hosts.ini', '-v'], { ...env, NODE_EXTRA_CA_CERTS: '/etc/ssl/certs/ca-certificates.crt', ...extra });
    for (const r of [run(), run(), run({ K8SPLAY_NO_WARM_ENGINE: '1' })]) {
      assert.equal(r.code, 0, r.out + r.err);
      assert.match(r.out, /"stdout": "ca=\/etc\/ssl\/certs\/ca-certificates.crt stash=unset"/);
    }
    const keepers = processesOf(cpd);
    assert.equal(keepers.length, 1, 'one keeper');
    // What the keeper's Node started with (/proc shows the start's environment).
    const started = readFileSync(`/proc/${keepers[0]}/environ`, 'utf8').split('\0');
    assert.ok(!started.some((e) => e.startsWith('NODE_EXTRA_CA_CERTS=')), 'the keeper started without it');
    assert.ok(started.includes('K8SPLAY_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt'), 'it was moved aside');
  });
});

test('`k8splay ... | head`: the served client ends quietly with 0, as a run in its own process does; the engine serves on', { skip: stale }, async () => {
  const task = '    - debug: { msg: "{{ item }} ' + 'z'.repeat(200) + '" }\n      loop: "{{ range(0, 50) | list }}"\n    - command: "true"\n';
  const dir = project({ 'hosts.ini': localInventory(['h1']), 'site.yml': `- hosts: all\n  gather_facts: false\n  tasks:\n${task.repeat(20)}` });
  await withKeeperDir((env) => {
    const piped = (extra: Record<string, string> = {}): { code: string; err: string } => {
      const r = spawnSync('bash', ['-c', '"$0" site.yml -i hosts.ini | head -c 300 >/dev/null; echo "${PIPESTATUS[0]}"', BIN], {
        cwd: dir, encoding: 'utf8', timeout: 60_000, env: { ...process.env, NO_COLOR: '1', ...env, ...extra },
      });
      return { code: r.stdout.trim(), err: r.stderr };
    };
    const warm = piped();
    assert.match(warm.err, /^warm engine: served /m);
    assert.equal(warm.code, '0', warm.err);
    assert.doesNotMatch(warm.err, /EPIPE|Error|MaxListeners|at /);
    const here = piped({ K8SPLAY_NO_WARM_ENGINE: '1' });
    assert.equal(here.code, '0', here.err);
    // The engine saw its client leave and stopped that run: it is free for the next.
    const next = cli(dir, ['site.yml', '-i', 'hosts.ini'], env);
    assert.ok(served(next), next.err);
    assert.equal(next.code, 0, next.err);
  });
});
