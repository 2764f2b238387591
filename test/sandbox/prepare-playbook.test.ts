/**
 * playbooks/prepare.yml, the walkthrough's host preparation, rehearsed through the CLI with
 * --sandbox on inventory/lab.ini's three hosts: check mode on fresh hosts changes nothing and
 * says what it would change; the first run changes; the second reports changed=0 everywhere.
 */
import { describe, test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { sandboxSkipReason } from '../helpers/sandbox-host.js';
import { defaultSandboxName, readState, sandboxDown } from '../../src/sandbox/index.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const skip = sandboxSkipReason();
const INVENTORY = join(ROOT, 'inventory/lab.ini');
const NAME = defaultSandboxName(INVENTORY);

function k8splay(args: string[]): { code: number; out: string; err: string } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'src/cli/bin.ts'), ...args], {
    cwd: ROOT, encoding: 'utf8', timeout: 300_000, env: { ...process.env, NO_COLOR: '1' },
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

/** Runs a command on a sandbox host with OpenSSH, as root with the harness key. */
function onHost(host: string, command: string): string {
  const st = readState(NAME)!;
  const h = st.hosts.find((x) => x.name === host)!;
  const r = spawnSync('ssh', ['-F', '/dev/null', '-i', st.privateKey, '-o', `UserKnownHostsFile=${st.knownHosts}`,
    '-o', 'StrictHostKeyChecking=yes', '-o', 'BatchMode=yes', `root@${h.address}`, command], { encoding: 'utf8' });
  return r.stdout;
}

const STATE = 'systemctl is-active firewalld; systemctl is-enabled firewalld; grep ^SELINUX= /etc/selinux/config; grep -c "^[^#].* swap " /etc/fstab; rpm -q docker-ce kubelet || true; ls /etc/yum.repos.d';

describe('playbooks/prepare.yml rehearsed on the lab inventory', { skip: skip ?? false }, () => {
  after(async () => { await sandboxDown(NAME, { progress: () => {} }).catch(() => {}); });

  test('check mode on fresh hosts changes nothing and reports the changes it would make', () => {
    const r = k8splay(['playbooks/prepare.yml', '-i', 'inventory/lab.ini', '--sandbox', '--keep', '--check']);
    assert.equal(r.code, 0, r.out + r.err);
    const before = onHost('k8s-node1', STATE);
    assert.match(before, /^active\nenabled\nSELINUX=enforcing\n1\n/);
    assert.match(before, /package docker-ce is not installed/);
    for (const row of Object.values(recap(r.out))) {
      // Predicted: hosts, firewalld, SELinux, swap, br_netfilter, sysctls, both repositories.
      assert.equal(row.changed, 8, JSON.stringify(row));
      assert.equal(row.failed, 0);
    }
    // Packages come from repositories that check mode did not create: unknown, not failed.
    assert.match(r.out, /^TASK \[Docker CE 18\.06\.1\.ce-3\.el7\] \*+\nskipping: \[k8s-master\] \(unknown in check mode: 8 earlier change\(s\) not applied, the latest by 'Kubernetes repository'\)$/m);
  });

  test('first run changes every host; a re-run reports changed=0', () => {
    const first = k8splay(['playbooks/prepare.yml', '-i', 'inventory/lab.ini', '--sandbox', '--keep']);
    assert.equal(first.code, 0, first.out + first.err);
    const rows = recap(first.out);
    assert.deepEqual(Object.keys(rows).sort(), ['k8s-master', 'k8s-node1', 'k8s-node2']);
    for (const row of Object.values(rows)) assert.ok(row.changed! >= 12, JSON.stringify(row));
    const after = onHost('k8s-node2', STATE + '; cat /etc/sysctl.d/k8s.conf; grep k8s- /etc/hosts; systemctl is-active docker; systemctl is-enabled kubelet');
    assert.match(after, /^inactive\ndisabled\nSELINUX=disabled\n0\n/);
    assert.match(after, /docker-ce-18\.06\.1\.ce-3\.el7\.x86_64\nkubelet-1\.13\.3-0\.x86_64/);
    assert.match(after, /^net\.bridge\.bridge-nf-call-iptables=1$/m);
    assert.match(after, /k8s-master$/m);
    assert.match(onHost('k8s-node2', 'rpm -q kubernetes-cni'), /kubernetes-cni-0\.6\.0/);

    const second = k8splay(['playbooks/prepare.yml', '-i', 'inventory/lab.ini', '--sandbox', '--keep']);
    assert.equal(second.code, 0);
    for (const row of Object.values(recap(second.out))) assert.equal(row.changed, 0, second.out);
  });
});
