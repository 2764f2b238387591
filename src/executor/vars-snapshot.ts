/**
 * Telling whether a host's variables object (runtimeVars: registered results, set_fact) was
 * changed since a moment, without copying the values: its entries then, compared by identity.
 */

/** A variables object's entries at one moment. */
export type VarsSnapshot = Array<[string, unknown]>;

/** The entries of `vars` now, for sameVars() later. */
export function snapshotVars(vars: Record<string, unknown>): VarsSnapshot {
  return Object.entries(vars);
}

/** Whether `now` holds exactly the names of `before`, each with the identical value. */
export function sameVars(before: VarsSnapshot, now: Record<string, unknown>): boolean {
  let n = 0;
  for (const k in now) n++;
  if (n !== before.length) return false;
  for (const [k, v] of before) if (!Object.is(now[k], v) || !Object.prototype.hasOwnProperty.call(now, k)) return false;
  return true;
}
