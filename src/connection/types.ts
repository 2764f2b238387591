/**
 * The transport contract every connection (local, ssh) implements.
 *
 * Designed for one long-lived shell per host: `exec` may be called many times concurrently;
 * the implementation writes commands to its shell in call order and answers each when its end
 * marker arrives, so several read-only checks can be in flight without waiting for each other.
 */

/** How to gain privileges for a command (Ansible's become). */
export interface BecomeSpec {
  method: 'sudo' | 'su';
  /** Target user, default root. */
  user: string;
  /** Password for sudo/su, asked once by the CLI (-K) and reused for every host. */
  password?: string;
  /** Extra flags for the become method (ansible_become_flags). */
  flags?: string;
}

export interface ExecOptions {
  /** Data written to the command's standard input. */
  stdin?: string | Buffer;
  /** Fail with CommandTimeoutError after this many milliseconds (the host stays usable). */
  timeoutMs?: number;
  /** Environment variables set for this command only. */
  env?: Record<string, string>;
  /** Working directory for this command. */
  cwd?: string;
  /** Run with privileges. `false` or absent: as the connection user. */
  become?: BecomeSpec | false;
}

export interface ExecResult {
  /** Exit status (128+N when killed by signal N). */
  rc: number;
  stdout: string;
  stderr: string;
}

export interface ConnectionOptions {
  /** Inventory hostname (for messages). */
  host: string;
  /** Address to connect to (ansible_host), defaults to host. */
  address?: string;
  port?: number;
  user?: string;
  password?: string;
  privateKeyFile?: string;
  /** Connect timeout in seconds (-T). */
  timeout?: number;
  /**
   * Host key checking of the run (--host-key-checking): strict refuses unknown keys,
   * accept-new records them, off checks nothing. Host vars (ansible_host_key_checking) win.
   */
  hostKeyChecking?: 'strict' | 'accept-new' | 'off';
  /**
   * Keep the SSH connection open this many seconds after the run for the next one, in the
   * connection keeper (Ansible's ControlPersist). 0 turns it off. Default: the host's ssh
   * args (ControlPersist, Ansible's default 60 s), or K8SPLAY_CONTROL_PERSIST. Connection
   * types without a keeper ignore it.
   */
  controlPersist?: number;
  /**
   * Directory of the connection keeper's socket (Ansible's control_path_dir). Default
   * K8SPLAY_CONTROL_PATH_DIR, ANSIBLE_SSH_CONTROL_PATH_DIR, else ~/.k8splay/cp.
   */
  controlPathDir?: string;
  /** Everything else the inventory said about this host (ansible_* connection vars). */
  vars?: Record<string, unknown>;
}

/**
 * A connection to one host. Implementations: `local` (a long-lived local shell) and `ssh`.
 * All methods may reject with ConnectionError (host unreachable or dropped) and
 * CommandTimeoutError (exec took longer than its timeout).
 */
export interface Connection {
  /** 'local', 'ssh', ... */
  readonly kind: string;
  /** Inventory hostname. */
  readonly host: string;
  /** Open the transport. Idempotent. */
  connect(): Promise<void>;
  /** Run a POSIX shell command line. Never rejects on a non-zero exit status. */
  exec(command: string, opts?: ExecOptions): Promise<ExecResult>;
  /** Read a whole file as bytes, or null when it does not exist. */
  get(path: string, opts?: { become?: BecomeSpec | false }): Promise<Buffer | null>;
  /** Close everything (idle shells may be parked, see CloseOptions). Idempotent. */
  close(opts?: CloseOptions): Promise<void>;
  /**
   * What the user should know about how the connection was made (no keeper: connected
   * directly; a host key that could not be recorded); the engine shows each once, as a warning.
   */
  readonly warnings?: string[];
  /**
   * True once this connection's shell turned out to be one kept from an earlier run (the
   * keeper's parking: kept only where that run changed nothing), so this run likely changes
   * nothing either: the executor then reads the next tasks ahead right after fact gathering.
   */
  readonly resumed?: boolean;
}

/** How a connection is closed (Connection.close). */
export interface CloseOptions {
  /**
   * The run changed nothing on this host (no change, failure or command task): its idle
   * shells may be kept for the next run (by the connection keeper) instead of ended, so that
   * run starts none. Default false. Connections that cannot keep shells ignore it.
   */
  park?: boolean;
}

/** Builds a connection for a host from its variables. */
export type ConnectionFactory = (opts: ConnectionOptions) => Connection;
