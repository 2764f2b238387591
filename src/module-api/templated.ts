/** True for a string that still holds a Jinja2 expression or statement (Ansible's is_template). */
export function isTemplated(value: unknown): value is string {
  return typeof value === 'string' && (value.includes('{{') || value.includes('{%'));
}

/** True when `value` or anything inside it is still a template. */
export function containsTemplate(value: unknown): boolean {
  if (isTemplated(value)) return true;
  if (Array.isArray(value)) return value.some(containsTemplate);
  if (value && typeof value === 'object') return Object.values(value).some(containsTemplate);
  return false;
}
