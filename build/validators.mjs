#!/usr/bin/env node
// Build step (after tsc): precompile the validators of every built-in module's argument schema
// and of the playbook keyword schemas into dist/src/module-api/precompiled-validators.js, the
// table src/module-api/validators.ts looks schemas up in (by a hash of schema and options).
import { rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const DIST = join(ROOT, 'dist');
const load = (path) => import(pathToFileURL(join(DIST, path)).href);
const { builtinModules } = await load('modules/index.js');
const { schemaFor, SCHEMA_KINDS } = await load('src/playbook/schema.js');
const { precompiledValidatorsSource } = await load('src/module-api/standalone-validators.js');

const schemas = [
  ...builtinModules.map((m) => ({ flavour: 'args', schema: m.schema })),
  ...SCHEMA_KINDS.map((kind) => ({ flavour: 'keywords', schema: schemaFor(kind) })),
];
const out = join(DIST, 'src/module-api/precompiled-validators.js');
writeFileSync(out, precompiledValidatorsSource(schemas));
rmSync(`${out}.map`, { force: true }); // the map of the empty source form no longer applies
console.log(`build/validators.mjs: ${schemas.length} validators -> ${out.slice(ROOT.length + 1)}`);
