/**
 * Ansible's `omit`: a placeholder string that, as the whole value of a module argument
 * (`mode: "{{ m | default(omit) }}"`), means "leave this argument out". Like Ansible it is a
 * string with a random part, so it survives being passed through filters and variables.
 */
import { randomBytes } from 'node:crypto';

/** The placeholder that `{{ omit }}` renders to. Compare with `===`. */
export const OMIT: string = `__omit_place_holder__${randomBytes(20).toString('hex')}`;

/**
 * Drop mapping keys and list items whose value is OMIT, recursively (Ansible's remove_omit
 * on module arguments). Returns new containers; other values are returned as they are.
 */
export function removeOmitted<T>(value: T): T {
  if (Array.isArray(value)) {
    return value.filter((v) => v !== OMIT).map((v) => removeOmitted(v)) as T;
  }
  if (value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) if (v !== OMIT) out[k] = removeOmitted(v);
    return out as T;
  }
  return value;
}
