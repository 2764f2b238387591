/**
 * Real-host harness for module tests: a GatherContext/ApplyContext over a LocalConnection
 * (persistent local shell) with the shared host-file helpers, plus a temporary directory.
 * Used to prove each module against a real system: apply changes, then no change on a
 * second run, and check mode leaving files alone.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { readFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import type { ApplyContext, ModuleDefinition } from '../../src/index.js';
import { ModuleFailure } from '../../src/errors.js';
import { LocalConnection } from '../../src/connection/local.js';
import { readFileText, statFile, writeFileAtomic } from '../../src/connection/host-files.js';
import { shellQuote, shellJoin } from '../../src/connection/quote.js';
import { simpleEvaluate } from './fake-context.js';
import { runModule, type ModuleRun } from './run-module.js';

export interface HarnessContextOptions {
  checkMode?: boolean;
  diffMode?: boolean;
  vars?: Record<string, unknown>;
  verbosity?: number;
}

export interface Harness {
  /** A fresh temporary directory (removed by close()). */
  dir: string;
  conn: LocalConnection;
  /** Controller files resolve against this directory (files/<p>, then <p>), like a playbook dir. */
  controllerDir: string;
  /** Warnings modules emitted, across all contexts. */
  warnings: string[];
  context(opts?: HarnessContextOptions): ApplyContext;
  /** runModule on a fresh context. */
  run(def: ModuleDefinition, args: Record<string, unknown>, opts?: HarnessContextOptions): Promise<ModuleRun>;
  close(): Promise<void>;
}

/** Open a local connection and a temporary directory. */
export async function createHarness(prefix = 'k8splay-mod-'): Promise<Harness> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  const conn = new LocalConnection({ host: 'localhost' });
  await conn.connect();
  const warnings: string[] = [];
  const controllerPath = (p: string): string => {
    if (isAbsolute(p)) return p;
    const inFiles = join(h.controllerDir, 'files', p);
    return existsSync(inFiles) ? inFiles : join(h.controllerDir, p);
  };
  const h: Harness = {
    dir,
    conn,
    controllerDir: dir,
    warnings,
    context(opts = {}) {
      const vars = opts.vars ?? {};
      const ctx: ApplyContext = {
        host: { name: 'localhost', vars },
        facts: {},
        checkMode: opts.checkMode ?? false,
        diffMode: opts.diffMode ?? false,
        become: false,
        verbosity: opts.verbosity ?? 0,
        async run(command, runOpts = {}) {
          const line = Array.isArray(command) ? shellJoin(command) : command;
          const { check, ...execOpts } = runOpts;
          const r = await conn.exec(line, execOpts);
          if (check && r.rc !== 0) {
            throw new ModuleFailure(`command failed (rc=${r.rc}): ${r.stderr.trim()}`, { cmd: line, rc: r.rc, stdout: r.stdout, stderr: r.stderr });
          }
          return r;
        },
        readFile: (path) => readFileText(conn, path),
        stat: (path) => statFile(conn, path),
        quote: shellQuote,
        controller: { resolve: controllerPath, readFile: (p) => readFile(controllerPath(p)) },
        warn: (m) => void warnings.push(m),
        evaluate: (expr) => simpleEvaluate(expr, vars),
        writeFile: (path, content, wopts = {}) => writeFileAtomic(conn, path, content, wopts),
      };
      return ctx;
    },
    run(def, args, opts) {
      return runModule(def, args, h.context(opts));
    },
    async close() {
      await conn.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
  return h;
}

/** Shell-quote for building expected command lines in tests. */
export { shellQuote };
