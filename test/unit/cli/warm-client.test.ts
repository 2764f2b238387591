// The executable's choice before asking the warm engine (src/cli/warm/client.ts): which command
// lines must run in the executable's own process (mustRunHere: a prompt on its terminal, its own
// stdin or descriptors, settings of this process), and which start a keeper when none listens
// (startsKeeper: playbook runs only). ansible-playbook 2.14's options that ask on the terminal are
// -k/--ask-pass, -K/--ask-become-pass and --ask-vault-password/--ask-vault-pass (argparse lets
// short flags cluster: -vK, -bkK); k8splay rejects the vault ones and --step, which also prompts.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mustRunHere, startsKeeper } from '../../../src/cli/warm/client.js';

const PLAY = ['site.yml', '-i', 'hosts.ini'];

/** mustRunHere with a clean environment and no Node flags unless given. */
function here(argv: string[], env: NodeJS.ProcessEnv = {}, execArgv: string[] = []): string | undefined {
  return mustRunHere(argv, env, execArgv);
}

describe('mustRunHere', () => {
  test('ordinary playbook runs may be served', () => {
    const lines = [
      PLAY,
      [...PLAY, '-e', 'k=v'],
      [...PLAY, '-e', '@vars.yml'],
      [...PLAY, '--extra-vars=k=v'],
      [...PLAY, '-v'],
      [...PLAY, '-vvv'],
      [...PLAY, '--check'],
      [...PLAY, '-C', '-D'],
      [...PLAY, '-l', 'web'],
      [...PLAY, '--limit=web,db'],
      [...PLAY, '-bC', '--become-user', 'root'],
      [...PLAY, '-t', 'setup', '--skip-tags', 'slow'],
      [...PLAY, '-f5'],
      [...PLAY, '--private-key', 'key.pem', '--key-file=k'],
      [...PLAY, '--become-password-file', 'pw.txt'],
      [...PLAY, '--connection-password-file=secret.txt'],
      ['-i', 'localhost,', 'site.yml'],
      // A path that merely contains /dev/stdin is an ordinary file.
      [...PLAY, '-i', '/tmp/dev/stdin'],
    ];
    for (const argv of lines) assert.equal(here(argv), undefined, argv.join(' '));
  });

  test('K8SPLAY_NO_WARM_ENGINE turns it off', () => {
    assert.match(here(PLAY, { K8SPLAY_NO_WARM_ENGINE: '1' }) ?? '', /K8SPLAY_NO_WARM_ENGINE is set/);
    assert.match(here(PLAY, { K8SPLAY_NO_WARM_ENGINE: 'yes' }) ?? '', /K8SPLAY_NO_WARM_ENGINE is set/);
    for (const off of ['0', 'false', 'off', 'No', '']) {
      assert.equal(here(PLAY, { K8SPLAY_NO_WARM_ENGINE: off }), undefined, `K8SPLAY_NO_WARM_ENGINE=${off}`);
    }
  });

  test('a keeper turned off (K8SPLAY_CONTROL_PERSIST=0) is not asked; other persist values are', () => {
    assert.match(here(PLAY, { K8SPLAY_CONTROL_PERSIST: '0' }) ?? '', /the keeper is off/);
    assert.match(here(PLAY, { K8SPLAY_CONTROL_PERSIST: ' 0 ' }) ?? '', /the keeper is off/);
    assert.equal(here(PLAY, { K8SPLAY_CONTROL_PERSIST: '60' }), undefined);
  });

  test('Node options of this process (flags or NODE_OPTIONS) keep the run here', () => {
    assert.match(here(PLAY, {}, ['--inspect']) ?? '', /Node options were given/);
    assert.match(here(PLAY, { NODE_OPTIONS: '--max-old-space-size=100' }) ?? '', /Node options were given/);
  });

  test('K8SPLAY_TRACE keeps the run here (it times this process)', () => {
    assert.match(here(PLAY, { K8SPLAY_TRACE: '1' }) ?? '', /K8SPLAY_TRACE/);
  });

  test('the sandbox and keeper commands run here; the words elsewhere on the line do not count', () => {
    assert.equal(here(['sandbox', 'up']), 'the sandbox command');
    assert.equal(here(['keeper', 'status']), 'the keeper command');
    assert.equal(here([...PLAY, '-l', 'keeper']), undefined);
    assert.equal(here([...PLAY, '-l', 'sandbox']), undefined);
  });

  test('--sandbox runs here, unless it comes after --', () => {
    assert.equal(here([...PLAY, '--sandbox']), '--sandbox');
    assert.equal(here(['--sandbox', '--keep', 'site.yml']), '--sandbox');
    assert.equal(here(['-i', 'hosts.ini', '--', '--sandbox']), undefined);
  });

  test('options that ask on the terminal run here, alone or in a short cluster', () => {
    for (const a of ['-k', '-K', '--ask-pass', '--ask-become-pass', '--ask-vault-pass', '--ask-vault-password', '-vK', '-Kv', '-bK', '-bkK', '-vvvk', '-CDK', '-J']) {
      assert.equal(here([...PLAY, a]), `${a} asks on the terminal`, a);
    }
  });

  test('long options with a k in their name, and flags without one, are not prompts', () => {
    for (const a of ['--skip-tags=k', '--key-file=k', '--keep', '--check', '-b', '-vvv', '-C', '-D', '-f5']) {
      assert.equal(here([...PLAY, a]), undefined, a);
    }
  });

  test("'-' and this process's own files (/dev/stdin, /dev/fd/N, /dev/tty, /proc/self/...) run here", () => {
    const own: Array<[string[], string]> = [
      [[...PLAY, '--become-password-file', '-'], '-'],
      [['site.yml', '-i', '/dev/stdin'], '/dev/stdin'],
      [['/dev/stdin', '-i', 'hosts.ini'], '/dev/stdin'],
      [[...PLAY, '-e', '@/dev/stdin'], '@/dev/stdin'],
      [[...PLAY, '--extra-vars=@/dev/stdin'], '--extra-vars=@/dev/stdin'],
      [['site.yml', '--inventory=/dev/fd/3'], '--inventory=/dev/fd/3'],
      [['site.yml', '-i', '/dev/fd/63'], '/dev/fd/63'],
      [[...PLAY, '-e', '@/dev/tty'], '@/dev/tty'],
      [['site.yml', '-i', '/proc/self/fd/0'], '/proc/self/fd/0'],
    ];
    for (const [argv, arg] of own) assert.equal(here(argv), `${arg} is this process's own`, argv.join(' '));
  });

  // Each of these once slipped through: the warm engine served it and read the keeper's
  // stdin (empty), not the caller's pipe.
  test("-i/dev/stdin (a short option's value attached, which the k8splay parser accepts) is this process's own", () => {
      assert.match(here(['site.yml', '-i/dev/stdin']) ?? '', /own/);
      assert.match(here(['site.yml', '-i/proc/self/fd/0']) ?? '', /own/);
    });

  test("--become-password-file=- and --connection-password-file=- read this process's stdin", () => {
      assert.match(here([...PLAY, '--become-password-file=-']) ?? '', /own/);
      assert.match(here([...PLAY, '--connection-password-file=-']) ?? '', /own/);
    });

  test('a playbook after -- that is /dev/stdin is this process\'s own', () => {
      assert.match(here(['-i', 'hosts.ini', '--', '/dev/stdin']) ?? '', /own/);
    });
});

describe('startsKeeper', () => {
  test('a playbook run (a .yml/.yaml argument) starts a keeper', () => {
    assert.equal(startsKeeper(PLAY), true);
    assert.equal(startsKeeper(['play.YAML']), true);
    assert.equal(startsKeeper(['-i', 'hosts.ini', 'site.yaml', '-e', 'k=v', '-v', '--check', '-l', 'h1']), true);
  });

  test('listings, syntax checks, help and version start none', () => {
    for (const flag of ['--syntax-check', '--list-hosts', '--list-tasks', '--list-tags', '--help', '-h', '--version']) {
      assert.equal(startsKeeper([...PLAY, flag]), false, flag);
    }
    assert.equal(startsKeeper(['--version']), false);
  });

  test('the inventory command starts none, even with a YAML inventory', () => {
    assert.equal(startsKeeper(['inventory', '-i', 'hosts.yml', '--list']), false);
  });

  test('without a .yml/.yaml argument none is started', () => {
    assert.equal(startsKeeper([]), false);
    assert.equal(startsKeeper(['site', '-i', 'hosts.ini']), false);
    assert.equal(startsKeeper(['site.yml.bak', '-i', 'hosts.ini']), false);
    assert.equal(startsKeeper(['keeper', 'status']), false);
  });
});
