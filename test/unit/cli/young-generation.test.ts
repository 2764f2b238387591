import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const MODULE = fileURLToPath(new URL('../../../src/cli/young-generation.ts', import.meta.url));

/** Runs `body` in a fresh Node (V8 flags are per process) with limitYoungGeneration imported. */
function inNode(body: string, args: string[] = []): string {
  const r = spawnSync(process.execPath, [...args, '--import', 'tsx', '--input-type=module', '-e',
    `import { limitYoungGeneration } from ${JSON.stringify(MODULE)};\nimport v8 from 'node:v8';\nimport vm from 'node:vm';\nimport fs from 'node:fs';\n${body}`], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.trim();
}

// Objects that survive scavenges: what makes V8 grow the young generation.
const SURVIVORS = `const keep = []; for (let i = 0; i < 400000; i++) keep.push({ i, s: 'x' + i });
const newSpace = v8.getHeapSpaceStatistics().find((s) => s.space_name === 'new_space').space_size;`;

test('once limited, the young generation does not grow; without, it does', () => {
  const grown = Number(inNode(`${SURVIVORS}\nconsole.log(newSpace);`));
  const limited = Number(inNode(`limitYoungGeneration([], '');\n${SURVIVORS}\nconsole.log(newSpace);`));
  assert.ok(limited < grown, `limited ${limited} < default ${grown}`);
});

test('a code cache written on the way out still fits the next process (the flag is restored first)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'k8splay-yg-'));
  try {
    const cache = join(dir, 'c.bin');
    const src = JSON.stringify('function f(x) { return x + 1 } f(1)');
    // The cache writer is registered before the limit, as the executable's loader is.
    inNode(`process.on('exit', () => { const s = new vm.Script(${src}); s.runInThisContext(); fs.writeFileSync(${JSON.stringify(cache)}, s.createCachedData()); });
console.log(limitYoungGeneration([], ''));`);
    const rejected = inNode(`console.log(new vm.Script(${src}, { cachedData: fs.readFileSync(${JSON.stringify(cache)}) }).cachedDataRejected);`);
    assert.equal(rejected, 'false');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("the user's own young-generation flags win; the limit is set once", () => {
  assert.equal(inNode(`console.log(limitYoungGeneration(['--max-semi-space-size=8'], ''), limitYoungGeneration([], '--semi-space-growth-factor=4'));`), 'false false');
  assert.equal(inNode(`console.log(limitYoungGeneration([], ''), limitYoungGeneration([], ''));`), 'true false');
});
