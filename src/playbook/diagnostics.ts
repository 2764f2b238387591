/**
 * Collecting errors instead of stopping at the first, so one run shows everything to fix.
 */
import { K8splayError, PlaybookError, formatLocation, type SourceLocation } from '../errors.js';

/**
 * Errors reported at once: the message lists each on its own line; `errors` holds each one
 * with its own location. With a single error it reads (and is located) as that error.
 */
export class PlaybookErrorList extends PlaybookError {
  readonly errors: K8splayError[];
  constructor(errors: K8splayError[]) {
    const one = errors.length === 1 ? errors[0]! : undefined;
    const lines = errors.map((e) => '  - ' + e.describe().split('\n').join('\n    '));
    super(one ? one.message : `${errors.length} errors found:\n${lines.join('\n')}`, one ? {
      ...(one.location ? { location: one.location } : {}), details: [...one.details], cause: one,
    } : {});
    this.errors = errors;
  }
}

/** "message at file:line:col" followed by an optional tail (", did you mean 'x'?"). */
export function located(message: string, loc: SourceLocation | undefined, tail = ''): string {
  const where = formatLocation(loc);
  return where ? `${message} at ${where}${tail}` : `${message}${tail}`;
}

export class Diagnostics {
  readonly errors: K8splayError[] = [];

  /** Record an error; a PlaybookErrorList is flattened into its parts. */
  add(e: K8splayError): void {
    if (e instanceof PlaybookErrorList) this.errors.push(...e.errors);
    else this.errors.push(e);
  }

  /** Record a PlaybookError "message at loc tail". */
  error(message: string, loc: SourceLocation | undefined, tail = ''): void {
    this.errors.push(new PlaybookError(located(message, loc, tail), loc ? { location: loc } : {}));
  }

  /** Run `fn`, recording a K8splayError it throws instead of propagating it. */
  guard<T>(fn: () => T): T | undefined {
    try {
      return fn();
    } catch (e) {
      if (e instanceof K8splayError) { this.add(e); return undefined; }
      throw e;
    }
  }

  get count(): number {
    return this.errors.length;
  }

  /**
   * Throw what was collected: a single PlaybookError as it is, anything else (several errors,
   * or one of another class) as a PlaybookErrorList.
   */
  throwIfAny(): void {
    if (this.errors.length === 0) return;
    const [only] = this.errors;
    if (this.errors.length === 1 && only instanceof PlaybookError) throw only;
    throw new PlaybookErrorList(this.errors);
  }
}
