/**
 * A boolean environment variable as Ansible reads one: unset or empty is undefined; 0, no, n,
 * false and off (any case, spaces around) are false; anything else is true.
 */
export function envBool(v: string | undefined): boolean | undefined {
  if (v === undefined || v === '') return undefined;
  return !['0', 'no', 'n', 'false', 'off'].includes(v.trim().toLowerCase());
}
