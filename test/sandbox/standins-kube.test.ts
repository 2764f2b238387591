/**
 * The kubeadm, kubelet, kubectl and control-plane stand-ins (the walkthrough's RPMs from the
 * sandbox repository) on three sandbox hosts prepared by playbooks/prepare.yml through the CLI
 * (a copy of inventory/lab.ini in a temporary directory, so the sandbox is this file's own).
 * The walkthrough by hand: preflight failures, init, the CA pin, tokens, a wrong token, joins,
 * flannel and its image, nodes Ready, an nginx NodePort answering. Read back with OpenSSH.
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash, X509Certificate } from 'node:crypto';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sandboxSkipReason } from '../helpers/sandbox-host.js';
import { defaultSandboxName, readState, sandboxDown } from '../../src/sandbox/index.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const skip = sandboxSkipReason();
const KUBECONFIG = 'KUBECONFIG=/etc/kubernetes/admin.conf';
const FLANNEL_QUAY = 'quay.io/coreos/flannel:v0.11.0-amd64';
const FLANNEL_MIRROR = 'quay-mirror.qiniu.com/coreos/flannel:v0.11.0-amd64';

/** The flannel v0.11.0 manifest's shape (trimmed to two architectures), image from quay.io. */
const FLANNEL = `---
apiVersion: extensions/v1beta1
kind: PodSecurityPolicy
metadata:
  name: psp.flannel.unprivileged
spec:
  privileged: false
  volumes:
    - configMap
    - secret
  allowedHostPaths:
    - pathPrefix: "/etc/cni/net.d"
---
kind: ClusterRole
apiVersion: rbac.authorization.k8s.io/v1beta1
metadata:
  name: flannel
rules:
  - apiGroups: ['extensions']
    resources: ['podsecuritypolicies']
    verbs: ['use']
    resourceNames: ['psp.flannel.unprivileged']
---
kind: ClusterRoleBinding
apiVersion: rbac.authorization.k8s.io/v1beta1
metadata:
  name: flannel
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: ClusterRole
  name: flannel
subjects:
- kind: ServiceAccount
  name: flannel
  namespace: kube-system
---
apiVersion: v1
kind: ServiceAccount
metadata:
  name: flannel
  namespace: kube-system
---
kind: ConfigMap
apiVersion: v1
metadata:
  name: kube-flannel-cfg
  namespace: kube-system
  labels:
    tier: node
    app: flannel
data:
  net-conf.json: |
    {
      "Network": "10.244.0.0/16",
      "Backend": {
        "Type": "vxlan"
      }
    }
---
apiVersion: extensions/v1beta1
kind: DaemonSet
metadata:
  name: kube-flannel-ds-amd64
  namespace: kube-system
  labels:
    tier: node
    app: flannel
spec:
  template:
    metadata:
      labels:
        tier: node
        app: flannel
    spec:
      hostNetwork: true
      nodeSelector:
        beta.kubernetes.io/arch: amd64
      tolerations:
      - operator: Exists
        effect: NoSchedule
      serviceAccountName: flannel
      initContainers:
      - name: install-cni
        image: ${FLANNEL_QUAY}
        command: ["cp"]
      containers:
      - name: kube-flannel
        image: ${FLANNEL_QUAY}
        command: ["/opt/bin/flanneld"]
      volumes:
        - name: cni
          hostPath:
            path: /etc/cni/net.d
---
apiVersion: extensions/v1beta1
kind: DaemonSet
metadata:
  name: kube-flannel-ds-arm64
  namespace: kube-system
spec:
  template:
    metadata:
      labels:
        app: flannel
    spec:
      nodeSelector:
        beta.kubernetes.io/arch: arm64
      containers:
      - name: kube-flannel
        image: quay.io/coreos/flannel:v0.11.0-arm64
`;

const STANDINS = join(ROOT, 'src/sandbox/standins');

/** Runs a python3 snippet with the stand-ins' modules importable; returns its JSON output. */
function py(code: string, input = ''): unknown {
  const path = ['kube-common', 'control-plane', 'kubectl'].map((d) => join(STANDINS, d)).join(':');
  const r = spawnSync('python3', ['-c', code], { encoding: 'utf8', input, env: { ...process.env, PYTHONPATH: path, PYTHONDONTWRITEBYTECODE: '1' } });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout);
}

describe('stand-in internals (python3 on the controller, no sandbox)', { skip: spawnSync('python3', ['-V']).status === 0 ? false : 'no python3' }, () => {
  test('the YAML reader reads the flannel manifest; the writer round-trips it', () => {
    const out = py(`import sys, json, k8s_yaml
docs = k8s_yaml.load_all(sys.stdin.read())
print(json.dumps({'docs': docs, 'same': all(k8s_yaml.load(k8s_yaml.dump(d)) == d for d in docs)}))`, FLANNEL) as { docs: Array<Record<string, any>>; same: boolean };
    assert.deepEqual(out.docs.map((d) => `${d.kind}/${d.metadata.name}`), ['PodSecurityPolicy/psp.flannel.unprivileged', 'ClusterRole/flannel',
      'ClusterRoleBinding/flannel', 'ServiceAccount/flannel', 'ConfigMap/kube-flannel-cfg', 'DaemonSet/kube-flannel-ds-amd64', 'DaemonSet/kube-flannel-ds-arm64']);
    assert.equal(out.docs[4]!.data['net-conf.json'], '{\n  "Network": "10.244.0.0/16",\n  "Backend": {\n    "Type": "vxlan"\n  }\n}\n');
    assert.deepEqual(out.docs[1]!.rules[0].verbs, ['use']);
    assert.deepEqual(out.docs[5]!.spec.template.spec.containers[0].command, ['/opt/bin/flanneld']);
    assert.equal(out.same, true);
  });

  test('certificates are real X.509 and the pin is the SHA-256 of the public key info', () => {
    const out = py(`import json, pki
k = pki.RSAKey(1024); ca = pki.certificate(k, 'kubernetes', days=3650, ca=True, serial=0)
c = pki.RSAKey(1024); cert = pki.certificate(c, 'kubernetes-admin', issuer_key=k, issuer_cn='kubernetes', org='system:masters', client=True)
print(json.dumps({'ca': ca, 'client': cert, 'pin': pki.ca_cert_hash(ca)}))`) as { ca: string; client: string; pin: string };
    const ca = new X509Certificate(out.ca);
    assert.ok(ca.ca);
    assert.equal(ca.subject, 'CN=kubernetes');
    const spki = ca.publicKey.export({ type: 'spki', format: 'der' });
    assert.equal(out.pin, `sha256:${createHash('sha256').update(spki).digest('hex')}`);
    const client = new X509Certificate(out.client);
    assert.equal(client.subject, 'O=system:masters\nCN=kubernetes-admin');
    assert.ok(client.verify(ca.publicKey), 'the client certificate is signed by the CA');
  });

  test('apply says created, unchanged, configured; nodes turn Ready with the flannel image', () => {
    const out = py(`import sys, json, k8s_yaml, objects, controllers, views
s = objects.new_state(); now = 1000.0
objects.bootstrap(s, {'advertiseAddress': '10.0.0.1', 'bindPort': 6443, 'serviceSubnet': '10.96.0.0/12', 'podSubnet': '10.244.0.0/16',
                      'imageRepository': 'registry.aliyuncs.com/google_containers', 'kubernetesVersion': 'v1.13.3', 'nodeName': 'm'}, now)
docs = k8s_yaml.load_all(sys.stdin.read())
first = [objects.apply(s, d, now)[0] for d in docs]
second = [objects.apply(s, d, now)[0] for d in docs]
docs[5]['metadata']['labels']['x'] = 'y'
third = objects.apply(s, docs[5], now)[0]
views.heartbeat(s, {'name': 'm', 'address': '10.0.0.1', 'images': []}, now)
controllers.mark_master(s, 'm')
before = controllers.node_ready(s, 'm', now)
views.heartbeat(s, {'name': 'm', 'address': '10.0.0.1', 'images': ['quay.io/coreos/flannel:v0.11.0-amd64']}, now + 1)
after = controllers.node_ready(s, 'm', now + 1)
stale = controllers.node_ready(s, 'm', now + 60)
print(json.dumps({'first': first, 'second': second, 'third': third, 'before': before, 'after': after, 'stale': stale}))`, FLANNEL) as Record<string, unknown>;
    assert.deepEqual(out.first, Array(7).fill('created'));
    assert.deepEqual(out.second, Array(7).fill('unchanged'));
    assert.equal(out.third, 'configured');
    assert.deepEqual([out.before, out.after, out.stale], [false, true, false]);
  });

  test('durations, tables and JSONPath print as kubectl prints them', () => {
    const out = py(`import json, kubetime, tabwriter, jsonpath
print(json.dumps({
  'ages': [kubetime.human_duration(s) for s in (5, 119, 150, 600, 3 * 3600 + 300, 9 * 3600, 3 * 86400 + 7200)],
  'ttl': [kubetime.short_human_duration(s) for s in (86399, 7199, 59)],
  'table': tabwriter.render([['NAME', 'STATUS', 'AGE'], ['k8s-master', 'Ready', '5m']]),
  'jp': jsonpath.render('{range .items[*]}{.metadata.name}={.status.conditions[?(@.type=="Ready")].status};{end}',
                        {'items': [{'metadata': {'name': 'a'}, 'status': {'conditions': [{'type': 'Ready', 'status': 'True'}]}}]}),
}))`) as Record<string, unknown>;
    assert.deepEqual(out.ages, ['5s', '119s', '2m30s', '10m', '3h5m', '9h', '3d2h']);
    assert.deepEqual(out.ttl, ['23h', '1h', '59s']);
    assert.equal(out.table, 'NAME         STATUS   AGE\nk8s-master   Ready    5m\n');
    assert.equal(out.jp, 'a=True;');
  });
});

describe('kubeadm, kubelet, kubectl and control-plane stand-ins on three prepared hosts', { skip: skip ?? false }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'k8sp-standins-kube-'));
  const inventory = join(dir, 'lab.ini');
  const name = defaultSandboxName(inventory);
  const addr: Record<string, string> = {};
  let joinCommand = '';

  /** Runs a command on a host with OpenSSH (host key verified). */
  function sh(host: string, command: string, input?: string): { rc: number; out: string; err: string } {
    const st = readState(name)!;
    const r = spawnSync('ssh', ['-F', '/dev/null', '-i', st.privateKey, '-o', `UserKnownHostsFile=${st.knownHosts}`,
      '-o', 'StrictHostKeyChecking=yes', '-o', 'BatchMode=yes', `root@${addr[host]}`, command],
    { encoding: 'utf8', timeout: 180_000, ...(input !== undefined ? { input } : {}) });
    return { rc: r.status ?? 255, out: r.stdout ?? '', err: r.stderr ?? '' };
  }
  function ok(host: string, command: string, input?: string): string {
    const r = sh(host, command, input);
    assert.equal(r.rc, 0, `'${command}' on ${host}: rc=${r.rc}\n${r.out}\n${r.err}`);
    return r.out;
  }
  const kubectl = (args: string): { rc: number; out: string; err: string } => sh('k8s-master', `${KUBECONFIG} kubectl ${args}`);
  const initCmd = (): string => `kubeadm init --apiserver-advertise-address=${addr['k8s-master']} --image-repository registry.aliyuncs.com/google_containers `
    + '--kubernetes-version v1.13.3 --service-cidr=10.1.0.0/16 --pod-network-cidr=10.244.0.0/16';

  before(() => {
    cpSync(join(ROOT, 'inventory/lab.ini'), inventory);
    cpSync(join(ROOT, 'inventory/group_vars'), join(dir, 'group_vars'), { recursive: true });
    const r = spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'src/cli/bin.ts'), 'playbooks/prepare.yml', '-i', inventory, '--sandbox', '--keep'],
      { cwd: ROOT, encoding: 'utf8', timeout: 900_000, env: { ...process.env, NO_COLOR: '1' } });
    assert.equal(r.status, 0, r.stdout + r.stderr);
    for (const h of readState(name)!.hosts) addr[h.name] = h.address;
  });

  after(async () => {
    await sandboxDown(name, { progress: () => {} }).catch(() => {});
    rmSync(dir, { recursive: true, force: true });
  });

  test('the kubelet fails like 1.13 until kubeadm wrote its configuration', () => {
    ok('k8s-node2', 'systemctl start kubelet; sleep 1');
    const journal = ok('k8s-node2', 'journalctl -u kubelet --no-pager; systemctl show -p ExecMainStatus kubelet; systemctl stop kubelet');
    assert.match(journal, /failed to load Kubelet config file \/var\/lib\/kubelet\/config\.yaml, error failed to read kubelet config file "\/var\/lib\/kubelet\/config\.yaml", error: open \/var\/lib\/kubelet\/config\.yaml: no such file or directory/);
    assert.match(journal, /ExecMainStatus=255/);
    assert.match(ok('k8s-node2', 'kubelet --version; kubeadm version -o short; kubeadm --help | head -1'), /^Kubernetes v1\.13\.3\nv1\.13\.3\nk8splay sandbox stand-in/);
  });

  test('init preflight fails with swap on (an active fstab swap line), naming the check', () => {
    ok('k8s-master', "sed -i 's|^#\\s*\\(/dev/mapper/centos-swap.*\\)|\\1|' /etc/fstab");
    const r = sh('k8s-master', initCmd());
    ok('k8s-master', "sed -i 's|^\\(/dev/mapper/centos-swap.*\\)|#\\1|' /etc/fstab");
    assert.equal(r.rc, 1, r.out + r.err);
    assert.match(r.out, /^\[init\] Using Kubernetes version: v1\.13\.3\n\[preflight\] Running pre-flight checks\n$/);
    assert.equal(r.err, 'error execution phase preflight: [preflight] Some fatal errors occurred:\n'
      + '\t[ERROR Swap]: running with swap on is not supported. Please disable swap\n'
      + '[preflight] If you know what you are doing, you can make a check non-fatal with `--ignore-preflight-errors=...`\n');
    assert.equal(sh('k8s-master', 'test -e /etc/kubernetes/admin.conf').rc, 1, 'a failed preflight writes nothing');
  });

  test('init preflight fails with bridge-nf-call-iptables 0 and docker stopped; ignored checks become warnings', () => {
    ok('k8s-master', 'echo 0 > /proc/sys/net/bridge/bridge-nf-call-iptables; systemctl stop docker');
    const r = sh('k8s-master', initCmd());
    const ignored = sh('k8s-master', `${initCmd()} --ignore-preflight-errors=CRI,Service-Docker,FileContent--proc-sys-net-bridge-bridge-nf-call-iptables --kubernetes-version=v1.12.5`);
    ok('k8s-master', 'echo 1 > /proc/sys/net/bridge/bridge-nf-call-iptables; systemctl start docker');
    assert.equal(r.rc, 1);
    assert.match(r.err, /\t\[ERROR CRI\]: container runtime is not running: output: Cannot connect to the Docker daemon/);
    assert.match(r.err, /\t\[ERROR Service-Docker\]: docker service is not active, please run 'systemctl start docker\.service'\n/);
    assert.match(r.err, /\t\[ERROR FileContent--proc-sys-net-bridge-bridge-nf-call-iptables\]: \/proc\/sys\/net\/bridge\/bridge-nf-call-iptables contents are not set to 1\n/);
    assert.doesNotMatch(r.err, /Swap/);
    // Ignored errors are printed as warnings; the version skew (kubelet 1.13 > 1.12) still fails.
    assert.equal(ignored.rc, 1);
    assert.match(ignored.err, /\t\[WARNING FileContent--proc-sys-net-bridge-bridge-nf-call-iptables\]: /);
    assert.match(ignored.err, /\t\[ERROR KubeletVersion\]: the kubelet version is higher than the control plane version\. This is not a supported version skew and may lead to a malfunctional cluster\. Kubelet version: "1\.13\.3" Control plane version: "1\.12\.5"\n/);
  });

  test('init without --image-repository cannot pull from k8s.gcr.io (out of reach, as behind the walkthrough\'s firewall)', () => {
    const r = sh('k8s-master', `kubeadm init --apiserver-advertise-address=${addr['k8s-master']}`);
    assert.equal(r.rc, 1);
    assert.match(r.out, /\[preflight\] Pulling images required for setting up a Kubernetes cluster\n/);
    assert.match(r.err, /^error execution phase preflight: \[preflight\] Some fatal errors occurred:\n\t\[ERROR ImagePull\]: failed to pull image k8s\.gcr\.io\/kube-apiserver:v1\.13\.3: output: Error response from daemon: Get https:\/\/k8s\.gcr\.io\/v2\/: [^\n]*\n, error: exit status 1\n/m);
    assert.equal((r.err.match(/\[ERROR ImagePull\]/g) ?? []).length, 7);
  });

  test('init succeeds after the preparation: real CA, kubeconfigs, manifests, control plane, the join line', () => {
    const r = sh('k8s-master', initCmd());
    assert.equal(r.rc, 0, r.out + r.err);
    assert.match(r.out, /\n\[bootstrap-token\] Using token: [a-z0-9]{6}\.[a-z0-9]{16}\n/);
    assert.match(r.out, /\nYour Kubernetes master has initialized successfully!\n/);
    const join = /^ {2}(kubeadm join \S+ --token (\S+) --discovery-token-ca-cert-hash (sha256:[0-9a-f]{64}))$/m.exec(r.out);
    assert.ok(join, r.out);
    assert.ok(join[1]!.startsWith(`kubeadm join ${addr['k8s-master']}:6443 `));
    // The pin is the SHA-256 of ca.crt's SubjectPublicKeyInfo, as the documented openssl formula says.
    const ca = ok('k8s-master', 'cat /etc/kubernetes/pki/ca.crt');
    const spki = new X509Certificate(ca).publicKey.export({ type: 'spki', format: 'der' });
    assert.equal(join[3], `sha256:${createHash('sha256').update(spki).digest('hex')}`);
    if (sh('k8s-master', 'command -v openssl').rc === 0) {
      const formula = ok('k8s-master', "openssl x509 -pubkey -in /etc/kubernetes/pki/ca.crt | openssl rsa -pubin -outform der 2>/dev/null | openssl dgst -sha256 -hex | sed 's/^.* //'");
      assert.equal(`sha256:${formula.trim()}`, join[3]);
    }
    assert.ok(new X509Certificate(ca).ca, 'ca.crt is a CA certificate');
    const admin = ok('k8s-master', 'cat /etc/kubernetes/admin.conf');
    assert.match(admin, new RegExp(`server: https://${addr['k8s-master']!.replace(/\./g, '\\.')}:6443\n`));
    assert.ok(admin.includes(`certificate-authority-data: ${Buffer.from(ca).toString('base64')}\n`));
    assert.match(ok('k8s-master', 'ls /etc/kubernetes /etc/kubernetes/manifests; systemctl is-active kubelet k8splay-standin-apiserver'),
      /admin\.conf\ncontroller-manager\.conf\nkubelet\.conf\nmanifests\npki\nscheduler\.conf\n[\s\S]*etcd\.yaml\nkube-apiserver\.yaml\nkube-controller-manager\.yaml\nkube-scheduler\.yaml\nactive\nactive\n$/);
    assert.match(ok('k8s-master', 'cat /var/lib/kubelet/config.yaml /var/lib/kubelet/kubeadm-flags.env'),
      /clusterDNS:\n- 10\.1\.0\.10\n[\s\S]*KUBELET_KUBEADM_ARGS=--cgroup-driver=cgroupfs --network-plugin=cni --pod-infra-container-image=registry\.aliyuncs\.com\/google_containers\/pause:3\.1\n$/);
    // A second init finds the control plane in place.
    const again = sh('k8s-master', initCmd());
    assert.equal(again.rc, 1);
    assert.match(again.err, /\t\[ERROR Port-6443\]: Port 6443 is in use\n[\s\S]*\t\[ERROR FileAvailable--etc-kubernetes-manifests-kube-apiserver\.yaml\]: \/etc\/kubernetes\/manifests\/kube-apiserver\.yaml already exists\n[\s\S]*\t\[ERROR DirAvailable--var-lib-etcd\]: \/var\/lib\/etcd is not empty\n/);
  });

  test('kubectl sees the master NotReady, the control-plane pods Running and coredns Pending', () => {
    const nodes = kubectl('get nodes');
    assert.equal(nodes.rc, 0, nodes.err);
    assert.match(nodes.out, /^NAME {9}STATUS {5}ROLES {4}AGE +VERSION\nk8s-master {3}NotReady {3}master {3}\S+ +v1\.13\.3\n$/);
    const pods = kubectl('get pods -n kube-system').out;
    assert.match(pods, /^coredns-[a-z0-9]{10}-[a-z0-9]{5} +0\/1 +Pending /m);
    assert.match(pods, /^kube-apiserver-k8s-master +1\/1 +Running /m);
    assert.match(kubectl('version').out, /^Client Version: version\.Info\{Major:"1", Minor:"13", GitVersion:"v1\.13\.3"[^\n]*\nServer Version: version\.Info\{Major:"1", Minor:"13", GitVersion:"v1\.13\.3"/);
  });

  test('token create prints a usable join command; token list shows the tokens', () => {
    const r = sh('k8s-master', 'kubeadm token create --print-join-command --ttl 2h');
    assert.equal(r.rc, 0, r.err);
    const m = /^kubeadm join (\S+):6443 --token ([a-z0-9]{6}\.[a-z0-9]{16}) --discovery-token-ca-cert-hash (sha256:[0-9a-f]{64})\n$/.exec(r.out);
    assert.ok(m, r.out);
    joinCommand = r.out.trim();
    const list = ok('k8s-master', 'kubeadm token list');
    assert.match(list, /^TOKEN +TTL +EXPIRES +USAGES +DESCRIPTION +EXTRA GROUPS\n/);
    assert.match(list, new RegExp(`^${m[2]!.replace('.', '\\.')} +1h +\\S+ +authentication,signing +<none> +system:bootstrappers:kubeadm:default-node-token$`, 'm'));
    assert.match(list, /^[a-z0-9.]{23} +23h +\S+ +authentication,signing +The default bootstrap token generated by 'kubeadm init'\. +/m);
  });

  test('join with a wrong token fails with 1.13\'s discovery messages', () => {
    const bad = joinCommand.replace(/--token \S+/, '--token abcdef.0123456789abcdef');
    const t0 = Date.now();
    const r = sh('k8s-node1', bad);
    assert.equal(r.rc, 1, r.out + r.err);
    assert.ok(Date.now() - t0 < 60_000);
    assert.match(r.out, new RegExp(`\\[discovery\\] Failed to connect to API Server "${addr['k8s-master']!.replace(/\./g, '\\.')}:6443": token id "abcdef" is invalid for this cluster or it has expired\\. Use "kubeadm token create" on the master node to creating a new valid token\n`));
    assert.match(r.out, /\[discovery\] abort connecting to API servers after timeout of \d+s\n$/);
    assert.match(r.err, /^couldn't validate the identity of the API Server: abort connecting to API servers after timeout of \d+s\n$/);
    assert.equal(sh('k8s-node1', 'test -e /etc/kubernetes/kubelet.conf').rc, 1);
    // A CA hash that is not the cluster's: the pin check names the real one.
    const pin = /sha256:[0-9a-f]{64}/.exec(joinCommand)![0];
    const wrongPin = sh('k8s-node1', `K8SPLAY_STANDIN_DISCOVERY_TIMEOUT=1 ${joinCommand.replace(pin, `sha256:${'0'.repeat(64)}`)}`);
    assert.equal(wrongPin.rc, 1);
    assert.ok(wrongPin.out.includes(`: cluster CA found in cluster-info configmap is invalid: public key ${pin} not pinned\n`), wrongPin.out);
    assert.match(wrongPin.err, /after timeout of 1s\n$/);
  });

  test('join succeeds on both nodes; a second join finds kubelet.conf; nodes stay NotReady without a network', () => {
    for (const h of ['k8s-node1', 'k8s-node2']) {
      const r = sh(h, joinCommand);
      assert.equal(r.rc, 0, r.out + r.err);
      assert.match(r.out, /\nThis node has joined the cluster:\n\* Certificate signing request was sent to apiserver and a response was received\.\n/);
    }
    const again = sh('k8s-node1', joinCommand);
    assert.equal(again.rc, 2);
    assert.match(again.err, /\[preflight\] Some fatal errors occurred:\n[\s\S]*\t\[ERROR FileAvailable--etc-kubernetes-kubelet\.conf\]: \/etc\/kubernetes\/kubelet\.conf already exists\n/);
    const nodes = kubectl('get nodes').out;
    assert.equal(nodes.match(/NotReady/g)?.length, 3, nodes);
  });

  test('flannel applied: NotReady while its image cannot be pulled, Ready once retagged from a mirror', () => {
    const r = sh('k8s-master', `cat > /root/kube-flannel.yml && ${KUBECONFIG} kubectl apply -f /root/kube-flannel.yml`, FLANNEL);
    assert.equal(r.rc, 0, r.err);
    assert.equal(r.out, 'podsecuritypolicy.extensions/psp.flannel.unprivileged created\nclusterrole.rbac.authorization.k8s.io/flannel created\n'
      + 'clusterrolebinding.rbac.authorization.k8s.io/flannel created\nserviceaccount/flannel created\nconfigmap/kube-flannel-cfg created\n'
      + 'daemonset.extensions/kube-flannel-ds-amd64 created\ndaemonset.extensions/kube-flannel-ds-arm64 created\n');
    assert.match(kubectl('apply -f /root/kube-flannel.yml').out, /^(\S+ unchanged\n){7}$/);
    assert.equal(kubectl('diff -f /root/kube-flannel.yml').rc, 0);
    // quay.io is out of reach: the kubelets' pulls fail and the nodes stay NotReady.
    const waitPull = kubectl('wait --for=condition=Ready node --all --timeout=8s');
    assert.equal(waitPull.rc, 1);
    assert.match(waitPull.err, /^error: timed out waiting for the condition on nodes\/k8s-\S+\n$/);
    assert.match(kubectl('get pods -n kube-system').out, /^kube-flannel-ds-amd64-[a-z0-9]{5} +0\/1 +Init:(ErrImagePull|ImagePullBackOff) /m);
    for (const h of ['k8s-master', 'k8s-node1', 'k8s-node2']) ok(h, `docker pull ${FLANNEL_MIRROR} >/dev/null && docker tag ${FLANNEL_MIRROR} ${FLANNEL_QUAY}`);
    const ready = kubectl('wait --for=condition=Ready node --all --timeout=60s');
    assert.equal(ready.rc, 0, ready.err);
    assert.equal(ready.out, 'node/k8s-master condition met\nnode/k8s-node1 condition met\nnode/k8s-node2 condition met\n');
    assert.match(kubectl('get nodes').out, /^k8s-master +Ready +master +\S+ +v1\.13\.3\nk8s-node1 +Ready +<none> +\S+ +v1\.13\.3\nk8s-node2 +Ready +<none> /m);
    assert.equal(kubectl("get nodes -o jsonpath='{.items[*].status.conditions[?(@.type==\"Ready\")].status}'").out, 'True True True');
  });

  test('an nginx Deployment exposed as a NodePort answers on a node', () => {
    assert.equal(kubectl('create deployment nginx --image=nginx').out, 'deployment.apps/nginx created\n');
    const dup = kubectl('create deployment nginx --image=nginx');
    assert.equal(dup.rc, 1);
    assert.equal(dup.err, 'Error from server (AlreadyExists): deployments.apps "nginx" already exists\n');
    assert.equal(kubectl('expose deployment nginx --port=80 --type=NodePort').out, 'service/nginx exposed\n');
    const rollout = kubectl('rollout status deployment/nginx --timeout=60s');
    assert.equal(rollout.rc, 0, rollout.out + rollout.err);
    assert.match(rollout.out, /deployment "nginx" successfully rolled out\n$/);
    const svc = kubectl('get svc nginx').out;
    const m = /^nginx +NodePort +10\.1\.\d+\.\d+ +<none> +80:(3\d{4})\/TCP +\S+$/m.exec(svc);
    assert.ok(m, svc);
    const port = Number(m[1]);
    assert.ok(port >= 30000 && port <= 32767);
    const pod = kubectl('get pods -o wide').out;
    assert.match(pod, /^nginx-[a-z0-9]{10}-[a-z0-9]{5} +1\/1 +Running +0 +\S+ +10\.244\.\d+\.\d+ +k8s-node[12] /m);
    const url = `http://${addr['k8s-node1']}:${port}/`;
    const fetch = sh('k8s-node2', 'command -v curl >/dev/null').rc === 0
      ? `for i in 1 2 3 4 5 6 7 8 9 10; do curl -s ${url} && break; sleep 1; done`
      : `python3 -c "import time,urllib.request as u\nfor i in range(10):\n  try: print(u.urlopen('${url}').read().decode()); break\n  except OSError: time.sleep(1)"`;
    assert.match(ok('k8s-node2', fetch), /<title>Welcome to nginx!<\/title>/);
  });

  test('the control plane keeps the cluster across a restart; kubectl says when it is down', () => {
    ok('k8s-master', 'systemctl stop k8splay-standin-apiserver');
    const down = kubectl('get nodes');
    assert.equal(down.rc, 1);
    assert.equal(down.err, `The connection to the server ${addr['k8s-master']}:6443 was refused - did you specify the right host or port?\n`);
    const join = sh('k8s-node1', `K8SPLAY_STANDIN_DISCOVERY_TIMEOUT=1 ${joinCommand} --ignore-preflight-errors=all`);
    assert.equal(join.rc, 1);
    assert.ok(join.out.includes(`[discovery] Failed to request cluster info, will try again: [Get https://${addr['k8s-master']}:6443/api/v1/namespaces/kube-public/configmaps/cluster-info: dial tcp ${addr['k8s-master']}:6443: connect: connection refused]\n`), join.out);
    ok('k8s-master', 'systemctl start k8splay-standin-apiserver; for i in $(seq 50); do kubectl --kubeconfig /etc/kubernetes/admin.conf version >/dev/null 2>&1 && break; sleep 0.2; done');
    assert.match(kubectl('get deployment nginx').out, /^NAME +DESIRED +CURRENT +UP-TO-DATE +AVAILABLE +AGE\nnginx +1 +1 +1 +1 +/);
    assert.equal(kubectl('get nodes --no-headers').out.split('\n').filter(Boolean).length, 3);
  });
});
