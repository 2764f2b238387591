import { test } from 'node:test';
import assert from 'node:assert/strict';
import kubeadmInit from './index.js';
import { fakeCluster, fakeMaster, fixture } from './fake-kubeadm.js';
import { runModule, resolveArgs } from '../../test/helpers/run-module.js';
import { fakeContext } from '../../test/helpers/fake-context.js';
import { answerSections, sectionNames } from '../_shared/read-sections.js';
import { caCertHashes } from '../_shared/kubeadm/ca-hash.js';
import { parseJoinCommand } from '../_shared/kubeadm/join-command.js';
import { ModuleArgsError } from '../../src/index.js';

const WALKTHROUGH = {
  apiserver_advertise_address: '192.168.2.100',
  image_repository: 'registry.aliyuncs.com/google_containers',
  kubernetes_version: '1.13.3',
  service_cidr: '10.1.0.0/16',
  pod_network_cidr: '10.244.0.0/16',
};
const HASH = caCertHashes(fixture('ca.crt'))[0]!;
const isProbe = (c: string) => c.startsWith("printf '%s\\n' '@@");
const nonProbe = (runs: Array<{ command: string }>) => runs.map((r) => r.command).filter((c) => !isProbe(c));

for (const version of ['1.13.3', '1.29.2'] as const) {
  test(`kubeadm ${version}: init with the walkthrough's flags, join values from its output; a second run only makes a fresh token`, async () => {
    const cluster = fakeCluster({ version });
    const ctx = fakeMaster(cluster);
    const r = await runModule(kubeadmInit, { ...WALKTHROUGH, kubeconfig_user: 'root' }, ctx);
    assert.equal(r.status, 'changed', r.msg);
    assert.deepEqual(cluster.calls, ['init --apiserver-advertise-address=192.168.2.100 --image-repository=registry.aliyuncs.com/google_containers --kubernetes-version=v1.13.3 --service-cidr=10.1.0.0/16 --pod-network-cidr=10.244.0.0/16']);
    const first = cluster.tokens.at(-1)!.token;
    assert.equal(r.result.token, first);
    assert.equal(r.result.discovery_token_ca_cert_hash, HASH);
    assert.equal(r.result.api_server_endpoint, '192.168.2.100:6443');
    assert.equal(r.result.join_command, `kubeadm join 192.168.2.100:6443 --token ${first} --discovery-token-ca-cert-hash ${HASH}`);
    assert.equal(r.result.known_after_apply, undefined);
    // The walkthrough's kubeconfig step, done through writeFile: root's, 0600.
    const kc = ctx.files.get('/root/.kube/config')!;
    assert.equal(kc.content, ctx.text('/etc/kubernetes/admin.conf'));
    assert.deepEqual([kc.mode, kc.owner, kc.group], ['0600', 'root', 'root']);
    assert.equal(r.result.kubeconfig, '/root/.kube/config');

    ctx.runs.length = 0;
    const again = await runModule(kubeadmInit, { ...WALKTHROUGH, kubeconfig_user: 'root' }, ctx);
    assert.equal(again.status, 'ok', again.msg);
    assert.deepEqual(cluster.calls.map((c) => c.split(' ')[0]), ['init', 'token']);
    assert.deepEqual(nonProbe(ctx.runs), ['kubeadm token create --print-join-command']);
    const fresh = cluster.tokens.at(-1)!.token;
    assert.notEqual(fresh, first);
    assert.equal(again.result.token, fresh);
    assert.equal(parseJoinCommand(again.result.join_command as string).token, fresh);
    assert.equal(again.result.discovery_token_ca_cert_hash, HASH);
  });
}

test('check mode on a fresh host: predicts init, runs only the probe, join values "known after apply"', async () => {
  const cluster = fakeCluster();
  const ctx = fakeMaster(cluster, { checkMode: true });
  const r = await runModule(kubeadmInit, { ...WALKTHROUGH, kubeconfig_user: 'root' }, ctx);
  assert.equal(r.status, 'changed');
  assert.equal(r.applied, false);
  assert.deepEqual(cluster.calls, []);
  assert.equal(ctx.runs.length, 1);
  assert.equal(ctx.writes.length, 0);
  assert.deepEqual([r.result.join_command, r.result.token, r.result.discovery_token_ca_cert_hash], [null, null, null]);
  assert.equal(r.result.api_server_endpoint, '192.168.2.100:6443');
  assert.deepEqual(r.result.known_after_apply, ['join_command', 'token', 'discovery_token_ca_cert_hash']);
  assert.deepEqual(r.plan!.changes, ['init', 'kubeconfig']);
});

test('check mode on an initialised master: no token created; a valid existing one is reported, else unknown', async () => {
  const cluster = fakeCluster({ tokens: [{ token: '3l0t2w.zq8b6n4m2k1j9h7g', ttl: '23h' }] });
  const ctx = fakeMaster(cluster, { initialised: true, checkMode: true });
  const r = await runModule(kubeadmInit, WALKTHROUGH, ctx);
  assert.equal(r.status, 'ok');
  assert.deepEqual(cluster.calls, []);
  assert.equal(r.result.join_command, `kubeadm join 192.168.2.100:6443 --token 3l0t2w.zq8b6n4m2k1j9h7g --discovery-token-ca-cert-hash ${HASH}`);
  assert.equal(r.result.known_after_apply, undefined);

  const expired = fakeCluster({ tokens: [{ token: '7x9b3k.q2w8e4r6t1y5u3i0', ttl: '<invalid>' }] });
  const c2 = fakeMaster(expired, { initialised: true, checkMode: true });
  const r2 = await runModule(kubeadmInit, WALKTHROUGH, c2);
  assert.equal(r2.status, 'ok');
  assert.deepEqual(expired.calls, []);
  assert.deepEqual([r2.result.join_command, r2.result.token], [null, null]);
  assert.equal(r2.result.discovery_token_ca_cert_hash, HASH, 'the hash is read from ca.crt without creating anything');
  assert.equal(r2.result.api_server_endpoint, '192.168.2.100:6443');
  assert.deepEqual(r2.result.known_after_apply, ['join_command', 'token']);
});

test('new_token: false reuses a valid token (at least 1h left); an expired one is replaced', async () => {
  const cluster = fakeCluster({ tokens: [{ token: '7x9b3k.q2w8e4r6t1y5u3i0', ttl: '<invalid>' }, { token: '3l0t2w.zq8b6n4m2k1j9h7g', ttl: '5d' }, { token: 'shortl.ived0123456789ab', ttl: '20m' }] });
  const ctx = fakeMaster(cluster, { initialised: true });
  const r = await runModule(kubeadmInit, { ...WALKTHROUGH, new_token: false }, ctx);
  assert.equal(r.status, 'ok');
  assert.equal(r.result.token, '3l0t2w.zq8b6n4m2k1j9h7g');
  assert.deepEqual(nonProbe(ctx.runs), []);

  const old = fakeCluster({ tokens: [{ token: '7x9b3k.q2w8e4r6t1y5u3i0', ttl: '<invalid>' }] });
  const c2 = fakeMaster(old, { initialised: true });
  const r2 = await runModule(kubeadmInit, { new_token: false, token_ttl: '2h' }, c2);
  assert.equal(r2.status, 'ok');
  assert.deepEqual(old.calls, ['token create --print-join-command --ttl=2h']);
  assert.equal(r2.result.token, old.tokens.at(-1)!.token);
});

test('a preflight failure: kubeadm\'s errors one per line, a structured list, nothing written; ignoring them lets init run', async () => {
  const cluster = fakeCluster({ preflightErrors: [['Swap', 'running with swap on is not supported. Please disable swap'], ['FileContent--proc-sys-net-bridge-bridge-nf-call-iptables', '/proc/sys/net/bridge/bridge-nf-call-iptables contents are not set to 1']] });
  const ctx = fakeMaster(cluster);
  const r = await runModule(kubeadmInit, { ...WALKTHROUGH, kubeconfig_user: 'root' }, ctx);
  assert.equal(r.status, 'failed');
  const text = r.failure!.describe();
  assert.match(text, /^kubeadm init failed 2 preflight checks:\n {2}\[ERROR Swap\]: running with swap on is not supported\. Please disable swap\n/);
  assert.match(text, /ignore_preflight_errors: \[Swap, FileContent--proc-sys-net-bridge-bridge-nf-call-iptables\]/);
  assert.deepEqual(r.result.preflight_errors, [
    { check: 'Swap', message: 'running with swap on is not supported. Please disable swap' },
    { check: 'FileContent--proc-sys-net-bridge-bridge-nf-call-iptables', message: '/proc/sys/net/bridge/bridge-nf-call-iptables contents are not set to 1' },
  ]);
  assert.equal(r.result.rc, 1);
  assert.equal(ctx.writes.length, 0);
  assert.equal(ctx.files.has('/etc/kubernetes/admin.conf'), false);

  const ok = await runModule(kubeadmInit, { ...WALKTHROUGH, ignore_preflight_errors: 'Swap,FileContent--proc-sys-net-bridge-bridge-nf-call-iptables' }, ctx);
  assert.equal(ok.status, 'changed', ok.msg);
  assert.match(cluster.calls[0]!, / --ignore-preflight-errors=Swap,FileContent--proc-sys-net-bridge-bridge-nf-call-iptables$/);
});

test('init fails later (1.13.3 wait-control-plane): the final error and why; kubeadm\'s output kept', async () => {
  const ctx = fakeContext({
    commands: [
      { match: /^printf/, respond: (s) => ({ stdout: answerSections(s, { files: '', kubeadm: '/usr/bin/kubeadm', api: { out: '', rc: 3 } }) }) },
      { match: /^kubeadm init/, result: { rc: 1, stdout: fixture('wait-control-plane-1.13.3.stdout'), stderr: fixture('wait-control-plane-1.13.3.stderr') } },
    ],
  });
  const r = await runModule(kubeadmInit, WALKTHROUGH, ctx);
  assert.equal(r.status, 'failed');
  assert.equal(r.failure!.describe(), "kubeadm init failed: error execution phase wait-control-plane: couldn't initialize a Kubernetes cluster\n  timed out waiting for the condition");
  assert.match(r.result.stdout as string, /Unfortunately, an error has occurred/);
});

test('admin.conf present but the API does not answer: a clear failure, init is not run again', async () => {
  const cluster = fakeCluster({ apiUp: false });
  const ctx = fakeMaster(cluster, { initialised: true });
  const r = await runModule(kubeadmInit, { ...WALKTHROUGH, api_timeout: 0 }, ctx);
  assert.equal(r.status, 'failed');
  assert.match(r.failure!.describe(), /^the control plane on this host does not answer: \/etc\/kubernetes\/admin\.conf exists but kubeadm token list failed after 0s: failed to list bootstrap tokens: .*connection refused\n.*\n.*kubeadm reset -f/);
  assert.deepEqual(cluster.calls, []);
  // The probe waits for the API with the timeout given.
  assert.match(ctx.runs[0]!.command, /end=\$\(\( \$\(date \+%s\) \+ 0 \)\)/);
});

test('init: false reads the join values of an initialised control plane, never runs init', async () => {
  const cluster = fakeCluster();
  const ctx = fakeMaster(cluster, { initialised: true });
  const r = await runModule(kubeadmInit, { init: false }, ctx);
  assert.equal(r.status, 'ok');
  assert.deepEqual(cluster.calls.map((c) => c.split(' ')[0]), ['token']);
  assert.equal(r.result.token, cluster.tokens.at(-1)!.token);

  const fresh = fakeCluster();
  const f = await runModule(kubeadmInit, { init: false }, fakeMaster(fresh));
  assert.equal(f.status, 'failed');
  assert.match(f.msg!, /not initialised on this host \(init: false/);
  assert.deepEqual(fresh.calls, []);
  // In check mode the control plane may be initialised by an earlier (predicted) task: no failure.
  const check = await runModule(kubeadmInit, { init: false }, fakeMaster(fakeCluster(), { checkMode: true }));
  assert.equal(check.status, 'ok');
  assert.deepEqual(check.result.known_after_apply, ['join_command', 'token', 'discovery_token_ca_cert_hash', 'api_server_endpoint']);
  assert.match(check.plan!.warnings!.join('\n'), /not initialised yet/);
});

test('kubeconfig_user: a user\'s own copy (dir created, owner/group, 0600); repaired when its mode or content drift', async () => {
  const cluster = fakeCluster();
  const ctx = fakeMaster(cluster, { users: { centos: { uid: 1000, gid: 1000, home: '/home/centos', group: 'centos' } } });
  const r = await runModule(kubeadmInit, { ...WALKTHROUGH, kubeconfig_user: 'centos' }, ctx);
  assert.equal(r.status, 'changed', r.msg);
  assert.deepEqual(nonProbe(ctx.runs).slice(1), ['mkdir -p -m 0755 -- /home/centos/.kube', 'chown centos:centos -- /home/centos/.kube']);
  assert.deepEqual([ctx.files.get('/home/centos/.kube')!.owner, ctx.files.get('/home/centos/.kube')!.type], ['centos', 'directory']);
  const w = ctx.writes.find((x) => x.path === '/home/centos/.kube/config')!;
  assert.deepEqual(w.opts, { mode: '0600', owner: 'centos', group: 'centos' });
  assert.equal(w.content, ctx.text('/etc/kubernetes/admin.conf'));

  assert.equal((await runModule(kubeadmInit, { ...WALKTHROUGH, kubeconfig_user: 'centos' }, ctx)).status, 'ok');
  ctx.files.get('/home/centos/.kube/config')!.mode = '0644';
  const drift = await runModule(kubeadmInit, { ...WALKTHROUGH, kubeconfig_user: 'centos' }, { ...ctx, diffMode: true } as typeof ctx);
  assert.equal(drift.status, 'changed');
  assert.deepEqual(JSON.parse(drift.diff![0]!.before), { group: 'centos', mode: '0644', owner: 'centos' });
  assert.equal(ctx.files.get('/home/centos/.kube/config')!.mode, '0600');
  ctx.files.get('/home/centos/.kube/config')!.content = 'stale';
  const stale = await runModule(kubeadmInit, { ...WALKTHROUGH, kubeconfig_user: 'centos', new_token: false }, { ...ctx, diffMode: true } as typeof ctx);
  assert.equal(stale.status, 'changed');
  assert.equal(stale.diff![0]!.skipReason, 'the kubeconfig holds the cluster admin credentials');
  assert.equal(ctx.text('/home/centos/.kube/config'), ctx.text('/etc/kubernetes/admin.conf'));

  const nobody = await runModule(kubeadmInit, { ...WALKTHROUGH, kubeconfig_user: 'nobody' }, fakeMaster(fakeCluster()));
  assert.equal(nobody.status, 'failed');
  assert.equal(nobody.msg, "kubeconfig_user: there is no user 'nobody' on this host");
});

test('a host that joined as a node, and a host without kubeadm: told before anything runs', async () => {
  const cluster = fakeCluster();
  const ctx = fakeMaster(cluster, { files: { '/etc/kubernetes/kubelet.conf': 'x' } });
  const r = await runModule(kubeadmInit, WALKTHROUGH, ctx);
  assert.equal(r.status, 'failed');
  assert.match(r.failure!.describe(), /already joined a cluster as a node .*\n.*kubeadm reset -f/);
  assert.deepEqual(cluster.calls, []);

  const none = await runModule(kubeadmInit, WALKTHROUGH, fakeMaster(fakeCluster(), { kubeadmInstalled: false }));
  assert.equal(none.msg, 'kubeadm is not installed on this host: install the kubeadm package first');
  const check = await runModule(kubeadmInit, WALKTHROUGH, fakeMaster(fakeCluster(), { kubeadmInstalled: false, checkMode: true }));
  assert.equal(check.status, 'changed');
  assert.match(check.plan!.warnings!.join(''), /not installed yet/);
});

test('arguments: config refuses the flag arguments (kubeadm would), version normalised, extra args and TTLs passed', async () => {
  const conflict = await runModule(kubeadmInit, { config: '/root/kubeadm.yaml', kubernetes_version: '1.13.3', pod_network_cidr: '10.244.0.0/16' }, fakeMaster(fakeCluster()));
  assert.equal(conflict.status, 'failed');
  assert.equal(conflict.msg, 'config cannot be combined with kubernetes_version, pod_network_cidr: kubeadm refuses to mix --config with these flags; set them in the configuration file');

  const cluster = fakeCluster();
  const r = await runModule(kubeadmInit, { config: '/root/kubeadm.yaml', token_ttl: 0, ignore_preflight_errors: ['NumCPU'], extra_args: "--skip-phases=addon/kube-proxy --node-name 'k8s master'" }, fakeMaster(cluster));
  assert.equal(r.status, 'changed', r.msg);
  assert.equal(cluster.calls[0], 'init --config=/root/kubeadm.yaml --ignore-preflight-errors=NumCPU --skip-phases=addon/kube-proxy --node-name k8s master');
  const c2 = fakeCluster();
  await runModule(kubeadmInit, { kubernetes_version: 'stable-1.13', apiserver_bind_port: '8443', token_ttl: 3600, extra_args: ['--upload-certs'] }, fakeMaster(c2));
  assert.equal(c2.calls[0], 'init --apiserver-bind-port=8443 --kubernetes-version=stable-1.13 --token-ttl=3600s --upload-certs');
  assert.throws(() => resolveArgs(kubeadmInit, { kubernetes_versoin: '1.13.3' }), (e: unknown) => e instanceof ModuleArgsError && /kubernetes_version/.test(e.message));
  assert.throws(() => resolveArgs(kubeadmInit, { apiserver_bind_port: 70000 }), ModuleArgsError);
});

test('diff mode: the init command that would run; the kubeconfig copy is never shown (credentials)', async () => {
  const ctx = fakeMaster(fakeCluster(), { checkMode: true, diffMode: true });
  const r = await runModule(kubeadmInit, { ...WALKTHROUGH, kubeconfig_user: 'root' }, ctx);
  assert.deepEqual(JSON.parse(r.diff![0]!.after), {
    command: 'kubeadm init --apiserver-advertise-address=192.168.2.100 --image-repository=registry.aliyuncs.com/google_containers --kubernetes-version=v1.13.3 --service-cidr=10.1.0.0/16 --pod-network-cidr=10.244.0.0/16',
    initialized: true,
  });
  assert.equal(r.diff![1]!.path, '/root/.kube/config');
  assert.equal(r.diff![1]!.after, '');
});

test('the probe is one command asking only what the task needs', () => {
  const ctx = fakeMaster(fakeCluster({ tokens: [{ token: '3l0t2w.zq8b6n4m2k1j9h7g', ttl: '23h' }] }), { initialised: true });
  return runModule(kubeadmInit, { new_token: false }, ctx).then((r) => {
    assert.equal(r.status, 'ok');
    assert.equal(ctx.runs.length, 1);
    assert.deepEqual(sectionNames(ctx.runs[0]!.command), ['files', 'kubeadm', 'api', 'server', 'ca']);
  });
});
