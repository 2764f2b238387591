/**
 * The README's main job: playbooks/cluster.yml on the lab inventory's three hosts with --sandbox.
 * Check mode on fresh hosts changes nothing; the first run builds the cluster (nodes Ready, nginx
 * answering on a NodePort); the second run reports changed=0; a wrong token fails the join the way
 * kubeadm does; and without the swap task kubeadm's preflight refuses to init.
 * The Kubernetes tools are the sandbox's stand-ins (src/sandbox/standins/).
 */
import { describe, test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { parseDocument } from 'yaml';
import { sandboxSkipReason } from '../helpers/sandbox-host.js';
import { defaultSandboxName, readState, sandboxDown } from '../../src/sandbox/index.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const skip = sandboxSkipReason();
const TSX = import.meta.resolve('tsx');

/** A copy of playbooks/ and inventory/ in a temp dir: its own sandbox (named after the inventory path). */
function workspace(edit?: (dir: string) => void): { dir: string; name: string } {
  const dir = mkdtempSync(join(tmpdir(), 'k8sp-cluster-'));
  cpSync(join(ROOT, 'playbooks'), join(dir, 'playbooks'), { recursive: true });
  cpSync(join(ROOT, 'inventory'), join(dir, 'inventory'), { recursive: true });
  edit?.(dir);
  return { dir, name: defaultSandboxName(join(dir, 'inventory/lab.ini')) };
}

function k8splay(dir: string, args: string[]): { code: number; out: string; err: string } {
  const r = spawnSync(process.execPath, ['--import', TSX, join(ROOT, 'src/cli/bin.ts'), ...args], {
    cwd: dir, encoding: 'utf8', timeout: 600_000, env: { ...process.env, NO_COLOR: '1' },
  });
  return { code: r.status ?? -1, out: r.stdout, err: r.stderr };
}

function recap(out: string): Record<string, Record<string, number>> {
  const rows: Record<string, Record<string, number>> = {};
  for (const m of out.matchAll(/^(\S+)\s+: (ok=.*)$/gm)) {
    rows[m[1]!] = Object.fromEntries([...m[2]!.matchAll(/(\w+)=(\d+)/g)].map((x) => [x[1]!, Number(x[2])]));
  }
  return rows;
}

function onHost(name: string, host: string, command: string): { rc: number; out: string } {
  const st = readState(name)!;
  const h = st.hosts.find((x) => x.name === host)!;
  const r = spawnSync('ssh', ['-F', '/dev/null', '-i', st.privateKey, '-o', `UserKnownHostsFile=${st.knownHosts}`,
    '-o', 'StrictHostKeyChecking=yes', '-o', 'BatchMode=yes', `root@${h.address}`, command], { encoding: 'utf8' });
  return { rc: r.status ?? -1, out: r.stdout + r.stderr };
}

const RUN = ['playbooks/cluster.yml', '-i', 'inventory/lab.ini', '--sandbox', '--keep'];

describe('playbooks/cluster.yml rehearsed in the sandbox', { skip: skip ?? false }, () => {
  const spaces: Array<{ dir: string; name: string }> = [];
  after(async () => {
    for (const s of spaces) {
      await sandboxDown(s.name, { progress: () => {} }).catch(() => {});
      rmSync(s.dir, { recursive: true, force: true });
    }
  });
  const ws = workspace();
  spaces.push(ws);

  test('--check on fresh hosts changes nothing and reports what it would change', () => {
    const r = k8splay(ws.dir, [...RUN, '--check']);
    assert.equal(r.code, 0, r.out + r.err);
    for (const row of Object.values(recap(r.out))) {
      assert.ok(row.changed! > 0, JSON.stringify(row));
      assert.equal(row.failed, 0);
    }
    assert.equal(onHost(ws.name, 'k8s-master', 'test -e /etc/kubernetes/admin.conf').rc, 1);
    assert.match(onHost(ws.name, 'k8s-master', 'rpm -q kubeadm').out, /not installed/);
    assert.match(onHost(ws.name, 'k8s-master', 'systemctl is-active firewalld').out, /^active/);
  });

  test('the walkthrough end to end: nodes Ready, nginx on a NodePort; a re-run changes nothing', () => {
    const first = k8splay(ws.dir, RUN);
    assert.equal(first.code, 0, first.out + first.err);
    assert.match(first.out, /^TASK \[nginx answers on a node\]/m);
    const nodes = onHost(ws.name, 'k8s-master', 'kubectl get nodes --no-headers').out;
    for (const n of ['k8s-master', 'k8s-node1', 'k8s-node2']) assert.match(nodes, new RegExp(`^${n}\\s+Ready\\s`, 'm'));
    // The proof the walkthrough ends with, checked from outside the playbook.
    const port = onHost(ws.name, 'k8s-master', 'kubectl get service nginx -o jsonpath={.spec.ports[0].nodePort}').out.trim();
    const node2 = readState(ws.name)!.hosts.find((h) => h.name === 'k8s-node2')!.address;
    // Every node opens the port when its kubelet next syncs (kube-proxy is eventually consistent
    // too), and the playbook only waited for the first node: poll, bounded.
    const page = onHost(ws.name, 'k8s-master',
      `for i in $(seq 1 30); do curl -sf --max-time 5 http://${node2}:${port}/ && exit 0; sleep 1; done; exit 1`);
    assert.match(page.out, /Welcome to nginx!/);
    // admin.conf copied to root's ~/.kube/config.
    assert.equal(onHost(ws.name, 'k8s-master', 'cmp /etc/kubernetes/admin.conf /root/.kube/config && stat -c %a /root/.kube/config').out.trim(), '600');

    const second = k8splay(ws.dir, RUN);
    assert.equal(second.code, 0, second.out + second.err);
    const rows = recap(second.out);
    assert.equal(Object.keys(rows).length, 3);
    for (const row of Object.values(rows)) assert.equal(row.changed, 0, second.out);
  });

  test('a wrong token makes the join fail with kubeadm\'s message', () => {
    onHost(ws.name, 'k8s-node2', 'kubeadm reset -f >/dev/null 2>&1');
    const master = readState(ws.name)!.hosts.find((h) => h.name === 'k8s-master')!.address;
    writeFileSync(join(ws.dir, 'playbooks/bad-join.yml'), `
- hosts: k8s-node2
  gather_facts: false
  tasks:
    - name: join with a wrong token
      kubeadm_join:
        api_server_endpoint: ${master}:6443
        token: abcdef.0123456789abcdef
        discovery_token_ca_cert_hash: sha256:${'0'.repeat(64)}
      timeout: 120
`);
    const r = k8splay(ws.dir, ['playbooks/bad-join.yml', '-i', 'inventory/lab.ini', '--sandbox', '--keep']);
    assert.equal(r.code, 2, r.out + r.err);
    assert.match(r.out, /fatal: \[k8s-node2\]: FAILED!/);
    assert.match(r.out, /token id "abcdef" is invalid for this cluster or it has expired|cluster CA found in cluster-info configmap|does not match/);
    assert.equal(onHost(ws.name, 'k8s-node2', 'test -e /etc/kubernetes/kubelet.conf').rc, 1);
  });

  test('without the swap task, kubeadm\'s preflight refuses to init as real kubeadm does', () => {
    const noSwap = workspace((dir) => {
      const path = join(dir, 'playbooks/prepare.yml');
      const doc = parseDocument(readFileSync(path, 'utf8'));
      const tasks = doc.getIn([0, 'tasks']) as { items: Array<{ get(k: string): unknown }> };
      const i = tasks.items.findIndex((t) => t.get('fstab') !== undefined);
      assert.ok(i >= 0, 'the swap task is in prepare.yml');
      tasks.items.splice(i, 1);
      writeFileSync(path, doc.toString());
    });
    spaces.push(noSwap);
    const r = k8splay(noSwap.dir, RUN);
    assert.equal(r.code, 2, r.out + r.err);
    assert.match(r.out, /fatal: \[k8s-master\]: FAILED!/);
    assert.match(r.out, /\[ERROR Swap\]: running with swap on is not supported\. Please disable swap/);
    assert.equal(onHost(noSwap.name, 'k8s-master', 'test -e /etc/kubernetes/admin.conf').rc, 1);
  });
});
