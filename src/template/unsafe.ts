/**
 * Values that are never templated again, like Ansible's AnsibleUnsafe: module results,
 * registered variables and facts may contain "{{" (a command's output, a file's text) that
 * must stay literal. Marking also makes lookups of big results free (no scan for templates).
 */

const unsafeValues = new WeakSet<object>();

/**
 * Mark an object or array (and everything inside it) as data: it is never rendered when a
 * template reads it. Returns the same value. Strings cannot be marked: wrap them in an object
 * (for example a registered result) instead.
 */
export function markUnsafe<T>(value: T): T {
  if (value !== null && typeof value === 'object') unsafeValues.add(value as object);
  return value;
}

/** True when `value` was marked with markUnsafe. */
export function isUnsafe(value: unknown): boolean {
  return value !== null && typeof value === 'object' && unsafeValues.has(value as object);
}
