/**
 * Where the keeper's entry point is and how to start it. The one place that knows the file
 * layout: daemon-main.js in a build (build/bundle.mjs writes its bundle over that file, in
 * place), daemon-main.ts from source.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Engine } from './engine-host.js';

export interface KeeperCommand {
  /** The executable (this Node). */
  command: string;
  /** Arguments before the control directory. */
  args: string[];
}

/**
 * The keeper allocates little but lives long beside the run: a small young generation keeps its
 * resident memory low (measured at 50 connections: 77 MB with Node's default, see the issue 6 note).
 * --lite-mode: no optimizing compiler; its JavaScript only moves bytes between sockets and ssh2,
 * whose ciphers are native: 50 connections 66.6 -> 58.0 MB, ~2 ms more CPU per 3-host run.
 */
const V8_FLAGS = ['--max-semi-space-size=1'];

/**
 * Lite mode has no WebAssembly, which ssh2 needs when its native binding is missing (npm ci
 * builds it; a failed build leaves ssh2 on JavaScript ciphers with a WebAssembly poly1305) and
 * which it instantiates at load from source (the bundle defers that: build/bundle.mjs).
 */
function liteMode(fromSource: boolean): string[] {
  if (fromSource) return [];
  try {
    createRequire(import.meta.url).resolve('ssh2/lib/protocol/crypto/build/Release/sshcrypto.node');
    return ['--lite-mode'];
  } catch {
    return [];
  }
}

/**
 * The command line that runs the keeper: `node daemon-main.js` from a build, or
 * `node --import tsx daemon-main.ts` from source (this file is a .ts when run through tsx).
 */
export function keeperCommand(): KeeperCommand {
  const fromSource = import.meta.url.endsWith('.ts');
  const entry = fileURLToPath(new URL(fromSource ? './daemon-main.ts' : './daemon-main.js', import.meta.url));
  const flags = [...V8_FLAGS, ...liteMode(fromSource)];
  if (!fromSource) return { command: process.execPath, args: [...flags, entry] };
  // An absolute loader URL: the keeper runs in / and must not depend on its directory.
  return { command: process.execPath, args: [...flags, '--import', tsxLoader(), entry] };
}

/** tsx's ESM entry (`--import tsx`), as a file URL. */
function tsxLoader(): string {
  // tsx compiles this file to CommonJS when a CommonJS module requires it: no import.meta.resolve then.
  if (typeof import.meta.resolve === 'function') return import.meta.resolve('tsx');
  return pathToFileURL(createRequire(import.meta.url).resolve('tsx/package.json').replace(/package\.json$/, 'dist/loader.mjs')).href;
}

/**
 * The warm engine this keeper can host (engine-host.ts): in a build, the CLI bundle beside it
 * (dist/src/cli/k8splay.cjs, loaded by load-bundle.js with its code cache); from source, the
 * CLI's serve.ts (for tests; the executable from source never asks). Undefined when a build
 * has no bundle.
 */
export function engineEntry(): { bundle: string; load: () => Promise<Engine> } | undefined {
  if (import.meta.url.endsWith('.ts')) {
    const entry = new URL('../../cli/warm/serve.ts', import.meta.url);
    return { bundle: fileURLToPath(entry), load: async () => (await import(entry.href)) as Engine };
  }
  const bundle = fileURLToPath(new URL('../../cli/k8splay.cjs', import.meta.url));
  if (!existsSync(bundle)) return undefined;
  const loader = new URL('../../cli/load-bundle.js', import.meta.url).href;
  return {
    bundle,
    load: async () => {
      const lb = (await import(loader)) as { loadBundle(): Pick<Engine, 'serveRun'>; saveCodeCache(): void };
      const { serveRun } = lb.loadBundle();
      return { serveRun, saveCodeCache: () => lb.saveCodeCache() };
    },
  };
}
