/**
 * set_fact: set host variables for the rest of the run. Returns `ansible_facts`, which the
 * engine merges into the host's variables; `cacheable` marks them for a fact cache.
 */
import { ModuleFailure, defineModule } from '../../src/index.js';

const PY_KEYWORDS = new Set([
  'False', 'None', 'True', 'and', 'as', 'assert', 'async', 'await', 'break', 'class', 'continue', 'def', 'del', 'elif',
  'else', 'except', 'finally', 'for', 'from', 'global', 'if', 'import', 'in', 'is', 'lambda', 'nonlocal', 'not', 'or',
  'pass', 'raise', 'return', 'try', 'while', 'with', 'yield',
]);

/** Ansible's isidentifier(): a Python identifier that is not a keyword. */
export function isValidVarName(k: string): boolean {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(k) && !PY_KEYWORDS.has(k);
}

export default defineModule<Record<string, unknown>, undefined, never>({
  name: 'set_fact',
  description: 'Set variables on the host for the rest of the run (Ansible: ansible.builtin.set_fact)',
  target: 'controller',
  schema: {
    type: 'object',
    properties: {
      cacheable: { type: 'boolean', default: false, description: 'Also store the facts in the fact cache.' },
    },
    // Every other key is a variable to set.
    additionalProperties: true,
  },
  diff(args) {
    const facts: Record<string, unknown> = {};
    for (const [k, raw] of Object.entries(args)) {
      if (k === 'cacheable') continue;
      if (!isValidVarName(k)) {
        throw new ModuleFailure(`The variable name '${k}' is not valid. Variables must start with a letter or underscore character, and contain only letters, numbers and underscores.`);
      }
      let v = raw;
      // As Ansible without jinja2_native: yes/no/true/false strings become booleans.
      if (typeof v === 'string' && ['true', 'false', 'yes', 'no'].includes(v.toLowerCase())) {
        v = ['true', 'yes'].includes(v.toLowerCase());
      }
      facts[k] = v;
    }
    if (Object.keys(facts).length === 0) {
      throw new ModuleFailure('No key/value pairs provided, at least one is required for this action to succeed');
    }
    return { changes: [], result: { ansible_facts: facts, _ansible_facts_cacheable: args.cacheable === true } };
  },
});
