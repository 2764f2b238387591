#!/usr/bin/env node
// Build step (after tsc and build/validators.mjs): the executables of dist/ as single files,
// so a run does not resolve, read and compile ~400 files (about 150 ms of a 300 ms no-op run).
// The rest of dist/ (the library `exports`, declarations) stays as tsc wrote it.
//
// - The CLI: src/cli/run-cli.js and all it imports, dependencies included, become one
//   CommonJS script, dist/src/cli/k8splay.cjs, which dist/src/cli/bin.js (build/bin-loader.mjs)
//   runs with a V8 code cache made here from a warm-up run (build/warm-up/). CommonJS because
//   only a script (vm.Script), not an ES module, can use a code cache on Node 20. It is strict
//   code, as the ES modules were.
// - The connection keeper's daemon (src/connection/keeper/daemon-main.js): one ES module
//   written over its tsc output, in place.
//
// Kept working in the bundles:
// - import.meta.url: each bundled module sees its own dist/ path, as unbundled (files found
//   relative to code: src/sandbox/package-repo.ts, src/cli/main.ts, the keeper's entry);
// - src/errors.js stays the module dist/src/index.js exports, so a custom module's
//   `new ModuleFailure()` (imported from 'k8splay') is an instance of the engine's class;
// - ssh2's native binding (a .node file) is required from the ssh2 package;
// - ajv's compiler is not bundled: it is loaded only to compile a schema the build did not
//   precompile.
import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { chmodSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const DIST = join(ROOT, 'dist');
const CLI_DIR = join(DIST, 'src/cli');
const CLI_ENTRY = join(CLI_DIR, 'run-cli.js');
const CLI_BUNDLE = 'k8splay.cjs';
const CLI_BIN = join(CLI_DIR, 'bin.js');
const DAEMON = join(DIST, 'src/connection/keeper/daemon-main.js');
/** Modules kept out of the bundles, shared with the library (class identity). */
const SHARED = ['src/errors.js'];
/**
 * Packages never bundled: cpu-features (ssh2's optional native helper). ajv's compiler is not
 * bundled either, without being listed: only src/module-api/validators.ts loads it, through
 * createRequire (its small runtime helpers, which the precompiled validators use, are bundled).
 */
const EXTERNAL_PACKAGES = ['cpu-features'];

const urlPath = (p) => (p.startsWith('.') ? p : `./${p}`).split(sep).join('/');

/** import() with a computed specifier (custom modules): not bundled, left to node. */
const COMPUTED_IMPORT = /(?<![.\w$])import\((?!\s*['"`])/;

/**
 * Each module's import.meta.url (and .filename, .dirname) is its own file in dist/, and
 * import.meta.resolve resolves from there (`base`: an expression, the bundle's URL;
 * `k8splayResolve` and `k8splayPath` come with the banner).
 * In the CLI script, an import() with a computed specifier goes through bin.js
 * (`k8splayImport`): a script compiled from a code cache cannot import() on Node 20.
 */
function ownImportMeta(outDir, base, format) {
  return {
    name: 'own-import-meta',
    setup(b) {
      b.onLoad({ filter: /\.js$/ }, (args) => {
        if (!args.path.startsWith(DIST + sep)) return undefined;
        const text = readFileSync(args.path, 'utf8');
        const computedImport = format === 'cjs' && COMPUTED_IMPORT.test(text);
        if (!text.includes('import.meta') && !computedImport) return undefined;
        const own = `new URL(${JSON.stringify(urlPath(relative(outDir, args.path)))}, ${base}).href`;
        let contents = text.replace(/import\.meta\.(url|resolve|filename|dirname)\b/g, (_m, what) => ({
          url: own,
          resolve: `((s) => k8splayResolve(${own}, s))`,
          filename: `k8splayPath(${own})`,
          dirname: `k8splayPath(new URL(".", ${own}).href)`,
        })[what]);
        if (computedImport) contents = contents.replace(new RegExp(COMPUTED_IMPORT, 'g'), `k8splayImport(${own}, `);
        return { contents, loader: 'js', resolveDir: dirname(args.path) };
      });
    },
  };
}

/** import.meta.resolve for a bundled module: relative to its own URL, packages through `bare`. */
const resolveBanner = (bare) => [
  `const k8splayResolve = (from, s) => (/^\\.{0,2}\\//.test(s) ? new URL(s, from).href : ${bare}(s));`,
  'const k8splayPath = (url) => decodeURIComponent(new URL(url).pathname);',
].join('\n');
/** import() in the CLI script: bin.js imports, relative specifiers taken from the module's own URL. */
const importBanner = 'const k8splayImport = (from, s) => k8splayShared["import"](/^\\.{0,2}\\//.test(s) ? new URL(s, from).href : s);';

/**
 * SHARED modules: in the CLI script, the namespace bin.js passes in (`k8splayShared`); in an
 * ES module bundle, an import relative to the bundle.
 */
function sharedModules(outDir, format) {
  const shared = new Map(SHARED.map((s) => [join(DIST, s), s]));
  return {
    name: 'shared-modules',
    setup(b) {
      b.onResolve({ filter: /^\.\.?\// }, (args) => {
        const key = shared.get(join(args.resolveDir, args.path));
        if (!key) return undefined;
        if (format === 'esm') return { path: urlPath(relative(outDir, join(DIST, key))), external: true };
        return { path: key, namespace: 'k8splay-shared' };
      });
      b.onLoad({ filter: /.*/, namespace: 'k8splay-shared' }, (args) => ({
        contents: `module.exports = k8splayShared[${JSON.stringify(args.path)}];`, loader: 'js',
      }));
    },
  };
}

/** A native addon is required from its own package (`ssh2/lib/.../sshcrypto.node`), wherever that is installed. */
const nativeAddons = {
  name: 'native-addons',
  setup(b) {
    b.onResolve({ filter: /\.node$/ }, (args) => {
      const full = join(args.resolveDir, args.path);
      const i = full.lastIndexOf(`node_modules${sep}`);
      if (i < 0) throw new Error(`native addon outside node_modules: ${full}`);
      return { path: full.slice(i + 'node_modules/'.length).split(sep).join('/'), external: true };
    });
  },
};

/**
 * ssh2 compiles and instantiates a WebAssembly poly1305 as soon as it is loaded, for its
 * JavaScript chacha20-poly1305, which it uses only without its native binding: with the
 * binding installed (npm ci builds it) that costs ~6 MB of resident memory in every process
 * that loads ssh2 (the keeper holds all connections) for nothing. Here the module skips it
 * when the binding loaded. The replaced text is checked: an ssh2 whose code differs is
 * bundled as it is, and the build says so.
 */
const SSH2_POLY1305_LOAD = "POLY1305_WASM_MODULE = await require('./crypto/poly1305.js')();";
const lazyPoly1305 = {
  name: 'lazy-poly1305',
  setup(b) {
    b.onLoad({ filter: /[\\/]ssh2[\\/]lib[\\/]protocol[\\/]crypto\.js$/ }, (args) => {
      const text = readFileSync(args.path, 'utf8');
      if (!text.includes(SSH2_POLY1305_LOAD) || !text.includes('let ChaChaPolyCipher;')) {
        report.push(`ssh2's crypto.js not as expected: its WebAssembly poly1305 loads eagerly`);
        return undefined;
      }
      const contents = text.replace(SSH2_POLY1305_LOAD, `if (ChaChaPolyCipher && ChaChaPolyDecipher) return resolve(); ${SSH2_POLY1305_LOAD}`);
      return { contents, loader: 'js' };
    });
  },
};

// No source maps: the bundle is readable (each module under a `// dist/...` comment), and node
// applies no map to a vm.Script anyway.
const common = { bundle: true, platform: 'node', target: 'node20', metafile: true, logLevel: 'warning' };
const report = [];

// The CLI script.
for (const f of readdirSync(CLI_DIR)) if (/^k8splay\..*(cjs|cjs\.map|v8cache|tmp)$/.test(f)) rmSync(join(CLI_DIR, f)); // older builds'
const cli = await build({
  ...common,
  entryPoints: [CLI_ENTRY],
  outfile: join(CLI_DIR, CLI_BUNDLE),
  format: 'cjs',
  external: EXTERNAL_PACKAGES,
  // Run inside bin.js's wrapper function: "use strict" applies to all of it, as it did to the ES modules.
  banner: { js: ['"use strict";', 'const k8splayBundleUrl = require("node:url").pathToFileURL(__filename).href;', resolveBanner('k8splayShared["import.meta.resolve"]'), importBanner].join('\n') },
  plugins: [ownImportMeta(CLI_DIR, 'k8splayBundleUrl', 'cjs'), sharedModules(CLI_DIR, 'cjs'), nativeAddons, lazyPoly1305],
});
// ASCII only, so bin.js reads it as latin1 (1 ms; a 3 MB UTF-8 decode into a two-byte string
// takes 11 ms and twice the memory). esbuild escapes strings but leaves regexp literals as
// written; \uXXXX means the same there, and in strings, templates and comments.
const written = readFileSync(join(CLI_DIR, CLI_BUNDLE), 'utf8');
if (/(?<![.\w$])import\(/.test(written.replace(/\/\/.*$/gm, ''))) throw new Error(`${CLI_BUNDLE} still holds an import(): bin.js cannot serve it`);
const bundleBytes = Buffer.from(written.replace(/[^\x00-\x7f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`), 'latin1');
writeFileSync(join(CLI_DIR, CLI_BUNDLE), bundleBytes);
// The cache's name carries the bundle's hash: V8 checks only the source's length.
const cacheName = `k8splay.${createHash('sha256').update(bundleBytes).digest('hex').slice(0, 16)}.v8cache`;
writeFileSync(CLI_BIN, readFileSync(join(ROOT, 'build/bin-loader.mjs'), 'utf8').replace("'__BUNDLE__'", JSON.stringify(CLI_BUNDLE)));
writeFileSync(join(CLI_DIR, 'load-bundle.js'), readFileSync(join(ROOT, 'build/load-bundle.mjs'), 'utf8')
  .replace("'__BUNDLE__'", JSON.stringify(CLI_BUNDLE)).replace("'__CACHE__'", JSON.stringify(cacheName)));
chmodSync(CLI_BIN, 0o755);
rmSync(`${CLI_BIN}.map`, { force: true });
report.push(`src/cli/${CLI_BUNDLE} (${Object.keys(cli.metafile.inputs).length} files, ${(bundleBytes.length / 1024).toFixed(0)} KiB)`);

// Its code cache, made by bin.js itself (same wrapper, same Node) from the warm-up run, then checked.
const WARM_UP = join(ROOT, 'build/warm-up');
// Run by this process, never by a keeper's warm engine.
const env = (extra) => ({ ...process.env, K8SPLAY_NO_CODE_CACHE: '', NO_COLOR: '1', K8SPLAY_NO_WARM_ENGINE: '1', ...extra });
let r = spawnSync(process.execPath, [CLI_BIN, 'site.yml', '-i', 'hosts.ini'], { cwd: WARM_UP, env: env({ K8SPLAY_BUILD_CODE_CACHE: '1' }), encoding: 'utf8' });
if (r.status !== 0) throw new Error(`the warm-up run failed (exit ${r.status}):\n${r.stdout}${r.stderr}`);
r = spawnSync(process.execPath, [CLI_BIN, '--version'], { env: env({ K8SPLAY_DEBUG_CODE_CACHE: '1' }), encoding: 'utf8' });
if (r.status !== 0 || !/code cache: accepted/.test(r.stderr)) {
  // Still correct, only slower: the first run writes a cache of its own.
  rmSync(join(CLI_DIR, cacheName), { force: true });
  report.push(`code cache refused, not shipped (${r.stderr.trim()})`);
} else {
  report.push(`code cache ${(readFileSync(join(CLI_DIR, cacheName)).length / 1024).toFixed(0)} KiB`);
}

// The keeper daemon, over tsc's output (skipped when that is already the bundle: this step run
// again without tsc).
const DAEMON_BANNER = "import { createRequire as k8splayCreateRequire } from 'node:module';";
if (!readFileSync(DAEMON, 'utf8').startsWith(DAEMON_BANNER)) {
  const outDir = dirname(DAEMON);
  const d = await build({
    ...common,
    entryPoints: [DAEMON],
    outfile: DAEMON,
    allowOverwrite: true,
    format: 'esm',
    external: EXTERNAL_PACKAGES,
    // CommonJS dependencies read __dirname (ssh2's poly1305 does, at load): the bundle's directory.
    define: { __dirname: 'k8splayDirname', __filename: 'k8splayFilename' },
    banner: {
      js: [
        DAEMON_BANNER, 'const require = k8splayCreateRequire(import.meta.url);', resolveBanner('import.meta.resolve'),
        'const k8splayFilename = k8splayPath(import.meta.url);', 'const k8splayDirname = k8splayPath(new URL(".", import.meta.url).href);',
      ].join('\n'),
    },
    plugins: [ownImportMeta(outDir, 'import.meta.url', 'esm'), sharedModules(outDir, 'esm'), nativeAddons, lazyPoly1305],
  });
  rmSync(`${DAEMON}.map`, { force: true }); // tsc's map, of the unbundled file
  report.push(`${relative(DIST, DAEMON)} (${Object.keys(d.metafile.inputs).length} files)`);
}
console.log(`build/bundle.mjs: ${report.join(', ')}`);
