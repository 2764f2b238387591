/**
 * The command line end to end: real playbooks on local hosts in temporary directories,
 * exit codes, output shape, --json, listings, custom modules and Ctrl-C.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { projectsForThisFile, localInventory } from '../helpers/playbook-fixture.js';
import { cliRunner } from '../helpers/cli-runner.js';
import { run, defineModule, ModuleLoadError } from '../../src/index.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const BIN = join(ROOT, 'src/cli/bin.ts');
// tsx resolved from the project, since the CLI runs in a temporary directory.
const TSX = import.meta.resolve('tsx');
const project = projectsForThisFile();

const cli = cliRunner(['--import', TSX, BIN]);

const SIMPLE = {
  'hosts.ini': localInventory(['h1', 'h2']),
  'site.yml': `
- name: simple
  hosts: all
  gather_facts: false
  tasks:
    - name: write
      copy: { content: "x\\n", dest: "$DIR/{{ inventory_hostname }}.txt" }
    - name: fail on h2
      fail: { msg: "h2 is broken" }
      when: inventory_hostname == 'h2'
`,
};

test('a run prints Ansible-shaped banners and recap and exits 2 when a host failed', () => {
  const dir = project(SIMPLE);
  const r = cli(dir, ['site.yml', '-i', 'hosts.ini']);
  assert.equal(r.code, 2, r.err);
  assert.match(r.out, /^PLAY \[simple\] \*{60,}$/m);
  assert.match(r.out, /^TASK \[write\] \*+$/m);
  assert.match(r.out, /^changed: \[h1\]$/m);
  assert.match(r.out, /^fatal: \[h2\]: FAILED! => /m);
  assert.match(r.out, /h2 is broken/);
  assert.match(r.out, /^h1 +: ok=1 {4}changed=1 {4}unreachable=0 {4}failed=0 {4}skipped=1 {4}rescued=0 {4}ignored=0 *$/m);
  assert.match(r.out, /^h2 +: ok=1 {4}changed=1 {4}unreachable=0 {4}failed=1 {4}skipped=0 {4}rescued=0 {4}ignored=0 *$/m);
  // Recap lines use Ansible's "%-26s : " layout.
  const line = r.out.split('\n').find((l) => l.startsWith('h1 '))!;
  assert.equal(line.indexOf(':'), 27);
  // A second run changes nothing on h1.
  const again = cli(dir, ['site.yml', '-i', 'hosts.ini', '-l', 'h1']);
  assert.equal(again.code, 0);
  assert.match(again.out, /^ok: \[h1\]$/m);
});

test('input errors exit 1 with a located message and touch nothing', () => {
  const dir = project({
    'hosts.ini': localInventory(['h1']),
    'site.yml': `
- hosts: all
  gather_facts: false
  tasks:
    - name: first
      shell: touch $DIR/touched
    - name: typo
      comand: echo hi
`,
  });
  const r = cli(dir, ['site.yml', '-i', 'hosts.ini']);
  assert.equal(r.code, 1);
  assert.match(r.err, /unknown module 'comand' at site\.yml:8:7, did you mean 'command'\?/);
  assert.doesNotMatch(r.err, /\n\s+at /, 'no stack trace');
  assert.ok(!existsSync(join(dir, 'touched')));
});

test('bad options exit 5; a bad inventory exits 1 naming file:line', () => {
  const dir = project({ ...SIMPLE, 'bad.ini': '[web]\nh1\n[web:vars]\nx=1\n[db:vars]\ny=2\n' });
  assert.equal(cli(dir, ['site.yml', '--forks', 'many']).code, 5);
  assert.equal(cli(dir, ['site.yml', '--chek']).code, 5);
  const inv = cli(dir, ['site.yml', '-i', 'bad.ini']);
  assert.equal(inv.code, 1);
  assert.match(inv.err, /bad\.ini:5/);
});

test('--json prints one document with every result and the stats', () => {
  const dir = project(SIMPLE);
  const r = cli(dir, ['site.yml', '-i', 'hosts.ini', '--json']);
  assert.equal(r.code, 2);
  const doc = JSON.parse(r.out) as { plays: Array<{ tasks: Array<{ hosts: Record<string, unknown> }> }>; stats: Record<string, { failures: number }> };
  assert.equal(doc.stats.h2!.failures, 1); // Ansible's json callback names it "failures"
  assert.ok(doc.plays[0]!.tasks.length >= 2);
  assert.ok('h1' in doc.plays[0]!.tasks[0]!.hosts);
});

test('--list-tasks, --list-hosts and --syntax-check run nothing', () => {
  const dir = project(SIMPLE);
  const lt = cli(dir, ['site.yml', '-i', 'hosts.ini', '--list-tasks']);
  assert.equal(lt.code, 0);
  assert.match(lt.out, /play #1 \(all\): simple/);
  assert.match(lt.out, /^ {6}write\tTAGS: \[\]$/m);
  const lh = cli(dir, ['site.yml', '-i', 'hosts.ini', '--list-hosts']);
  assert.match(lh.out, /hosts \(2\):\n {6}h1\n {6}h2/);
  const sc = cli(dir, ['site.yml', '-i', 'hosts.ini', '--syntax-check']);
  assert.equal(sc.code, 0);
  assert.match(sc.out, /playbook: site\.yml/);
  assert.ok(!existsSync(join(dir, 'h1.txt')));
});

test('-e: key=value, @file and JSON; extra vars win over play vars', () => {
  const dir = project({
    'hosts.ini': localInventory(['h1']),
    'more.yml': 'b: from-file\n',
    'site.yml': `
- hosts: all
  gather_facts: false
  vars: { a: play, b: play, c: play }
  tasks:
    - copy: { content: "{{ a }} {{ b }} {{ c }}", dest: "$DIR/out" }
`,
  });
  const r = cli(dir, ['site.yml', '-i', 'hosts.ini', '-e', 'a=cli', '-e', '@more.yml', '-e', '{"c": "json"}']);
  assert.equal(r.code, 0, r.out + r.err);
  assert.equal(readFileSync(join(dir, 'out'), 'utf8'), 'cli from-file json');
});

test('custom modules load from library/ and from --plugin; a name clash names both sources', () => {
  const motd = `export default {
  name: 'motd', description: 'write a greeting',
  schema: { type: 'object', properties: { path: { type: 'string' }, text: { type: 'string', 'x-aliases': ['msg'] } }, required: ['path', 'text'] },
  async gather(ctx, args) { return ctx.readFile(args.path); },
  diff(args, current) {
    return current === args.text ? { changes: [] } : { changes: ['write'], diff: [{ path: args.path, before: current ?? '', after: args.text }] };
  },
  async apply(ctx, args) { await ctx.writeFile(args.path, args.text); return { path: args.path }; },
};\n`;
  const dir = project({
    'hosts.ini': localInventory(['h1']),
    'library/motd.mjs': motd,
    'node_modules/k8splay-plugin-demo/package.json': JSON.stringify({ name: 'k8splay-plugin-demo', type: 'module', main: 'index.js' }),
    'node_modules/k8splay-plugin-demo/index.js': `export const modules = [{ name: 'hello_file', description: 'x', schema: { type: 'object', properties: { path: { type: 'string' } } },
      gather: async (ctx, a) => (await ctx.stat(a.path)).exists,
      diff: (a, exists) => ({ changes: exists ? [] : ['create'] }),
      apply: async (ctx, a) => { await ctx.writeFile(a.path, 'hello'); } }];\n`,
    'site.yml': `
- hosts: all
  gather_facts: false
  tasks:
    - name: greet
      motd: { path: "$DIR/motd", msg: "hi there" }
    - name: plugin
      hello_file: { path: "$DIR/hello" }
`,
  });
  const r1 = cli(dir, ['site.yml', '-i', 'hosts.ini', '--plugin', 'k8splay-plugin-demo']);
  assert.equal(r1.code, 0, r1.out + r1.err);
  assert.equal(readFileSync(join(dir, 'motd'), 'utf8'), 'hi there');
  assert.equal(readFileSync(join(dir, 'hello'), 'utf8'), 'hello');
  const r2 = cli(dir, ['site.yml', '-i', 'hosts.ini', '--plugin', 'k8splay-plugin-demo']);
  assert.match(r2.out, /^ok: \[h1\]$/m);
  assert.doesNotMatch(r2.out, /^changed:/m);
  // Without the plugin, the task's module is unknown: an input error.
  assert.equal(cli(dir, ['site.yml', '-i', 'hosts.ini']).code, 1);

  const clash = project({
    'hosts.ini': localInventory(['h1']),
    'library/copy.mjs': motd.replace("name: 'motd'", "name: 'copy'"),
    'site.yml': '- hosts: all\n  tasks: []\n',
  });
  const r3 = cli(clash, ['site.yml', '-i', 'hosts.ini']);
  assert.equal(r3.code, 1);
  assert.match(r3.err, /module 'copy' is defined twice: by built-in and by .*library\/copy\.mjs/);
});

test('run({ modules }) adds modules; a clash with a built-in is an error naming both', async () => {
  const dir = project({ 'hosts.ini': localInventory(['h1']), 'site.yml': '- hosts: all\n  gather_facts: false\n  tasks:\n    - noop_mod: {}\n' });
  const noop = defineModule({ name: 'noop_mod', description: 'nothing', schema: { type: 'object', properties: {} }, diff: () => ({ changes: [] }) });
  const res = await run({ playbook: join(dir, 'site.yml'), inventory: [join(dir, 'hosts.ini')], modules: [noop] });
  assert.equal(res.exitCode, 0);
  assert.equal(res.tasks[0]!.results[0]!.status, 'ok');
  const dup = defineModule({ ...noop, name: 'debug' });
  await assert.rejects(run({ playbook: join(dir, 'site.yml'), inventory: [join(dir, 'hosts.ini')], modules: [dup] }),
    (e: unknown) => e instanceof ModuleLoadError && /'debug' is defined twice: by built-in and by run\(\{ modules \}\)/.test(e.message));
});

test('Ctrl-C stops cleanly: what ran is reported, exit 99', async () => {
  const dir = project({
    'hosts.ini': localInventory(['h1']),
    'site.yml': `
- hosts: all
  gather_facts: false
  tasks:
    - name: slow
      command: sleep 1
    - name: never
      shell: touch $DIR/never
`,
  });
  const child = spawn(process.execPath, ['--import', TSX, BIN, 'site.yml', '-i', 'hosts.ini'], { cwd: dir, env: { ...process.env, NO_COLOR: '1' } });
  let out = '';
  child.stdout.on('data', (d: Buffer) => {
    out += d.toString();
    if (out.includes('TASK [slow]') && !child.killed) child.kill('SIGINT');
  });
  const code = await new Promise<number>((res) => child.on('close', (c) => res(c ?? -1)));
  assert.equal(code, 99);
  assert.ok(!existsSync(join(dir, 'never')));
  assert.match(out, /PLAY RECAP/);
});
