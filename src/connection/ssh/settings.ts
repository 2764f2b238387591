/**
 * Everything needed to reach one host, resolved once: inventory values (ConnectionOptions and
 * ansible_ssh_*_args) first, then the ssh config files, then defaults (user = controller user,
 * port 22), the way ssh would see the command line Ansible builds.
 */
import { createHash } from 'node:crypto';
import { homedir, hostname as localHostname } from 'node:os';
import { resolve } from 'node:path';
import { ConnectionError } from '../../errors.js';
import { applyConfigFile, expandTilde, type ConfigQuery } from './ssh-config.js';
import { localUserName } from './local-user.js';
import { applySshArgs } from './ssh-args.js';
import { OptionSet, yesNo } from './option-set.js';
import { resolveHostKeyMode, type HostKeyChecking } from './host-key-mode.js';
import { knownHostsName } from './known-hosts.js';
import type { SshConnectionOptions } from './options.js';

export interface IdentityFile {
  path: string;
  /** Where it was named: 'ansible_ssh_private_key_file', '~/.ssh/config:4', 'default'. */
  source: string;
}

export interface HostKeyPolicy {
  mode: HostKeyChecking;
  /** What decided the mode. */
  modeSource: string;
  /** Files read to verify (user files, then global). */
  readFiles: string[];
  /** Where accept-new records keys (the first user file); undefined when it is /dev/null or none. */
  writeFile?: string;
  /** Write the host name hashed (HashKnownHosts). */
  hash: boolean;
  /** Names the host is recorded under (HostKeyAlias, or host / [host]:port). */
  names: string[];
}

export interface SshTarget {
  /** Inventory hostname, for messages. */
  inventoryHost: string;
  /** The destination as given (ansible_host, or the inventory name). */
  destination: string;
  /** What is connected to (HostName from ssh config, else the destination). */
  hostName: string;
  port: number;
  user: string;
  identityFiles: IdentityFile[];
  /** True when identityFiles are OpenSSH's defaults (a missing one is not worth a word). */
  defaultIdentities: boolean;
  identitiesOnly: boolean;
  agentSocket?: string;
  password?: string;
  passphrase?: SshConnectionOptions['privateKeyPassphrase'];
  connectTimeoutMs: number;
  keepaliveIntervalMs: number;
  keepaliveCountMax: number;
  proxyJump?: string;
  proxyCommand?: string;
  hostKey: HostKeyPolicy;
  attempts: number;
  retryDelayMs: number;
  /** Config files in effect (for jump hosts). */
  configFiles: Array<{ file: string; required: boolean }>;
  /**
   * ControlMaster / ControlPersist as ssh would see them (Ansible's default ssh_args when the
   * host has no ansible_ssh_args): whether the connection is kept for the next run.
   */
  control: { master?: string; persist?: string; source?: string };
}

const DEFAULT_IDENTITIES = ['id_rsa', 'id_ecdsa', 'id_ecdsa_sk', 'id_ed25519', 'id_ed25519_sk', 'id_dsa'];
const DEFAULT_GLOBAL_KNOWN_HOSTS = ['/etc/ssh/ssh_known_hosts', '/etc/ssh/ssh_known_hosts2'];

function str(v: unknown): string | undefined {
  return v === undefined || v === null || v === '' ? undefined : String(v);
}

function positiveInt(v: string | undefined): number | undefined {
  if (v === undefined || !/^\d+$/.test(v)) return undefined;
  const n = Number(v);
  return n > 0 ? n : undefined;
}

/** Expand ssh's %-tokens in a path-like value. */
export function expandTokens(value: string, t: { host: string; original: string; port: number; user: string; localUser: string; home: string }): string {
  return value.replace(/%([%hprudnlCi])/g, (_m, c: string) => {
    switch (c) {
      case '%': return '%';
      case 'h': return t.host;
      case 'p': return String(t.port);
      case 'r': return t.user;
      case 'u': return t.localUser;
      case 'd': return t.home;
      case 'n': return t.original;
      case 'l': return localHostname();
      case 'i': return String(process.getuid?.() ?? '');
      default: return createHash('sha1').update(`${localHostname()}${t.host}${t.port}${t.user}`).digest('hex');
    }
  });
}

/** The inventory's ssh args, in the order Ansible puts them on ssh's command line. */
const ARG_VARS = ['ansible_ssh_args', 'ansible_ssh_common_args', 'ansible_ssh_extra_args'] as const;

/**
 * Ansible's ssh_args when the host sets none: they keep each host's connection open 60 s
 * after a run (ControlPersist), which k8splay does with its connection keeper. A host's own
 * ansible_ssh_args replace them, as in Ansible.
 */
export const DEFAULT_SSH_ARGS = '-C -o ControlMaster=auto -o ControlPersist=60s';

/**
 * Resolve how to reach `opts.address ?? opts.host`.
 * @param override for jump hosts: the destination, user and port from the ProxyJump spec
 * @throws ConnectionError for unreadable config or bad ssh args
 */
export function resolveTarget(opts: SshConnectionOptions, override?: { destination: string; user?: string; port?: number; inheritIdentities?: IdentityFile[] }): SshTarget {
  const host = opts.host;
  const vars = opts.vars ?? {};
  const env = opts.env ?? process.env;
  const home = opts.homeDir ?? homedir();
  const localUser = opts.localUser ?? localUserName();
  const destination = override?.destination ?? opts.address ?? host;
  const options = new OptionSet();

  // Ansible's command line: ssh_args, then port/key/user from the inventory, then the common
  // and extra args. Jump hosts get only their own spec (ssh -J passes no -o along).
  let configFile: string | undefined;
  const args = (name: (typeof ARG_VARS)[number]): void => {
    const text = str(vars[name]);
    if (text) configFile ??= applySshArgs(text, name, host, options).configFile;
  };
  if (!override) {
    if (str(vars['ansible_ssh_args'])) args('ansible_ssh_args');
    else applySshArgs(DEFAULT_SSH_ARGS, 'default ssh_args', host, options);
    if (opts.port !== undefined) options.add('port', [String(opts.port)], 'ansible_port');
    if (opts.privateKeyFile) options.add('identityfile', [opts.privateKeyFile], 'ansible_ssh_private_key_file');
    if (opts.user) options.add('user', [opts.user], 'ansible_user');
    args('ansible_ssh_common_args');
    args('ansible_ssh_extra_args');
  } else {
    if (override.port !== undefined) options.add('port', [String(override.port)], 'ProxyJump');
    if (override.user) options.add('user', [override.user], 'ProxyJump');
  }

  // Relative files meant the run's directory (opts.cwd when given): the connection keeper,
  // which resolves jump hosts, runs in another (a warm engine's run changes it meanwhile).
  const abs = (p: string): string => (opts.cwd ? resolve(opts.cwd, p) : p);
  const configFiles = configFile
    ? [{ file: abs(expandTilde(configFile, home)), required: true }]
    : (opts.configFiles ?? [`${home}/.ssh/config`, '/etc/ssh/ssh_config']).map((file) => ({ file, required: false }));
  const query: ConfigQuery = { inventoryHost: host, host: destination, localUser, homeDir: home };
  for (const c of configFiles) {
    const includeBase = c.file.startsWith('/etc/ssh/') ? '/etc/ssh' : `${home}/.ssh`;
    applyConfigFile(c.file, query, options, { required: c.required, includeBase });
  }

  const port = positiveInt(options.get('port')) ?? 22;
  if (options.get('port') !== undefined && positiveInt(options.get('port')) === undefined) {
    throw new ConnectionError(host, `invalid ssh port '${options.get('port')}' (${options.entry('port')!.source})`);
  }
  const user = options.get('user') ?? localUser;
  const rawHostName = options.get('hostname');
  const tok0 = { host: destination, original: destination, port, user, localUser, home };
  const hostName = rawHostName ? expandTokens(rawHostName, tok0) : destination;
  const tok = { ...tok0, host: hostName };
  const path = (p: string): string => abs(expandTilde(expandTokens(p, tok), home));

  let identityFiles: IdentityFile[] = options.all('identityfile').map((v) => ({ path: path(v.args[0]!), source: v.source }));
  const defaultIdentities = identityFiles.length === 0 && !override?.inheritIdentities?.length;
  if (identityFiles.length === 0) {
    identityFiles = override?.inheritIdentities?.length
      ? override.inheritIdentities
      : DEFAULT_IDENTITIES.map((n) => ({ path: `${home}/.ssh/${n}`, source: 'default' }));
  }

  const agentOpt = options.get('identityagent');
  const agentSocket =
    agentOpt === undefined || agentOpt === 'SSH_AUTH_SOCK'
      ? str(env['SSH_AUTH_SOCK'])
      : agentOpt.toLowerCase() === 'none'
        ? undefined
        : agentOpt.startsWith('$')
          ? str(env[agentOpt.slice(1)])
          : path(agentOpt);

  const userFiles = options.entry('userknownhostsfile')?.args ?? ['~/.ssh/known_hosts', '~/.ssh/known_hosts2'];
  const userKnown = userFiles[0]?.toLowerCase() === 'none' ? [] : userFiles.map(path);
  const globalOpt = options.entry('globalknownhostsfile')?.args;
  const globalKnown = globalOpt ? (globalOpt[0]?.toLowerCase() === 'none' ? [] : globalOpt.map(path)) : (opts.globalKnownHostsFiles ?? DEFAULT_GLOBAL_KNOWN_HOSTS);
  const alias = options.get('hostkeyalias');
  const writeFile = userKnown[0] && userKnown[0] !== '/dev/null' ? userKnown[0] : undefined;
  const mode = resolveHostKeyMode({ cli: opts.hostKeyChecking, vars, env, options });

  const connectSeconds = opts.timeout ?? positiveInt(options.get('connecttimeout')) ?? 10;
  const aliveInterval = positiveInt(options.get('serveraliveinterval'));
  const aliveCount = positiveInt(options.get('serveralivecountmax'));
  const retries = positiveInt(str(vars['ansible_ssh_retries']));
  const none = (v: string | undefined): string | undefined => (v === undefined || v.toLowerCase() === 'none' ? undefined : v);
  const proxyJump = none(options.get('proxyjump'));
  const proxyCommand = none(options.get('proxycommand'));

  const passwordVar = opts.password;
  const passphraseVar = str(vars['ansible_ssh_private_key_passphrase']);
  const target: SshTarget = {
    inventoryHost: host,
    destination,
    hostName,
    port,
    user,
    identityFiles,
    defaultIdentities,
    identitiesOnly: yesNo(options.get('identitiesonly')) ?? false,
    connectTimeoutMs: connectSeconds * 1000,
    keepaliveIntervalMs: opts.keepaliveIntervalMs ?? (aliveInterval ? aliveInterval * 1000 : 2000),
    keepaliveCountMax: opts.keepaliveCountMax ?? aliveCount ?? 3,
    hostKey: {
      mode: mode.mode,
      modeSource: mode.source,
      readFiles: [...userKnown, ...globalKnown],
      ...(writeFile ? { writeFile } : {}),
      hash: yesNo(options.get('hashknownhosts')) ?? false,
      names: alias ? [alias] : [knownHostsName(hostName.toLowerCase(), port)],
    },
    attempts: opts.connectAttempts ?? (retries !== undefined ? retries + 1 : 3),
    retryDelayMs: opts.retryDelayMs ?? 250,
    configFiles,
    control: {},
  };
  const master = options.entry('controlmaster');
  const persist = options.entry('controlpersist');
  if (master) target.control.master = master.args[0]!;
  if (persist) target.control.persist = persist.args[0]!;
  const src = persist?.source ?? master?.source;
  if (src) target.control.source = src;
  if (agentSocket) target.agentSocket = agentSocket;
  if (!override && passwordVar !== undefined) target.password = passwordVar;
  const passphrase = opts.privateKeyPassphrase ?? passphraseVar;
  if (passphrase !== undefined) target.passphrase = passphrase;
  // ssh: of ProxyJump and ProxyCommand, whichever was obtained first wins.
  if (proxyJump && (!proxyCommand || options.entry('proxyjump')!.order < options.entry('proxycommand')!.order)) {
    target.proxyJump = proxyJump;
  } else if (proxyCommand) {
    target.proxyCommand = expandTokens(proxyCommand, tok);
  }
  return target;
}

/** One hop of a ProxyJump list: `[user@]host[:port]` (or ssh://user@host:port). */
export function parseJumpHop(spec: string): { destination: string; user?: string; port?: number } {
  let s = spec.trim().replace(/^ssh:\/\//, '');
  let user: string | undefined;
  const at = s.lastIndexOf('@');
  if (at >= 0) {
    user = s.slice(0, at);
    s = s.slice(at + 1);
  }
  let port: number | undefined;
  const m = /^\[(.+)\](?::(\d+))?$/.exec(s) ?? /^([^:]+)(?::(\d+))?$/.exec(s);
  let destination = s;
  if (m) {
    destination = m[1]!;
    if (m[2]) port = Number(m[2]);
  }
  return { destination, ...(user ? { user } : {}), ...(port ? { port } : {}) };
}
