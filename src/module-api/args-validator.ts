/**
 * One compiled ajv validator per module definition. A schema ajv refuses blames the module
 * (its name and where it was loaded from), not the playbook that uses it.
 */
import { Ajv, type ValidateFunction } from 'ajv';
import { ModuleLoadError } from '../errors.js';
import type { LoadedModule, ModuleDefinition } from './types.js';

let ajv: Ajv | undefined;
const annotations = new Set<string>();
const cache = new WeakMap<ModuleDefinition, ValidateFunction>();

function instance(): Ajv {
  if (!ajv) {
    ajv = new Ajv({
      allErrors: true,
      useDefaults: true,
      verbose: true,
      // Strict: a misspelt schema keyword ('requird') is the module author's bug, found at load.
      strict: true,
      strictTypes: false,
      strictTuples: false,
      strictRequired: false,
      validateFormats: false,
    });
  }
  return ajv;
}

/** Register `x-...` annotation keywords (x-aliases and the author's own) so strict mode accepts them. */
function allowAnnotations(a: Ajv, schema: unknown): void {
  if (!schema || typeof schema !== 'object') return;
  if (Array.isArray(schema)) { for (const s of schema) allowAnnotations(a, s); return; }
  for (const [k, v] of Object.entries(schema)) {
    if (k.startsWith('x-') && !annotations.has(k)) {
      annotations.add(k);
      a.addKeyword(k);
    }
    if (k !== 'enum' && k !== 'const' && k !== 'default' && k !== 'examples') allowAnnotations(a, v);
  }
}

/** The module's compiled argument validator (compiled on first use, then cached). */
export function argsValidator(mod: LoadedModule): ValidateFunction {
  const def = mod.definition;
  let v = cache.get(def);
  if (v) return v;
  const a = instance();
  try {
    allowAnnotations(a, def.schema);
    v = a.compile(def.schema);
  } catch (e) {
    throw new ModuleLoadError(
      `module '${def.name}' (${mod.source}) has an invalid argument schema: ${(e as Error).message}`,
      { cause: e, details: ['this is a bug in the module, not in the playbook'] },
    );
  }
  cache.set(def, v);
  return v;
}
