/**
 * Ansible's conversions of module parameters to their declared types, applied before the schema
 * check: 'yes'/'no'/'true'/'1'... to booleans, numeric strings to numbers, a comma-separated
 * string to a list, numbers to strings. A value that fits none of its types is left alone (the
 * schema check then reports it). Templates are never touched.
 */
import type { JsonSchema } from './types.js';
import { isTemplated } from './templated.js';

const TRUE_WORDS = new Set(['y', 'yes', 'on', '1', 'true', 't']);
const FALSE_WORDS = new Set(['n', 'no', 'off', '0', 'false', 'f']);
const INT_RE = /^\s*[-+]?\d+\s*$/;
const NUM_RE = /^\s*[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?\s*$/;

const NONE = Symbol('no conversion');

function typesOf(schema: JsonSchema): string[] {
  const t = schema.type;
  return t === undefined ? [] : Array.isArray(t) ? t : [t];
}

function fits(type: string, v: unknown): boolean {
  switch (type) {
    case 'string': return typeof v === 'string';
    case 'boolean': return typeof v === 'boolean';
    case 'integer': return typeof v === 'number' && Number.isInteger(v);
    case 'number': return typeof v === 'number' && Number.isFinite(v);
    case 'array': return Array.isArray(v);
    case 'object': return v !== null && typeof v === 'object' && !Array.isArray(v);
    case 'null': return v === null;
    default: return false;
  }
}

function convert(type: string, v: unknown): unknown {
  switch (type) {
    case 'boolean':
      if (typeof v === 'string') {
        const w = v.trim().toLowerCase();
        if (TRUE_WORDS.has(w)) return true;
        if (FALSE_WORDS.has(w)) return false;
      }
      if (v === 1 || v === 0) return v === 1;
      return NONE;
    case 'integer':
      if (typeof v === 'string' && INT_RE.test(v)) return Number.parseInt(v, 10);
      return NONE;
    case 'number':
      if (typeof v === 'string' && NUM_RE.test(v)) return Number(v);
      return NONE;
    case 'string':
      if (typeof v === 'number' && Number.isFinite(v)) return String(v);
      return NONE;
    case 'array':
      if (typeof v === 'string') return v.trim() === '' ? [] : v.split(',').map((s) => s.trim());
      if (typeof v === 'number') return [String(v)];
      return NONE;
    default:
      return NONE;
  }
}

/** Convert `value` towards `schema`'s type, recursing into object properties and array items. */
export function coerceValue(value: unknown, schema: JsonSchema | undefined, skipTemplates: boolean): unknown {
  if (!schema || typeof schema !== 'object') return value;
  if (skipTemplates && isTemplated(value)) return value;
  const types = typesOf(schema);
  let v = value;
  if (types.length && !types.some((t) => fits(t, v))) {
    for (const t of types) {
      const c = convert(t, v);
      if (c !== NONE) { v = c; break; }
    }
  }
  if (Array.isArray(v) && schema['items'] && typeof schema['items'] === 'object' && !Array.isArray(schema['items'])) {
    const items = schema['items'] as JsonSchema;
    v = v.map((item) => coerceValue(item, items, skipTemplates));
  } else if (v && typeof v === 'object' && !Array.isArray(v) && schema.properties) {
    v = coerceObject(v as Record<string, unknown>, schema.properties, skipTemplates);
  }
  return v;
}

/** Coerce each property of `obj` that `properties` describes (a new object; `obj` is unchanged). */
export function coerceObject(obj: Record<string, unknown>, properties: Record<string, JsonSchema>, skipTemplates: boolean): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, val] of Object.entries(obj)) {
    out[k] = Object.prototype.hasOwnProperty.call(properties, k) ? coerceValue(val, properties[k], skipTemplates) : val;
  }
  return out;
}
