/**
 * The built command (dist/src/cli/bin.js: the bundled CLI with its code cache, precompiled
 * validators): what bundling could break. Needs `npm run build` (CI builds before testing);
 * skipped when dist/ is missing or older than the sources.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { projectsForThisFile, localInventory } from '../helpers/playbook-fixture.js';
import { BIN, ROOT, staleBuild } from '../helpers/built-cli.js';
import { cliRunner } from '../helpers/cli-runner.js';

const project = projectsForThisFile();
const stale = staleBuild();

const cli = cliRunner([BIN]);

test('the built command answers from its code cache', { skip: stale }, () => {
  const r = cli(ROOT, ['--version'], { K8SPLAY_DEBUG_CODE_CACHE: '1' });
  assert.equal(r.code, 0, r.err);
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
  assert.equal(r.out.trim(), `k8splay ${pkg.version}`);
  assert.match(r.err, /^code cache: accepted/m);
});

test('under other V8 flags the command keeps a cache of its own and leaves the build\'s alone', { skip: stale }, () => {
  const main = readdirSync(join(ROOT, 'dist/src/cli')).find((f) => /^k8splay\.[0-9a-f]{16}\.v8cache$/.test(f))!;
  const before = readFileSync(join(ROOT, 'dist/src/cli', main));
  const run = (): { code: number; err: string } => {
    const r = spawnSync(process.execPath, ['--expose-gc', BIN, '--version'], { encoding: 'utf8', env: { ...process.env, K8SPLAY_DEBUG_CODE_CACHE: '1' } });
    return { code: r.status ?? -1, err: r.stderr };
  };
  run(); // V8 refuses the build's cache under --expose-gc: this writes one for these flags (if none yet)
  const second = run();
  assert.equal(second.code, 0, second.err);
  assert.match(second.err, /^code cache: accepted \(for this Node and flags\)$/m);
  assert.deepEqual(readFileSync(join(ROOT, 'dist/src/cli', main)), before);
});

test('a run of built-in modules, with the reporter chosen by option, loads no ajv', { skip: stale }, () => {
  const dir = project({
    'hosts.ini': localInventory(['h1', 'h2']),
    'site.yml': `
- hosts: all
  gather_facts: false
  tasks:
    - name: write
      copy: { content: "{{ inventory_hostname }}\\n", dest: "$DIR/{{ inventory_hostname }}.txt" }
    - name: read
      command: cat $DIR/{{ inventory_hostname }}.txt
      register: out
      changed_when: false
    - assert: { that: ["out.stdout == inventory_hostname"] }
`,
  });
  const r = cli(dir, ['site.yml', '-i', 'hosts.ini', '--json'], { NODE_DEBUG: 'module' });
  assert.equal(r.code, 0, r.out + r.err);
  const doc = JSON.parse(r.out) as { stats: Record<string, { ok: number; changed: number }> };
  assert.deepEqual(Object.keys(doc.stats).sort(), ['h1', 'h2']);
  assert.equal(doc.stats.h1!.changed, 1);
  assert.equal(readFileSync(join(dir, 'h2.txt'), 'utf8'), 'h2\n');
  // NODE_DEBUG=module lists every package node loads: the validators were precompiled.
  assert.match(r.err, /MODULE \d+:/, 'NODE_DEBUG output seen');
  assert.doesNotMatch(r.err, /node_modules\/ajv\//);
});

test('a custom module importing k8splay shares its error classes; its schema is compiled at run time', { skip: stale }, () => {
  const dir = project({
    'hosts.ini': localInventory(['h1']),
    'library/failer.mjs': `import { defineModule, ModuleFailure } from 'k8splay';
export default defineModule({
  name: 'failer', description: 'fails on purpose', target: 'controller',
  schema: { type: 'object', properties: { why: { type: 'string', 'x-aliases': ['reason'] }, times: { type: 'integer', default: 3 } }, required: ['why'], additionalProperties: false },
  diff: (args) => { throw new ModuleFailure(\`failing: \${args.why} x\${args.times}\`, { rc: 7 }); },
});
`,
    'site.yml': `
- hosts: all
  gather_facts: false
  tasks:
    - name: fail on purpose
      failer: { reason: "testing" }
`,
    'bad.yml': `
- hosts: all
  gather_facts: false
  tasks:
    - failer: { why: "x", tims: 2 }
`,
  });
  // The project resolves 'k8splay' to this checkout (dist/src/index.js), as an installed package would.
  mkdirSync(join(dir, 'node_modules'));
  symlinkSync(ROOT, join(dir, 'node_modules/k8splay'), 'dir');
  const r = cli(dir, ['site.yml', '-i', 'hosts.ini']);
  // A ModuleFailure: the task failed (exit 2) with the module's data; not an internal error (250).
  assert.equal(r.code, 2, r.out + r.err);
  assert.match(r.out, /fatal: \[h1\]: FAILED! => failing: testing x3/);
  assert.match(r.out, /rc: 7/);
  const bad = cli(dir, ['bad.yml', '-i', 'hosts.ini']);
  assert.equal(bad.code, 1, bad.out + bad.err);
  assert.match(bad.err, /unsupported parameter 'tims' for module 'failer' at bad\.yml:5:27, did you mean 'times'\?/);
});

test('run as an executable, the command starts Node with one malloc arena and does not pass it on', { skip: stale }, () => {
  const dir = project({
    'hosts.ini': localInventory(['h1']),
    // The environment of the Node process (its /proc environ, as exec'd), and of a command it runs.
    'site.yml': `
- hosts: all
  gather_facts: false
  tasks:
    - name: Node's environment at exec
      shell: p=$$; while [ "$p" -gt 1 ]; do if [ "$(cat /proc/$p/comm)" = node ]; then tr '\\0' '\\n' < /proc/$p/environ | grep '^MALLOC_ARENA_MAX=' || echo none; break; fi; p=$(cut -d' ' -f4 /proc/$p/stat); done
      register: node_env
    - name: a command's environment
      shell: env | grep -E '^(MALLOC_ARENA_MAX|K8SPLAY_SET_MALLOC_ARENA_MAX)=' || echo none
      register: cmd_env
    - debug: { msg: "node={{ node_env.stdout }} command={{ cmd_env.stdout }}" }
`,
  });
  const exe = (env: Record<string, string>): string => {
    const base: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1' };
    delete base['MALLOC_ARENA_MAX'];
    const r = spawnSync(BIN, ['site.yml', '-i', 'hosts.ini'], { cwd: dir, encoding: 'utf8', timeout: 60_000, env: { ...base, ...env } });
    assert.equal(r.status, 0, r.stdout + r.stderr);
    return /"msg": "(node=[^"]*)"/.exec(r.stdout)?.[1] ?? r.stdout;
  };
  assert.equal(exe({}), 'node=MALLOC_ARENA_MAX=1 command=none');
  // The user's own setting is theirs: kept for Node and for what it runs.
  assert.equal(exe({ MALLOC_ARENA_MAX: '4' }), 'node=MALLOC_ARENA_MAX=4 command=MALLOC_ARENA_MAX=4');
  // `node bin.js` skips the launcher lines.
  const viaNode = cli(dir, ['site.yml', '-i', 'hosts.ini'], {});
  assert.equal(viaNode.code, 0, viaNode.out + viaNode.err);
  assert.match(viaNode.out, new RegExp(`"msg": "node=${process.env['MALLOC_ARENA_MAX'] ? `MALLOC_ARENA_MAX=${process.env['MALLOC_ARENA_MAX']}` : 'none'} command=`));
});
