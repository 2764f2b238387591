/**
 * Options and results of a run: the contract between the CLI, `run()` and the executor.
 */
import type { ModuleDefinition } from '../module-api/types.js';
import type { ConnectionFactory } from '../connection/types.js';
import type { HostStats, TaskResult, TaskInfo, PlayInfo } from '../events/types.js';
import type { RunEventBus } from '../events/bus.js';

export interface RunOptions {
  /** Playbook path. */
  playbook: string;
  /** Inventory sources (-i): INI files, directories, or a comma-separated host list "a,b,". */
  inventory?: string[];
  /** --limit pattern. */
  limit?: string;
  /** -t / --tags */
  tags?: string[];
  /** --skip-tags */
  skipTags?: string[];
  /** -C / --check */
  check?: boolean;
  /** -D / --diff */
  diff?: boolean;
  /** -e values, already parsed and merged in order. */
  extraVars?: Record<string, unknown>;
  /** -f / --forks; default 50. */
  forks?: number;
  /** -u / --user */
  user?: string;
  /** --private-key */
  privateKeyFile?: string;
  /** -k: connection password. */
  connectionPassword?: string;
  /** -b / --become */
  become?: boolean;
  becomeUser?: string;
  becomeMethod?: 'sudo' | 'su';
  /** -K: become password. */
  becomePassword?: string;
  /** -c / --connection: default connection type ('ssh' unless the host says otherwise). */
  connection?: string;
  /** -T / --timeout: connect timeout in seconds (default 10). */
  timeout?: number;
  /**
   * --host-key-checking: strict (unknown ssh host keys refused, the default), accept-new
   * (recorded in known_hosts) or off. ansible_host_key_checking on a host wins.
   */
  hostKeyChecking?: 'strict' | 'accept-new' | 'off';
  /** --task-timeout: default time limit of every task, seconds (0 = none). */
  taskTimeout?: number;
  /** --start-at-task NAME */
  startAtTask?: string;
  /** -v count. */
  verbosity?: number;
  /** Extra modules (a name clash with a built-in is an error). */
  modules?: ModuleDefinition[];
  /** --plugin packages to load modules from. */
  plugins?: string[];
  /** Event bus to emit on; one is created when absent. */
  events?: RunEventBus;
  /** Connection factories by type, overriding or adding to the built-in ones. */
  connections?: Record<string, ConnectionFactory>;
  /** Abort signal: stops cleanly after the running commands (exit 99). */
  signal?: AbortSignal;
  /** Working directory for relative paths (default process.cwd()). */
  cwd?: string;
  /**
   * Variables forced per host above everything else, extra vars included. The sandbox uses it
   * so that no group_vars/host_vars file can point a rehearsal at a real address.
   */
  hostOverrides?: Record<string, Record<string, unknown>>;
}

/** One task's results across hosts, in the order the task ran. */
export interface TaskRecord {
  play: PlayInfo;
  task: TaskInfo;
  results: TaskResult[];
}

export interface RunResult {
  /** Ansible's exit code: 0 ok, 2 a host failed, 4 a host unreachable, 99 interrupted. */
  exitCode: number;
  /** PLAY RECAP numbers per host. */
  stats: Record<string, HostStats>;
  /** Every task's results, in order. */
  tasks: TaskRecord[];
  /** Hosts that failed or were unreachable. */
  failedHosts: string[];
  unreachableHosts: string[];
  interrupted: boolean;
  durationMs: number;
}
