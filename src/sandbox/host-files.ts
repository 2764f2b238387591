/**
 * The per-host files written into a host's overlay before it boots: host name, /etc/hosts,
 * static address, its own SSH host key, the sandbox package repository and registry, and the
 * CentOS 7 starting state the walkthrough changes (centos-base.ts).
 */
import { chmodSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { runCommand } from './run-command.js';
import { writeCentosBase } from './centos-base.js';
import { REGISTRY_URL_FILE, registryUrl } from './registry-tree.js';

export interface HostFilesSpec {
  hostname: string;
  address: string;
  prefix: number;
  /** Every host of the sandbox (this one included), for /etc/hosts. */
  peers: Array<{ hostname: string; address: string }>;
  /** Base URL of the sandbox package repository, if any. */
  repoUrl?: string;
}

/** The networkd file; its name sorts before nspawn's 80-container-host0.network so it wins. */
export const NETWORK_FILE = 'etc/systemd/network/10-host0.network';
export const REPO_FILE = 'etc/yum.repos.d/k8splay-sandbox.repo';

function put(root: string, rel: string, text: string, mode = 0o644): void {
  const p = join(root, rel);
  mkdirSync(dirname(p), { recursive: true });
  rmSync(p, { force: true });
  writeFileSync(p, text, { mode });
  chmodSync(p, mode);
}

/** /etc/hosts text: loopback names, then every sandbox host. */
export function hostsFileText(peers: HostFilesSpec['peers']): string {
  const lines = ['127.0.0.1\tlocalhost', '::1\tlocalhost ip6-localhost ip6-loopback'];
  for (const p of peers) {
    const short = p.hostname.split('.')[0]!;
    lines.push(`${p.address}\t${p.hostname}${short !== p.hostname ? ` ${short}` : ''}`);
  }
  return lines.join('\n') + '\n';
}

/** networkd configuration: a static address on host0 and no gateway (hosts reach only the bridge). */
export function networkFileText(address: string, prefix: number): string {
  return ['[Match]', 'Name=host0', '', '[Network]', `Address=${address}/${prefix}`, 'LinkLocalAddressing=no', 'IPv6AcceptRA=no', ''].join('\n');
}

/**
 * A dnf repository definition pointing at the sandbox package repository, disabled: packages
 * come from the repositories a playbook configures (see inventory/group_vars/k8s.yml), as on a
 * real machine; `--enablerepo=k8splay-sandbox` reaches it directly.
 */
export function repoFileText(url: string): string {
  return ['[k8splay-sandbox]', 'name=k8splay sandbox packages', `baseurl=${url}`, 'enabled=0', 'gpgcheck=0', ''].join('\n');
}

/**
 * Writes the host's files into its overlay root and generates its SSH host key; returns the
 * public host key ("ssh-ed25519 AAAA...") for the harness's known_hosts.
 */
export async function writeHostFiles(root: string, spec: HostFilesSpec): Promise<string> {
  put(root, 'etc/hostname', spec.hostname + '\n');
  put(root, 'etc/hosts', hostsFileText(spec.peers));
  put(root, NETWORK_FILE, networkFileText(spec.address, spec.prefix));
  if (spec.repoUrl) {
    put(root, REPO_FILE, repoFileText(spec.repoUrl));
    // Where the docker stand-in pulls from (src/sandbox/standins/CONTRACT.md).
    put(root, REGISTRY_URL_FILE, registryUrl(spec.repoUrl) + '\n');
  }
  writeCentosBase(root);
  const key = join(root, 'etc/ssh/ssh_host_ed25519_key');
  rmSync(key, { force: true });
  rmSync(`${key}.pub`, { force: true });
  await runCommand('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', `root@${spec.hostname}`, '-f', key]);
  const pub = readFileSync(`${key}.pub`, 'utf8').trim().split(/\s+/);
  return `${pub[0]} ${pub[1]}`;
}
