// serveRun() (src/cli/warm/serve.ts), the warm engine's side of a run, in this process from
// source: a request as the keeper read it, over a real unix socket, for small local-connection
// playbooks. Checks what the executable relays (the answer line, then STDOUT/STDERR frames and
// the EXIT frame with main()'s code), that the run sees the request's environment, working
// directory and umask and not this process's, that all of them and process.stdout/stderr.write
// are this process's again afterwards, Ctrl-C (INTERRUPT frames) and a client that goes away,
// a working directory that cannot be entered, and that a run loading custom modules leaves
// the engine not reusable. That last one must stay the LAST test: customCodeLoaded() is per
// process and then stays true.
import { after, afterEach, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { statSync } from 'node:fs';
import type { Socket } from 'node:net';
import { join } from 'node:path';
import { serveRun, type ServedRun } from '../../../src/cli/warm/serve.js';
import { encodeFrame, FRAME, FrameDecoder, LineReader, PROTOCOL_VERSION, type RunAnswer, type RunRequest } from '../../../src/connection/keeper/protocol.js';
import { cleanup, localInventory, projectsForThisFile, tempProject } from '../../helpers/playbook-fixture.js';
import { within } from '../../helpers/waiting.js';
import { socketPairs } from '../../helpers/socket-pairs.js';

const project = projectsForThisFile();
/** How long a served playbook may take before the test fails rather than hangs. */
const RUN_MS = 8000;

/** The request's umask: not this process's, so that the run's own can be told apart. */
const RUN_UMASK = 0o027;

const pair = socketPairs();

/** A directory with a playbook and inventory of its own: the test process's cwd during the tests. */
let decoy: string;
let startCwd: string;

before(() => {
  // Had the run resolved relative paths against the process's cwd, it would run this one.
  decoy = tempProject({
    'hosts.ini': localInventory(['decoy']),
    'site.yml': '- hosts: all\n  gather_facts: false\n  tasks:\n    - debug: { msg: "DECOY PLAYBOOK" }\n',
  });
});

after(() => {
  cleanup(decoy);
});

beforeEach(() => {
  startCwd = process.cwd();
  process.chdir(decoy);
});

afterEach(() => {
  process.chdir(startCwd);
});

/** The environment of a run: what the executable would send (its own), plus `extra`. */
function runEnv(extra: Record<string, string> = {}): Record<string, string> {
  return { PATH: process.env['PATH'] ?? '/usr/bin:/bin', HOME: process.env['HOME'] ?? '/tmp', NO_COLOR: '1', ...extra };
}

function request(cwd: string, argv: string[], over: Partial<RunRequest> = {}): RunRequest {
  return {
    v: PROTOCOL_VERSION, op: 'run', bundle: 'test', node: process.version, argv, cwd,
    env: runEnv(), umask: RUN_UMASK, stdout: { isTTY: false }, stderr: { isTTY: false }, ...over,
  };
}

/** What the client has received so far, and when it is complete. */
interface Client {
  sock: Socket;
  answer?: RunAnswer;
  stdout: string;
  stderr: string;
  /** Frame types in order of arrival. */
  types: number[];
  exit?: number;
  /** Resolves when the keeper's end has closed the socket. */
  closed: Promise<void>;
  /** Resolves once `re` is in stdout. */
  waitStdout(re: RegExp, ms?: number): Promise<void>;
}

/** What serveRun saw of this process while it ran, and the process state after it. */
interface ProcessState { env: NodeJS.ProcessEnv; cwd: string; umask: number; write: unknown; errWrite: unknown }

function processState(): ProcessState {
  const umask = process.umask(0o022);
  process.umask(umask);
  return { env: { ...process.env }, cwd: process.cwd(), umask, write: process.stdout.write, errWrite: process.stderr.write };
}

/** Start serving `req` on a fresh socket pair, as the keeper would once it read the request line. */
async function start(req: RunRequest, rest: Buffer = Buffer.alloc(0)): Promise<{ client: Client; served: Promise<ServedRun> }> {
  const { keeper, client: sock } = await pair();
  keeper.pause(); // as the keeper leaves it after reading the request line

  const watchers: Array<() => void> = [];
  const client: Client = {
    sock, stdout: '', stderr: '', types: [],
    closed: new Promise((r) => sock.once('close', () => r())),
    waitStdout(re, ms = 5000) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`stdout never matched ${re}: ${client.stdout}`)), ms);
        const check = (): void => {
          if (!re.test(client.stdout)) return;
          clearTimeout(timer);
          resolve();
        };
        watchers.push(check);
        check();
      });
    },
  };
  const decoder = new FrameDecoder((type, payload) => {
    client.types.push(type);
    if (type === FRAME.STDOUT) client.stdout += payload.toString('utf8');
    else if (type === FRAME.STDERR) client.stderr += payload.toString('utf8');
    else if (type === FRAME.EXIT) client.exit = Number(payload.toString('latin1'));
    for (const w of watchers) w();
  });
  const reader = new LineReader();
  sock.on('data', (chunk: Buffer) => {
    if (client.answer) return decoder.push(chunk);
    const got = reader.push(chunk);
    if (!got) return;
    client.answer = JSON.parse(got.line) as RunAnswer;
    if (got.rest.length) decoder.push(got.rest);
  });
  const served = serveRun(keeper, req, rest);
  return { client, served };
}

/** Serve `req` to its end. */
async function runToEnd(req: RunRequest): Promise<{ client: Client; served: ServedRun; during: ProcessState; before: ProcessState; afterRun: ProcessState }> {
  const before = processState();
  const { client, served } = await start(req);
  // serveRun entered the run synchronously up to main()'s first await: this is the run's state.
  const during = processState();
  const done = await within(served, 'serveRun to resolve', RUN_MS);
  const afterRun = processState();
  await within(client.closed, 'the socket to close', RUN_MS);
  return { client, served: done, during, before, afterRun };
}

function recap(out: string): string {
  return /PLAY RECAP \*+\n(.*)\n/.exec(out)?.[1] ?? `(no recap in: ${out})`;
}

describe('serveRun', () => {
  test('runs the command with the request\'s env, cwd and umask; frames hold its output and exit code; the process is ours again after', async () => {
    const dir = project({
      'hosts.ini': localInventory(['h1']),
      'site.yml': `
- hosts: all
  gather_facts: false
  tasks:
    - debug: { msg: "some_var={{ lookup('env', 'SOME_VAR') }} only_here={{ lookup('env', 'K8SP_ONLY_IN_TEST_PROCESS') }}" }
    - name: the shell's umask and directory
      shell: umask; pwd; touch made-by-shell.txt
      register: sh
    - debug: { msg: "umask={{ sh.stdout_lines[0] }} pwd={{ sh.stdout_lines[1] }}" }
    - copy: { content: "x\\n", dest: "$DIR/copied.txt" }
`,
    });
    process.env['K8SP_ONLY_IN_TEST_PROCESS'] = 'test-process';
    try {
      assert.notEqual(processState().umask, RUN_UMASK, 'precondition: the test process has another umask');
      const req = request(dir, ['site.yml', '-i', 'hosts.ini'], { env: runEnv({ SOME_VAR: 'from-request' }) });
      const { client, served, during, before, afterRun } = await runToEnd(req);

      assert.deepEqual(client.answer, { ok: true });
      assert.equal(client.exit, 0, client.stdout + client.stderr);
      assert.equal(client.types.at(-1), FRAME.EXIT, 'EXIT is the last frame');
      assert.ok(client.types.slice(0, -1).every((t) => t === FRAME.STDOUT || t === FRAME.STDERR));
      assert.match(recap(client.stdout), /^h1 +: ok=4 +changed=2 +unreachable=0 +failed=0/);
      assert.doesNotMatch(client.stdout, /DECOY|decoy/, 'relative paths resolved against req.cwd');
      assert.match(client.stdout, /"msg": "some_var=from-request only_here="/);
      assert.match(client.stdout, new RegExp(`"msg": "umask=0027 pwd=${dir}"`));
      assert.equal(statSync(join(dir, 'made-by-shell.txt')).mode & 0o777, 0o640);
      assert.equal(statSync(join(dir, 'copied.txt')).mode & 0o777, 0o640);
      assert.deepEqual(served, { reusable: true });

      // While it ran, this process was the run's...
      assert.equal(during.cwd, dir);
      assert.equal(during.umask, RUN_UMASK);
      assert.deepEqual(during.env, req.env);
      assert.notEqual(during.write, before.write);
      assert.notEqual(during.errWrite, before.errWrite);
      // ...and after it, ours again.
      assert.deepEqual(afterRun, before);
      assert.equal(process.env['K8SP_ONLY_IN_TEST_PROCESS'], 'test-process');
      assert.equal(process.env['SOME_VAR'], undefined);
    } finally {
      delete process.env['K8SP_ONLY_IN_TEST_PROCESS'];
    }
  });

  test('a failed task: EXIT carries 2, the recap counts it; the client\'s terminal width shapes the banners', async () => {
    const dir = project({
      'hosts.ini': localInventory(['h1']),
      'site.yml': '- hosts: all\n  gather_facts: false\n  tasks:\n    - command: "false"\n',
    });
    const req = request(dir, ['site.yml', '-i', 'hosts.ini'], { stdout: { isTTY: true, columns: 121 }, stderr: { isTTY: true, columns: 121 } });
    const { client, served, before, afterRun } = await runToEnd(req);
    assert.equal(client.exit, 2, client.stdout + client.stderr);
    assert.match(client.stdout, /fatal: \[h1\]: FAILED!/);
    assert.match(recap(client.stdout), /failed=1/);
    const banner = client.stdout.split('\n').find((l) => l.startsWith('PLAY RECAP'))!;
    // As ansible-playbook: the banner fills the terminal's width (80 when not a terminal).
    assert.equal(banner.length, 121, 'the banner is as wide as the client\'s terminal');
    assert.deepEqual(served, { reusable: true });
    assert.deepEqual(afterRun, before);
  });

  test('errors in the input: EXIT carries main()\'s 1 and the message is on STDERR', async () => {
    const dir = project({ 'hosts.ini': localInventory(['h1']) });
    const { client, afterRun, before } = await runToEnd(request(dir, ['missing.yml', '-i', 'hosts.ini']));
    assert.equal(client.exit, 1);
    assert.match(client.stderr, /ERROR! the playbook: missing\.yml could not be found/);
    assert.equal(client.stdout, '');
    assert.deepEqual(afterRun, before);
  });

  test('an INTERRUPT frame during a long command: the run stops after it with the recap, exit 99', async () => {
    const dir = project({
      'hosts.ini': localInventory(['h1']),
      'site.yml': `
- hosts: all
  gather_facts: false
  tasks:
    - name: long
      command: sleep 2
    - name: after
      debug: { msg: "NEVER REACHED" }
`,
    });
    const t0 = Date.now();
    const { client, served } = await start(request(dir, ['site.yml', '-i', 'hosts.ini']));
    await client.waitStdout(/TASK \[long\]/);
    client.sock.write(encodeFrame(FRAME.INTERRUPT));
    const done = await within(served, 'serveRun to resolve', RUN_MS);
    await within(client.closed, 'the socket to close', RUN_MS);
    // The running command is waited for (as without the warm engine: local shells are their own
    // process group, a terminal's Ctrl-C does not reach them), nothing after it runs.
    assert.ok(Date.now() - t0 < 4500, `took ${Date.now() - t0} ms`);
    assert.equal(client.exit, 99, client.stdout + client.stderr);
    assert.match(client.stderr, /\[WARNING\]: interrupted: stopping after the commands that are running/);
    assert.match(client.stderr, /User interrupted execution/);
    assert.match(client.stdout, /PLAY RECAP/);
    assert.doesNotMatch(client.stdout, /NEVER REACHED|TASK \[after\]/);
    assert.deepEqual(done, { reusable: true });
  });

  test('a second INTERRUPT frame: EXIT 99 at once, the run finishes in the background', async () => {
    const dir = project({
      'hosts.ini': localInventory(['h1']),
      'site.yml': '- hosts: all\n  gather_facts: false\n  tasks:\n    - name: long\n      command: sleep 2\n',
    });
    const before = processState();
    const { client, served } = await start(request(dir, ['site.yml', '-i', 'hosts.ini']));
    await client.waitStdout(/TASK \[long\]/);
    const t0 = Date.now();
    client.sock.write(encodeFrame(FRAME.INTERRUPT));
    await new Promise((r) => setTimeout(r, 50));
    client.sock.write(encodeFrame(FRAME.INTERRUPT));
    await within(client.closed, 'the socket to close', RUN_MS);
    assert.ok(Date.now() - t0 < 1000, `EXIT came after ${Date.now() - t0} ms`);
    assert.equal(client.exit, 99);
    assert.match(client.stderr, /\[ERROR\]: User interrupted execution/);
    assert.equal(client.types.at(-1), FRAME.EXIT);
    assert.deepEqual(await within(served, 'serveRun to resolve', RUN_MS), { reusable: true });
    assert.deepEqual(processState(), before);
  });

  test('the client closing its socket mid-run: serveRun resolves (the run stops as on Ctrl-C) and restores the process', async () => {
    const dir = project({
      'hosts.ini': localInventory(['h1']),
      'site.yml': `
- hosts: all
  gather_facts: false
  tasks:
    - name: long
      command: sleep 2
    - name: after
      copy: { content: "x", dest: "$DIR/after.txt" }
`,
    });
    const before = processState();
    const t0 = Date.now();
    const { client, served } = await start(request(dir, ['site.yml', '-i', 'hosts.ini']));
    await client.waitStdout(/TASK \[long\]/);
    client.sock.destroy();
    const done = await Promise.race([served, new Promise<'hung'>((r) => setTimeout(() => r('hung'), 6000))]);
    assert.notEqual(done, 'hung', 'serveRun did not resolve');
    assert.deepEqual(done, { reusable: true });
    assert.ok(Date.now() - t0 < 4500, `took ${Date.now() - t0} ms`);
    assert.throws(() => statSync(join(dir, 'after.txt')), /ENOENT/, 'the task after the interrupted one did not run');
    assert.deepEqual(processState(), before);
  });

  test('a client that stops reading, then leaves, while the run writes: serveRun still resolves (the engine is not left busy)', async () => {
    // Far more output than the socket holds, written over many turns of the event loop (a
    // command between the loud tasks: a run without I/O writes all in one turn): the run's
    // writes back up and wait.
    const line = 'y'.repeat(4000);
    const task = `    - debug: { msg: "{{ item }} ${line}" }\n      loop: "{{ range(0, 20) | list }}"\n    - command: 'true'\n`;
    const dir = project({
      'hosts.ini': localInventory(['h1']),
      'site.yml': `- hosts: all\n  gather_facts: false\n  tasks:\n${task.repeat(40)}`,
    });
    const before = processState();
    const { client, served } = await start(request(dir, ['site.yml', '-i', 'hosts.ini']));
    client.sock.pause();
    let settled = false;
    void served.then(() => { settled = true; });
    await new Promise((r) => setTimeout(r, 1500));
    assert.equal(settled, false, `the run did not wait for its reader (got ${client.stdout.length} bytes: ${client.stdout.slice(0, 300)}${client.stderr})`);
    client.sock.destroy();
    const done = await Promise.race([served, new Promise<'hung'>((r) => setTimeout(() => r('hung'), 8000))]);
    assert.notEqual(done, 'hung', 'serveRun did not resolve after the client left with output backed up');
    assert.deepEqual(processState(), before);
  });

  test('an INTERRUPT frame that comes with the request (before the run listens) still stops the run', async () => {
    const dir = project({
      'hosts.ini': localInventory(['h1']),
      'site.yml': `
- hosts: all
  gather_facts: false
  tasks:
    - name: short
      command: sleep 1
    - name: after
      debug: { msg: "NEVER REACHED" }
`,
    });
    const { client, served } = await start(request(dir, ['site.yml', '-i', 'hosts.ini']), encodeFrame(FRAME.INTERRUPT));
    await within(served, 'serveRun to resolve', RUN_MS);
    await within(client.closed, 'the socket to close', RUN_MS);
    assert.equal(client.exit, 99, client.stdout + client.stderr);
    assert.doesNotMatch(client.stdout, /NEVER REACHED|TASK \[after\]/);
  });

  test('a working directory that cannot be entered: declined, nothing of the process changed', async () => {
    const dir = project({ 'hosts.ini': localInventory(['h1']) });
    const missing = join(dir, 'gone');
    const { client, served, before, afterRun } = await runToEnd(request(missing, ['site.yml'], { env: runEnv({ SOME_VAR: 'x' }) }));
    assert.equal(client.answer?.ok, false);
    assert.match((client.answer as { declined: string }).declined, new RegExp(`^cannot enter ${missing}: .*ENOENT`));
    assert.deepEqual(client.types, [], 'no frames after a decline');
    assert.deepEqual(served, { reusable: true });
    assert.deepEqual(afterRun, before);
  });

  // Keep last: the run imports a custom module, which this process then holds for good.
  test('a run whose playbook has a library/ custom module: served, its console output relayed, and not reusable', async () => {
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
    const { client, served, before, afterRun } = await runToEnd(request(dir, ['site.yml', '-i', 'hosts.ini']));
    assert.equal(client.exit, 0, client.stdout + client.stderr);
    assert.match(client.stdout, /MODULE SAYS hello/, "the module's console.log went to the client");
    assert.match(recap(client.stdout), /ok=1/);
    assert.equal(served.reusable, false);
    assert.match(served.reason ?? '', /custom modules/);
    assert.deepEqual(afterRun, before);
  });
});
