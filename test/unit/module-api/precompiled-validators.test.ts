/**
 * The build's precompiled validators (ajv standalone code, src/module-api/standalone-validators.ts)
 * against validators compiled at run time: the same verdicts, defaults and errors, and an edited
 * schema never meets a stale validator.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { spawnSync } from 'node:child_process';
import fc from 'fast-check';
import type { ValidateFunction } from 'ajv';
import { builtinModules } from '../../../modules/index.js';
import { schemaFor, SCHEMA_KINDS } from '../../../src/playbook/schema.js';
import { checkKeywords } from '../../../src/playbook/index.js';
import { checkArgs } from '../../../src/module-api/validate-args.js';
import {
  compileValidator, precompiledValidator, schemaValidator, setPrecompiledValidators, validatorKey,
  type PrecompiledTable, type ValidatorFlavour,
} from '../../../src/module-api/validators.js';
import {
  precompiledValidatorsSource, schemasToPrecompile, type SchemaToPrecompile,
} from '../../../src/module-api/standalone-validators.js';
import type { JsonSchema } from '../../../src/module-api/types.js';

const ROOT = join(import.meta.dirname, '../../..');
/** Every built-in schema, listed here apart from what the build is told to precompile. */
const ALL: SchemaToPrecompile[] = [
  ...builtinModules.map((m) => ({ flavour: 'args' as const, schema: m.schema })),
  ...SCHEMA_KINDS.map((kind) => ({ flavour: 'keywords' as const, schema: schemaFor(kind) })),
];

test('the build precompiles every built-in schema: modules\' arguments and each keyword kind', () => {
  const keysOf = (list: SchemaToPrecompile[]): Set<string> => new Set(list.map((s) => validatorKey(s.flavour, s.schema)));
  assert.deepEqual(keysOf(schemasToPrecompile()), keysOf(ALL));
});

/** The generated module, written to a temp dir and imported, as the build does. */
async function generatedTable(): Promise<{ table: PrecompiledTable; file: string; dir: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'k8sp-validators-'));
  const file = join(dir, 'precompiled-validators.mjs');
  writeFileSync(file, precompiledValidatorsSource(schemasToPrecompile(), { runtimeImports: 'absolute' }));
  const { PRECOMPILED } = await import(pathToFileURL(file).href) as { PRECOMPILED: PrecompiledTable };
  return { table: PRECOMPILED, file, dir };
}

/** Values of every JSON type, and templates, for each property of a schema. */
const CANDIDATES: unknown[] = [
  'present', 'yes', '1', '', '{{ x }}', 3, 0, 2.5, -1, true, false, null, [], ['a', 1], [{ a: 1 }], {}, { a: 'b' },
];

/** Argument objects probing every property of `schema`, plus {} and an unknown key. */
function probes(schema: JsonSchema): Array<Record<string, unknown>> {
  const props = Object.keys((schema.properties ?? {}) as object);
  const out: Array<Record<string, unknown>> = [{}, { no_such_argument: 1 }];
  for (const p of props) for (const v of CANDIDATES) out.push({ [p]: v });
  // Each enum value and default together: mostly valid objects.
  const sample: Record<string, unknown> = {};
  for (const [p, s] of Object.entries((schema.properties ?? {}) as Record<string, JsonSchema>)) {
    const e = s['enum'];
    if (Array.isArray(e) && e.length) sample[p] = e[0];
    else if (s['default'] !== undefined) sample[p] = s['default'];
  }
  out.push(sample);
  return out;
}

/** What a validator says about `data`: verdict, the data after defaults, and its errors. */
function outcome(v: ValidateFunction, data: unknown): { valid: boolean; data: unknown; errors: unknown } {
  const copy = structuredClone(data);
  const valid = v(copy) as boolean;
  return { valid, data: copy, errors: structuredClone(v.errors ?? null) };
}

test('precompiled and runtime validators agree on verdicts, defaults and errors (every built-in schema)', async () => {
  const { table, dir } = await generatedTable();
  try {
    let compared = 0;
    for (const { flavour, schema } of ALL) {
      const key = validatorKey(flavour, schema);
      // The flavour and 160 bits of hash: an edited schema cannot collide with a built-in one.
      assert.match(key, /^(args|keywords)_[0-9a-f]{40}$/);
      const make = table[key];
      assert.ok(make, `a ${flavour} schema was not precompiled`);
      const pre = make();
      const run = compileValidator(flavour, schema);
      const cases = flavour === 'args' ? probes(schema as JsonSchema) : probes(schema as JsonSchema).concat([{ hosts: 'all' }]);
      for (const c of cases) {
        assert.deepEqual(outcome(pre, c), outcome(run, c), `${flavour} ${JSON.stringify(c)}`);
        compared++;
      }
    }
    assert.ok(compared > 1000, `only ${compared} cases`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('precompiled and runtime validators agree on random argument objects', async () => {
  const { table, dir } = await generatedTable();
  try {
    for (const flavour of ['args', 'keywords'] as ValidatorFlavour[]) {
      const schemas = ALL.filter((s) => s.flavour === flavour);
      const keyOf = (s: SchemaToPrecompile) => Object.keys((s.schema as JsonSchema).properties ?? {});
      fc.assert(fc.property(
        fc.integer({ min: 0, max: schemas.length - 1 }).chain((i) => fc.tuple(
          fc.constant(i),
          fc.dictionary(fc.constantFrom(...keyOf(schemas[i]!), 'other'), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 4 }),
        )),
        ([i, data]) => {
          const s = schemas[i]!;
          assert.deepEqual(outcome(table[validatorKey(s.flavour, s.schema)]!(), data), outcome(compileValidator(s.flavour, s.schema), data));
        },
      ), { numRuns: 300 });
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('checkArgs and checkKeywords report the same through either validator', async () => {
  const { table, dir } = await generatedTable();
  const messages = (): string[] => {
    const out: string[] = [];
    for (const m of builtinModules) {
      const mod = { definition: m, source: 'built-in' };
      for (const c of probes(m.schema)) {
        const r = checkArgs(mod, c, { partial: true });
        out.push(JSON.stringify([m.name, c, r.args, r.errors.map((e) => e.message)]));
      }
    }
    for (const kind of SCHEMA_KINDS) for (const c of probes(schemaFor(kind))) out.push(JSON.stringify([kind, c, checkKeywords(kind, c)]));
    return out;
  };
  const previous = setPrecompiledValidators({});
  try {
    const runtime = messages();
    setPrecompiledValidators(table);
    const precompiled = messages();
    assert.deepEqual(precompiled, runtime);
  } finally {
    setPrecompiledValidators(previous);
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a changed schema is not in the table: it is compiled at run time, with its own defaults', async () => {
  const { table, dir } = await generatedTable();
  const previous = setPrecompiledValidators(table);
  try {
    const sysctl = builtinModules.find((m) => m.name === 'sysctl')!;
    assert.ok(precompiledValidator('args', sysctl.schema), 'the built-in schema is precompiled');
    assert.equal(schemaValidator('args', sysctl.schema), schemaValidator('args', sysctl.schema), 'made once per schema');

    const edited = structuredClone(sysctl.schema) as JsonSchema;
    const props = edited.properties as Record<string, JsonSchema>;
    const [name, prop] = Object.entries(props).find(([, p]) => p['default'] !== undefined)!;
    prop['default'] = 'edited-default';
    assert.equal(precompiledValidator('args', edited), undefined);
    const v = schemaValidator('args', edited);
    const data: Record<string, unknown> = {};
    v(data);
    assert.equal(data[name], 'edited-default');
  } finally {
    setPrecompiledValidators(previous);
    rmSync(dir, { recursive: true, force: true });
  }
});

test('with every schema precompiled, validating loads no ajv compiler', async () => {
  const { file, dir } = await generatedTable();
  try {
    // A fresh process: this one has loaded ajv to compile the runtime side of the tests above.
    const script = `
      import { createRequire } from 'node:module';
      import { setPrecompiledValidators } from ${JSON.stringify(pathToFileURL(join(ROOT, 'src/module-api/validators.ts')).href)};
      import { checkArgs } from ${JSON.stringify(pathToFileURL(join(ROOT, 'src/module-api/validate-args.ts')).href)};
      import { checkKeywords } from ${JSON.stringify(pathToFileURL(join(ROOT, 'src/playbook/schema.ts')).href)};
      import { builtinModules } from ${JSON.stringify(pathToFileURL(join(ROOT, 'modules/index.ts')).href)};
      const { PRECOMPILED } = await import(${JSON.stringify(pathToFileURL(file).href)});
      setPrecompiledValidators(PRECOMPILED);
      let errors = 0;
      for (const m of builtinModules) errors += checkArgs({ definition: m, source: 'built-in' }, { no_such_argument: 1 }).errors.length;
      errors += checkKeywords('task', { when: {} }).length + checkKeywords('play', {}).length;
      const loaded = Object.keys(createRequire(import.meta.url).cache).filter((k) => /node_modules\\/ajv\\/dist\\/(ajv|core|compile)/.test(k));
      console.log(JSON.stringify({ errors, loaded }));
    `;
    const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: ROOT, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const { errors, loaded } = JSON.parse(r.stdout.trim().split('\n').pop()!) as { errors: number; loaded: string[] };
    assert.ok(errors >= builtinModules.length + 2, 'the validators ran and found the errors');
    assert.deepEqual(loaded, []);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
