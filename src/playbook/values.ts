/**
 * Keyword values in the model's shapes. Types were checked against the schema first, so these
 * only convert (Ansible's boolean words, comma-separated tags, one condition or a list).
 */
import { isTemplated } from '../module-api/templated.js';

const TRUE_WORDS = new Set(['yes', 'on', 'true', 'y', 't', '1']);
const FALSE_WORDS = new Set(['no', 'off', 'false', 'n', 'f', '0']);

/** Ansible's boolean(): true/false, the words yes/no/on/off/true/false/y/n/t/f/1/0. */
export function parseBool(value: unknown): boolean | undefined {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'number') return value === 1 ? true : value === 0 ? false : undefined;
  if (typeof value === 'string') {
    const w = value.trim().toLowerCase();
    if (TRUE_WORDS.has(w)) return true;
    if (FALSE_WORDS.has(w)) return false;
  }
  return undefined;
}

/** A boolean, or the template string itself (rendered per host at run time). */
export function boolOrTemplate(value: unknown): boolean | string | undefined {
  if (isTemplated(value)) return value;
  return parseBool(value);
}

/** Tags: a list, or a string of comma-separated tags. */
export function tagList(value: unknown): string[] {
  if (value === null || value === undefined) return [];
  const items = Array.isArray(value) ? value : [value];
  const out: string[] = [];
  for (const item of items) {
    for (const t of String(item).split(',')) {
      const tag = t.trim();
      if (tag && !out.includes(tag)) out.push(tag);
    }
  }
  return out;
}

/** A string or a list of strings (notify, listen, gather_subset). */
export function stringList(value: unknown): string[] {
  if (value === null || value === undefined) return [];
  return (Array.isArray(value) ? value : [value]).map((v) => String(v));
}

/** `when`-style conditions: one expression or boolean, or a list of them. */
export function conditionList(value: unknown): Array<string | boolean> {
  if (value === null || value === undefined) return [];
  return (Array.isArray(value) ? value : [value]).map((v) => (typeof v === 'boolean' ? v : String(v)));
}

/** An integer, or the template string. */
export function intOrTemplate(value: unknown): number | string | undefined {
  if (isTemplated(value)) return value;
  if (typeof value === 'number') return value;
  if (typeof value === 'string' && value.trim() !== '') return Number(value.trim());
  return undefined;
}

/** A scalar shown as text (names, users). */
export function text(value: unknown): string | undefined {
  return value === null || value === undefined ? undefined : String(value);
}

/** Mappings merged in order (Ansible accepts a list of mappings for vars and environment). */
export function mergedMapping(value: unknown): Record<string, unknown> | undefined {
  if (value === null || value === undefined) return undefined;
  const parts = Array.isArray(value) ? value : [value];
  const out: Record<string, unknown> = {};
  for (const p of parts) if (p && typeof p === 'object') Object.assign(out, p);
  return out;
}
