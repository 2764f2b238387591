/**
 * Builds the context a module sees: commands and files on the host through its connection,
 * controller files relative to the playbook, and template evaluation in the task's scope.
 */
import { readFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import type { BecomeSpec, Connection, ExecResult } from '../connection/types.js';
import type { ApplyContext, FileStat, CommandOptions, WriteFileOptions, WriteFileResult } from '../module-api/types.js';
import { ModuleFailure, K8splayError } from '../errors.js';
import { shellQuote, shellJoin } from '../connection/quote.js';
import { readFileText, statFile, writeFileAtomic } from '../connection/host-files.js';
import { evaluate } from '../template/index.js';
import { flatVars } from '../template/scope.js';

export interface ContextInputs {
  host: string;
  vars: Record<string, unknown>;
  facts: Record<string, unknown>;
  checkMode: boolean;
  diffMode: boolean;
  verbosity: number;
  become: BecomeSpec | false;
  environment?: Record<string, string>;
  /** Lazily opens the connection; undefined for controller-only modules. */
  connection?: () => Promise<Connection>;
  /** Directories searched for controller files (playbook's files/ and the playbook dir). */
  searchDirs: string[];
  /** performance.now() value after which commands are cut (task `timeout`). */
  deadline?: number;
  warn(message: string): void;
}

/** Controller-side path resolution like Ansible's: <dir>/files/<p>, then <dir>/<p>. */
export function resolveControllerPath(p: string, searchDirs: string[]): string {
  if (isAbsolute(p)) return p;
  for (const d of searchDirs) {
    for (const cand of [join(d, 'files', p), join(d, p)]) if (existsSync(cand)) return cand;
  }
  return resolve(searchDirs[0] ?? process.cwd(), p);
}

export function createModuleContext(inp: ContextInputs): ApplyContext {
  const conn = async (): Promise<Connection> => {
    if (!inp.connection) throw new K8splayError('INTERNAL', 'this module runs on the controller and has no connection to the host');
    return inp.connection();
  };
  const env = inp.environment && Object.keys(inp.environment).length ? inp.environment : undefined;

  const run = async (command: string | string[], opts: CommandOptions = {}): Promise<ExecResult> => {
    const line = Array.isArray(command) ? shellJoin(command) : command;
    const c = await conn();
    // Under a task timeout, each command gets what is left of the task's time.
    const left = inp.deadline !== undefined ? Math.max(1, Math.round(inp.deadline - performance.now())) : undefined;
    const timeoutMs = left !== undefined ? Math.min(left, opts.timeoutMs ?? left) : opts.timeoutMs;
    const res = await c.exec(line, {
      ...opts,
      ...(timeoutMs !== undefined ? { timeoutMs } : {}),
      env: env || opts.env ? { ...(env ?? {}), ...(opts.env ?? {}) } : undefined,
      become: opts.become ?? inp.become,
    });
    if (opts.check && res.rc !== 0) {
      const firstErr = res.stderr.trim().split('\n').slice(-3).join('\n') || res.stdout.trim().split('\n').slice(-3).join('\n');
      throw new ModuleFailure(firstErr ? `command failed (rc=${res.rc}): ${firstErr}` : `command failed (rc=${res.rc})`, {
        cmd: line, rc: res.rc, stdout: res.stdout, stderr: res.stderr,
      });
    }
    return res;
  };

  let flat: Record<string, unknown> | undefined;
  return {
    host: {
      name: inp.host,
      // A task's scope inherits most of its variables (variables.ts); modules see one plain
      // object, made when first read (most modules never read it).
      get vars() {
        return (flat ??= flatVars(inp.vars));
      },
    },
    facts: inp.facts,
    checkMode: inp.checkMode,
    diffMode: inp.diffMode,
    verbosity: inp.verbosity,
    become: inp.become,
    run,
    readFile: async (path: string) => readFileText(await conn(), path, { become: inp.become }),
    stat: async (path: string): Promise<FileStat> => statFile(await conn(), path, { become: inp.become }),
    quote: shellQuote,
    controller: {
      resolve: (p: string) => resolveControllerPath(p, inp.searchDirs),
      readFile: (p: string) => readFile(resolveControllerPath(p, inp.searchDirs)),
    },
    warn: inp.warn,
    evaluate: (expr: string) => evaluate(expr, inp.vars),
    writeFile: async (path: string, content: string | Buffer, opts: WriteFileOptions = {}): Promise<WriteFileResult> =>
      writeFileAtomic(await conn(), path, content, { ...opts, become: inp.become }),
  } as ApplyContext;
}
