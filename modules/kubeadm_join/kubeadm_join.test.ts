import { test } from 'node:test';
import assert from 'node:assert/strict';
import kubeadmJoin from './index.js';
import { resolveJoin, type JoinArgs } from './plan.js';
import kubeadmInit from '../kubeadm_init/index.js';
import { fakeCluster, fakeMaster, fakeNode, fixture, type FakeCluster } from '../kubeadm_init/fake-kubeadm.js';
import { runModule, resolveArgs } from '../../test/helpers/run-module.js';
import { caCertHashes } from '../_shared/kubeadm/ca-hash.js';
import { findJoinCommands } from '../_shared/kubeadm/join-command.js';
import { ModuleArgsError } from '../../src/index.js';

const HASH = caCertHashes(fixture('ca.crt'))[0]!;
const joinCalls = (ctx: { runs: Array<{ command: string }> }) => ctx.runs.filter((r) => r.command.startsWith('kubeadm join'));

/** The master's kubeadm_init result, as a node reads it through hostvars. */
async function masterResult(cluster: FakeCluster): Promise<Record<string, unknown>> {
  const r = await runModule(kubeadmInit, { apiserver_advertise_address: '192.168.2.100' }, fakeMaster(cluster));
  assert.equal(r.status, 'changed', r.msg);
  return r.result;
}

for (const version of ['1.13.3', '1.29.2'] as const) {
  test(`kubeadm ${version}: a node joins with the master's join_command; a second run does nothing`, async () => {
    const cluster = fakeCluster({ version });
    const kubeadm = await masterResult(cluster);
    const node = fakeNode(cluster, 'k8s-node1');
    const r = await runModule(kubeadmJoin, { join_command: kubeadm.join_command }, node);
    assert.equal(r.status, 'changed', r.failure?.describe());
    assert.deepEqual(cluster.nodes, ['k8s-node1']);
    assert.match(r.result.stdout as string, /This node has joined the cluster/);
    assert.equal(r.result.api_server_endpoint, '192.168.2.100:6443');
    // The token's secret half never shows in the reported command.
    const token = kubeadm.token as string;
    assert.equal(r.result.cmd, `kubeadm join 192.168.2.100:6443 --token ${token.split('.')[0]}.<hidden> --discovery-token-ca-cert-hash ${HASH}`);
    assert.doesNotMatch(JSON.stringify(r.result.cmd), new RegExp(token.split('.')[1]!));

    node.runs.length = 0;
    const again = await runModule(kubeadmJoin, { join_command: kubeadm.join_command }, node);
    assert.equal(again.status, 'ok');
    assert.equal(again.msg, 'the node has joined a cluster (/etc/kubernetes/kubelet.conf exists)');
    assert.equal(node.runs.length, 1, 'one probe, no kubeadm join');
    assert.deepEqual(cluster.nodes, ['k8s-node1']);
  });

  test(`kubeadm ${version}: a wrong token fails with kubeadm's error and what to do; the right one then joins`, async () => {
    const cluster = fakeCluster({ version });
    const kubeadm = await masterResult(cluster);
    const node = fakeNode(cluster, 'k8s-node2');
    const r = await runModule(kubeadmJoin, { join_command: kubeadm.join_command, token: 'wr0ngt.0123456789abcdef' }, node);
    assert.equal(r.status, 'failed');
    const text = r.failure!.describe();
    assert.match(text, version === '1.13.3'
      ? /^kubeadm join failed: couldn't validate the identity of the API Server: abort connecting to API servers after timeout of 5m0s\n {2}\[discovery\] Failed to connect to API Server "192\.168\.2\.100:6443": token id "wr0ngt" is invalid for this cluster or it has expired/
      : /^kubeadm join failed: error execution phase preflight: couldn't validate the identity of the API Server: could not find a JWS signature in the cluster-info ConfigMap for token ID "wr0ngt"/);
    assert.match(text, /The token is wrong or has expired/);
    assert.equal(r.result.rc, 1);
    assert.equal(node.files.has('/etc/kubernetes/kubelet.conf'), false);
    assert.deepEqual(cluster.nodes, []);
    const ok = await runModule(kubeadmJoin, { join_command: kubeadm.join_command }, node);
    assert.equal(ok.status, 'changed');
  });
}

test('an expired token (the init one, a day later): fails; the fresh join command of the next kubeadm_init run works', async () => {
  const cluster = fakeCluster();
  const master = fakeMaster(cluster);
  const day1 = await runModule(kubeadmInit, {}, master);
  cluster.tokens.forEach((t) => (t.ttl = '<invalid>'));
  const node = fakeNode(cluster, 'k8s-node1');
  const late = await runModule(kubeadmJoin, { join_command: day1.result.join_command }, node);
  assert.equal(late.status, 'failed');
  assert.match(late.failure!.describe(), /is invalid for this cluster or it has expired/);
  const day2 = await runModule(kubeadmInit, {}, master);
  assert.equal(day2.status, 'ok');
  assert.notEqual(day2.result.token, day1.result.token);
  assert.equal((await runModule(kubeadmJoin, { join_command: day2.result.join_command }, node)).status, 'changed');
});

test('single arguments instead of (or over) the join command; a CA hash that does not match fails with a hint', async () => {
  const cluster = fakeCluster({ version: '1.29.2' });
  const kubeadm = await masterResult(cluster);
  const node = fakeNode(cluster, 'k8s-node1');
  const wrong = `sha256:${'0'.repeat(64)}`;
  const bad = await runModule(kubeadmJoin, { join_command: kubeadm.join_command, discovery_token_ca_cert_hash: wrong }, node);
  assert.equal(bad.status, 'failed');
  assert.match(bad.msg!, /^kubeadm join failed: .*none of the public keys "sha256:[0-9a-f]{64}" are pinned$/);
  assert.match(bad.failure!.describe(), /\ndiscovery_token_ca_cert_hash does not match the cluster's CA/);
  const r = await runModule(kubeadmJoin, {
    api_server_endpoint: 'https://192.168.2.100:6443', token: kubeadm.token, discovery_token_ca_cert_hash: [kubeadm.discovery_token_ca_cert_hash],
    node_name: 'worker-1', ignore_preflight_errors: ['Swap'], extra_args: '--v=2',
  }, node);
  assert.equal(r.status, 'changed', r.failure?.describe());
  const cmd = joinCalls(node).at(-1)!.command;
  assert.equal(cmd, `kubeadm join 192.168.2.100:6443 --token ${kubeadm.token} --discovery-token-ca-cert-hash ${HASH} --node-name=worker-1 --ignore-preflight-errors=Swap --v=2`);
});

test('missing join values: a failure pointing at the master\'s result; in check mode a predicted join', async () => {
  const cluster = fakeCluster();
  const node = fakeNode(cluster, 'k8s-node1');
  const r = await runModule(kubeadmJoin, { api_server_endpoint: '192.168.2.100:6443' }, node);
  assert.equal(r.status, 'failed');
  assert.match(r.failure!.describe(), /token, discovery_token_ca_cert_hash are missing\n.*hostvars\[groups\['masters'\]\[0\]\]\.kubeadm\.join_command/);
  assert.equal(joinCalls(node).length, 0);
  // --check on a fresh cluster: the master's init is predicted, its join_command is null.
  const check = fakeNode(cluster, 'k8s-node1', { checkMode: true });
  const c = await runModule(kubeadmJoin, { join_command: null }, check);
  assert.equal(c.status, 'changed');
  assert.equal(c.applied, false);
  assert.match(c.plan!.warnings!.join(''), /not known yet \(api_server_endpoint, token, discovery_token_ca_cert_hash\)/);
  assert.equal(joinCalls(check).length, 0);
});

test('malformed values and a control-plane join command are refused before kubeadm runs', async () => {
  const cluster = fakeCluster();
  const node = fakeNode(cluster, 'k8s-node1');
  for (const [args, re] of [
    [{ api_server_endpoint: 'a:6443', token: 'short.token', discovery_token_ca_cert_hash: HASH }, /bootstrap token "short\.<hidden>" was not of the form/],
    [{ api_server_endpoint: 'a:6443', token: 'abcdef.0123456789abcdef', discovery_token_ca_cert_hash: 'f3b9' }, /invalid hash "f3b9", expected "format:hex-value"/],
    [{ join_command: findJoinCommands(fixture('init-1.29.2-upload-certs.stdout'))[0]! }, /control-plane join/],
    [{ join_command: 'echo hello' }, /not a kubeadm join command/],
  ] as const) {
    const r = await runModule(kubeadmJoin, args, node);
    assert.equal(r.status, 'failed', JSON.stringify(args));
    assert.match(r.msg!, re);
  }
  assert.equal(joinCalls(node).length, 0);
});

test('join preflight errors read like init\'s; unsafe CA skip passes through', async () => {
  const cluster = fakeCluster();
  const kubeadm = await masterResult(cluster);
  const node = fakeNode(cluster, 'k8s-node1', { preflightErrors: [['Swap', 'running with swap on is not supported. Please disable swap']] });
  const r = await runModule(kubeadmJoin, { join_command: kubeadm.join_command }, node);
  assert.equal(r.status, 'failed');
  assert.match(r.failure!.describe(), /^kubeadm join failed 1 preflight check:\n {2}\[ERROR Swap\]/);
  assert.deepEqual(r.result.preflight_errors, [{ check: 'Swap', message: 'running with swap on is not supported. Please disable swap' }]);
  const unsafe = await runModule(kubeadmJoin, { api_server_endpoint: '192.168.2.100:6443', token: kubeadm.token, ignore_preflight_errors: ['Swap'], extra_args: ['--discovery-token-unsafe-skip-ca-verification'] }, node);
  assert.equal(unsafe.status, 'changed', unsafe.failure?.describe());
  assert.match(joinCalls(node).at(-1)!.command, /--ignore-preflight-errors=Swap --discovery-token-unsafe-skip-ca-verification$/);
});

test('a node joined elsewhere: no change, a warning naming both endpoints; check mode with known values predicts', async () => {
  const cluster = fakeCluster();
  const node = fakeNode(cluster, 'k8s-node1', { files: { '/etc/kubernetes/kubelet.conf': fixture('../../kubeadm_join/fixtures/kubelet.conf').replace('192.168.2.100', '10.0.0.9') } });
  const r = await runModule(kubeadmJoin, { join_command: `kubeadm join 192.168.2.100:6443 --token abcdef.0123456789abcdef --discovery-token-ca-cert-hash ${HASH}` }, node);
  assert.equal(r.status, 'ok');
  assert.match(r.plan!.warnings!.join(''), /joined the cluster at 10\.0\.0\.9:6443, not 192\.168\.2\.100:6443/);
  const kubeadm = await masterResult(cluster);
  const check = fakeNode(cluster, 'k8s-node2', { checkMode: true, diffMode: true });
  const c = await runModule(kubeadmJoin, { join_command: kubeadm.join_command }, check);
  assert.equal(c.status, 'changed');
  assert.deepEqual(cluster.nodes, []);
  assert.equal(JSON.parse(c.diff![0]!.after).token, `${(kubeadm.token as string).split('.')[0]}.<hidden>`);
  const noKubeadm = await runModule(kubeadmJoin, { join_command: kubeadm.join_command }, fakeNode(cluster, 'n3', { kubeadmInstalled: false }));
  assert.equal(noKubeadm.msg, 'kubeadm is not installed on this host: install the kubeadm package first');
});

test('arguments: null accepted for values not known yet, token and join_command kept secret, typos caught', () => {
  assert.deepEqual(kubeadmJoin.secretArgs, ['token', 'join_command']);
  assert.equal(resolveArgs(kubeadmJoin, { join_command: null }).join_command, null);
  const two = resolveJoin(resolveArgs(kubeadmJoin, { api_server_endpoint: 'a:6443', token: 't', discovery_token_ca_cert_hash: `${HASH}, sha256:${'1'.repeat(64)}` }) as unknown as JoinArgs, []);
  assert.deepEqual(two.values.caCertHashes, [HASH, `sha256:${'1'.repeat(64)}`]);
  assert.deepEqual(resolveArgs(kubeadmJoin, { ignore_preflight_errors: 'Swap,NumCPU' }).ignore_preflight_errors, ['Swap', 'NumCPU']);
  assert.throws(() => resolveArgs(kubeadmJoin, { join_comand: 'x' }), (e: unknown) => e instanceof ModuleArgsError && /join_command/.test(e.message));
});
