import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ModuleFailure } from '../../src/index.js';
import { fakeQuote } from '../../test/helpers/fake-context.js';
import { fixture, fixtures } from './fixtures.js';
import { formatRef, fullyQualified, parseRef, targetRef, withDefaultTag } from './refs.js';
import { daemonHints, parseInspect, pullHints } from './runtime.js';
import { parseProbe, probeCommand, PROBE_MARK } from './probe.js';
import { planRetag, runChanged } from './plan.js';

const out = (name: string) => { const f = fixture(name); return { rc: f.rc, text: `${f.stdout}${f.stderr}` }; };

test('references: registry hosts with ports, tags after the last slash, digests, docker\'s latest', () => {
  assert.deepEqual(parseRef('registry.cn-hangzhou.aliyuncs.com/google_containers/flannel:v0.10.0-amd64', 's'), { name: 'registry.cn-hangzhou.aliyuncs.com/google_containers/flannel', tag: 'v0.10.0-amd64' });
  assert.deepEqual(parseRef('registry:5000/coreos/flannel', 's'), { name: 'registry:5000/coreos/flannel' });
  assert.deepEqual(parseRef('localhost:5000/flannel:v1', 's'), { name: 'localhost:5000/flannel', tag: 'v1' });
  const d = parseRef(`quay.io/coreos/flannel@sha256:${'ab'.repeat(32)}`, 's');
  assert.equal(d.digest, `sha256:${'ab'.repeat(32)}`);
  assert.equal(d.tag, undefined);
  assert.equal(formatRef(withDefaultTag(parseRef('nginx', 's'))), 'nginx:latest');
  assert.equal(formatRef(withDefaultTag(d)), `quay.io/coreos/flannel@sha256:${'ab'.repeat(32)}`);
  assert.equal(formatRef(fullyQualified(parseRef('nginx:1.15', 's'))), 'docker.io/library/nginx:1.15');
  assert.equal(formatRef(fullyQualified(parseRef('coreos/flannel:v1', 's'))), 'docker.io/coreos/flannel:v1');
  assert.equal(formatRef(fullyQualified(parseRef('quay.io/coreos/flannel:v1', 's'))), 'quay.io/coreos/flannel:v1');
  for (const bad of ['', 'Bad:x', 'a b', '-rm', 'quay.io//x', 'x:ta g', 'x@sha256:zz', 'x:-v1']) {
    assert.throws(() => parseRef(bad, 'source'), (e: unknown) => e instanceof ModuleFailure && e.message.startsWith(`invalid source image reference '${bad}'`), bad);
  }
});

test('target: its own tag, tag given apart, latest by default; never a digest or two tags', () => {
  assert.equal(formatRef(targetRef('quay.io/coreos/flannel:v0.10.0-amd64')), 'quay.io/coreos/flannel:v0.10.0-amd64');
  assert.equal(formatRef(targetRef('quay.io/coreos/flannel', 'v0.10.0-amd64')), 'quay.io/coreos/flannel:v0.10.0-amd64');
  assert.equal(formatRef(targetRef('quay.io/coreos/flannel:v1', 'v1')), 'quay.io/coreos/flannel:v1');
  assert.equal(formatRef(targetRef('k8s.gcr.io/pause')), 'k8s.gcr.io/pause:latest');
  assert.throws(() => targetRef('quay.io/coreos/flannel:v1', 'v2'), /has tag 'v1' but tag is 'v2'/);
  assert.throws(() => targetRef(`x@sha256:${'0'.repeat(64)}`), /names a digest/);
});

test('inspect answers: an id, absent in every runtime\'s words, or an error', () => {
  const id = out('docker-inspect-id');
  assert.deepEqual(parseInspect('docker', 'x', id.rc, id.text), { present: true, id: 'sha256:f0fad859c909baef1b038ea1ed2ee4e0d77a0ceddc85b1c9cdb8ee3c1ff3c3fc' });
  for (const name of ['docker-inspect-missing-old', 'docker-inspect-missing-current', 'podman-inspect-missing']) {
    const f = out(name);
    assert.deepEqual(parseInspect(name.startsWith('podman') ? 'podman' : 'docker', 'x', f.rc, f.text), { present: false }, name);
  }
  const down = out('docker-inspect-daemon-down');
  const s = parseInspect('docker', 'nginx', down.rc, down.text);
  assert.ok('error' in s && s.error.startsWith('Cannot connect to the Docker daemon'));
  // podman prints the id without sha256:; ids are compared within one runtime, normalised alike.
  assert.deepEqual(parseInspect('podman', 'x', 0, `${'f'.repeat(64)}\n`), { present: true, id: `sha256:${'f'.repeat(64)}` });
  const ls = out('ctr-images-ls');
  assert.deepEqual(parseInspect('ctr', 'quay.io/coreos/flannel:v0.10.0-amd64', ls.rc, ls.text), { present: true, id: 'sha256:88f2b4d96fae34bfff3d46293f7f18d1f9f3ca026b4a4d288f28347fcb6580ac' });
  assert.deepEqual(parseInspect('ctr', 'quay.io/coreos/flannel:v0.9.1-amd64', ls.rc, ls.text), { present: false }, 'another ref in the listing is not this one');
  const empty = out('ctr-images-ls-empty');
  assert.deepEqual(parseInspect('ctr', 'x', empty.rc, empty.text), { present: false });
  // A missing runtime command is an error, never "absent".
  assert.ok('error' in parseInspect('docker', 'x', 127, 'sh: docker: not found'));
});

test('pull failures: hints from the registry\'s words', () => {
  assert.match(pullHints(out('docker-pull-manifest-unknown').text, 'xxx/test:latest')[0]!, /no tag latest for this image/);
  assert.match(pullHints(out('docker-pull-denied').text, 'agentx:latest')[0]!, /repository does not exist there, or it needs a login/);
  assert.match(pullHints(out('docker-pull-daemon-down').text, 'nginx:latest')[0]!, /docker service is not running/);
  assert.match(pullHints('Error response from daemon: Get https://quay.io/v2/: dial tcp: lookup quay.io on 8.8.8.8:53: no such host', 'x:y')[0]!, /could not reach the registry/);
  assert.deepEqual(daemonHints(out('docker-tag-invalid').text), []);
  // Every pull fixture either succeeded or has a hint.
  for (const f of fixtures('docker-pull-')) {
    if (f.rc === 0) assert.match(f.stdout, /^Status: (Downloaded newer image|Image is up to date) for /m, f.name);
    else assert.ok(pullHints(`${f.stdout}${f.stderr}`, 'x:y').length > 0, f.name);
  }
});

test('the probe: one command, each reference quoted once; its output parsed per runtime', () => {
  const refs = { source: "mirror.example/x:v1", target: "quay.io/coreos/flannel:v0.10.0-amd64", sourceFull: 'mirror.example/x:v1', targetFull: 'quay.io/coreos/flannel:v0.10.0-amd64' };
  const cmd = probeCommand('auto', refs, 'k8s.io', fakeQuote);
  assert.ok(cmd.startsWith('( set -- mirror.example/x:v1 quay.io/coreos/flannel:v0.10.0-amd64 '));
  assert.equal(cmd.split('quay.io/coreos/flannel').length, 3, 'target and its full name, in set -- only');
  assert.match(cmd, /for c in docker podman ctr; do/);
  assert.match(probeCommand('podman', refs, 'k8s.io', fakeQuote), /for c in podman; do/);
  assert.match(cmd, /ctr\) out=\$\(ctr -n k8s\.io images ls "name==\$ref" 2>&1\); rc=\$\? ;;/);
  const parsed = parseProbe(`${PROBE_MARK} runtime docker\n${PROBE_MARK} image 0\nsha256:${'1'.repeat(64)}\n${PROBE_MARK} image 1\n\nError: No such image: x\n`, refs);
  assert.deepEqual(parsed, { runtime: 'docker', source: { present: true, id: `sha256:${'1'.repeat(64)}` }, target: { present: false } });
  assert.deepEqual(parseProbe(`${PROBE_MARK} runtime none\n`, refs), {});
  assert.throws(() => parseProbe('bash: syntax error', refs), /unexpected output/);
});

test('plan: the decisions, pyinfra style', () => {
  const A = { present: true as const, id: 'sha256:a' };
  const B = { present: true as const, id: 'sha256:b' };
  const NO = { present: false as const };
  const plan = (pull: 'always' | 'missing', removeSource: boolean, s: typeof A | typeof NO, t: typeof A | typeof NO) => planRetag({ pull, removeSource }, s, t).steps;
  assert.deepEqual(plan('missing', false, NO, NO), ['pull', 'tag']);
  assert.deepEqual(plan('missing', false, A, NO), ['tag']);
  assert.deepEqual(plan('missing', false, A, A), []);
  assert.deepEqual(plan('missing', false, A, B), ['tag']);
  assert.deepEqual(plan('missing', false, NO, A), ['pull', 'tag'], 'the tag is decided after the pull');
  assert.deepEqual(plan('always', false, A, A), ['pull']);
  assert.deepEqual(plan('missing', true, A, A), ['remove-source']);
  assert.deepEqual(plan('missing', true, NO, A), [], 'a previous run removed the source');
  assert.deepEqual(plan('always', true, NO, A), ['pull', 'tag', 'remove-source']);
  assert.equal(planRetag({ pull: 'missing', removeSource: false }, A, A).reason, 'the target already points at the source image');
  assert.equal(runChanged(NO, A, false), true, 'a new pull');
  assert.equal(runChanged(A, A, false), false);
  assert.equal(runChanged(NO, NO, false), false, 'pulled and removed in one run');
  assert.equal(runChanged(A, NO, false), true, 'removed');
  assert.equal(runChanged(A, B, false), true, 'pulled a newer image');
  assert.equal(runChanged(A, A, true), true, 'the target moved');
});
