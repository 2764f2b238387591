/**
 * kubeadm_init and kubeadm_join on two sandbox hosts, prepared by playbooks/prepare.yml, with
 * the sandbox's kubeadm/kubectl stand-ins (faithful to kubeadm 1.13.3's arguments, output and
 * exit codes). Skipped until the kubeadm stand-in exists (src/sandbox/standins/kubeadm/kubeadm).
 * Host state is read with OpenSSH, independently of the modules.
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { sandboxSuite } from '../../helpers/sandbox-host.js';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const M = 'km1';
const N = 'kn1';
const sb = sandboxSuite('kubeadm', [M, N], { masters: [M], nodes: [N], k8s: [M, N] });
const standinMissing = existsSync(`${ROOT}/src/sandbox/standins/kubeadm/kubeadm`) ? false : 'the kubeadm stand-in is not built yet (src/sandbox/standins/kubeadm/kubeadm)';

const INIT = `
- hosts: masters
  gather_facts: false
  tasks:
    - name: kubeadm init
      kubeadm_init:
        apiserver_advertise_address: "{{ ansible_host }}"
        image_repository: registry.aliyuncs.com/google_containers
        kubernetes_version: "{{ kubernetes_version }}"
        service_cidr: 10.1.0.0/16
        pod_network_cidr: 10.244.0.0/16
        kubeconfig_user: root
      register: kubeadm
`;
const JOIN = (extra = '') => `
- hosts: nodes
  gather_facts: false
  tasks:
    - name: join command
      kubeadm_init:
        init: false
      delegate_to: "{{ groups['masters'][0] }}"
      run_once: true
      register: control_plane
    - name: kubeadm join
      kubeadm_join:
        join_command: "{{ control_plane.join_command }}"${extra}
`;

describe('kubeadm_init and kubeadm_join on sandbox hosts', { skip: sb.skip || standinMissing }, () => {
  let vars: Record<string, unknown> = {};
  before(async () => {
    await sb.up();
    vars = { ...(parse(readFileSync(`${ROOT}/inventory/group_vars/k8s.yml`, 'utf8')) as Record<string, unknown>) };
    const repo = sb.state().repo?.url;
    if (repo) vars.k8splay_sandbox_repo_url = repo;
    const prep = await sb.play(`- import_playbook: ${ROOT}/playbooks/prepare.yml\n`, { extraVars: vars });
    assert.equal(prep.result.exitCode, 0, 'preparation');
  });
  after(sb.down);

  test('--check: init and join predicted, nothing created on either host', async () => {
    const r = await sb.play(INIT + JOIN(), { check: true, extraVars: vars });
    assert.equal(r.result.exitCode, 0);
    assert.equal(r.resultsOf('kubeadm init')[0]!.status, 'changed');
    assert.equal(r.resultsOf('kubeadm join')[0]!.status, 'changed');
    assert.equal(sb.sh(M, 'test -e /etc/kubernetes/admin.conf').rc, 1);
    assert.equal(sb.sh(N, 'test -e /etc/kubernetes/kubelet.conf').rc, 1);
  });

  test('a preparation undone: kubeadm\'s own preflight error, readable and structured', async () => {
    sb.shOk(M, 'sysctl -w net.bridge.bridge-nf-call-iptables=0');
    try {
      const r = await sb.play(INIT, { extraVars: vars });
      const res = r.resultsOf('kubeadm init')[0]!;
      assert.equal(res.status, 'failed');
      assert.match(res.msg!, /\[ERROR FileContent--proc-sys-net-bridge-bridge-nf-call-iptables\]: \/proc\/sys\/net\/bridge\/bridge-nf-call-iptables contents are not set to 1/);
      assert.ok((res.data.preflight_errors as Array<{ check: string }>).some((e) => e.check === 'FileContent--proc-sys-net-bridge-bridge-nf-call-iptables'));
      assert.equal(sb.sh(M, 'test -e /etc/kubernetes/admin.conf').rc, 1);
    } finally {
      sb.shOk(M, 'sysctl -w net.bridge.bridge-nf-call-iptables=1');
    }
  });

  test('init, a wrong token refused by the control plane, then the join; a second run changes nothing', async () => {
    const init = await sb.play(INIT, { extraVars: vars });
    const res = init.resultsOf('kubeadm init')[0]!;
    assert.equal(res.status, 'changed', res.msg);
    assert.match(res.data.join_command as string, /^kubeadm join \S+:6443 --token [a-z0-9]{6}\.[a-z0-9]{16} --discovery-token-ca-cert-hash sha256:[0-9a-f]{64}$/);
    // The documented formula, on the master, gives the hash the module returned.
    const hash = sb.shOk(M, "openssl x509 -pubkey -in /etc/kubernetes/pki/ca.crt | openssl rsa -pubin -outform der 2>/dev/null | openssl dgst -sha256 -hex | sed 's/^.* //'").trim();
    assert.equal(res.data.discovery_token_ca_cert_hash, `sha256:${hash}`);
    assert.equal(sb.shOk(M, 'stat -c %U:%G:%a /root/.kube/config').trim(), 'root:root:600');

    const wrong = await sb.play(`
- hosts: nodes
  gather_facts: false
  tasks:
    - name: kubeadm join
      kubeadm_join:
        join_command: "${(res.data.join_command as string).replace(/--token [a-z0-9]{6}/, '--token wr0ngt')}"
`, { extraVars: vars });
    const w = wrong.resultsOf('kubeadm join')[0]!;
    assert.equal(w.status, 'failed');
    assert.match(w.msg!, /^kubeadm join failed: /);
    assert.match(w.msg!, /wr0ngt/);
    assert.equal(sb.sh(N, 'test -e /etc/kubernetes/kubelet.conf').rc, 1);

    const join = await sb.play(JOIN(), { extraVars: vars });
    assert.equal(join.resultsOf('kubeadm join')[0]!.status, 'changed', join.resultsOf('kubeadm join')[0]!.msg);
    assert.match(sb.shOk(M, 'kubectl --kubeconfig /etc/kubernetes/admin.conf get nodes'), new RegExp(`^${N}\\s`, 'm'));

    const again = await sb.play(INIT + JOIN(), { extraVars: vars });
    assert.equal(again.result.exitCode, 0);
    assert.equal(again.changed, 0);
    const limited = await sb.play(INIT + JOIN(), { extraVars: vars, limit: 'nodes' });
    assert.equal(limited.result.exitCode, 0);
    assert.equal(limited.resultsOf('join command')[0]!.status, 'ok');
  });
});
