#!/usr/bin/env node
// Build step (after tsc): precompile the validators of schemasToPrecompile() (every built-in
// module's argument schema and the playbook keyword schemas) into
// dist/src/module-api/precompiled-validators.js, the table src/module-api/validators.ts looks
// schemas up in (by a hash of schema and options).
import { rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const DIST = join(ROOT, 'dist');
const load = (path) => import(pathToFileURL(join(DIST, path)).href);
const { precompiledValidatorsSource, schemasToPrecompile } = await load('src/module-api/standalone-validators.js');

const schemas = schemasToPrecompile();
const out = join(DIST, 'src/module-api/precompiled-validators.js');
writeFileSync(out, precompiledValidatorsSource(schemas));
rmSync(`${out}.map`, { force: true }); // the map of the empty source form no longer applies
console.log(`build/validators.mjs: ${schemas.length} validators -> ${out.slice(ROOT.length + 1)}`);
