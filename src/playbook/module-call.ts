/**
 * The module a task runs and its arguments, in every form Ansible accepts:
 * `sysctl: {name: x}`, `sysctl: name=x value=1`, `command: ls -l chdir=/tmp` (free-form),
 * `action: sysctl name=x`, `action: {module: sysctl, name: x}`, `local_action: ...`, plus the
 * `args:` keyword and module_defaults. Each argument keeps the position it was written at.
 */
import { isMap, isScalar, isSeq, type Node as YNode } from 'yaml';
import type { SourceLocation } from '../errors.js';
import type { LoadedModule } from '../module-api/types.js';
import type { ModuleRegistry } from '../module-api/registry.js';
import { argSpec, isKnownArg } from '../module-api/arg-spec.js';
import type { Diagnostics } from './diagnostics.js';
import { type YamlFile, locationOf, positionOf } from './yaml-source.js';
import { mapEntries, toData, describeKind } from './yaml-nodes.js';
import { parseKv, splitArgs } from './splitter.js';

/** Arguments with where each was written. */
export interface LocatedArgs {
  args: Record<string, unknown>;
  locations: Record<string, SourceLocation>;
}

/** Default arguments per module (canonical name) from module_defaults in scope. */
export type ModuleDefaults = Map<string, LocatedArgs>;

export interface ModuleCall {
  module: LoadedModule;
  args: Record<string, unknown>;
  argLocations: Record<string, SourceLocation>;
  /** Where the module key (or action) was written. */
  location: SourceLocation;
  /** True for local_action. */
  local?: boolean;
}

/** Position of `word` inside a scalar's source, or the scalar's own position. */
function wordLocation(file: YamlFile, node: YNode, word: string, from: { offset: number }): SourceLocation {
  const [start, end] = node.range ?? [0, 0];
  const i = file.text.indexOf(word, Math.max(start, from.offset));
  if (i !== -1 && i + word.length <= end) {
    from.offset = i + word.length;
    return positionOf(file, i);
  }
  return locationOf(file, node);
}

/**
 * Parse a free-form string for `mod`: `k=v` words for known arguments become arguments; the
 * rest is the module's free-form text (an error for a module without one).
 */
function freeFormArgs(
  file: YamlFile, mod: LoadedModule, text: string, node: YNode, diag: Diagnostics,
): LocatedArgs | undefined {
  const def = mod.definition;
  const spec = argSpec(def);
  const loc = locationOf(file, node);
  const isParam = def.freeForm ? (k: string) => k !== def.freeForm && isKnownArg(spec, k) : () => true;
  const parsed = diag.guard(() => parseKv(text, isParam, loc));
  if (!parsed) return undefined;
  const out: LocatedArgs = { args: {}, locations: {} };
  const cursor = { offset: 0 };
  for (const p of parsed.params) {
    out.args[p.key] = p.value;
    out.locations[p.key] = wordLocation(file, node, p.word, cursor);
  }
  if (parsed.raw !== undefined && parsed.raw.trim() !== '') {
    if (def.freeForm) {
      out.args[def.freeForm] = parsed.raw;
      out.locations[def.freeForm] = loc;
    } else {
      diag.error(
        `module '${def.name}' takes no free-form text, got '${parsed.raw}' (write its arguments as key=value or as a mapping)`, loc,
      );
      return undefined;
    }
  }
  return out;
}

/** Arguments written under a module key: a mapping, a k=v / free-form string, or nothing. */
export function argsOfValue(file: YamlFile, mod: LoadedModule, node: YNode | null, diag: Diagnostics, at: SourceLocation): LocatedArgs | undefined {
  if (!node || (isScalar(node) && node.value === null)) return { args: {}, locations: {} };
  if (isMap(node)) {
    const out: LocatedArgs = { args: {}, locations: {} };
    for (const e of mapEntries(file, node)) {
      out.args[e.key] = toData(file, e.value);
      out.locations[e.key] = locationOf(file, e.keyNode);
    }
    return out;
  }
  if (isScalar(node)) {
    const v = node.value;
    if (typeof v === 'string') return freeFormArgs(file, mod, v, node, diag);
    if (mod.definition.freeForm && (typeof v === 'number' || typeof v === 'boolean')) {
      return { args: { [mod.definition.freeForm]: String(v) }, locations: { [mod.definition.freeForm]: locationOf(file, node) } };
    }
  }
  const got = isSeq(node) ? 'a list' : describeKind(toData(file, node));
  diag.error(`arguments of module '${mod.definition.name}' must be a mapping or a key=value string, got ${got}`, at);
  return undefined;
}

/** Resolve a module name as written, reporting an unknown one with a suggestion. */
export function resolveModule(registry: ModuleRegistry, name: string, at: SourceLocation, diag: Diagnostics): LoadedModule | undefined {
  const mod = registry.resolve(name);
  if (mod) return mod;
  const s = registry.suggest(name.replace(/^(ansible\.builtin|ansible\.legacy|ansible\.posix|community\.general|k8splay)\./, ''));
  diag.error(`unknown module '${name}'`, at, s ? `, did you mean '${s}'?` : '');
  return undefined;
}

/**
 * `action:` / `local_action:`: "module k=v..." or {module: "name [k=v...]", k: v}.
 * Returns the module and its arguments, or undefined after reporting what is wrong.
 */
export function oldStyleCall(
  file: YamlFile, keyNode: YNode, node: YNode | null, registry: ModuleRegistry, diag: Diagnostics,
): { module: LoadedModule; located: LocatedArgs } | undefined {
  const at = locationOf(file, keyNode);
  const valueAt = node ? locationOf(file, node) : at;
  let moduleText: string | undefined;
  let extra: LocatedArgs = { args: {}, locations: {} };
  if (node && isScalar(node) && typeof node.value === 'string') {
    moduleText = node.value;
  } else if (node && isMap(node)) {
    for (const e of mapEntries(file, node)) {
      if (e.key === 'module') {
        const v = toData(file, e.value);
        if (typeof v === 'string') moduleText = v;
        continue;
      }
      extra.args[e.key] = toData(file, e.value);
      extra.locations[e.key] = locationOf(file, e.keyNode);
    }
    if (moduleText === undefined) {
      diag.error(`'module' is missing (or not a string) in this action mapping`, valueAt);
      return undefined;
    }
  } else {
    diag.error('an action must be a string "module k=v ..." or a mapping with a module key', valueAt);
    return undefined;
  }
  const words = diag.guard(() => splitArgs(moduleText!, valueAt));
  if (!words || words.length === 0 || !words[0]!.trim()) {
    diag.error('no module named in action', valueAt);
    return undefined;
  }
  const name = words[0]!.trim();
  const mod = resolveModule(registry, name, valueAt, diag);
  if (!mod) return undefined;
  const rest = words.slice(1).join(' ');
  if (rest.trim() !== '' && node) {
    const parsed = freeFormArgs(file, mod, rest, node, diag);
    if (!parsed) return undefined;
    extra = { args: { ...extra.args, ...parsed.args }, locations: { ...extra.locations, ...parsed.locations } };
  }
  return { module: mod, located: extra };
}

/**
 * Layer argument sources: module_defaults, then `args:`, then the module's own (later wins).
 * A later layer's argument replaces an earlier one written under another alias of it.
 */
export function layerArgs(mod: LoadedModule, ...layers: Array<LocatedArgs | undefined>): LocatedArgs {
  const spec = argSpec(mod.definition);
  const canonical = (k: string): string => spec.aliases.get(k) ?? k;
  const out: LocatedArgs = { args: {}, locations: {} };
  for (const l of layers) {
    if (!l) continue;
    const replaced = new Set(Object.keys(l.args).map(canonical));
    for (const existing of Object.keys(out.args)) {
      if (replaced.has(canonical(existing))) {
        delete out.args[existing];
        delete out.locations[existing];
      }
    }
    for (const [k, v] of Object.entries(l.args)) {
      out.args[k] = v;
      if (l.locations[k]) out.locations[k] = l.locations[k]!;
    }
  }
  return out;
}
