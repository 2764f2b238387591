// load-bundle.js, as built: build/bundle.mjs writes it into dist/src/cli/ from
// build/load-bundle.mjs, with the names below filled in. Loads the CLI bundled into one script
// (src/cli/run-cli.js and everything it imports, dependencies included) through V8's code
// cache: a run then neither resolves and reads ~400 files nor parses and compiles the
// functions it uses. Used by the executable (bin.js) and by the keeper's warm engine.
//
// - The build makes the cache from a warm-up run (build/warm-up/): it holds what every run
//   uses (options, inventory, playbook, templates, executor, console output).
// - A run that had to compile much more (ssh, facts, modules the warm-up does not run) writes
//   the cache again on exit, with its functions added: the next such run finds them compiled.
// - V8 refuses a cache made by another Node version or under other V8 flags
//   (--max-old-space-size, --expose-gc...): the run then uses, or writes, a cache of its own
//   for this Node and these flags, next to the first one.
// Caches are written only where this file is, when writable (atomically: runs may overlap).
// K8SPLAY_NO_CODE_CACHE=1 turns the cache off.
import { createHash } from 'node:crypto';
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import vm from 'node:vm';
// Shared with dist/src/index.js rather than bundled: a custom module's `new ModuleFailure()`
// (imported from 'k8splay') must be an instance of the engine's class.
import * as errors from '../errors.js';

const BUNDLE = '__BUNDLE__';
const CACHE = '__CACHE__';
/**
 * Bytecode beyond what the run that wrote the cache had, above which the cache is written
 * again (runs the cache fits stay within ~80 KiB of their writer; an ssh run after the warm-up
 * one adds ~250 KiB). The writer's figure is kept in an 8-byte trailer after V8's data, so a
 * run loads node:v8 (~1.5 ms) only on its way out.
 */
const REWRITE_AFTER_BYTES = 128 * 1024;
const TRAILER = 'k8c1';

/**
 * Load the bundle (once per process) and return its exports: runCli, serveRun.
 * The cache is written on the way out when this run compiled much more than its writer.
 */
let loaded;
export function loadBundle() {
  loaded ??= load();
  return loaded;
}

let saveNow = () => undefined;
/**
 * Write the cache now rather than on the way out, by the same rule (a long-lived process, the
 * keeper's warm engine, may be killed rather than exit; the next one then finds it).
 */
export function saveCodeCache() {
  saveNow();
}

function load() {
  const here = dirname(fileURLToPath(import.meta.url));
  const file = join(here, BUNDLE);
  const building = process.env.K8SPLAY_BUILD_CODE_CACHE === '1';
  const useCache = !building && !process.env.K8SPLAY_NO_CODE_CACHE;

  /**
   * The cache for this Node and these flags, which exists only where the build's was refused
   * (trying a refused cache costs a compile), then the build's.
   */
  const caches = [join(here, CACHE)];
  if (useCache) {
    const flags = JSON.stringify([process.version, process.arch, process.execArgv, process.env.NODE_OPTIONS ?? '']);
    caches.unshift(join(here, CACHE.replace(/\.v8cache$/, `.${createHash('sha256').update(flags).digest('hex').slice(0, 8)}.v8cache`)));
  }
  const ownCache = caches[0];

  // The bundle is ASCII (the build checks): latin1 is the cheapest decoding.
  const source = readFileSync(file, 'latin1');
  const compile = (cachedData) => new vm.Script(
    `(function (exports, require, module, __filename, __dirname, k8splayShared) {${source}\n})`,
    { filename: file, cachedData },
  );

  let script;
  let status = 'none';
  let writeTo = caches.at(-1);
  let writerBytecode = 0;
  for (const cache of useCache ? caches : []) {
    let cachedData;
    try { cachedData = readFileSync(cache); } catch { continue; }
    if (cachedData.length > 8 && cachedData.toString('latin1', cachedData.length - 4) === TRAILER) {
      writerBytecode = cachedData.readUInt32LE(cachedData.length - 8);
      cachedData = cachedData.subarray(0, cachedData.length - 8);
    }
    const s = compile(cachedData);
    if (!s.cachedDataRejected) { script = s; writeTo = cache; status = cache === ownCache ? 'accepted (for this Node and flags)' : 'accepted'; break; }
    // Refused: a cache of their own for these flags, from now on.
    status = 'rejected';
    writeTo = ownCache;
    writerBytecode = 0;
    script = s; // compiled all the same: no second compile
    break;
  }
  script ??= compile(undefined);

  /** Write the cache: on the way out, so it holds the functions this run compiled too. */
  function writeCacheOnExit() {
    try {
      const bytecode = createRequire(import.meta.url)('node:v8').getHeapCodeStatistics().bytecode_and_metadata_size;
      const more = `${((bytecode - writerBytecode) / 1024).toFixed(0)} KiB more bytecode than its writer`;
      if (!building && status.startsWith('accepted') && bytecode - writerBytecode < REWRITE_AFTER_BYTES) {
        if (process.env.K8SPLAY_DEBUG_CODE_CACHE) process.stderr.write(`code cache: kept (${more})\n`);
        return;
      }
      const trailer = Buffer.alloc(8);
      trailer.writeUInt32LE(Math.min(bytecode, 0xffffffff), 0);
      trailer.write(TRAILER, 4, 'latin1');
      const tmp = `${writeTo}.${process.pid}.tmp`;
      writeFileSync(tmp, Buffer.concat([script.createCachedData(), trailer]));
      renameSync(tmp, writeTo);
      // Written once more only if this process compiles much more from now on.
      writerBytecode = bytecode;
      status = 'accepted';
      if (process.env.K8SPLAY_DEBUG_CODE_CACHE) process.stderr.write(`code cache: written (${more})\n`);
    } catch { /* a read-only installation: compile what the cache lacks every time */ }
  }

  if (process.env.K8SPLAY_DEBUG_CODE_CACHE) process.stderr.write(`code cache: ${status}\n`);
  if (useCache || building) {
    process.once('exit', writeCacheOnExit);
    saveNow = writeCacheOnExit;
  }
  const module = { exports: {} };
  // import() of custom modules (library/, --plugin) is made here: a script compiled from a code
  // cache cannot import() on Node 20 (the bundle has no other import()).
  const shared = {
    'src/errors.js': errors,
    import: (specifier) => import(specifier),
    'import.meta.resolve': (specifier) => import.meta.resolve(specifier),
  };
  script.runInThisContext()(module.exports, createRequire(file), module, file, here, shared);
  return module.exports;
}
