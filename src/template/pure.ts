/**
 * Rendering that cannot change anything: the engine renders a task's arguments ahead of its
 * turn (src/executor/lookahead.ts) and must leave no trace when it does; and it must know when
 * a template has changed a value since (templateChanges). Templates can change
 * lists and dicts in place (`l.append(x)`, `d.update(...)`, Python's methods in py-methods.ts);
 * under renderPurely such a method throws instead of changing its value, and renderPurely
 * fails even when the template caught that error.
 */
import { TemplateFault } from './runtime-error.js';

let depth = 0;
let refused = 0;
let changes = 0;

/** The error a changing method raises under renderPurely. */
export class ImpureTemplate extends TemplateFault {
  constructor(method: string) {
    super(`'${method}' may change something, which rendering ahead of time may not do`, 'other');
  }
}

/** Called by a method that changes its value, before it does: throws under renderPurely. */
export function assertMayChange(method: string): void {
  if (depth > 0) {
    refused++;
    throw new ImpureTemplate(method);
  }
  changes++;
}

/**
 * Called by what may act outside the template (a caller's own lookup plugin: it may run a
 * command): refused under renderPurely, as nothing proves it changes nothing.
 */
export function assertMayAct(what: string): void {
  if (depth > 0) {
    refused++;
    throw new ImpureTemplate(what);
  }
}

/**
 * How many times a template changed a value in place so far (l.append...): what was rendered
 * before may differ if rendered again.
 */
export function templateChanges(): number {
  return changes;
}

/**
 * Run `fn` (synchronous renders) with every value-changing method refused. Throws
 * ImpureTemplate when one was called, whatever `fn` did with the error.
 */
export function renderPurely<T>(fn: () => T): T {
  const before = refused;
  depth++;
  let out: T;
  try {
    out = fn();
  } finally {
    depth--;
  }
  if (refused !== before) throw new ImpureTemplate('(caught)');
  return out;
}
