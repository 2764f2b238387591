import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { loadPlaybook } from '../../../src/playbook/index.js';
import { testRegistry } from './registry.js';
import { asBlock, asTask, posOf } from './helpers.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '../../fixtures/playbooks/positions');
const siteText = readFileSync(join(root, 'site.yml'), 'utf8');
const commonText = readFileSync(join(root, 'tasks/common.yml'), 'utf8');
const moreText = readFileSync(join(root, 'tasks/more.yml'), 'utf8');

async function load() {
  return loadPlaybook(join(root, 'site.yml'), { registry: testRegistry(), cwd: root });
}

test('plays and tasks carry file, line and column of their first key', async () => {
  const pb = await load();
  assert.equal(pb.path, join(root, 'site.yml'));
  const play = pb.plays[0]!;
  assert.deepEqual(play.location, { file: 'site.yml', ...posOf(siteText, 'name: Positions') });
  const t = asTask(play.tasks[0]);
  assert.deepEqual(t.location, { file: 'site.yml', ...posOf(siteText, 'name: Set forwarding') });
  assert.deepEqual(t.argsLocation, { file: 'site.yml', ...posOf(siteText, 'sysctl:') });
  assert.deepEqual(t.argLocations?.['name'], { file: 'site.yml', ...posOf(siteText, 'name: net.ipv4') });
  assert.deepEqual(t.argLocations?.['value'], { file: 'site.yml', ...posOf(siteText, 'value: "1"') });
  assert.deepEqual(t.keywordLocations?.['when'], { file: 'site.yml', ...posOf(siteText, 'when:') });
});

test('nested blocks keep positions at every depth, free-form words included', async () => {
  const play = (await load()).plays[0]!;
  const outer = asBlock(play.tasks[1]);
  assert.deepEqual(outer.location, { file: 'site.yml', ...posOf(siteText, 'name: Outer block') });
  const inner = asTask(outer.block[0]);
  assert.deepEqual(inner.location, { file: 'site.yml', ...posOf(siteText, 'name: Inner task') });
  // `chdir=/tmp` inside the free-form string is located at the word itself.
  assert.deepEqual(inner.argLocations?.['chdir'], { file: 'site.yml', ...posOf(siteText, 'chdir=/tmp') });
  assert.deepEqual(inner.argLocations?.['cmd'], { file: 'site.yml', ...posOf(siteText, 'echo hi') });
  const nested = asBlock(outer.block[1]);
  assert.deepEqual(nested.location, { file: 'site.yml', ...posOf(siteText, 'block:', 1) });
  const deep = asTask(nested.block[0]);
  assert.deepEqual(deep.location, { file: 'site.yml', ...posOf(siteText, 'name: Deep task') });
  assert.deepEqual(deep.argLocations?.['msg'], { file: 'site.yml', ...posOf(siteText, 'msg: deep') });
  const rescue = asTask(outer.rescue[0]);
  assert.deepEqual(rescue.location, { file: 'site.yml', ...posOf(siteText, 'name: Rescue task') });
  assert.deepEqual(rescue.argLocations?.['msg'], { file: 'site.yml', ...posOf(siteText, 'msg=rescued') });
});

test('imported task files are located in their own file, nested imports too', async () => {
  const play = (await load()).plays[0]!;
  const imp = asBlock(play.tasks[2]);
  assert.equal(imp.imported, join('tasks', 'common.yml'));
  assert.deepEqual(imp.location, { file: 'site.yml', ...posOf(siteText, 'name: Import common') });
  assert.deepEqual(imp.tags, ['imported']);
  const first = asTask(imp.block[0]);
  assert.deepEqual(first.location, { file: join('tasks', 'common.yml'), ...posOf(commonText, 'name: From common') });
  assert.deepEqual(first.argLocations?.['answer'], { file: join('tasks', 'common.yml'), ...posOf(commonText, 'answer:') });
  const nested = asBlock(imp.block[1]);
  assert.equal(nested.imported, join('tasks', 'more.yml'));
  assert.deepEqual(nested.location, { file: join('tasks', 'common.yml'), ...posOf(commonText, 'name: Nested import') });
  const more = asTask(nested.block[0]);
  assert.deepEqual(more.location, { file: join('tasks', 'more.yml'), ...posOf(moreText, 'name: From more') });
});

test('handlers are located too', async () => {
  const play = (await load()).plays[0]!;
  assert.deepEqual(play.handlers[0]!.location, { file: 'site.yml', ...posOf(siteText, 'name: Restart things') });
});

test('paths outside the working directory are shown absolute', async () => {
  const pb = await loadPlaybook(join(root, 'site.yml'), { registry: testRegistry(), cwd: '/nonexistent-dir-for-test' });
  const file = pb.plays[0]!.location.file;
  assert.equal(file, join(root, 'site.yml'));
});
