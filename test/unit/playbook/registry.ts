/**
 * Small modules for playbook tests (independent of the built-in modules/ folder).
 */
import { defineModule } from '../../../src/module-api/define.js';
import { ModuleRegistry } from '../../../src/module-api/registry.js';
import type { ModuleDefinition } from '../../../src/module-api/types.js';

const noop = () => ({ changes: [] });

export const sysctl = defineModule({
  name: 'sysctl',
  description: 'test sysctl',
  schema: {
    type: 'object',
    properties: {
      name: { type: 'string', 'x-aliases': ['key'] },
      value: { type: 'string', 'x-aliases': ['val'] },
      state: { type: 'string', enum: ['present', 'absent'], default: 'present' },
      reload: { type: 'boolean', default: true },
      sysctl_file: { type: 'string', default: '/etc/sysctl.conf' },
    },
    required: ['name'],
  },
  diff: noop,
});

export const command = defineModule({
  name: 'command',
  description: 'test command',
  freeForm: 'cmd',
  schema: {
    type: 'object',
    properties: {
      cmd: { type: 'string' },
      argv: { type: 'array', items: { type: 'string' } },
      chdir: { type: 'string' },
      creates: { type: 'string' },
      removes: { type: 'string' },
    },
  },
  diff: noop,
});

export const shell = defineModule({ ...command, name: 'shell', description: 'test shell' });

export const debug = defineModule({
  name: 'debug',
  description: 'test debug',
  target: 'controller',
  schema: {
    type: 'object',
    properties: { msg: {}, var: { type: 'string' }, verbosity: { type: 'integer', default: 0 } },
  },
  diff: noop,
});

export const setFact = defineModule({
  name: 'set_fact',
  description: 'test set_fact',
  target: 'controller',
  schema: { type: 'object', properties: { cacheable: { type: 'boolean', default: false } }, additionalProperties: true },
  diff: noop,
});

export const apt = defineModule({
  name: 'apt',
  description: 'test apt',
  schema: {
    type: 'object',
    properties: {
      name: { type: 'array', items: { type: 'string' }, 'x-aliases': ['pkg', 'package'] },
      state: { type: 'string', enum: ['present', 'absent', 'latest'], default: 'present' },
      update_cache: { type: 'boolean' },
      cache_valid_time: { type: 'integer' },
      timeout: { type: 'number' },
    },
  },
  diff: noop,
});

export const userMod = defineModule({
  name: 'user',
  description: 'test user',
  secretArgs: ['password'],
  schema: {
    type: 'object',
    properties: {
      name: { type: 'string' },
      password: { type: 'string', enum: ['x', 'y'] },
      groups: { type: 'array', items: { type: 'string' } },
      opts: { type: 'object', properties: { shell: { type: 'string', enum: ['bash', 'sh'] }, uid: { type: 'integer' } }, additionalProperties: false },
    },
    required: ['name'],
  },
  diff: noop,
});

export const ALL: ModuleDefinition[] = [sysctl, command, shell, debug, setFact, apt, userMod];

/** A registry of the test modules (plus any extra ones). */
export function testRegistry(extra: ModuleDefinition[] = []): ModuleRegistry {
  const r = new ModuleRegistry();
  for (const m of [...ALL, ...extra]) r.register(m, 'test');
  return r;
}
