/**
 * image_retag on a sandbox host over SSH, against the docker stand-in (the docker-ce RPM of
 * the sandbox repository) and the sandbox registry, whose mirrors hold the walkthrough's
 * images while quay.io stays out of reach. The host's images are read back with OpenSSH and
 * the stand-in's own CLI; the expected ids come from the registry list.
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { sandboxSuite } from '../../helpers/sandbox-host.js';
import { manifestOf } from '../../../src/sandbox/registry-tree.js';
import { REGISTRY_IMAGES } from '../../../src/sandbox/registry-images.js';

const sb = sandboxSuite('image_retag', ['ir1']);
const H = 'ir1';
const MIRROR = 'quay-mirror.qiniu.com/coreos/flannel:v0.10.0-amd64';
const TARGET = 'quay.io/coreos/flannel:v0.10.0-amd64';

function play(tasks: string): string {
  return `- hosts: all\n  gather_facts: false\n  tasks:\n${tasks.replace(/^/gm, '    ')}\n`;
}

const RETAG = play(`- name: retag
  image_retag: { source: ${MIRROR}, target: ${TARGET} }`);

function idOf(ref: string): string {
  const img = REGISTRY_IMAGES.find((i) => i.ref === ref);
  if (!img) throw new Error(`${ref} is not in the registry list`);
  return manifestOf(img).id;
}

/** What docker on the host says a name points at ('' when absent). */
function hostId(ref: string): string {
  const r = sb.sh(H, `docker image inspect --format '{{.Id}}' ${ref}`);
  return r.rc === 0 ? r.stdout.trim() : '';
}

describe('image_retag module on a sandbox host', { skip: sb.skip }, () => {
  before(async () => {
    await sb.up();
    sb.shOk(H, 'dnf install -q -y --enablerepo=k8splay-sandbox docker-ce-18.06.1.ce-3.el7');
  });
  after(sb.down);

  test('docker installed but stopped: check mode predicts the pull and tag; a real run fails and says to start docker', async () => {
    const check = await sb.play(RETAG, { check: true });
    const c = check.resultsOf('retag')[0]!;
    assert.equal(c.status, 'changed', c.msg);
    assert.match(c.warnings!.join('\n'), /Cannot connect to the Docker daemon.*: assuming the image must be pulled and tagged/);
    const run = await sb.play(RETAG);
    const r = run.resultsOf('retag')[0]!;
    assert.equal(r.status, 'failed');
    assert.match(r.msg!, /^docker does not answer: Cannot connect to the Docker daemon at unix:\/\/\/var\/run\/docker\.sock\. Is the docker daemon running\?/);
    assert.match(r.msg!, /start it first \(systemd: name=docker state=started\)/);
    sb.shOk(H, 'systemctl start docker');
    assert.equal(sb.shOk(H, 'docker images -q'), '');
  });

  test('check mode with docker running: predicted, nothing pulled', async () => {
    const check = await sb.play(RETAG, { check: true, diff: true });
    const c = check.resultsOf('retag')[0]!;
    assert.equal(c.status, 'changed');
    assert.equal(c.msg, 'pull the source, tag it as the target');
    assert.deepEqual(JSON.parse(c.diff![0]!.before), { source: 'absent', target: 'absent' });
    assert.equal(sb.shOk(H, 'docker images -q'), '');
  });

  test('pull from the mirror and tag: the target has the mirror\'s id; the second run changes nothing', async () => {
    const first = await sb.play(RETAG);
    const r = first.resultsOf('retag')[0]!;
    assert.equal(r.status, 'changed', r.msg);
    assert.deepEqual(r.data.actions, [`pulled ${MIRROR}`, `tagged ${MIRROR} as ${TARGET}`]);
    assert.equal(r.data.image_id, idOf(MIRROR));
    assert.match(String(r.data.pull_output), new RegExp(`^Status: Downloaded newer image for ${MIRROR.replace(/\./g, '\\.')}$`, 'm'));
    assert.equal(hostId(TARGET), idOf(MIRROR));
    assert.equal(hostId(MIRROR), idOf(MIRROR));
    const second = await sb.play(RETAG);
    assert.equal(second.changed, 0);
    assert.equal(second.resultsOf('retag')[0]!.msg, 'the target already points at the source image');
    const check = await sb.play(RETAG, { check: true });
    assert.equal(check.changed, 0);
  });

  test('a target that points elsewhere is moved; pull: always that brings nothing new is no change', async () => {
    const v011 = 'quay-mirror.qiniu.com/coreos/flannel:v0.11.0-amd64';
    const moved = await sb.play(play(`- name: retag
  image_retag: { source: ${v011}, target: ${TARGET} }`));
    assert.equal(moved.resultsOf('retag')[0]!.status, 'changed');
    assert.equal(hostId(TARGET), idOf(v011));
    const back = await sb.play(play(`- name: retag
  image_retag: { source: ${MIRROR}, target: ${TARGET}, pull: always }`));
    const b = back.resultsOf('retag')[0]!;
    assert.equal(b.status, 'changed');
    assert.deepEqual(b.data.actions, [`tagged ${MIRROR} as ${TARGET}`]);
    assert.match(String(b.data.pull_output), /Status: Image is up to date for /);
    const again = await sb.play(play(`- name: retag
  image_retag: { source: ${MIRROR}, target: ${TARGET}, pull: always }`));
    assert.equal(again.changed, 0);
  });

  test('remove_source: the mirror name goes, the image stays under the target; the next run leaves it alone', async () => {
    const yaml = play(`- name: retag
  image_retag: { source: ${MIRROR}, target: ${TARGET}, remove_source: true }`);
    const r = await sb.play(yaml);
    const res = r.resultsOf('retag')[0]!;
    assert.equal(res.status, 'changed', res.msg);
    assert.deepEqual(res.data.actions, [`removed ${MIRROR}`]);
    assert.equal(hostId(MIRROR), '');
    assert.equal(hostId(TARGET), idOf(MIRROR));
    const again = await sb.play(yaml);
    assert.equal(again.changed, 0);
    assert.equal(hostId(MIRROR), '', 'not pulled again');
  });

  test('an unreachable registry and an unknown tag fail with docker\'s words and a hint', async () => {
    const quay = await sb.play(play(`- name: retag
  image_retag: { source: 'quay.io/coreos/flannel:v0.11.0-amd64', target: example.com/flannel:v1 }`));
    const q = quay.resultsOf('retag')[0]!;
    assert.equal(q.status, 'failed');
    assert.match(q.msg!, /^pulling quay\.io\/coreos\/flannel:v0\.11\.0-amd64 failed: Error response from daemon: Get https:\/\/quay\.io\/v2\/: net\/http: request canceled/);
    assert.match(q.msg!, /could not reach the registry/);
    const tag = await sb.play(play(`- name: retag
  image_retag: { source: 'quay-mirror.qiniu.com/coreos/flannel:v9.9.9', target: ${TARGET} }`));
    const t = tag.resultsOf('retag')[0]!;
    assert.equal(t.status, 'failed');
    assert.match(t.msg!, /manifest for quay-mirror\.qiniu\.com\/coreos\/flannel:v9\.9\.9 not found/);
    assert.match(t.msg!, /no tag v9\.9\.9 for this image/);
    assert.equal(hostId('example.com/flannel:v1'), '');
  });

  test('runtime: auto finds docker', async () => {
    const r = await sb.play(play(`- name: retag
  image_retag: { source: 'nginx:1.15', target: 'registry.local/nginx:1.15', runtime: auto }`));
    const res = r.resultsOf('retag')[0]!;
    assert.equal(res.status, 'changed', res.msg);
    assert.equal(res.data.runtime, 'docker');
    assert.equal(hostId('registry.local/nginx:1.15'), idOf('docker.io/library/nginx:1.15'));
  });
});
