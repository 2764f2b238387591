/**
 * Keyword values may be templates (`ignore_errors: "{{ x }}"`): render and coerce them
 * the way Ansible does.
 */
import { renderValue, evaluateConditions } from '../template/index.js';
import type { SourceLocation } from '../errors.js';

const TRUE_WORDS = new Set(['yes', 'on', '1', 'true', 't', 'y']);

/** Ansible's boolean(): 'yes', 'on', '1', 'true' (any case) and true/1 are true. */
export function toBool(v: unknown): boolean {
  if (typeof v === 'boolean') return v;
  if (typeof v === 'number') return v === 1;
  if (typeof v === 'string') return TRUE_WORDS.has(v.trim().toLowerCase());
  return false;
}

export function renderBool(v: unknown, scope: Record<string, unknown>, location?: SourceLocation): boolean {
  if (v === undefined || v === null) return false;
  if (typeof v === 'boolean') return v;
  return toBool(renderValue(v, scope, { location }));
}

export function renderString(v: unknown, scope: Record<string, unknown>, location?: SourceLocation): string {
  const r = renderValue(v, scope, { location });
  return r === undefined || r === null ? '' : String(r);
}

export function renderNumber(v: unknown, scope: Record<string, unknown>, fallback: number, location?: SourceLocation): number {
  if (v === undefined || v === null) return fallback;
  const n = Number(renderValue(v, scope, { location }));
  return Number.isFinite(n) ? n : fallback;
}

/** All conditions true (a `when:` list is ANDed): the template engine's evaluateConditions. */
export function allTrue(conds: Array<string | boolean>, scope: Record<string, unknown>, location?: SourceLocation): boolean {
  return evaluateConditions(conds, scope, { location });
}

/** Merge rendered `environment:` maps, inner ones last. */
export function renderEnvironment(layers: Array<Record<string, unknown>>, scope: Record<string, unknown>, location?: SourceLocation): Record<string, string> | undefined {
  if (!layers.length) return undefined;
  const out: Record<string, string> = {};
  for (const l of layers) {
    const r = renderValue(l, scope, { location });
    if (r && typeof r === 'object') for (const [k, v] of Object.entries(r)) if (v !== undefined && v !== null) out[k] = String(v);
  }
  return out;
}
