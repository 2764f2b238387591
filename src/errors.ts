/**
 * One error tree for k8splay. Every error a user can cause carries where it came from
 * (file:line:column when there is one) so the CLI can print it without a stack trace.
 *
 * Exit codes follow ansible-playbook: input errors exit 1, bad options 5.
 */

/** A position in a user's file (1-based line and column). */
export interface SourceLocation {
  file: string;
  line?: number;
  column?: number;
}

export function formatLocation(loc: SourceLocation | undefined): string {
  if (!loc) return '';
  let s = loc.file;
  if (loc.line !== undefined) s += `:${loc.line}`;
  if (loc.line !== undefined && loc.column !== undefined) s += `:${loc.column}`;
  return s;
}

export interface K8splayErrorOptions {
  location?: SourceLocation;
  cause?: unknown;
  /** Extra lines shown under the message (hints, the offending source line). */
  details?: string[];
}

/** Base of every error k8splay throws on purpose. */
export class K8splayError extends Error {
  /** Stable machine-readable code, e.g. 'INVENTORY', 'PLAYBOOK', 'MODULE_ARGS'. */
  readonly code: string;
  readonly location?: SourceLocation;
  readonly details: string[];
  /** True when the user can fix it (printed without a stack trace). */
  readonly userError: boolean = true;

  constructor(code: string, message: string, opts: K8splayErrorOptions = {}) {
    super(message, opts.cause !== undefined ? { cause: opts.cause } : undefined);
    this.name = new.target.name;
    this.code = code;
    if (opts.location) this.location = opts.location;
    this.details = opts.details ?? [];
  }

  /** Message with its location, e.g. "unknown module 'sysctll' at playbooks/x.yml:12:7". */
  describe(): string {
    const where = formatLocation(this.location);
    const head = where && !this.message.includes(where) ? `${this.message} at ${where}` : this.message;
    return [head, ...this.details].join('\n');
  }
}

/** Something wrong in what the user wrote: nothing has run. Exit code 1. */
export class InputError extends K8splayError {
  constructor(message: string, opts: K8splayErrorOptions = {}, code = 'INPUT') {
    super(code, message, opts);
  }
}

export class InventoryError extends InputError {
  constructor(message: string, opts: K8splayErrorOptions = {}) {
    super(message, opts, 'INVENTORY');
  }
}

export class PlaybookError extends InputError {
  constructor(message: string, opts: K8splayErrorOptions = {}) {
    super(message, opts, 'PLAYBOOK');
  }
}

/** A module argument that does not satisfy the module's schema. */
export class ModuleArgsError extends InputError {
  constructor(message: string, opts: K8splayErrorOptions = {}) {
    super(message, opts, 'MODULE_ARGS');
  }
}

/** A module that cannot be loaded, or two modules with one name. */
export class ModuleLoadError extends InputError {
  constructor(message: string, opts: K8splayErrorOptions = {}) {
    super(message, opts, 'MODULE_LOAD');
  }
}

/** A bad command-line option. Exit code 5, as ansible-playbook. */
export class OptionsError extends K8splayError {
  constructor(message: string, opts: K8splayErrorOptions = {}) {
    super('OPTIONS', message, opts);
  }
}

/** A template that cannot be rendered (undefined variable, syntax error). Fails the task. */
export class TemplateError extends K8splayError {
  constructor(message: string, opts: K8splayErrorOptions = {}) {
    super('TEMPLATE', message, opts);
  }
}

/** The host cannot be reached or dropped: reported as UNREACHABLE, not failed. */
export class ConnectionError extends K8splayError {
  readonly host: string;
  constructor(host: string, message: string, opts: K8splayErrorOptions = {}) {
    super('UNREACHABLE', message, opts);
    this.host = host;
  }
}

/** A command that ran longer than its timeout. The task fails; the host stays reachable. */
export class CommandTimeoutError extends K8splayError {
  readonly command: string;
  readonly timeoutMs: number;
  constructor(command: string, timeoutMs: number, opts: K8splayErrorOptions = {}) {
    super('COMMAND_TIMEOUT', `command timed out after ${timeoutMs / 1000}s`, opts);
    this.command = command;
    this.timeoutMs = timeoutMs;
  }
}

/**
 * Privilege escalation failed (wrong or missing become password, sudo/su missing or refusing,
 * no answer from the prompt). The task fails; the host stays reachable, as in Ansible.
 */
export class BecomeError extends K8splayError {
  readonly host: string;
  constructor(host: string, message: string, opts: K8splayErrorOptions = {}) {
    super('BECOME', message, opts);
    this.host = host;
  }
}

/**
 * A module says the task failed. `data` becomes the task's result (rc, stdout, stderr, cmd...),
 * the way Ansible modules return `failed: true` with their return values.
 */
export class ModuleFailure extends K8splayError {
  readonly data: Record<string, unknown>;
  constructor(message: string, data: Record<string, unknown> = {}, opts: K8splayErrorOptions = {}) {
    super('MODULE_FAILED', message, opts);
    this.data = data;
  }
}

/** The run was interrupted (Ctrl-C). Exit 99. */
export class InterruptedError extends K8splayError {
  constructor(message = 'interrupted by user') {
    super('INTERRUPTED', message);
  }
}

export function isK8splayError(e: unknown): e is K8splayError {
  return e instanceof K8splayError;
}

/** A plain message for any thrown value. */
export function errorMessage(e: unknown): string {
  if (e instanceof K8splayError) return e.describe();
  if (e instanceof Error) return e.message;
  return String(e);
}
