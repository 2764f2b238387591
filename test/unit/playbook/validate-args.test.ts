import { test } from 'node:test';
import assert from 'node:assert/strict';
import { validateArgs, checkArgs } from '../../../src/module-api/validate-args.js';
import { argsValidator } from '../../../src/module-api/args-validator.js';
import { defineModule } from '../../../src/module-api/define.js';
import type { LoadedModule, ModuleDefinition } from '../../../src/module-api/types.js';
import { ModuleArgsError, ModuleLoadError } from '../../../src/errors.js';
import { sysctl, apt, command, userMod, setFact } from './registry.js';
import { thrown } from './helpers.js';

const loaded = (definition: ModuleDefinition, source = 'test'): LoadedModule => ({ definition, source });
const SYSCTL = loaded(sysctl);
const APT = loaded(apt);
const loc = (line: number, column: number) => ({ file: 'f.yml', line, column });

test('defaults are applied and the normalised object returned (input untouched)', () => {
  const input = { name: 'net.ipv4.ip_forward', value: '1' };
  const out = validateArgs(SYSCTL, input);
  assert.deepEqual(out, { name: 'net.ipv4.ip_forward', value: '1', state: 'present', reload: true, sysctl_file: '/etc/sysctl.conf' });
  assert.deepEqual(input, { name: 'net.ipv4.ip_forward', value: '1' });
});

test('nested values get their defaults and conversions in copies: the caller\'s lists and dicts stay as they were', () => {
  const mod = loaded(defineModule({
    name: 'nested_defaults',
    description: 'a schema with nested defaults',
    schema: {
      type: 'object',
      additionalProperties: false,
      properties: {
        opts: { type: 'object', properties: { a: { type: 'integer' }, b: { type: 'string', default: 'x' } } },
        list: { type: 'array', items: { type: 'string' } },
        flag: { type: 'boolean', default: true },
      },
    },
    diff: () => ({ changes: [] }),
  }));
  const shared = { a: 5 };
  const input = { opts: shared, list: [1, 2], flag: 'yes' };
  const out = validateArgs(mod, input);
  assert.deepEqual(out, { opts: { a: 5, b: 'x' }, list: ['1', '2'], flag: true });
  assert.deepEqual(input, { opts: { a: 5 }, list: [1, 2], flag: 'yes' });
  assert.equal(input.opts, shared);
  // Arguments without containers: the result is still a new object.
  const flat = { flag: 'no' };
  assert.deepEqual(validateArgs(mod, flat), { flag: false });
  assert.deepEqual(flat, { flag: 'no' });
});

test('aliases are renamed to the canonical name', () => {
  assert.deepEqual(validateArgs(SYSCTL, { key: 'a', val: 'b' }), {
    name: 'a', value: 'b', state: 'present', reload: true, sysctl_file: '/etc/sysctl.conf',
  });
  assert.deepEqual(validateArgs(APT, { pkg: ['x'] }).name, ['x']);
});

test('an alias given with its canonical name (or another alias) is an error', () => {
  const e = thrown(() => validateArgs(SYSCTL, { name: 'a', key: 'b' }, { argLocations: { name: loc(3, 9), key: loc(4, 9) } }));
  assert.ok(e instanceof ModuleArgsError);
  assert.equal(e.message, "parameters are mutually exclusive: 'name' and 'key' (both set 'name' of module 'sysctl') at f.yml:4:9");
  assert.match(thrown(() => validateArgs(APT, { pkg: 'a', package: 'b' })).message, /mutually exclusive: 'pkg' and 'package'/);
});

test('an unsupported parameter names the closest one and lists the supported ones', () => {
  const e = thrown(() => validateArgs(SYSCTL, { name: 'x', vale: '1' }, { location: loc(11, 7), argLocations: { vale: loc(12, 9) } }));
  assert.equal(
    e.message,
    "unsupported parameter 'vale' for module 'sysctl' at f.yml:12:9, did you mean 'value'? " +
      '(supported parameters: name (key), reload, state, sysctl_file, value (val))',
  );
  assert.deepEqual(e.location, loc(12, 9));
  const far = thrown(() => validateArgs(SYSCTL, { name: 'x', zzzzzz: 1 }));
  assert.doesNotMatch(far.message, /did you mean/);
});

test('a schema that allows more arguments accepts them; patternProperties too', () => {
  assert.deepEqual(validateArgs(loaded(setFact), { a: '1', b: 2 }), { a: '1', b: 2, cacheable: false });
  const pat = loaded(defineModule({
    name: 'pat', description: 'p', diff: () => ({ changes: [] }),
    schema: { type: 'object', properties: { a: { type: 'string' } }, patternProperties: { '^env_': { type: 'string' } } },
  }));
  assert.deepEqual(validateArgs(pat, { a: 'x', env_HOME: '/root' }), { a: 'x', env_HOME: '/root' });
  assert.match(thrown(() => validateArgs(pat, { other: 1 })).message, /unsupported parameter 'other'/);
});

test('enum errors list the choices as Ansible does', () => {
  const e = thrown(() => validateArgs(SYSCTL, { name: 'x', state: 'presnt' }, { argLocations: { state: loc(5, 9) } }));
  assert.equal(e.message, 'value of state must be one of: present, absent, got: presnt at f.yml:5:9');
});

test('missing required arguments', () => {
  const e = thrown(() => validateArgs(SYSCTL, { value: '1' }, { location: loc(2, 7) }));
  assert.equal(e.message, "missing required arguments: name (module 'sysctl') at f.yml:2:7");
});

test('Ansible coercions: boolean words, numeric strings, comma lists, numbers to strings', () => {
  for (const [word, want] of [['yes', true], ['no', false], ['True', true], ['false', false], ['1', true], ['0', false], ['on', true]] as const) {
    assert.equal(validateArgs(SYSCTL, { name: 'x', reload: word }).reload, want, word);
  }
  const out = validateArgs(APT, { name: 'a, b,c', update_cache: 'yes', cache_valid_time: '3600', timeout: '1.5' });
  assert.deepEqual(out, { name: ['a', 'b', 'c'], update_cache: true, cache_valid_time: 3600, timeout: 1.5, state: 'present' });
  assert.equal(validateArgs(SYSCTL, { name: 'vm.swappiness', value: 10 }).value, '10');
  assert.deepEqual(validateArgs(APT, { name: [1, 'b'] }).name, ['1', 'b']);
  assert.deepEqual(validateArgs(APT, { name: 7 }).name, ['7']);
  assert.deepEqual(validateArgs(APT, { name: '' }).name, []);
});

test('values that cannot be converted are type errors naming the argument and what it got', () => {
  const e = thrown(() => validateArgs(SYSCTL, { name: 'x', reload: 'maybe' }, { argLocations: { reload: loc(7, 9) } }));
  assert.equal(e.message, "argument 'reload' of module 'sysctl' must be a boolean, got string \"maybe\" at f.yml:7:9");
  assert.match(thrown(() => validateArgs(APT, { cache_valid_time: '1h' })).message, /argument 'cache_valid_time' of module 'apt' must be an integer, got string "1h"/);
  assert.match(thrown(() => validateArgs(APT, { cache_valid_time: 1.5 })).message, /must be an integer, got number 1\.5/);
  // Booleans are not silently turned into strings.
  assert.match(thrown(() => validateArgs(SYSCTL, { name: 'x', value: true })).message, /argument 'value' of module 'sysctl' must be a string, got boolean true/);
});

test('nested objects: unknown keys and enums are reported with their path', () => {
  const e = thrown(() => validateArgs(loaded(userMod), { name: 'u', opts: { shell: 'zsh', uidd: 3 } }, { argLocations: { opts: loc(9, 9) } }));
  assert.deepEqual(e.message.split('\n'), [
    "unsupported parameter 'opts.uidd' for module 'user' at f.yml:9:9, did you mean 'uid'?",
    'value of opts.shell must be one of: bash, sh, got: zsh at f.yml:9:9',
  ]);
  assert.deepEqual(validateArgs(loaded(userMod), { name: 'u', opts: { uid: '42' } }).opts, { uid: 42 });
});

test('secret arguments are never shown in messages', () => {
  const e = thrown(() => validateArgs(loaded(userMod), { name: 'u', password: 'hunter2' }));
  assert.match(e.message, /got: \*{8}/);
  assert.doesNotMatch(e.message, /hunter2/);
});

test('validateArgs reports every problem at once; checkArgs returns them as a list', () => {
  const args = { vale: 1, state: 'presnt', reload: 'maybe' };
  const { errors } = checkArgs(SYSCTL, args, { location: loc(1, 1) });
  assert.equal(errors.length, 4);
  assert.ok(errors.every((x) => x instanceof ModuleArgsError));
  const e = thrown(() => validateArgs(SYSCTL, args, { location: loc(1, 1), taskName: 'Tune' }));
  assert.equal(e.message.split('\n').length, 4);
  assert.deepEqual(e.details, ["in task 'Tune'"]);
});

test('partial mode: templates are not type-checked, unknown and missing arguments still are', () => {
  const templated = { name: '{{ key }}', reload: '{{ do_reload }}', state: '{% if x %}present{% endif %}' };
  const out = validateArgs(SYSCTL, templated, { partial: true });
  assert.equal(out.reload, '{{ do_reload }}');
  assert.equal(out.sysctl_file, '/etc/sysctl.conf');
  // The same values rendered wrongly fail at run time (partial: false).
  assert.match(thrown(() => validateArgs(SYSCTL, templated)).message, /must be a boolean/);
  assert.match(thrown(() => validateArgs(SYSCTL, { name: '{{ k }}', vale: 1 }, { partial: true })).message, /unsupported parameter 'vale'/);
  assert.match(thrown(() => validateArgs(SYSCTL, { value: '{{ v }}' }, { partial: true })).message, /missing required arguments: name/);
  // A template inside a list is left for run time too.
  assert.deepEqual(validateArgs(loaded(command), { argv: ['ls', '{{ dir }}'] }, { partial: true }).argv, ['ls', '{{ dir }}']);
  // Non-template values are still checked in partial mode.
  assert.match(thrown(() => validateArgs(SYSCTL, { name: 'x', state: 'gone' }, { partial: true })).message, /value of state must be one of/);
});

test('arguments removed because they rendered to omit get their defaults', () => {
  // The caller drops `omit` keys; an absent argument is simply absent.
  assert.equal(validateArgs(SYSCTL, { name: 'x' }).state, 'present');
});

test('each module schema is compiled once; a broken schema blames the module', () => {
  assert.equal(argsValidator(SYSCTL), argsValidator(SYSCTL));
  const broken = loaded(defineModule({
    name: 'broken', description: 'b', diff: () => ({ changes: [] }),
    schema: { type: 'object', properties: { a: { type: 'strin' } } },
  }), '/lib/broken.js');
  const e = thrown(() => validateArgs(broken, { a: 'x' }));
  assert.ok(e instanceof ModuleLoadError);
  assert.match(e.message, /module 'broken' \(\/lib\/broken\.js\) has an invalid argument schema/);
  const typo = loaded(defineModule({
    name: 'typo', description: 't', diff: () => ({ changes: [] }),
    schema: { type: 'object', properties: { a: { type: 'string' } }, requird: ['a'] },
  }));
  assert.ok(thrown(() => validateArgs(typo, {})) instanceof ModuleLoadError);
});

test('anyOf arguments report one readable error', () => {
  const m = loaded(defineModule({
    name: 'either', description: 'e', diff: () => ({ changes: [] }),
    schema: { type: 'object', properties: { mode: { anyOf: [{ type: 'string' }, { type: 'integer' }] } } },
  }));
  assert.equal(validateArgs(m, { mode: 420 }).mode, 420);
  const e = thrown(() => validateArgs(m, { mode: true }));
  assert.equal(e.message, "argument 'mode' of module 'either' must be a string or an integer, got boolean");
});

test("a dependent argument without its requirement uses Ansible's required_by wording", () => {
  const svc: LoadedModule = {
    source: 'test',
    definition: defineModule({
      name: 'svc', description: 'x',
      schema: { type: 'object', properties: { name: { type: 'string' }, enabled: { type: 'boolean' } }, dependencies: { enabled: ['name'] } },
      diff: () => ({ changes: [] }),
    }),
  };
  const e = thrown(() => validateArgs(svc, { enabled: true }, {}));
  assert.ok(e instanceof ModuleArgsError);
  assert.match(e.message, /missing parameter\(s\) required by 'enabled': name/);
  assert.doesNotMatch(e.message, /must have property/);
});
