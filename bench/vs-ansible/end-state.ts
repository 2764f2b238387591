/**
 * The end state both tools must reach, checked over ssh on every host after each run: the
 * same script, so a tool that skipped or half-did a step fails the benchmark loudly.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Normalised facts a host reports (whitespace in key = value files removed). */
const CHECK_SCRIPT = String.raw`
echo "sysctl $(cat /proc/sys/net/bridge/bridge-nf-call-iptables) $(cat /proc/sys/net/ipv4/ip_forward)"
echo "sysctl.d $(grep -h '^[^#]' /etc/sysctl.d/k8s.conf | tr -d ' ' | sort | tr '\n' ' ')"
echo "active swap lines $(awk '!/^[[:space:]]*#/ && $3 == "swap"' /etc/fstab | wc -l)"
for h in '192.168.2.10 k8s-master' '192.168.2.11 k8s-node1' '192.168.2.12 k8s-node2'; do echo "hosts $(grep -cxF "$h" /etc/hosts) $h"; done
echo "repo $(grep -h -e '^baseurl' -e '^gpgcheck' -e '^\[' /etc/yum.repos.d/kubernetes.repo | tr -d ' ' | tr '\n' ' ')"
rpm -q --qf '%{NAME}-%{VERSION}\n' docker-ce kubelet kubeadm kubectl
echo "docker $(systemctl is-enabled docker) $(systemctl is-active docker)"
`;

/** What every host must print. */
export function expectedEndState(repoUrl: string): string {
  return [
    'sysctl 1 1',
    'sysctl.d net.bridge.bridge-nf-call-iptables=1 net.ipv4.ip_forward=1 ',
    'active swap lines 0',
    'hosts 1 192.168.2.10 k8s-master',
    'hosts 1 192.168.2.11 k8s-node1',
    'hosts 1 192.168.2.12 k8s-node2',
    `repo [kubernetes] baseurl=${repoUrl} gpgcheck=0 `,
    'docker-ce-18.06.1.ce', 'kubelet-1.13.3', 'kubeadm-1.13.3', 'kubectl-1.13.3',
    'docker enabled active',
  ].join('\n');
}

export interface SshTarget { name: string; address: string; privateKey: string; knownHosts: string }

/** Throws, listing every differing line per host, unless all hosts report `expected`. */
export async function assertEndState(hosts: SshTarget[], expected: string, label: string): Promise<void> {
  const problems: string[] = [];
  await Promise.all(hosts.map(async (h) => {
    let got: string;
    try {
      const r = await run('ssh', ['-i', h.privateKey, '-o', `UserKnownHostsFile=${h.knownHosts}`, '-o', 'StrictHostKeyChecking=yes',
        '-o', 'BatchMode=yes', `root@${h.address}`, CHECK_SCRIPT], { timeout: 30_000 });
      got = r.stdout.trim();
    } catch (e) {
      got = `${(e as { stdout?: string }).stdout ?? ''}\n(check failed: ${(e as Error).message.split('\n')[0]})`.trim();
    }
    if (got === expected) return;
    const exp = expected.split('\n');
    const act = got.split('\n');
    const diff = [...exp.filter((l) => !act.includes(l)).map((l) => `  - ${l}`), ...act.filter((l) => !exp.includes(l)).map((l) => `  + ${l}`)];
    problems.push(`${h.name}:\n${diff.join('\n')}`);
  }));
  if (problems.length) throw new Error(`${label}: end state differs from the expected one\n${problems.join('\n')}`);
}
