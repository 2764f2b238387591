/** The options of the ssh transport: ConnectionOptions plus what tests and the CLI may set. */
import type { ConnectionOptions } from '../types.js';

export interface SshConnectionOptions extends ConnectionOptions {
  /**
   * ssh_config files read in order when the ssh args carry no `-F` (default: ~/.ssh/config,
   * then /etc/ssh/ssh_config). `[]` reads none.
   */
  configFiles?: string[];
  /** Global known hosts files when GlobalKnownHostsFile is not set (default /etc/ssh/ssh_known_hosts{,2}). */
  globalKnownHostsFiles?: string[];
  /** Home directory for `~`, %d and the default files (default: the controller user's). */
  homeDir?: string;
  /** Local user name (default user, %u; default: the controller user). */
  localUser?: string;
  /** Environment read for SSH_AUTH_SOCK and ANSIBLE_HOST_KEY_CHECKING (default process.env). */
  env?: NodeJS.ProcessEnv;
  /**
   * Passphrase of encrypted private keys: one string for all, or asked per key file (the CLI
   * prompts). Host var ansible_ssh_private_key_passphrase is read too.
   */
  privateKeyPassphrase?: string | ((keyFile: string) => Promise<string | undefined>);
  /** Connect attempts in total for transient failures (refused, reset, timeout). Default 3, or ansible_ssh_retries + 1. */
  connectAttempts?: number;
  /** Delay before the first retry in ms, doubled for each next one. Default 250. */
  retryDelayMs?: number;
  /** Keepalive period in ms (default: ServerAliveInterval, else 2000). */
  keepaliveIntervalMs?: number;
  /** Unanswered keepalives before the host counts as gone (default: ServerAliveCountMax, else 3). */
  keepaliveCountMax?: number;
  /**
   * Directory a ProxyCommand runs in and relative key, known_hosts and config files are
   * resolved against (default: this process's). The connection keeper runs elsewhere: it gets
   * the run's directory here.
   */
  cwd?: string;
  /**
   * Environment a ProxyCommand runs with (default: this process's). The connection keeper's
   * is another's (a warm engine's run swaps it meanwhile): it gets the run's here.
   */
  commandEnv?: NodeJS.ProcessEnv;
  /** The POSIX shell run on the host (default vars.ansible_shell_executable or /bin/sh). */
  shell?: string;
  /** ssh2 debug output (very verbose). */
  debug?: (line: string) => void;
}
