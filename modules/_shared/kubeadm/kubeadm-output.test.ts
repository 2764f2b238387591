import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { caCertHashes } from './ca-hash.js';
import { describeFailure, readKubeadmOutput } from './failure.js';
import { caHashProblem, findJoinCommands, formatJoinCommand, maskToken, parseJoinCommand, tokenProblem, workerJoinCommand } from './join-command.js';
import { kubeconfigEndpoint, kubeconfigServer } from './kubeconfig.js';
import { bestJoinToken, parseTokenList, ttlSeconds, usableForJoin } from './token-list.js';

const initFx = (n: string) => readFileSync(new URL(`../../kubeadm_init/fixtures/${n}`, import.meta.url), 'utf8');
const joinFx = (n: string) => readFileSync(new URL(`../../kubeadm_join/fixtures/${n}`, import.meta.url), 'utf8');
const CA = initFx('ca.crt');
const HASH = caCertHashes(CA)[0]!;

/** The documented openssl formula, run for real when openssl is installed. */
function opensslHash(pemFile: string, rsa: boolean): string | undefined {
  const path = new URL(`../../kubeadm_init/fixtures/${pemFile}`, import.meta.url).pathname;
  const pub = rsa ? 'openssl rsa -pubin -outform der 2>/dev/null' : 'openssl pkey -pubin -outform der';
  const r = spawnSync('sh', ['-c', `openssl x509 -pubkey -noout -in '${path}' | ${pub} | openssl dgst -sha256 -hex`], { encoding: 'utf8' });
  if (r.status !== 0) return undefined;
  return `sha256:${r.stdout.trim().split(/\s+/).pop()}`;
}

test('CA hash: the same value as the documented openssl formula, for RSA and ECDSA CAs', (t) => {
  const rsa = opensslHash('ca.crt', true);
  if (!rsa) return t.skip('openssl is not installed');
  assert.equal(HASH, rsa);
  assert.match(HASH, /^sha256:[0-9a-f]{64}$/);
  const ec = caCertHashes(initFx('ca-ecdsa.crt'));
  assert.deepEqual(ec, [opensslHash('ca-ecdsa.crt', false)]);
  assert.notEqual(ec[0], HASH);
  // A bundle: one pin per CA, in order, as kubeadm prints one flag each.
  assert.deepEqual(caCertHashes(`${CA}\n${initFx('ca-ecdsa.crt')}`), [HASH, ec[0]]);
  assert.throws(() => caCertHashes('not a cert'), /no PEM certificate/);
});

test('init output 1.13.3: the one-line join command; its hash is the CA fixture\'s', () => {
  const all = findJoinCommands(initFx('init-1.13.3.stdout'));
  assert.equal(all.length, 1);
  const v = workerJoinCommand(initFx('init-1.13.3.stdout'))!;
  assert.equal(v.apiServerEndpoint, '192.168.2.100:6443');
  assert.equal(v.token, '7x9b3k.q2w8e4r6t1y5u3i0');
  assert.deepEqual(v.caCertHashes, [HASH]);
  assert.equal(v.controlPlane, false);
  assert.equal(formatJoinCommand(v), all[0]);
});

test('init output 1.29.2: backslash-continued join command; with --upload-certs the worker one is picked', () => {
  const v = workerJoinCommand(initFx('init-1.29.2.stdout'))!;
  assert.deepEqual([v.apiServerEndpoint, v.token, v.caCertHashes], ['192.168.2.100:6443', '9vr73a.a8uxyaju799qwdjv', [HASH]]);
  const text = initFx('init-1.29.2-upload-certs.stdout');
  const cmds = findJoinCommands(text);
  assert.equal(cmds.length, 2);
  const cp = parseJoinCommand(cmds[0]!);
  assert.equal(cp.controlPlane, true);
  assert.equal(cp.certificateKey, '824d9a0e173a810416b4bca7038fb33b616108c17abcbc5eaef8651f11e3d146');
  const w = workerJoinCommand(text)!;
  assert.equal(w.controlPlane, false);
  assert.equal(w.apiServerEndpoint, 'k8s-api.lab:6443');
  assert.equal(w.certificateKey, undefined);
});

test('token create --print-join-command: 1.13.3 and current outputs (spaces left by the removed continuation)', () => {
  for (const f of ['token-create-1.13.3.stdout', 'token-create-1.29.2.stdout']) {
    const v = workerJoinCommand(initFx(f))!;
    assert.ok(v, f);
    assert.equal(v.apiServerEndpoint, '192.168.2.100:6443');
    assert.equal(tokenProblem(v.token), undefined);
    assert.deepEqual(v.caCertHashes, [HASH]);
    assert.deepEqual(v.otherArgs, []);
  }
  // The klog warning current versions print on stderr is not a join command.
  assert.equal(workerJoinCommand(initFx('token-create-1.29.2.stderr')), undefined);
});

test('join command forms: old token-first, --flag=value, sudo/path, extra flags kept, withheld token refused', () => {
  const old = parseJoinCommand('kubeadm join --token bdc910.dac015f93ad5a064 10.50.0.11:6443');
  assert.deepEqual([old.apiServerEndpoint, old.token, old.caCertHashes], ['10.50.0.11:6443', 'bdc910.dac015f93ad5a064', []]);
  const v = parseJoinCommand(`sudo /usr/bin/kubeadm join 1.2.3.4:6443 --token=abcdef.0123456789abcdef --discovery-token-ca-cert-hash=${HASH} --cri-socket /var/run/crio.sock --v=5 --discovery-token-unsafe-skip-ca-verification`);
  assert.equal(v.token, 'abcdef.0123456789abcdef');
  assert.deepEqual(v.caCertHashes, [HASH]);
  assert.deepEqual(v.otherArgs, ['--cri-socket', '/var/run/crio.sock', '--v=5']);
  assert.equal(v.unsafeSkipCaVerification, true);
  assert.equal(workerJoinCommand('kubeadm join 1.2.3.4:6443 --token <value withheld> \\\n    --discovery-token-ca-cert-hash sha256:aa'), undefined);
  assert.throws(() => parseJoinCommand('kubectl get nodes'), /not a kubeadm join command/);
  assert.throws(() => parseJoinCommand('kubeadm join a:1 b:2 --token x'), /several API server endpoints/);
  assert.throws(() => parseJoinCommand('kubeadm join a:1 --token'), /--token has no value/);
});

test('token and hash forms, in kubeadm\'s words; the secret half masked', () => {
  assert.equal(tokenProblem('abcdef.0123456789abcdef'), undefined);
  assert.match(tokenProblem('abcdef.0123')!, /was not of the form/);
  assert.match(tokenProblem('ABCDEF.0123456789abcdef')!, /ABCDEF\.<hidden>/);
  assert.equal(caHashProblem(HASH), undefined);
  assert.equal(caHashProblem(HASH.toUpperCase().replace('SHA256', 'sha256')), undefined);
  assert.match(caHashProblem(HASH.slice(7))!, /expected "format:hex-value"/);
  assert.match(caHashProblem('sha256:abc')!, /64 hex digits/);
  assert.equal(maskToken('abcdef.0123456789abcdef'), 'abcdef.<hidden>');
});

test('token list 1.13.3 (one aligned table): tokens, TTLs, descriptions with spaces, groups', () => {
  const t = parseTokenList(initFx('token-list-1.13.3.stdout'));
  assert.deepEqual(t.map((x) => [x.token, x.ttl]), [['7x9b3k.q2w8e4r6t1y5u3i0', '<invalid>'], ['3l0t2w.zq8b6n4m2k1j9h7g', '23h'], ['k4p2x9.0123456789abcdef', '<forever>']]);
  assert.equal(t[0]!.description, "The default bootstrap token generated by 'kubeadm init'.");
  assert.equal(t[1]!.description, '');
  assert.equal(t[2]!.description, 'for a dashboard login');
  assert.deepEqual(t[2]!.groups, []);
  assert.deepEqual(t[0]!.usages, ['authentication', 'signing']);
  // Expired, and signing-only without the node group: not for joining.
  assert.deepEqual(t.map((x) => usableForJoin(x)), [false, true, false]);
  assert.equal(bestJoinToken(t)?.token, '3l0t2w.zq8b6n4m2k1j9h7g');
});

test('token list 1.29.2 (one flush per row): columns drift, still read right; the longest-lived usable token wins', () => {
  const t = parseTokenList(initFx('token-list-1.29.2.stdout'));
  assert.equal(t.length, 3);
  assert.equal(t[2]!.description, 'joining  workers');
  assert.equal(t[1]!.ttl, '45m');
  assert.equal(bestJoinToken(t)?.token, 'uyw7tp.dthdklcvpg0pv1db');
  // 45 minutes is too short to rely on; with a lower bar it qualifies.
  assert.equal(usableForJoin(t[1]!), false);
  assert.equal(usableForJoin(t[1]!, 60), true);
  assert.deepEqual(['<forever>', '23h', '5d', '59m', '0s', '<invalid>', 'junk'].map(ttlSeconds), [Infinity, 82800, 432000, 3540, 0, -1, -1]);
  assert.deepEqual(parseTokenList(initFx('token-list-down-1.13.3.stderr')), []);
});

test('preflight failures of 1.13.3, 1.29.2, 1.9.3 and 1.8: every error with its check name, warnings apart', () => {
  const o13 = readKubeadmOutput(initFx('preflight-1.13.3.stdout'), initFx('preflight-1.13.3.stderr'));
  assert.deepEqual(o13.preflightErrors.map((e) => e.check), ['FileContent--proc-sys-net-bridge-bridge-nf-call-iptables', 'Swap']);
  assert.equal(o13.preflightErrors[1]!.message, 'running with swap on is not supported. Please disable swap');
  assert.deepEqual(o13.preflightWarnings.map((e) => e.check), ['Firewalld', 'Service-Kubelet']);
  const o29 = readKubeadmOutput(initFx('preflight-1.29.2.stdout'), initFx('preflight-1.29.2.stderr'));
  assert.deepEqual(o29.preflightErrors.map((e) => e.check), ['FileContent--proc-sys-net-ipv4-ip_forward', 'Port-6443', 'FileAvailable--etc-kubernetes-manifests-kube-apiserver.yaml']);
  const o19 = readKubeadmOutput(initFx('preflight-1.9.3.stdout'), initFx('preflight-1.9.3.stderr'));
  assert.deepEqual([o19.preflightErrors.length, o19.preflightWarnings[0]!.check], [1, 'FileExisting-crictl']);
  const o18 = readKubeadmOutput('', initFx('preflight-1.8.stderr'));
  assert.deepEqual(o18.preflightErrors, [{ check: '', message: 'running with swap on is not supported. Please disable swap' }]);
});

test('a preflight failure reads as one line per error, with what fixes it and how to skip it', () => {
  const f = describeFailure('init', readKubeadmOutput(initFx('preflight-1.13.3.stdout'), initFx('preflight-1.13.3.stderr')), 1);
  assert.equal(f.message, 'kubeadm init failed 2 preflight checks:');
  assert.deepEqual(f.details, [
    '  [ERROR FileContent--proc-sys-net-bridge-bridge-nf-call-iptables]: /proc/sys/net/bridge/bridge-nf-call-iptables contents are not set to 1',
    '      (load br_netfilter (modprobe) and set the sysctl to 1)',
    '  [ERROR Swap]: running with swap on is not supported. Please disable swap',
    '      (turn swap off (swapoff -a) and remove it from /etc/fstab)',
    "To skip a check on purpose (kubeadm's --ignore-preflight-errors): ignore_preflight_errors: [FileContent--proc-sys-net-bridge-bridge-nf-call-iptables, Swap]",
  ]);
  const f29 = describeFailure('init', readKubeadmOutput('', initFx('preflight-1.29.2.stderr')), 1);
  assert.equal(f29.message, 'kubeadm init failed 3 preflight checks:');
  assert.ok(f29.details.some((d) => /kubeadm reset -f/.test(d)));
  const f18 = describeFailure('init', readKubeadmOutput('', initFx('preflight-1.8.stderr')), 2);
  assert.equal(f18.message, 'kubeadm init failed 1 preflight check:');
  assert.ok(!f18.details.some((d) => d.startsWith('To skip')), 'no check name: nothing to skip by name');
});

test('other init failures: the final error and the line explaining it', () => {
  const o = readKubeadmOutput(initFx('wait-control-plane-1.13.3.stdout'), initFx('wait-control-plane-1.13.3.stderr'));
  assert.equal(o.error, "error execution phase wait-control-plane: couldn't initialize a Kubernetes cluster");
  assert.deepEqual(o.causes, ['timed out waiting for the condition']);
  const f = describeFailure('init', o, 1);
  assert.equal(f.message, "kubeadm init failed: error execution phase wait-control-plane: couldn't initialize a Kubernetes cluster");
  assert.deepEqual(f.details, ['  timed out waiting for the condition']);
  assert.equal(readKubeadmOutput('', initFx('config-mix-1.13.3.stderr')).error, "can not mix '--config' with arguments [kubernetes-version pod-network-cidr]");
  assert.equal(describeFailure('init', readKubeadmOutput('', ''), 3).message, 'kubeadm init failed: exit status 3');
});

test('join failures: wrong token (1.13.3 retries, current says JWS), wrong CA hash, unreachable API: kubeadm\'s words and a hint', () => {
  const w13 = describeFailure('join', readKubeadmOutput(joinFx('join-wrong-token-1.13.3.stdout'), joinFx('join-wrong-token-1.13.3.stderr')), 1);
  assert.equal(w13.message, "kubeadm join failed: couldn't validate the identity of the API Server: abort connecting to API servers after timeout of 5m0s");
  assert.match(w13.details[0]!, /^ {2}\[discovery\] Failed to connect to API Server "192\.168\.2\.100:6443": token id "wr0ngt" is invalid/);
  assert.match(w13.details.join('\n'), /token is wrong or has expired/);
  const w29 = describeFailure('join', readKubeadmOutput(joinFx('join-wrong-token-1.29.2.stdout'), joinFx('join-wrong-token-1.29.2.stderr')), 1);
  assert.match(w29.message, /could not find a JWS signature in the cluster-info ConfigMap for token ID "wr0ngt"$/);
  assert.match(w29.details.join('\n'), /token is wrong or has expired/);
  const h = describeFailure('join', readKubeadmOutput('', joinFx('join-wrong-hash-1.29.2.stderr')), 1);
  assert.match(h.message, /none of the public keys "sha256:[0-9a-f]{64}" are pinned$/);
  assert.match(h.details.join('\n'), /does not match the cluster's CA/);
  const u = describeFailure('join', readKubeadmOutput('', joinFx('join-unreachable-1.29.2.stderr')), 1);
  assert.match(u.details.join('\n'), /cannot be reached from this node/);
  const timeoutOnly = describeFailure('join', readKubeadmOutput('', "error execution phase preflight: couldn't validate the identity of the API Server: abort connecting to API servers after timeout of 5m0s\n"), 1);
  assert.match(timeoutOnly.details.join('\n'), /retried discovery until its timeout/);
  const p = describeFailure('join', readKubeadmOutput(joinFx('join-preflight-1.13.3.stdout'), joinFx('join-preflight-1.13.3.stderr')), 1);
  assert.equal(p.message, 'kubeadm join failed 2 preflight checks:');
});

test('kubeconfig server: admin.conf and kubelet.conf fixtures, quoted values', () => {
  assert.equal(kubeconfigServer(initFx('admin.conf')), 'https://192.168.2.100:6443');
  assert.equal(kubeconfigEndpoint(joinFx('kubelet.conf')), '192.168.2.100:6443');
  assert.equal(kubeconfigEndpoint('    server: "https://[fd00::1]:6443"\n'), '[fd00::1]:6443');
  assert.equal(kubeconfigServer('kind: Config\n'), undefined);
});

test('successful runs: no errors; the warnings kubeadm printed are kept (init and join, both versions)', () => {
  const init = readKubeadmOutput(initFx('init-1.13.3.stdout'), initFx('init-1.13.3.stderr'));
  assert.deepEqual(init.preflightErrors, []);
  assert.deepEqual(init.preflightWarnings.map((w) => w.check), ['Firewalld', 'IsDockerSystemdCheck']);
  assert.deepEqual(readKubeadmOutput(initFx('init-1.29.2.stdout'), '').preflightWarnings, []);
  const j13 = readKubeadmOutput(joinFx('join-1.13.3.stdout'), joinFx('join-1.13.3.stderr'));
  assert.deepEqual([j13.preflightErrors, j13.preflightWarnings.map((w) => w.check), j13.causes], [[], ['Firewalld'], []]);
  assert.deepEqual(readKubeadmOutput(joinFx('join-1.29.2.stdout'), '').causes, []);
});
