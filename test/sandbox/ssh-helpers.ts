// Shared by the ssh transport's sandbox tests: when they can run, and connection options for a
// sandbox host that never touch the controller's own ~/.ssh (a temporary home, no agent, no
// ssh config files, the sandbox's known_hosts).
import { HOST_TOOLS, type SandboxUpResult } from '../../src/sandbox/index.js';
import { sandboxSkipReason } from '../helpers/sandbox-host.js';
import type { SshConnectionOptions } from '../../src/connection/ssh/index.js';

/** Why the sandbox tests cannot run here, or undefined. */
export function sshSandboxSkipReason(): string | undefined {
  return sandboxSkipReason([...HOST_TOOLS, 'ssh-keygen', 'nsenter']);
}

/**
 * Options for host `i` of a sandbox as root with the harness key, checked against `knownHosts`
 * (default: the sandbox's own file) the way the generated inventory does it.
 */
export function sandboxSshOptions(
  sb: SandboxUpResult,
  i: number,
  home: string,
  { knownHosts, ...extra }: Partial<SshConnectionOptions> & { knownHosts?: string } = {},
): SshConnectionOptions {
  const h = sb.hosts[i]!;
  return {
    host: h.name,
    address: h.address,
    user: 'root',
    privateKeyFile: sb.privateKey,
    homeDir: home,
    localUser: 'tester',
    env: {},
    configFiles: [],
    globalKnownHostsFiles: [],
    retryDelayMs: 50,
    ...extra,
    vars: {
      ansible_ssh_common_args: `-o UserKnownHostsFile=${knownHosts ?? sb.knownHosts} -o StrictHostKeyChecking=yes`,
      ...extra.vars,
    },
  };
}
