/** Errors of the sandbox harness (disposable local hosts). */
import { K8splayError, type K8splayErrorOptions } from '../errors.js';

/**
 * The sandbox cannot run here (missing root, tool or kernel feature) or one of its steps
 * failed. User-fixable: the message says what to install or what went wrong.
 */
export class SandboxError extends K8splayError {
  constructor(message: string, opts: K8splayErrorOptions = {}) {
    super('SANDBOX', message, opts);
  }
}
