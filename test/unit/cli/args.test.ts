import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs, splitCommaList, type PlaybookInvocation } from '../../../src/cli/args.js';
import { parseKv, splitArgs } from '../../../src/cli/extra-vars.js';
import { OptionsError, InputError } from '../../../src/errors.js';
import { PLAYBOOK_OPTIONS } from '../../../src/cli/options-spec.js';

const pb = (argv: string[], cwd = '/w'): PlaybookInvocation => {
  const r = parseArgs(argv, { cwd });
  assert.equal(r.command, 'playbook');
  return r as PlaybookInvocation;
};
const optionsError = (argv: string[], re: RegExp) =>
  assert.throws(() => parseArgs(argv, { cwd: '/w' }), (e: unknown) => e instanceof OptionsError && re.test(e.describe()));

test('every playbook flag maps onto RunOptions or the invocation', () => {
  const r = pb([
    'site.yml', '-i', 'a.ini', '--inventory', 'b.ini', '--inventory-file=c,d,', '-l', 'web:!w2', '-t', 'a,b', '--tags', 'c',
    '--skip-tags', 'x, y', '-C', '-D', '-e', 'k=v', '-f', '7', '-u', 'admin', '--private-key', '/k', '-b', '--become-user', 'svc',
    '--become-method', 'su', '-c', 'local', '-T', '30', '--start-at-task', 'Install X', '--plugin', 'p1', '--plugin=p2',
    '--list-hosts', '--list-tasks', '--list-tags', '--syntax-check', '--json', '--sandbox', '--keep', '-vv',
  ]);
  assert.deepEqual(r.options, {
    playbook: 'site.yml', cwd: '/w', inventory: ['a.ini', 'b.ini', 'c,d,'], limit: 'web:!w2', tags: ['a', 'b', 'c'],
    skipTags: ['x', 'y'], check: true, diff: true, extraVars: { k: 'v' }, forks: 7, user: 'admin', privateKeyFile: '/k',
    become: true, becomeUser: 'svc', becomeMethod: 'su', connection: 'local', timeout: 30, startAtTask: 'Install X',
    plugins: ['p1', 'p2'], verbosity: 2,
  });
  assert.deepEqual([r.listHosts, r.listTasks, r.listTags, r.syntaxCheck, r.json, r.sandbox, r.keep, r.askPass, r.askBecomePass],
    [true, true, true, true, true, true, true, false, false]);
});

test('long aliases and flags without options give a minimal RunOptions', () => {
  assert.deepEqual(pb(['x.yml']).options, { playbook: 'x.yml', cwd: '/w' });
  const r = pb(['--key-file', 'k', '--check', '--diff', '--become', '--ask-pass', '--ask-become-pass', '--verbose', '--verbose', 'x.yml']);
  assert.equal(r.options.privateKeyFile, 'k');
  assert.equal(r.options.verbosity, 2);
  assert.ok(r.askPass && r.askBecomePass && r.options.check && r.options.diff && r.options.become);
  assert.equal(pb(['--connection-password-file', 'p', '--become-pass-file=q', 'x.yml']).becomePasswordFile, 'q');
});

test('combined short flags: -bK, -vvv, -CDv, value glued or last in the cluster', () => {
  const r = pb(['-bK', 'x.yml', '-vvv', '-CD']);
  assert.ok(r.options.become && r.askBecomePass && r.options.check && r.options.diff);
  assert.equal(r.options.verbosity, 3);
  assert.deepEqual(pb(['-ihosts', 'x.yml']).options.inventory, ['hosts']);
  assert.deepEqual(pb(['-bi', 'hosts', 'x.yml']).options.inventory, ['hosts']);
  assert.equal(pb(['-vvvv', 'x.yml']).options.verbosity, 4);
  assert.equal(pb(['-l', 'all:!h1', 'x.yml']).options.limit, 'all:!h1');
});

test('repeated -l keeps the last; options after -- are positionals', () => {
  assert.equal(pb(['-l', 'a', '-l', 'b', 'x.yml']).options.limit, 'b');
  assert.equal(pb(['--', '-weird.yml']).options.playbook, '-weird.yml');
});

test('tags: comma lists, trimmed, repeated, deduplicated', () => {
  assert.deepEqual(splitCommaList(['a, b', 'b,c', ' ,d']), ['a', 'b', 'c', 'd']);
  assert.deepEqual(pb(['-t', 'a,b', '-t', 'a', 'x.yml']).options.tags, ['a', 'b']);
});

test('unknown options, missing values and bad values exit 5 with helpful messages', () => {
  optionsError(['--inventroy', 'h', 'x.yml'], /unrecognized option '--inventroy', did you mean '--inventory'\?/);
  optionsError(['--list-host', 'x.yml'], /did you mean '--list-hosts'/);
  optionsError(['-Z', 'x.yml'], /unrecognized option '-Z'/);
  optionsError(['-check', 'x.yml'], /did you mean '--check'/);
  optionsError(['x.yml', '-i'], /option -i\/--inventory needs a value/);
  optionsError(['-i', '-l', 'web', 'x.yml'], /-i\/--inventory needs a value/);
  optionsError(['--limit'], /needs a value/);
  optionsError(['--check=yes', 'x.yml'], /does not take a value/);
  optionsError(['-f', '0', 'x.yml'], /-f\/--forks: '0' is not a positive whole number/);
  optionsError(['-f', 'many', 'x.yml'], /not a positive whole number/);
  optionsError(['-T', '1.5', 'x.yml'], /-T\/--timeout/);
  optionsError(['--become-method', 'sudoo', 'x.yml'], /become method 'sudoo' is not supported: use sudo or su, did you mean 'sudo'\?/);
  optionsError(['--become-method', 'doas', 'x.yml'], /not supported/);
  optionsError([], /no playbook given/);
  optionsError(['a.yml', 'b.yml'], /one playbook at a time/);
  optionsError(['--vault-id', 'x', 'x.yml'], /option '--vault-id' is not supported by k8splay/);
  optionsError(['--step', 'x.yml'], /not supported/);
  optionsError(['-M', 'lib', 'x.yml'], /option '-M' is not supported/);
  optionsError(['-k', '--conn-pass-file', 'f', 'x.yml'], /cannot be used together/);
  optionsError(['--keep', 'x.yml'], /only makes sense with --sandbox/);
});

test('--help and --version win over everything else on the line', () => {
  assert.deepEqual(parseArgs(['--bogus', '-h']), { command: 'help', topic: 'playbook' });
  assert.deepEqual(parseArgs(['-vh']), { command: 'help', topic: 'playbook' });
  assert.deepEqual(parseArgs(['x.yml', '--version']), { command: 'version' });
  // '-l h' is a limit of 'h', not help.
  assert.equal(parseArgs(['-l', 'h', 'x.yml'], { cwd: '/w' }).command, 'playbook');
  assert.equal(parseArgs(['-lh', 'x.yml'], { cwd: '/w' }).command, 'playbook');
  assert.deepEqual(parseArgs(['inventory', '--help']), { command: 'help', topic: 'inventory' });
});

test('every option in the table is reachable by all its names', () => {
  for (const spec of PLAYBOOK_OPTIONS) {
    if (spec.key === 'help' || spec.key === 'version' || spec.key === 'keep') continue;
    const names = [...spec.long, ...(spec.short ? [`-${spec.short}`] : [])];
    for (const n of names) {
      const value = spec.key === 'becomeMethod' ? 'sudo' : spec.key === 'hostKeyChecking' ? 'accept-new' : spec.key === 'forks' || spec.key === 'timeout' || spec.key === 'taskTimeout' ? '3' : spec.key === 'extraVars' ? 'a=1' : 'v';
      const argv = spec.kind === 'value' || spec.kind === 'list' ? [n, value, 'x.yml'] : [n, 'x.yml'];
      assert.doesNotThrow(() => parseArgs(argv, { cwd: '/w' }), `${n}`);
    }
  }
});

test('subcommands: sandbox passes its argv through; inventory needs one action', () => {
  assert.deepEqual(parseArgs(['sandbox', 'up', '-i', 'lab.ini', '--weird']), { command: 'sandbox', argv: ['up', '-i', 'lab.ini', '--weird'] });
  assert.deepEqual(parseArgs(['inventory', '-i', 'a.ini', '-i', 'b', '--list']),
    { command: 'inventory', inventory: ['a.ini', 'b'], action: 'list', group: 'all', verbosity: 0 });
  assert.deepEqual(parseArgs(['inventory', '-i', 'a.ini', '--host', 'h1', '--playbook-dir', 'pb']),
    { command: 'inventory', inventory: ['a.ini'], action: 'host', host: 'h1', group: 'all', verbosity: 0, playbookDir: 'pb' });
  assert.deepEqual(parseArgs(['inventory', '-i', 'a.ini', '--graph', 'web']),
    { command: 'inventory', inventory: ['a.ini'], action: 'graph', group: 'web', verbosity: 0 });
  optionsError(['inventory', '-i', 'a.ini'], /No action selected/);
  optionsError(['inventory', '-i', 'a.ini', '--list', '--graph'], /Conflicting options/);
  optionsError(['inventory', '--list'], /no inventory given/);
  optionsError(['inventory', '-i', 'a', '--list', 'extra'], /unexpected argument 'extra'/);
  optionsError(['inventory', '-i', 'a', '--lst'], /did you mean '--list'/);
});

test('-e: key=value with Ansible quoting, inline JSON/YAML, @files; later wins', () => {
  const dir = mkdtempSync(join(tmpdir(), 'k8splay-args-'));
  try {
    writeFileSync(join(dir, 'v.yml'), 'a: 1\nb: [x, y]\nflag: yes\n');
    writeFileSync(join(dir, 'v.json'), '{"a": 2, "c": {"d": true}}');
    writeFileSync(join(dir, 'bad.yml'), 'a: [1\n');
    writeFileSync(join(dir, 'list.yml'), '- 1\n');
    const ev = (...e: string[]) => pb([...e.flatMap((x) => ['-e', x]), 'x.yml'], dir).options.extraVars;
    assert.deepEqual(ev('a=1 b="two words" c=\'q\' d=x=y'), { a: '1', b: 'two words', c: 'q', d: 'x=y' });
    // Same results as ansible.parsing.splitter.parse_kv (values are stripped after unescaping).
    assert.deepEqual(ev('msg="{{ a }} b" e=\\n'), { msg: '{{ a }} b', e: '' });
    assert.deepEqual(ev('e=a\\tb f="x  y"'), { e: 'a\tb', f: 'x  y' });
    assert.deepEqual(ev('a="b c"d'), { a: '"b c"d' });
    assert.deepEqual(ev(`k="it's"`), { k: "it's" });
    assert.deepEqual(ev('x=\\u00e9 y=a\\=b'), { x: 'é', y: 'a\\=b' });
    assert.deepEqual(parseKv('x=1 z\\=1 free'), { options: { x: '1' }, raw: ['z=1', 'free'] });
    assert.deepEqual(ev('{"a": 1, "b": [1, 2]}'), { a: 1, b: [1, 2] });
    assert.deepEqual(ev('{a: yes, b: 0x10}'), { a: true, b: 16 });
    assert.deepEqual(ev('@v.yml'), { a: 1, b: ['x', 'y'], flag: true });
    assert.deepEqual(ev('@v.yml', '@v.json', 'a=3'), { a: '3', b: ['x', 'y'], flag: true, c: { d: true } });
    assert.deepEqual(ev(''), {});
    assert.throws(() => ev('./v.yml'), (e: unknown) => e instanceof OptionsError && /prepend extra_vars filename '.\/v.yml' with '@'/.test(e.message));
    assert.throws(() => ev('[1, 2]'), (e: unknown) => e instanceof OptionsError && /could not be made into a dictionary/.test(e.message));
    assert.throws(() => ev('@list.yml'), (e: unknown) => e instanceof OptionsError && /could not be made into a dictionary/.test(e.message));
    assert.throws(() => ev('justaword'), (e: unknown) => e instanceof OptionsError && /not key=value/.test(e.message));
    assert.throws(() => ev('a="unclosed'), (e: unknown) => e instanceof OptionsError && /unbalanced/.test(e.message));
    assert.throws(() => ev('@missing.yml'), (e: unknown) => e instanceof InputError && /missing.yml' could not be read: ENOENT/.test(e.message));
    assert.throws(() => ev('@bad.yml'), (e: unknown) => e instanceof InputError && e.location?.file === join(dir, 'bad.yml'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('splitArgs keeps quotes and Jinja2 blocks together, as Ansible', () => {
  assert.deepEqual(splitArgs('a=b c="foo bar"'), ['a=b', 'c="foo bar"']);
  assert.deepEqual(splitArgs('msg={{ x | default("a b") }} n=1'), ['msg={{ x | default("a b") }}', 'n=1']);
  assert.deepEqual(splitArgs('a="x\ny" b=2'), ['a="x\ny"', 'b=2']);
  assert.deepEqual(splitArgs('a=1  b=2'), ['a=1 ', 'b=2']);
});

test('--task-timeout takes whole seconds', () => {
  const inv = parseArgs(['--task-timeout', '30', 'x.yml'], { cwd: '/w' });
  assert.equal(inv.command === 'playbook' && inv.options.taskTimeout, 30);
  optionsError(['--task-timeout', 'soon', 'x.yml'], /--task-timeout must be a whole number/);
});
