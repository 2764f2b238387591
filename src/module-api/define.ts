import type { ModuleDefinition } from './types.js';

/**
 * Declare a module. Returns the definition unchanged; exists for type inference and
 * to check the shape early, so a broken custom module blames its author at load time.
 */
export function defineModule<A = any, S = any, C = any>(def: ModuleDefinition<A, S, C>): ModuleDefinition<A, S, C> {
  if (!def || typeof def !== 'object') throw new TypeError('defineModule: expected an object');
  if (typeof def.name !== 'string' || !/^[a-z_][a-z0-9_]*(\.[a-z0-9_]+)*$/i.test(def.name)) {
    throw new TypeError(`defineModule: invalid module name ${JSON.stringify(def.name)}`);
  }
  if (typeof def.diff !== 'function') throw new TypeError(`defineModule(${def.name}): diff(args, state) is required`);
  if (!def.schema || typeof def.schema !== 'object') throw new TypeError(`defineModule(${def.name}): schema is required`);
  return def;
}
