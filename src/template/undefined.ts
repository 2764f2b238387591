/**
 * Jinja2's StrictUndefined as Ansible uses it (AnsibleUndefined): looking up a missing name or
 * attribute gives an Undefined value that only fails when it is used (printed, compared,
 * iterated, tested for truth). `is defined`, `default()` and `mandatory` inspect it without
 * failing, and attribute access on it returns itself so `a.b.c is defined` stays false.
 */
import { TemplateFault } from './runtime-error.js';

export class Undefined {
  constructor(
    /** Ansible's message, e.g. "'nope' is undefined". */
    readonly message: string,
    /** The missing name or attribute (used by `mandatory`). */
    readonly name?: string,
    /** Hint lines, or a function computing them (only called when the error is shown). */
    private readonly hints: string[] | (() => string[]) = [],
    /**
     * Jinja2's plain Undefined (an inline `if` without `else`): prints as nothing and is
     * false, instead of failing.
     */
    readonly soft = false,
  ) {}

  get details(): string[] {
    return typeof this.hints === 'function' ? this.hints() : this.hints;
  }

  /** Fail when JS code tries to turn it into a primitive by accident. */
  [Symbol.toPrimitive](): never {
    throw undefinedFault(this);
  }
}

export function isUndefined(v: unknown): v is Undefined {
  return v instanceof Undefined;
}

export function undefinedFault(u: Undefined): TemplateFault {
  return new TemplateFault(u.message, 'undefined', u.details);
}

/** Throw when `v` is Undefined; return it otherwise. */
export function defined<T>(v: T): Exclude<T, Undefined> {
  if (v instanceof Undefined) throw undefinedFault(v);
  return v as Exclude<T, Undefined>;
}
