/**
 * Module argument validation, the way Ansible's AnsibleModule checks parameters: aliases,
 * unsupported parameters (with the supported list), type conversion, choices, required
 * arguments and defaults. Each error names the argument and where it was written.
 */
import type { ErrorObject } from 'ajv';
import { ModuleArgsError, formatLocation, type SourceLocation } from '../errors.js';
import { didYouMean } from '../util/suggest.js';
import type { JsonSchema, LoadedModule } from './types.js';
import { argSpec, isKnownArg, supportedList } from './arg-spec.js';
import { coerceObject } from './coerce-args.js';
import { argsValidator } from './args-validator.js';
import { isTemplated } from './templated.js';

export interface ValidateArgsOptions {
  /** Where the task (or its module key) is: used for errors not tied to one argument. */
  location?: SourceLocation;
  /** Where each argument key was written. */
  argLocations?: Record<string, SourceLocation>;
  /** Shown under the message of a thrown error. */
  taskName?: string;
  /**
   * Load-time mode: values still holding templates are not type-checked (they are checked
   * again after rendering); unknown and missing arguments are still errors.
   */
  partial?: boolean;
}

export interface ArgsCheck {
  /** Arguments with aliases resolved, values converted and defaults applied. */
  args: Record<string, unknown>;
  /** Every problem found, each located at its argument. */
  errors: ModuleArgsError[];
}

function at(message: string, loc: SourceLocation | undefined, tail = ''): ModuleArgsError {
  const where = formatLocation(loc);
  return new ModuleArgsError(where ? `${message} at ${where}${tail}` : `${message}${tail}`, loc ? { location: loc } : {});
}

/**
 * The arguments with their containers copied, so that conversions and defaults never change
 * the caller's values (a list taken from a variable). `named` is already this call's own
 * object: only the values that are containers are copied, in one structuredClone (shared
 * containers stay shared); arguments with none (most tasks) are not copied at all. Values
 * structuredClone refuses leave every value as it is, as a whole-object clone would.
 */
function copyContainers(named: Record<string, unknown>): Record<string, unknown> {
  const keys = Object.keys(named).filter((k) => named[k] !== null && typeof named[k] === 'object');
  if (!keys.length) return named;
  let copies: unknown[];
  try {
    copies = structuredClone(keys.map((k) => named[k]));
  } catch {
    return named;
  }
  keys.forEach((k, i) => { named[k] = copies[i]; });
  return named;
}

function pathOf(e: ErrorObject): string[] {
  return e.instancePath ? e.instancePath.slice(1).split('/').map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~')) : [];
}

function valueAt(root: unknown, path: string[]): unknown {
  let v = root;
  for (const p of path) v = v && typeof v === 'object' ? (v as Record<string, unknown>)[p] : undefined;
  return v;
}

function kindOf(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'list';
  if (typeof v === 'object') return 'mapping';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v;
}

const TYPE_WORDS: Record<string, string> = {
  string: 'a string', integer: 'an integer', number: 'a number', boolean: 'a boolean', array: 'a list', object: 'a mapping', null: 'null',
};

function typeWords(t: unknown): string {
  const list = Array.isArray(t) ? t : [t];
  return list.map((x) => TYPE_WORDS[String(x)] ?? String(x)).join(' or ');
}

/**
 * Check `args` against the module's schema and return the normalised arguments plus every
 * error found (none thrown). `validateArgs` is the throwing form.
 */
export function checkArgs(mod: LoadedModule, args: Record<string, unknown>, opts: ValidateArgsOptions = {}): ArgsCheck {
  const def = mod.definition;
  const spec = argSpec(def);
  const validate = argsValidator(mod);
  const errors: ModuleArgsError[] = [];
  const locOf = (key: string | undefined): SourceLocation | undefined =>
    (key !== undefined ? opts.argLocations?.[key] : undefined) ?? opts.location;
  const secret = new Set(def.secretArgs ?? []);
  const show = (key: string, v: unknown): string => (secret.has(key) ? '********' : typeof v === 'string' ? v : JSON.stringify(v));

  // 1. Aliases to canonical names; an alias given with its name (or a second alias) is ambiguous.
  const named: Record<string, unknown> = {};
  const writtenAs = new Map<string, string>();
  for (const [key, value] of Object.entries(args)) {
    const canonical = spec.aliases.get(key) ?? key;
    const earlier = writtenAs.get(canonical);
    if (earlier !== undefined) {
      errors.push(at(`parameters are mutually exclusive: '${earlier}' and '${key}' (both set '${canonical}' of module '${def.name}')`, locOf(key)));
      continue;
    }
    writtenAs.set(canonical, key);
    named[canonical] = value;
  }
  const keyLoc = (canonical: string): SourceLocation | undefined => locOf(writtenAs.get(canonical) ?? canonical);

  // 2. Unsupported parameters, with the closest supported name and the whole list.
  if (!spec.open) {
    for (const key of Object.keys(named)) {
      if (isKnownArg(spec, key)) continue;
      const candidates = [...spec.names, ...spec.aliases.keys()];
      errors.push(at(
        `unsupported parameter '${key}' for module '${def.name}'`, locOf(writtenAs.get(key)),
        `${didYouMean(key, candidates)} (supported parameters: ${supportedList(spec) || 'none'})`,
      ));
      delete named[key];
    }
  }

  // 3. Ansible's type conversions, then the schema (types, choices, required, defaults).
  const props = (def.schema.properties ?? {}) as Record<string, JsonSchema>;
  const data = coerceObject(copyContainers(named), props, !!opts.partial);
  if (!validate(data)) {
    const missing: string[] = [];
    const reported = new Set<string>();
    const all = validate.errors ?? [];
    // anyOf/oneOf branches repeat what their parent says: report the parent once.
    const composite = all.filter((e) => e.keyword === 'anyOf' || e.keyword === 'oneOf');
    for (const e of all) {
      // An `if` error only says its `then` failed; the `then` error itself says what is wrong.
      if (e.keyword === 'if') continue;
      const path = pathOf(e);
      if (composite.some((c) => c !== e && e.schemaPath.startsWith(c.schemaPath + '/'))) continue;
      // Load time: a template is checked once rendered.
      if (opts.partial && isTemplated(valueAt(data, path))) continue;
      const top = path[0];
      const name = path.join('.');
      if (e.keyword === 'required') {
        const prop = (e.params as { missingProperty: string }).missingProperty;
        if (path.length === 0) missing.push(prop);
        else errors.push(at(`missing required argument '${prop}' in '${name}' of module '${def.name}'`, keyLoc(top!)));
        continue;
      }
      if (e.keyword === 'additionalProperties') {
        const extra = (e.params as { additionalProperty: string }).additionalProperty;
        if (path.length === 0) continue; // reported above with its did-you-mean
        const known = Object.keys(((e.parentSchema as JsonSchema | undefined)?.properties) ?? {});
        errors.push(at(`unsupported parameter '${name}.${extra}' for module '${def.name}'`, keyLoc(top!), didYouMean(extra, known)));
        continue;
      }
      const key = `${name}|${e.keyword}`;
      if (reported.has(key)) continue;
      reported.add(key);
      const value = valueAt(data, path);
      const shown = show(top ?? '', value);
      if (e.keyword === 'enum') {
        const choices = (e.params as { allowedValues: unknown[] }).allowedValues.map(String).join(', ');
        errors.push(at(`value of ${name} must be one of: ${choices}, got: ${shown}`, keyLoc(top!)));
      } else if (e.keyword === 'type') {
        const got = secret.has(top ?? '') ? kindOf(value) : `${kindOf(value)} ${JSON.stringify(value)}`;
        errors.push(at(`argument '${name}' of module '${def.name}' must be ${typeWords((e.params as { type: unknown }).type)}, got ${got}`, keyLoc(top!)));
      } else if (e.keyword === 'dependencies' || e.keyword === 'dependentRequired') {
        // Ansible's required_by wording.
        const p = e.params as { property: string; missingProperty: string; deps?: string };
        errors.push(at(`missing parameter(s) required by '${p.property}': ${p.missingProperty} (module '${def.name}')`, keyLoc(p.property)));
      } else if (e.keyword === 'anyOf' || e.keyword === 'oneOf') {
        const branches = (e.schema as JsonSchema[] | undefined) ?? [];
        const types = branches.map((b) => b.type).filter((t) => t !== undefined);
        const want = types.length === branches.length && types.length ? typeWords(types.flat()) : 'one of its allowed forms';
        errors.push(at(`argument '${name}' of module '${def.name}' must be ${want}, got ${kindOf(value)}`, keyLoc(top!)));
      } else {
        const subject = path.length ? `argument '${name}'` : 'arguments';
        errors.push(at(`${subject} of module '${def.name}' ${e.message ?? 'is invalid'}`, keyLoc(top ?? '')));
      }
    }
    if (missing.length) errors.push(at(`missing required arguments: ${missing.join(', ')} (module '${def.name}')`, opts.location));
  }
  return { args: data, errors };
}

/**
 * Validate a module's arguments and return them normalised (aliases resolved, defaults applied,
 * values converted). Throws ModuleArgsError listing every problem; ModuleLoadError when the
 * module's own schema is broken.
 */
export function validateArgs(mod: LoadedModule, args: Record<string, unknown>, opts: ValidateArgsOptions = {}): Record<string, unknown> {
  const { args: out, errors } = checkArgs(mod, args, opts);
  if (errors.length === 0) return out;
  const first = errors[0]!;
  throw new ModuleArgsError(errors.map((e) => e.message).join('\n'), {
    ...(first.location ? { location: first.location } : {}),
    ...(opts.taskName ? { details: [`in task '${opts.taskName}'`] } : {}),
  });
}
