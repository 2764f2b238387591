/**
 * What a module's schema says about argument names: canonical names, Ansible-style aliases
 * (`'x-aliases': [...]` on a property) and whether unlisted arguments are accepted.
 */
import type { JsonSchema, ModuleDefinition } from './types.js';

export interface ArgSpec {
  /** Canonical argument names, in schema order. */
  names: string[];
  /** alias -> canonical name. */
  aliases: Map<string, string>;
  /** canonical name -> its aliases. */
  aliasesOf: Map<string, string[]>;
  /** Regexps of `patternProperties`. */
  patterns: RegExp[];
  /** True when the schema accepts arguments it does not list (`additionalProperties` set and not false). */
  open: boolean;
}

const specs = new WeakMap<ModuleDefinition, ArgSpec>();

/** The argument names of a module (computed once per definition). */
export function argSpec(def: ModuleDefinition): ArgSpec {
  let spec = specs.get(def);
  if (spec) return spec;
  const schema: JsonSchema = def.schema ?? {};
  const props = (schema.properties ?? {}) as Record<string, JsonSchema>;
  const aliases = new Map<string, string>();
  const aliasesOf = new Map<string, string[]>();
  for (const [name, prop] of Object.entries(props)) {
    const list = prop && Array.isArray(prop['x-aliases']) ? (prop['x-aliases'] as unknown[]).map(String) : [];
    aliasesOf.set(name, list);
    for (const a of list) aliases.set(a, name);
  }
  const pp = schema['patternProperties'];
  const patterns = pp && typeof pp === 'object' ? Object.keys(pp).map((p) => new RegExp(p, 'u')) : [];
  const ap = schema['additionalProperties'];
  spec = { names: Object.keys(props), aliases, aliasesOf, patterns, open: ap !== undefined && ap !== false };
  specs.set(def, spec);
  return spec;
}

/** True when `key` is an argument the module knows (a name, an alias, or a pattern match). */
export function isKnownArg(spec: ArgSpec, key: string): boolean {
  return spec.aliasesOf.has(key) || spec.aliases.has(key) || spec.patterns.some((p) => p.test(key));
}

/** "name (key), reload, value": Ansible's list of supported parameters with aliases. */
export function supportedList(spec: ArgSpec): string {
  return [...spec.names].sort().map((n) => {
    const a = spec.aliasesOf.get(n) ?? [];
    return a.length ? `${n} (${a.join(', ')})` : n;
  }).join(', ');
}
