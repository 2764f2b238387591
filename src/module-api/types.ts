/**
 * The module API: a module reads state (`gather`), computes what must change (`diff`, pure),
 * and changes the host (`apply`). The engine, not the module, implements check mode
 * (stop after `diff`), diff mode (show the plan's before/after), changed_when/failed_when,
 * register, retries and no_log. Built-in modules use exactly this API.
 */
import type { ExecOptions, ExecResult, BecomeSpec } from '../connection/types.js';

/** A JSON Schema for a module's arguments (draft-07 subset understood by ajv). */
export type JsonSchema = Record<string, unknown> & {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
};

/** What a file looks like before and after a change, shown as a unified diff under -D. */
export interface FileDiff {
  /** Name shown in the diff header (usually the path). */
  path: string;
  before: string;
  after: string;
  /** Optional headers, as Ansible's before_header/after_header. */
  beforeHeader?: string;
  afterHeader?: string;
  /**
   * Set when no text diff can be shown (binary file, too large): the reason, e.g.
   * "destination file appears to be binary", printed as Ansible's "diff skipped: <reason>".
   */
  skipReason?: string;
}

/** The pure result of comparing wanted state with observed state. */
export interface Plan<C = unknown> {
  /** What `apply` will do. Empty means the host is already right: the task is "ok". */
  changes: C[];
  /** Before/after texts for diff mode. */
  diff?: FileDiff[];
  /** Return values known without applying (merged into the task's result). */
  result?: Record<string, unknown>;
  /** Human message for the result. */
  msg?: string;
  /**
   * What check mode does with this plan:
   * - 'predict' (default): report "changed" when there are changes, apply nothing;
   * - 'skip': the outcome cannot be predicted (e.g. `command`): the task is skipped;
   * - 'run': apply is read-only and safe, run it even in check mode.
   */
  check?: 'predict' | 'skip' | 'run';
  /** Warnings to show for this host and task. */
  warnings?: string[];
  /**
   * Report the task as skipped with this reason and apply nothing (e.g. debug's
   * "Verbosity threshold not met."). `result` is still merged into the task result.
   */
  skip?: string;
}

/** Status of a file on the host. */
export interface FileStat {
  exists: boolean;
  type?: 'file' | 'directory' | 'link' | 'other';
  /** Octal permission bits, e.g. '0644'. */
  mode?: string;
  owner?: string;
  group?: string;
  uid?: number;
  gid?: number;
  size?: number;
  /** For links: where it points. */
  linkTarget?: string;
}

export interface WriteFileOptions {
  /** Octal string ('0644', '644') or number; default: keep the existing file's, else 0644 under umask. */
  mode?: string | number;
  owner?: string;
  group?: string;
  /** Keep a timestamped copy of the old file (Ansible's `backup: true`). */
  backup?: boolean;
}

export interface WriteFileResult {
  /** Path of the backup copy when one was made. */
  backupFile?: string;
}

export interface CommandOptions extends ExecOptions {
  /** Throw ModuleFailure (with cmd, rc, stdout, stderr) when the exit status is not 0. */
  check?: boolean;
}

/** Host information a module may read. */
export interface HostInfo {
  /** Inventory hostname. */
  name: string;
  /** All variables of the host as seen by this task (templated lazily). */
  vars: Readonly<Record<string, unknown>>;
}

/** What a module may use while reading state. Nothing here changes the host. */
export interface GatherContext {
  host: HostInfo;
  /** Facts gathered for this host (empty when gather_facts is off). */
  facts: Readonly<Record<string, unknown>>;
  /** True under -C: apply will not be called unless the plan says check: 'run'. */
  checkMode: boolean;
  /** True under -D. */
  diffMode: boolean;
  /** Privileges the task runs with, if any (already applied by run/readFile). */
  become: BecomeSpec | false;
  /** Run a shell command line on the host (read-only use in gather). */
  run(command: string | string[], opts?: CommandOptions): Promise<ExecResult>;
  /** A file's text, or null when it does not exist. */
  readFile(path: string): Promise<string | null>;
  stat(path: string): Promise<FileStat>;
  /** Quote one argument for a POSIX shell. */
  quote(arg: string): string;
  /** Files on the controller, resolved relative to the playbook's directory. */
  controller: {
    readFile(path: string): Promise<Buffer>;
    resolve(path: string): string;
  };
  warn(message: string): void;
  /**
   * Evaluate a Jinja2 expression (no braces, e.g. `x.y | length > 2`) with this host's
   * variables. Throws TemplateError (message containing "undefined") for an undefined
   * variable. Used by debug (var), assert (that). Absent outside a playbook run.
   */
  evaluate?(expr: string): unknown;
  /** The run's -v count (debug's `verbosity`). Default 0. */
  verbosity?: number;
}

/** What a module may use while changing the host. The only place a host is mutated. */
export interface ApplyContext extends GatherContext {
  /** Write a file atomically: temp file in the same directory, fsync, owner/mode kept, rename. */
  writeFile(path: string, content: string | Buffer, opts?: WriteFileOptions): Promise<WriteFileResult>;
}

/** Where a module runs: on the target through its connection, or only on the controller. */
export type ModuleTarget = 'host' | 'controller';

/**
 * A module definition. `A` is the validated argument object (aliases resolved, defaults
 * applied), `S` the observed state, `C` one planned change.
 *
 * @example
 * ```ts
 * import { defineModule } from 'k8splay';
 * export default defineModule({
 *   name: 'motd',
 *   description: 'Set the message of the day',
 *   schema: { type: 'object', properties: { text: { type: 'string' } }, required: ['text'] },
 *   gather: (ctx) => ctx.readFile('/etc/motd'),
 *   diff: (args, current) =>
 *     current === args.text ? { changes: [] }
 *       : { changes: ['write'], diff: [{ path: '/etc/motd', before: current ?? '', after: args.text }] },
 *   apply: async (ctx, args) => { await ctx.writeFile('/etc/motd', args.text); return {}; },
 * });
 * ```
 */
export interface ModuleDefinition<A = any, S = any, C = any> {
  name: string;
  description: string;
  /**
   * JSON Schema of the arguments. Use `x-aliases: [...]` on a property for Ansible's aliases.
   * Arguments not listed in `properties` are rejected (Ansible's "Unsupported parameters")
   * unless the schema sets `additionalProperties`. Values are converted as Ansible does before
   * the check ('yes' -> true for booleans, '8' -> 8 for integers, 'a,b' -> ['a','b'] for lists,
   * 8 -> '8' for strings); declare `type: ['string', 'integer']` where both are meaningful (a
   * file mode: YAML 1.1 reads `0644` as the integer 420, as Ansible does).
   */
  schema: JsonSchema;
  /** Default 'host'. Controller modules (debug, set_fact, assert, fail) never touch the host. */
  target?: ModuleTarget;
  /** Names of arguments never shown in output (passwords), like Ansible's no_log on a parameter. */
  secretArgs?: string[];
  /**
   * Accept Ansible's free-form shorthand: `command: ls -l` becomes `{ [freeForm]: 'ls -l' }`,
   * and `k=v` words in a string are parsed into arguments.
   */
  freeForm?: string;
  /**
   * Read the current state. Must not change the host: the engine may call it ahead of the
   * task's turn, pipelined behind the running task, and use the result only if nothing changed
   * meanwhile (see the README's read-ahead; K8SPLAY_READ_AHEAD=0 turns it off).
   */
  gather?(ctx: GatherContext, args: A): Promise<S>;
  /** Compare wanted with observed state. Pure; may throw ModuleFailure. */
  diff(args: A, state: S, ctx: GatherContext): Plan<C>;
  /** Make the changes. Returns extra return values for the task result. */
  apply?(ctx: ApplyContext, args: A, plan: Plan<C>, state: S): Promise<Record<string, unknown> | void>;
}

/** A module together with where it was loaded from (for clash messages). */
export interface LoadedModule {
  definition: ModuleDefinition;
  /** 'built-in', a file path, a package name, or 'run({ modules })'. */
  source: string;
}
