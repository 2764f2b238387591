/**
 * The 'ssh' transport: SshConnection and the pieces it is built from (ssh config, known
 * hosts, host key checking modes).
 */
export { SshConnection } from './ssh-connection.js';
export type { SshConnectionOptions } from './options.js';
export { resolveTarget, parseJumpHop, type SshTarget, type HostKeyPolicy, type IdentityFile } from './settings.js';
export { resolveHostKeyMode, ansibleBool, type HostKeyChecking, type HostKeyMode } from './host-key-mode.js';
export {
  parseKnownHosts, readKnownHosts, checkHostKey, fingerprint, hashHostName, knownHostsName, formatKnownHostLine,
  type KnownHostLine, type HostKeyVerdict,
} from './known-hosts.js';
export { appendKnownHost } from './known-hosts-writer.js';
export { applyConfigFile, splitConfigLine } from './ssh-config.js';
export { applySshArgs } from './ssh-args.js';
export { OptionSet } from './option-set.js';
