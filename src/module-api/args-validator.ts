/**
 * A module's argument validator: one per schema (precompiled by the build for the built-ins,
 * else compiled on first use: validators.ts). A schema ajv refuses blames the module (its name
 * and where it was loaded from), not the playbook that uses it.
 */
import type { ValidateFunction } from 'ajv';
import { ModuleLoadError } from '../errors.js';
import type { LoadedModule } from './types.js';
import { schemaValidator } from './validators.js';

/** The module's argument validator (schemaValidator caches it per schema object). */
export function argsValidator(mod: LoadedModule): ValidateFunction {
  const def = mod.definition;
  try {
    return schemaValidator('args', def.schema);
  } catch (e) {
    throw new ModuleLoadError(
      `module '${def.name}' (${mod.source}) has an invalid argument schema: ${(e as Error).message}`,
      { cause: e, details: ['this is a bug in the module, not in the playbook'] },
    );
  }
}
