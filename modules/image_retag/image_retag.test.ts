import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ModuleArgsError } from '../../src/index.js';
import { fakeContext } from '../../test/helpers/fake-context.js';
import { resolveArgs, runModule } from '../../test/helpers/run-module.js';
import imageRetag from './index.js';
import { fakeRuntime, norm, type FakeRuntimeOptions } from './fake-runtime.js';

const MIRROR = 'registry.cn-hangzhou.aliyuncs.com/google_containers/flannel:v0.10.0-amd64';
const TARGET = 'quay.io/coreos/flannel:v0.10.0-amd64';
const ID = `sha256:f0fad859c909${'0'.repeat(52)}`;
const OTHER = `sha256:b949a39093d6${'1'.repeat(52)}`;
const ARGS = { source: MIRROR, target: TARGET };

function host(o: FakeRuntimeOptions = {}, ctxOpts: { checkMode?: boolean; diffMode?: boolean } = {}) {
  const rt = fakeRuntime({ registry: { [MIRROR]: ID }, ...o });
  const ctx = fakeContext({ commands: rt.commands, ...ctxOpts });
  return { rt, ctx };
}

test('a fresh docker host: pull the mirror, tag it; the second run is ok in one round trip', async () => {
  const { rt, ctx } = host();
  const r = await runModule(imageRetag, ARGS, ctx);
  assert.equal(r.status, 'changed', r.msg);
  assert.deepEqual(rt.calls, [`pull ${MIRROR}`, `tag ${MIRROR} ${TARGET}`]);
  assert.deepEqual(r.result.actions, [`pulled ${MIRROR}`, `tagged ${MIRROR} as ${TARGET}`]);
  assert.equal(r.result.image_id, ID);
  assert.equal(r.result.runtime, 'docker');
  assert.equal(r.result.source, MIRROR);
  assert.equal(r.result.target, TARGET);
  assert.match(String(r.result.pull_output), /^Status: Downloaded newer image for /m);
  assert.equal(rt.images.get(norm(TARGET)), ID);
  const n = ctx.runs.length;
  const again = await runModule(imageRetag, ARGS, ctx);
  assert.equal(again.status, 'ok');
  assert.equal(again.msg, 'the target already points at the source image');
  assert.equal(again.result.image_id, ID);
  assert.equal(ctx.runs.length, n + 1, 'one command: the probe');
  assert.equal(rt.calls.length, 2);
});

test('the source already here: tag only, no pull', async () => {
  const { rt, ctx } = host({ images: { [MIRROR]: ID } });
  const r = await runModule(imageRetag, ARGS, ctx);
  assert.equal(r.status, 'changed');
  assert.deepEqual(rt.calls, [`tag ${MIRROR} ${TARGET}`]);
  assert.deepEqual(r.result.actions, [`tagged ${MIRROR} as ${TARGET}`]);
});

test('the target points at another image (a rebuilt mirror): retagged', async () => {
  const { rt, ctx } = host({ images: { [MIRROR]: ID, [TARGET]: OTHER } });
  const r = await runModule(imageRetag, ARGS, ctx);
  assert.equal(r.status, 'changed');
  assert.equal(rt.images.get(norm(TARGET)), ID);
  assert.equal((await runModule(imageRetag, ARGS, ctx)).status, 'ok');
});

test('the target already there but the source is not: pulled to compare; equal ids need no tag', async () => {
  const { rt, ctx } = host({ images: { [TARGET]: ID } });
  const r = await runModule(imageRetag, ARGS, ctx);
  assert.equal(r.status, 'changed', 'the pull brought a new image onto the host');
  assert.deepEqual(rt.calls, [`pull ${MIRROR}`]);
  assert.deepEqual(r.result.actions, [`pulled ${MIRROR}`]);
});

test('pull: always: a pull that brings nothing new is no change', async () => {
  const { rt, ctx } = host({ images: { [MIRROR]: ID, [TARGET]: ID } });
  const r = await runModule(imageRetag, { ...ARGS, pull: 'always' }, ctx);
  assert.equal(r.status, 'ok');
  assert.match(String(r.result.pull_output), /Status: Image is up to date for /);
  assert.deepEqual(rt.calls, [`pull ${MIRROR}`]);
  // The mirror moved on: the pull brings a new id and the target follows.
  rt.registry.set(norm(MIRROR), OTHER);
  const moved = await runModule(imageRetag, { ...ARGS, pull: 'always' }, ctx);
  assert.equal(moved.status, 'changed');
  assert.equal(rt.images.get(norm(TARGET)), OTHER);
  assert.equal(moved.result.image_id, OTHER);
});

test('remove_source: the mirror name goes, the image stays; the second run does not pull again', async () => {
  const { rt, ctx } = host();
  const r = await runModule(imageRetag, { ...ARGS, remove_source: true }, ctx);
  assert.equal(r.status, 'changed');
  assert.deepEqual(rt.calls, [`pull ${MIRROR}`, `tag ${MIRROR} ${TARGET}`, `rmi ${MIRROR}`]);
  assert.match(String(r.result.remove_output), new RegExp(`^Untagged: ${MIRROR.replace(/\./g, '\\.')}$`, 'm'));
  assert.doesNotMatch(String(r.result.remove_output), /Deleted:/);
  assert.equal(rt.images.has(norm(MIRROR)), false);
  assert.equal(rt.images.get(norm(TARGET)), ID);
  const again = await runModule(imageRetag, { ...ARGS, remove_source: true }, ctx);
  assert.equal(again.status, 'ok');
  assert.equal(again.msg, 'the target is present and the source was removed: retagged before');
  assert.equal(rt.calls.length, 3);
  // pull: always with remove_source: pulled, compared, removed again: nothing changed in the end.
  const always = await runModule(imageRetag, { ...ARGS, remove_source: true, pull: 'always' }, ctx);
  assert.equal(always.status, 'ok');
  assert.deepEqual(rt.calls.slice(3), [`pull ${MIRROR}`, `rmi ${MIRROR}`]);
});

test('check mode predicts without pulling, with a -D before/after', async () => {
  const { rt, ctx } = host({}, { checkMode: true, diffMode: true });
  const r = await runModule(imageRetag, ARGS, ctx);
  assert.equal(r.status, 'changed');
  assert.equal(r.applied, false);
  assert.deepEqual(rt.calls, []);
  assert.equal(ctx.runs.length, 1);
  assert.equal(r.msg, 'pull the source, tag it as the target');
  assert.equal(r.diff![0]!.path, TARGET);
  assert.deepEqual(JSON.parse(r.diff![0]!.before), { source: 'absent', target: 'absent' });
  assert.deepEqual(JSON.parse(r.diff![0]!.after), { source: '(pulled)', target: '(the pulled source)' });
  const done = host({ images: { [MIRROR]: ID, [TARGET]: ID } }, { checkMode: true });
  assert.equal((await runModule(imageRetag, ARGS, done.ctx)).status, 'ok');
  const tagOnly = host({ images: { [MIRROR]: ID } }, { checkMode: true, diffMode: true });
  const t = await runModule(imageRetag, ARGS, tagOnly.ctx);
  assert.deepEqual(JSON.parse(t.diff![0]!.after), { source: ID, target: ID });
  assert.deepEqual(tagOnly.rt.calls, []);
});

test('check mode on a fresh host (no docker yet, or not started): a predicted change with a warning', async () => {
  for (const o of [{ installed: [] }, { running: false }] as FakeRuntimeOptions[]) {
    const { rt, ctx } = host(o, { checkMode: true });
    const r = await runModule(imageRetag, { ...ARGS, remove_source: true }, ctx);
    assert.equal(r.status, 'changed', JSON.stringify(o));
    assert.deepEqual(r.plan!.changes, ['pull', 'tag', 'remove-source']);
    assert.match(r.plan!.warnings![0]!, /(docker not found on the host|Cannot connect to the Docker daemon).*: assuming the image must be pulled and tagged$/);
    assert.deepEqual(rt.calls, []);
  }
});

test('outside check mode, no runtime or a stopped daemon fails with a hint', async () => {
  const none = host({ installed: [] });
  const r = await runModule(imageRetag, ARGS, none.ctx);
  assert.equal(r.status, 'failed');
  assert.equal(r.msg, 'docker not found on the host');
  assert.match(r.failure!.describe(), /Install and start it first/);
  const auto = await runModule(imageRetag, { ...ARGS, runtime: 'auto' }, none.ctx);
  assert.equal(auto.msg, 'no container runtime found on the host (looked for docker, podman, ctr)');
  const down = host({ running: false });
  const d = await runModule(imageRetag, ARGS, down.ctx);
  assert.equal(d.status, 'failed');
  assert.equal(d.msg, 'docker does not answer: Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?');
  assert.match(d.failure!.describe(), /start it first \(systemd: name=docker state=started\)/);
});

test('pull failures: the registry\'s message and a hint; nothing tagged', async () => {
  const missingTag = host({ registry: {} });
  const r = await runModule(imageRetag, ARGS, missingTag.ctx);
  assert.equal(r.status, 'failed');
  assert.equal(r.msg, `pulling ${MIRROR} failed: Error response from daemon: manifest for ${MIRROR} not found: manifest unknown: manifest unknown`);
  assert.match(r.failure!.describe(), /no tag v0\.10\.0-amd64 for this image/);
  assert.deepEqual(missingTag.rt.calls, []);
  const denied = host({ denied: ['registry.cn-hangzhou.aliyuncs.com/google_containers/flannel'] });
  const d = await runModule(imageRetag, ARGS, denied.ctx);
  assert.match(d.msg!, /pull access denied for registry\.cn-hangzhou\.aliyuncs\.com\/google_containers\/flannel, repository does not exist/);
  assert.match(d.failure!.describe(), /needs a login/);
});

test('old docker clients ("Error: No such image") behave the same', async () => {
  const { rt, ctx } = host({ era: 'old' });
  assert.equal((await runModule(imageRetag, ARGS, ctx)).status, 'changed');
  assert.equal((await runModule(imageRetag, ARGS, ctx)).status, 'ok');
  assert.equal(rt.calls.length, 2);
});

test('podman, and runtime: auto picking the first one present', async () => {
  const { rt, ctx } = host({ runtime: 'podman' });
  const r = await runModule(imageRetag, { ...ARGS, runtime: 'auto' }, ctx);
  assert.equal(r.status, 'changed', r.msg);
  assert.equal(r.result.runtime, 'podman');
  assert.match(ctx.runs[1]!.command, /^podman pull /);
  assert.equal((await runModule(imageRetag, { ...ARGS, runtime: 'podman' }, ctx)).status, 'ok');
  assert.equal(rt.calls.length, 2);
  const both = host({ installed: ['podman', 'ctr'], runtime: 'ctr' });
  const b = await runModule(imageRetag, { ...ARGS, runtime: 'auto' }, both.ctx);
  assert.equal(b.result.runtime, 'podman', 'docker, podman, ctr: in that order');
});

test('ctr: full names in the k8s.io namespace; an old target is removed before tagging', async () => {
  const { rt, ctx } = host({ runtime: 'ctr', images: { [TARGET]: OTHER } });
  const r = await runModule(imageRetag, { source: 'mirror.example/flannel:v1', target: 'flannel:v1', runtime: 'ctr' }, ctx);
  assert.equal(r.status, 'failed', 'the mirror has no such image');
  rt.registry.set(norm('mirror.example/flannel:v1'), ID);
  rt.images.set(norm('flannel:v1'), OTHER);
  const ok = await runModule(imageRetag, { source: 'mirror.example/flannel:v1', target: 'flannel:v1', runtime: 'ctr' }, ctx);
  assert.equal(ok.status, 'changed', ok.msg);
  assert.equal(ok.result.target, 'docker.io/library/flannel:v1');
  assert.deepEqual(rt.calls, ['pull mirror.example/flannel:v1', 'rmi docker.io/library/flannel:v1', 'tag mirror.example/flannel:v1 docker.io/library/flannel:v1']);
  assert.ok(ctx.runs.every((x) => !/^ctr /.test(x.command) || x.command.startsWith('ctr -n k8s.io ')));
  assert.equal((await runModule(imageRetag, { source: 'mirror.example/flannel:v1', target: 'flannel:v1', runtime: 'ctr' }, ctx)).status, 'ok');
});

test('arguments: required, aliases, choices, one tag, no self-retag', async () => {
  assert.throws(() => resolveArgs(imageRetag, { source: MIRROR }), (e: unknown) => e instanceof ModuleArgsError && /target/.test(e.message));
  const a = resolveArgs(imageRetag, { name: MIRROR, repository: TARGET });
  assert.deepEqual([a.source, a.target, a.runtime, a.pull, a.remove_source, a.namespace], [MIRROR, TARGET, 'docker', 'missing', false, 'k8s.io']);
  assert.throws(() => resolveArgs(imageRetag, { ...ARGS, pull: 'never' }), (e: unknown) => e instanceof ModuleArgsError && /pull must be one of: always, missing/.test(e.message));
  const { ctx } = host();
  const same = await runModule(imageRetag, { source: 'nginx', target: 'docker.io/library/nginx:latest' }, ctx);
  assert.equal(same.msg, 'source and target are the same image: nginx:latest');
  const two = await runModule(imageRetag, { ...ARGS, tag: 'v2' }, ctx);
  assert.match(two.msg!, /has tag 'v0\.10\.0-amd64' but tag is 'v2'/);
  const bad = await runModule(imageRetag, { source: 'Mirror/X', target: TARGET }, ctx);
  assert.match(bad.msg!, /^invalid source image reference 'Mirror\/X'/);
  assert.equal(ctx.runs.length, 0, 'nothing ran for bad arguments');
  const tagged = await runModule(imageRetag, { source: MIRROR, target: 'quay.io/coreos/flannel', tag: 'v0.10.0-amd64' }, ctx);
  assert.equal(tagged.result.target, TARGET);
});
