/**
 * The cross-host flow through the real engine: a master play runs kubeadm_init, a nodes play
 * joins, over a fake connection that routes each host's commands to the in-memory cluster.
 * Shows which way nodes find the join command: hostvars (same run only) or kubeadm_init with
 * init: false delegated to the master with run_once (also under --limit nodes and --check).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { shlexSplit } from '../_shared/shlex.js';
import { fakeCluster, fakeMaster, fakeNode, type FakeCluster } from '../kubeadm_init/fake-kubeadm.js';
import type { FakeContext } from '../../test/helpers/fake-context.js';
import { cleanup, tempProject } from '../../test/helpers/playbook-fixture.js';
import { run, type Connection, type ConnectionOptions, type ExecOptions, type ExecResult } from '../../src/index.js';

/** A Connection over a fake host: commands go to its script, atomic writes land in its files. */
class FakeConnection implements Connection {
  readonly kind = 'fakek8s';
  constructor(readonly host: string, private readonly ctx: FakeContext) {}
  async connect(): Promise<void> {}
  async close(): Promise<void> {}
  async get(path: string): Promise<Buffer | null> {
    const f = this.ctx.files.get(path);
    return f?.content === undefined ? null : Buffer.from(f.content);
  }
  async exec(command: string, opts: ExecOptions = {}): Promise<ExecResult> {
    if (/^p=.*\n[\s\S]*mktemp/.test(command)) {
      const path = shlexSplit(command.slice(2, command.indexOf('\n')))[0]!;
      const arg = (re: RegExp) => { const m = re.exec(command); return m ? shlexSplit(m[1]!)[0] : undefined; };
      this.ctx.files.set(path, {
        type: 'file', content: String(opts.stdin ?? ''),
        mode: arg(/^chmod (\S+) "\$t"/m) ?? '0644', owner: arg(/^chown -- (\S+) "\$t"/m) ?? 'root', group: arg(/^chgrp -- (\S+) "\$t"/m) ?? 'root',
      });
      return { rc: 0, stdout: '', stderr: '' };
    }
    try {
      return await this.ctx.run(command);
    } catch (e) {
      return { rc: 127, stdout: '', stderr: (e as Error).message };
    }
  }
}

const INVENTORY = `[masters]
k8s-master ansible_host=192.168.2.100
[nodes]
k8s-node1 ansible_host=192.168.2.101
k8s-node2 ansible_host=192.168.2.102
[all:vars]
ansible_connection=fakek8s
`;

const MASTER_PLAY = `
- hosts: masters
  gather_facts: false
  tasks:
    - name: kubeadm init
      kubeadm_init:
        apiserver_advertise_address: "{{ ansible_host }}"
        pod_network_cidr: 10.244.0.0/16
        kubeconfig_user: root
      register: kubeadm
`;

/** Nodes read the join command from the master itself: works in any run. */
const NODES_DELEGATED = `
- hosts: nodes
  gather_facts: false
  tasks:
    - name: Join command from the control plane
      kubeadm_init:
        init: false
      delegate_to: "{{ groups['masters'][0] }}"
      run_once: true
      register: control_plane
    - name: kubeadm join
      kubeadm_join:
        join_command: "{{ control_plane.join_command }}"
`;

/** Nodes read the master's registered result: only when the master ran in this run. */
const NODES_HOSTVARS = `
- hosts: nodes
  gather_facts: false
  tasks:
    - name: kubeadm join
      kubeadm_join:
        join_command: "{{ hostvars[groups['masters'][0]].kubeadm.join_command }}"
`;

interface Lab { cluster: FakeCluster; hosts: Record<string, FakeContext>; dir: string }

function lab(playbook: string): Lab {
  const cluster = fakeCluster();
  return {
    cluster,
    hosts: { 'k8s-master': fakeMaster(cluster), 'k8s-node1': fakeNode(cluster, 'k8s-node1'), 'k8s-node2': fakeNode(cluster, 'k8s-node2') },
    dir: tempProject({ 'site.yml': playbook, 'hosts.ini': INVENTORY }),
  };
}

async function play(l: Lab, opts: { limit?: string; check?: boolean } = {}) {
  const result = await run({
    playbook: `${l.dir}/site.yml`, inventory: [`${l.dir}/hosts.ini`], cwd: l.dir, ...opts,
    connections: { fakek8s: (o: ConnectionOptions) => new FakeConnection(o.host, l.hosts[o.host]!) },
  });
  const failures = result.tasks.flatMap((t) => t.results.filter((r) => r.status === 'failed').map((r) => `${r.host}: ${t.task.name}: ${r.msg}`));
  return { result, failures, changed: (h: string) => result.stats[h]?.changed ?? 0 };
}

test('same run: nodes join with the master\'s join_command read through hostvars; a second run changes nothing', async () => {
  const l = lab(MASTER_PLAY + NODES_HOSTVARS);
  try {
    const first = await play(l);
    assert.deepEqual(first.failures, []);
    assert.equal(first.result.exitCode, 0);
    assert.deepEqual(l.cluster.nodes.sort(), ['k8s-node1', 'k8s-node2']);
    assert.deepEqual([first.changed('k8s-master'), first.changed('k8s-node1'), first.changed('k8s-node2')], [1, 1, 1]);
    const second = await play(l);
    assert.deepEqual(second.failures, []);
    assert.deepEqual([second.changed('k8s-master'), second.changed('k8s-node1'), second.changed('k8s-node2')], [0, 0, 0]);
    // The master made a fresh token on the second run anyway (not a change).
    assert.deepEqual(l.cluster.calls.map((c) => c.split(' ')[0]), ['init', 'join', 'join', 'token']);
  } finally {
    cleanup(l.dir);
  }
});

test('--limit nodes: hostvars has no master result; the delegated kubeadm_init (init: false) still gets a fresh join command', async () => {
  const l = lab(MASTER_PLAY + NODES_HOSTVARS);
  const d = lab(MASTER_PLAY + NODES_DELEGATED);
  try {
    // The master was initialised in an earlier run; a new node comes later.
    await play(l, { limit: 'masters' });
    const limited = await play(l, { limit: 'nodes' });
    assert.equal(limited.failures.length, 2);
    assert.match(limited.failures[0]!, /hostvars\['k8s-master'\]\\?"? has no attribute 'kubeadm'/);
    assert.deepEqual(l.cluster.nodes, []);

    await play(d, { limit: 'masters' });
    const calls = d.cluster.calls.length;
    const ok = await play(d, { limit: 'nodes' });
    assert.deepEqual(ok.failures, []);
    assert.deepEqual(d.cluster.nodes.sort(), ['k8s-node1', 'k8s-node2']);
    // One token for both nodes (run_once), made on the master; init never ran again.
    assert.deepEqual(d.cluster.calls.slice(calls).map((c) => c.split(' ')[0]), ['token', 'join', 'join']);
    assert.deepEqual([ok.changed('k8s-node1'), ok.changed('k8s-node2')], [1, 1]);
  } finally {
    cleanup(l.dir);
    cleanup(d.dir);
  }
});

test('--check on a fresh lab: nothing runs but the probes, every host reports what it would change, no failure', async () => {
  for (const playbook of [MASTER_PLAY + NODES_HOSTVARS, MASTER_PLAY + NODES_DELEGATED]) {
    const l = lab(playbook);
    try {
      const r = await play(l, { check: true });
      assert.deepEqual(r.failures, []);
      assert.deepEqual(l.cluster.calls, []);
      assert.deepEqual([r.changed('k8s-master'), r.changed('k8s-node1'), r.changed('k8s-node2')], [1, 1, 1]);
      assert.equal(l.hosts['k8s-master']!.files.has('/etc/kubernetes/admin.conf'), false);
    } finally {
      cleanup(l.dir);
    }
  }
});
