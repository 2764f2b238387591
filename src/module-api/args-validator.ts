/**
 * One argument validator per module definition (precompiled by the build for the built-ins,
 * else compiled on first use: validators.ts). A schema ajv refuses blames the module (its name
 * and where it was loaded from), not the playbook that uses it.
 */
import type { ValidateFunction } from 'ajv';
import { ModuleLoadError } from '../errors.js';
import type { LoadedModule, ModuleDefinition } from './types.js';
import { schemaValidator } from './validators.js';

const cache = new WeakMap<ModuleDefinition, ValidateFunction>();

/** The module's argument validator (made on first use, then cached). */
export function argsValidator(mod: LoadedModule): ValidateFunction {
  const def = mod.definition;
  let v = cache.get(def);
  if (v) return v;
  try {
    v = schemaValidator('args', def.schema);
  } catch (e) {
    throw new ModuleLoadError(
      `module '${def.name}' (${mod.source}) has an invalid argument schema: ${(e as Error).message}`,
      { cause: e, details: ['this is a bug in the module, not in the playbook'] },
    );
  }
  cache.set(def, v);
  return v;
}
