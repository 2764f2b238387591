/**
 * Compiled JSON Schema validators, shared by module arguments and playbook keywords.
 *
 * The build precompiles the validators of the built-in schemas (build/validators.mjs, ajv's
 * standalone code) into a table keyed by a hash of the ajv options and of the schema, so an
 * edited schema can never meet a stale validator: its key is simply not in the table. Any
 * schema not in the table (custom modules, running from source, a changed schema) is compiled
 * here at run time; only then is ajv itself loaded, which takes ~30 ms plus ~3 ms per schema.
 */
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import type { Ajv, Options, ValidateFunction } from 'ajv';
import { PRECOMPILED } from './precompiled-validators.js';

/** The two uses of JSON Schema, each with its own ajv options. */
export type ValidatorFlavour = 'args' | 'keywords';

/** ajv's options per flavour (part of every precompiled key: changing them invalidates the table). */
export const AJV_OPTIONS: Readonly<Record<ValidatorFlavour, Readonly<Options>>> = {
  // Module arguments: defaults applied, errors carry their schema (validate-args.ts reads
  // parentSchema). Strict: a misspelt schema keyword ('requird') is the module author's bug.
  args: {
    allErrors: true, useDefaults: true, verbose: true,
    strict: true, strictTypes: false, strictTuples: false, strictRequired: false, validateFormats: false,
  },
  // Playbook keyword values (src/playbook/schema.ts).
  keywords: { allErrors: true, strict: true, strictTypes: false, strictTuples: false },
};

/** Schema keys that hold data, not subschemas: `x-...` names inside them are not annotations. */
const DATA_KEYS = new Set(['enum', 'const', 'default', 'examples']);

/** Every `x-...` annotation key used in `schema` (x-aliases, x-expected, an author's own). */
function annotationKeys(schema: unknown, into = new Set<string>()): Set<string> {
  if (!schema || typeof schema !== 'object') return into;
  if (Array.isArray(schema)) { for (const s of schema) annotationKeys(s, into); return into; }
  for (const [k, v] of Object.entries(schema)) {
    if (k.startsWith('x-')) into.add(k);
    if (!DATA_KEYS.has(k)) annotationKeys(v, into);
  }
  return into;
}

const registered = new WeakMap<Ajv, Set<string>>();

/** Register the schema's `x-...` keys on `ajv` as annotations, so strict mode accepts them. */
export function allowAnnotations(ajv: Ajv, schema: unknown): void {
  let known = registered.get(ajv);
  if (!known) { known = new Set(); registered.set(ajv, known); }
  for (const k of annotationKeys(schema)) {
    if (!known.has(k)) { known.add(k); ajv.addKeyword(k); }
  }
}

/** The key of a schema's precompiled validator: flavour plus a hash of options and schema. */
export function validatorKey(flavour: ValidatorFlavour, schema: object): string {
  const text = `${JSON.stringify(AJV_OPTIONS[flavour])}\n${JSON.stringify(schema)}`;
  return `${flavour}_${createHash('sha256').update(text).digest('hex').slice(0, 40)}`;
}

/** Precompiled validators: a factory per key (each validator's code is compiled by V8 on first use). */
export type PrecompiledTable = Readonly<Record<string, () => ValidateFunction>>;

let table: PrecompiledTable = PRECOMPILED;

/**
 * Replace the precompiled table (the tests compare a generated table with run-time
 * compilation). Forgets every validator made so far; returns the previous table.
 */
export function setPrecompiledValidators(next: PrecompiledTable): PrecompiledTable {
  const prev = table;
  table = next;
  cache.clear();
  return prev;
}

/** The precompiled validator of `schema`, or undefined when the build did not precompile it. */
export function precompiledValidator(flavour: ValidatorFlavour, schema: object): ValidateFunction | undefined {
  const key = validatorKey(flavour, schema);
  return Object.prototype.hasOwnProperty.call(table, key) ? table[key]!() : undefined;
}

const instances = new Map<ValidatorFlavour, Ajv>();

/** ajv is required only here, on the first schema that was not precompiled. */
function ajvFor(flavour: ValidatorFlavour): Ajv {
  let a = instances.get(flavour);
  if (!a) {
    const { Ajv: AjvClass } = createRequire(import.meta.url)('ajv') as typeof import('ajv');
    a = new AjvClass({ ...AJV_OPTIONS[flavour] });
    instances.set(flavour, a);
  }
  return a;
}

/** Compile `schema` with ajv now (ignores the precompiled table). Throws ajv's error for a bad schema. */
export function compileValidator(flavour: ValidatorFlavour, schema: object): ValidateFunction {
  const a = ajvFor(flavour);
  allowAnnotations(a, schema);
  return a.compile(schema);
}

// Per schema object: its key is hashed once, and a compiled validator is reused.
const cache = new Map<ValidatorFlavour, WeakMap<object, ValidateFunction>>();

/**
 * The validator of `schema`: the precompiled one when the build made it for exactly this
 * schema and these options, else compiled now (and cached for this schema object).
 * Throws ajv's error when the schema itself is invalid.
 */
export function schemaValidator(flavour: ValidatorFlavour, schema: object): ValidateFunction {
  let byObject = cache.get(flavour);
  if (!byObject) { byObject = new WeakMap(); cache.set(flavour, byObject); }
  let v = byObject.get(schema);
  if (!v) {
    v = precompiledValidator(flavour, schema) ?? compileValidator(flavour, schema);
    byObject.set(schema, v);
  }
  return v;
}
