/**
 * Which host key checking applies to a host, decided like Ansible + OpenSSH:
 *  1. ansible_ssh_host_key_checking / ansible_host_key_checking false -> off (Ansible puts
 *     `-o StrictHostKeyChecking=no` first on ssh's command line, so it beats every ssh option);
 *  2. the run's --host-key-checking (unless a host var says true and the flag says off);
 *  3. ANSIBLE_HOST_KEY_CHECKING=False in the environment -> off (when no host var is set);
 *  4. StrictHostKeyChecking from the ssh args, then the ssh config files;
 *  5. strict.
 */
import type { OptionSet } from './option-set.js';

export type HostKeyChecking = 'strict' | 'accept-new' | 'off';

export interface HostKeyMode {
  mode: HostKeyChecking;
  /** What decided it, for messages. */
  source: string;
}

/** Ansible's boolean(): yes/no, true/false, on/off, 1/0, y/n, t/f. */
export function ansibleBool(v: unknown): boolean | undefined {
  if (typeof v === 'boolean') return v;
  if (typeof v === 'number') return v !== 0;
  if (typeof v !== 'string') return undefined;
  const s = v.trim().toLowerCase();
  if (['yes', 'on', '1', 'true', 't', 'y'].includes(s)) return true;
  if (['no', 'off', '0', 'false', 'f', 'n'].includes(s)) return false;
  return undefined;
}

/** StrictHostKeyChecking's values mapped onto our modes (ask: nobody can answer, so strict). */
export function fromStrictHostKeyChecking(v: string | undefined): HostKeyChecking | undefined {
  if (v === undefined) return undefined;
  const s = v.toLowerCase();
  if (s === 'yes' || s === 'ask' || s === 'true') return 'strict';
  if (s === 'accept-new') return 'accept-new';
  if (s === 'no' || s === 'off' || s === 'false') return 'off';
  return undefined;
}

/** A host variable value: a boolean, or one of our mode names (a k8splay extension). */
function varMode(v: unknown): HostKeyChecking | boolean | undefined {
  if (v === 'accept-new' || v === 'strict') return v;
  return ansibleBool(v);
}

/** Decide the host key checking mode (see the file comment for the order). */
export function resolveHostKeyMode(input: {
  cli?: HostKeyChecking;
  vars?: Record<string, unknown>;
  env?: NodeJS.ProcessEnv;
  options: OptionSet;
}): HostKeyMode {
  const vars = input.vars ?? {};
  let hostVar: HostKeyChecking | boolean | undefined;
  let varName = '';
  for (const k of ['ansible_ssh_host_key_checking', 'ansible_host_key_checking']) {
    const m = varMode(vars[k]);
    if (m !== undefined) {
      hostVar = m;
      varName = k;
      break;
    }
  }
  if (hostVar === false) return { mode: 'off', source: `${varName}=false` };
  if (typeof hostVar === 'string') return { mode: hostVar, source: `${varName}=${hostVar}` };
  if (input.cli && !(input.cli === 'off' && hostVar === true)) {
    return { mode: input.cli, source: `--host-key-checking=${input.cli}` };
  }
  if (hostVar === undefined) {
    const env = ansibleBool(input.env?.['ANSIBLE_HOST_KEY_CHECKING']);
    if (env === false) return { mode: 'off', source: 'ANSIBLE_HOST_KEY_CHECKING=False' };
  }
  const e = input.options.entry('stricthostkeychecking');
  const fromSsh = fromStrictHostKeyChecking(e?.args[0]);
  if (e && fromSsh) return { mode: fromSsh, source: `StrictHostKeyChecking=${e.args[0]} (${e.source})` };
  return { mode: 'strict', source: 'default' };
}
