/**
 * What a client sends the keeper about a connection, and the key that decides which requests
 * may share an SSH connection. Only plain data crosses: the environment, home, local user and
 * working directory are pinned here and file paths made absolute (the keeper runs in / with
 * the environment of whichever run started it), and of the host variables only those ssh
 * reads are kept (no become password reaches the keeper).
 */
import { createHash } from 'node:crypto';
import { homedir } from 'node:os';
import { resolve } from 'node:path';
import type { SshConnectionOptions } from '../ssh/options.js';
import { localUserName } from '../ssh/local-user.js';
import type { SshTarget } from '../ssh/settings.js';
import type { WireOptions, WireTarget } from './protocol.js';

/** Host variables that change how a jump host is reached (see resolveTarget). */
const SSH_VARS = /^ansible_(ssh_host_key_checking|host_key_checking|ssh_retries|ssh_private_key_passphrase|ssh_args|ssh_common_args|ssh_extra_args)$/;
/**
 * Environment variables resolveTarget reads (not SSH_CONNECTION and the like: they differ per
 * login session and would split the key). IdentityAgent $OTHER on a jump host is not followed.
 */
const SSH_ENV = /^(SSH_AUTH_SOCK|ANSIBLE_HOST_KEY_CHECKING)$/;

/**
 * The options as sent to the keeper. A passphrase prompt or a debug callback cannot be sent:
 * controlSettings() makes those connections direct, so they never get here. With `target`'s
 * ProxyCommand, the environment it runs with (this run's, as a direct connection's would).
 */
export function wireOptions(opts: SshConnectionOptions, target?: Pick<SshTarget, 'proxyCommand'>): WireOptions {
  const { privateKeyPassphrase, debug: _debug, shell: _shell, vars, env, homeDir, localUser, commandEnv, ...rest } = opts;
  const sshVars: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(vars ?? {})) if (SSH_VARS.test(k)) sshVars[k] = v;
  const sshEnv: Record<string, string> = {};
  for (const [k, v] of Object.entries(env ?? process.env)) if (v !== undefined && SSH_ENV.test(k)) sshEnv[k] = v;
  return {
    ...rest,
    vars: sshVars,
    env: sshEnv,
    homeDir: homeDir ?? homedir(),
    localUser: localUser ?? localUserName(),
    cwd: resolve(opts.cwd ?? process.cwd()),
    ...(opts.configFiles ? { configFiles: opts.configFiles.map((f) => resolve(f)) } : {}),
    ...(typeof privateKeyPassphrase === 'string' ? { privateKeyPassphrase } : {}),
    ...(target?.proxyCommand ? { commandEnv: definedOnly(commandEnv ?? process.env) } : {}),
  };
}

/** The variables that are set (JSON drops the others anyway). */
function definedOnly(env: NodeJS.ProcessEnv): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) if (v !== undefined) out[k] = v;
  return out;
}

/**
 * The target as sent, its file paths absolute (relative ones meant this process's working
 * directory). Its passphrase is a string: a prompt comes only from the options' passphrase,
 * which controlSettings() keeps from the keeper.
 */
export function wireTarget(target: SshTarget, cwd = process.cwd()): WireTarget {
  const abs = (p: string): string => resolve(cwd, p);
  const hk = target.hostKey;
  return {
    ...(target as WireTarget),
    identityFiles: target.identityFiles.map((f) => ({ ...f, path: abs(f.path) })),
    hostKey: { ...hk, readFiles: hk.readFiles.map(abs), ...(hk.writeFile ? { writeFile: abs(hk.writeFile) } : {}) },
    configFiles: target.configFiles.map((c) => ({ ...c, file: abs(c.file) })),
  };
}

/** Canonical JSON: object keys sorted, so equal settings hash equally. */
function canonical(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(canonical);
  if (v && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v).sort()) {
      const x = (v as Record<string, unknown>)[k];
      if (x !== undefined) out[k] = canonical(x);
    }
    return out;
  }
  return v;
}

/**
 * The key of a connection: a hash of everything that decides what the SSH connection is
 * (address, port, user, keys, password and passphrase, host key policy, proxies; for jump
 * hosts the options they are resolved from), and nothing that only names or paces it (the
 * inventory name, how long it is kept, connect timeout and retries). Secrets only enter the
 * hash: a different password never reuses a connection made with another.
 */
export function connectionKey(opts: WireOptions, target: WireTarget): string {
  const { inventoryHost: _h, control: _c, attempts: _a, retryDelayMs: _r, connectTimeoutMs: _t, ...what } = target;
  const hops = target.proxyJump
    ? (({ host: _x, address: _y, timeout: _z, connectAttempts: _ca, retryDelayMs: _rd, password: _p, controlPersist: _cp, controlPathDir: _cd, cwd: _w, commandEnv: _ce, ...o }) => o)(opts)
    : undefined;
  // The working directory matters only to a ProxyCommand (a relative script path). Its
  // environment does not split connections: as with ssh's ControlMaster, the run that opened
  // the connection started its proxy.
  const cwd = target.proxyCommand ? opts.cwd : undefined;
  return createHash('sha256').update(JSON.stringify(canonical({ what, hops, cwd }))).digest('hex').slice(0, 32);
}
