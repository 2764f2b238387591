/**
 * The variables a connection is built from, rendered: inventory values such as
 * `ansible_host: "{{ lookup_addr }}"` are templates too.
 */
import type { Runtime } from './runtime.js';
import type { Play } from '../playbook/model.js';
import { renderValue } from '../template/index.js';

const CONNECTION_KEYS = /^ansible_(connection|host|ssh_host|port|ssh_port|user|ssh_user|password|ssh_pass|ssh_password|ssh_private_key_file|private_key_file|ssh_private_key_passphrase|ssh_common_args|ssh_extra_args|ssh_args|ssh_retries|host_key_checking|ssh_host_key_checking|shell_executable|become.*|timeout|python_interpreter)$/;

/** A name that holds a connection setting (one function, so hostLevelSubset can remember its answers). */
const isConnectionKey = (name: string): boolean => CONNECTION_KEYS.test(name);

/**
 * Host variables win over the play's `connection:` and `remote_user:` keywords, as in Ansible.
 */
export function connectionVars(rt: Runtime, host: string, play?: Pick<Play, 'connection' | 'remoteUser'>): Record<string, unknown> {
  const out = rt.vars.hostLevelSubset(host, isConnectionKey);
  // Rendered in all of the host's variables, built only when a value may hold a template
  // (renderValue returns other values as they are).
  let level: Record<string, unknown> | undefined;
  for (const [k, v] of Object.entries(out)) {
    if (v !== null && (typeof v === 'object' || (typeof v === 'string' && v.includes('{')))) out[k] = renderValue(v, level ??= rt.vars.hostLevel(host));
  }
  if (play?.connection && out.ansible_connection === undefined) out.ansible_connection = play.connection;
  if (play?.remoteUser && out.ansible_user === undefined && out.ansible_ssh_user === undefined) out.ansible_user = play.remoteUser;
  return out;
}
