/**
 * An in-memory host for module unit tests: files in a Map, commands answered from a script.
 * An unscripted command throws, so a test also proves which commands a module runs.
 */
import { createHash } from 'node:crypto';
import { posix } from 'node:path';
import { shlexSplit } from '../../modules/_shared/shlex.js';
import {
  ModuleFailure, TemplateError,
  type ApplyContext, type ExecResult, type FileStat, type GatherContext, type WriteFileOptions, type WriteFileResult,
} from '../../src/index.js';

/** Options of ctx.run (named through the context: the public index also exports run()'s RunOptions). */
export type CtxRunOptions = NonNullable<Parameters<GatherContext['run']>[1]>;

export interface FakeFile {
  content?: string | Buffer;
  type?: 'file' | 'directory' | 'link' | 'other';
  mode?: string;
  owner?: string;
  group?: string;
  uid?: number;
  gid?: number;
  linkTarget?: string;
  nlink?: number;
  inode?: number;
}

export interface FakeCommand {
  /** A substring of the command line, or a regex over it. */
  match: string | RegExp;
  result?: Partial<ExecResult>;
  respond?: (command: string, opts: CtxRunOptions | undefined, host: FakeContext) => Partial<ExecResult>;
}

export interface FakeOptions {
  files?: Record<string, FakeFile | string>;
  commands?: FakeCommand[];
  checkMode?: boolean;
  diffMode?: boolean;
  vars?: Record<string, unknown>;
  facts?: Record<string, unknown>;
  controllerFiles?: Record<string, string | Buffer>;
  verbosity?: number;
  evaluate?: (expr: string, vars: Record<string, unknown>) => unknown;
}

/** POSIX single-quote quoting (same rules as the engine's shellQuote). */
export function fakeQuote(arg: string): string {
  if (arg === '') return "''";
  if (/^[A-Za-z0-9_@%+=:,./-]+$/.test(arg)) return arg;
  return `'${arg.replace(/'/g, `'\\''`)}'`;
}

/** Look up `a.b.c` / `a['b']` in vars; undefined names throw like the template engine. */
export function simpleEvaluate(expr: string, vars: Record<string, unknown>): unknown {
  const parts = expr.trim().split(/\.|\[['"]?|['"]?\]/).filter(Boolean);
  let cur: unknown = vars;
  for (const p of parts) {
    if (cur === null || typeof cur !== 'object' || !(p in (cur as object))) {
      throw new TemplateError(`'${expr.trim()}' is undefined`);
    }
    cur = (cur as Record<string, unknown>)[p];
  }
  return cur;
}

export interface FakeContext extends ApplyContext {
  /** Every command run, in order. */
  runs: Array<{ command: string; opts?: CtxRunOptions }>;
  /** Every writeFile call, in order. */
  writes: Array<{ path: string; content: string | Buffer; opts?: WriteFileOptions }>;
  warnings: string[];
  files: Map<string, FakeFile>;
  /** A file's content as text (undefined when absent). */
  text(path: string): string | undefined;
}

/** Build a fake ApplyContext. */
export function fakeContext(opts: FakeOptions = {}): FakeContext {
  const files = new Map<string, FakeFile>();
  for (const [p, f] of Object.entries(opts.files ?? {})) {
    files.set(p, typeof f === 'string' ? { content: f, type: 'file', mode: '0644', owner: 'root', group: 'root', uid: 0, gid: 0 } : { type: 'file', ...f });
  }
  const vars = opts.vars ?? {};
  const ctx: FakeContext = {
    runs: [],
    writes: [],
    warnings: [],
    files,
    host: { name: 'fakehost', vars },
    facts: opts.facts ?? {},
    checkMode: opts.checkMode ?? false,
    diffMode: opts.diffMode ?? false,
    become: false,
    verbosity: opts.verbosity ?? 0,
    quote: fakeQuote,
    text(path) {
      const c = files.get(path)?.content;
      return c === undefined ? undefined : c.toString();
    },
    async run(command, runOpts) {
      const line = Array.isArray(command) ? command.map(fakeQuote).join(' ') : command;
      ctx.runs.push({ command: line, ...(runOpts ? { opts: runOpts } : {}) });
      const cmd = (opts.commands ?? []).find((c) => (typeof c.match === 'string' ? line.includes(c.match) : c.match.test(line)));
      if (!cmd) throw new Error(`fake context: no scripted result for command: ${line}`);
      const r = { rc: 0, stdout: '', stderr: '', ...(cmd.respond ? cmd.respond(line, runOpts, ctx) : cmd.result) };
      if (runOpts?.check && r.rc !== 0) {
        throw new ModuleFailure(`command failed (rc=${r.rc})`, { cmd: line, rc: r.rc, stdout: r.stdout, stderr: r.stderr });
      }
      return r;
    },
    async readFile(path) {
      const f = files.get(path);
      return f && f.type === 'file' && f.content !== undefined ? f.content.toString() : null;
    },
    async stat(path): Promise<FileStat> {
      const f = files.get(path);
      if (!f) return { exists: false };
      const st: FileStat = { exists: true, type: f.type ?? 'file', mode: f.mode ?? (f.type === 'directory' ? '0755' : '0644') };
      st.owner = f.owner ?? 'root';
      st.group = f.group ?? 'root';
      st.uid = f.uid ?? 0;
      st.gid = f.gid ?? 0;
      if (f.content !== undefined) st.size = Buffer.byteLength(f.content);
      if (f.linkTarget !== undefined) st.linkTarget = f.linkTarget;
      return st;
    },
    controller: {
      resolve: (p) => posix.resolve('/playbook', p),
      async readFile(p) {
        const c = opts.controllerFiles?.[p];
        if (c === undefined) {
          const e = new Error(`ENOENT: no such file or directory, open '${p}'`) as NodeJS.ErrnoException;
          e.code = 'ENOENT';
          throw e;
        }
        return Buffer.from(c);
      },
    },
    warn(message) {
      ctx.warnings.push(message);
    },
    evaluate: (expr) => (opts.evaluate ?? simpleEvaluate)(expr, vars),
    async writeFile(path, content, wopts): Promise<WriteFileResult> {
      ctx.writes.push({ path, content, ...(wopts ? { opts: wopts } : {}) });
      const old = files.get(path);
      const result: WriteFileResult = {};
      if (wopts?.backup && old) {
        result.backupFile = `${path}.backup~`;
        files.set(result.backupFile, { ...old });
      }
      const mode = wopts?.mode !== undefined ? String(wopts.mode).padStart(4, '0') : old?.mode ?? '0644';
      files.set(path, {
        ...(old ?? {}),
        type: 'file',
        content,
        mode,
        owner: wopts?.owner ?? old?.owner ?? 'root',
        group: wopts?.group ?? old?.group ?? 'root',
      });
      return result;
    },
  };
  return ctx;
}

/**
 * Scripted answers for the coreutils commands modules use on files (sha1sum, chmod, chown,
 * mkdir -p, mv -f, rm -f, cp), acting on the fake's in-memory files.
 */
export function fileCommands(): FakeCommand[] {
  const words = (cmd: string) => shlexSplit(cmd).filter((w) => w !== '--');
  return [
    {
      // modules/_shared/probe.ts: "( set -- PATH; ... stat -c ... )"
      match: /^\( set -- /,
      respond: (cmd, _o, host) => {
        const p = shlexSplit(cmd.slice('( set -- '.length, cmd.indexOf('; if [')))[0]!;
        const f = host.files.get(p);
        if (!f) return {};
        const type = { file: 'regular file', directory: 'directory', link: 'symbolic link', other: 'fifo' }[f.type ?? 'file'];
        const mode = parseInt(f.mode ?? (f.type === 'directory' ? '0755' : f.type === 'link' ? '0777' : '0644'), 8).toString(8);
        const size = f.content !== undefined ? Buffer.byteLength(f.content) : 0;
        const line = [type, mode, f.owner ?? 'root', f.group ?? 'root', f.uid ?? 0, f.gid ?? 0, size, f.nlink ?? 1, f.inode ?? 1000, 0, 0].join('|');
        return { stdout: `${line}\n${f.type === 'link' ? `${f.linkTarget}\n` : ''}` };
      },
    },
    {
      match: /^sha1sum /,
      respond: (cmd, _o, host) => {
        const p = words(cmd)[1]!;
        const f = host.files.get(p);
        if (!f || f.type !== 'file') return { rc: 1, stderr: `sha1sum: ${p}: No such file or directory\n` };
        return { stdout: `${createHash('sha1').update(f.content ?? '').digest('hex')}  ${p}\n` };
      },
    },
    {
      match: /^chmod [0-7]+ /,
      respond: (cmd, _o, host) => {
        const [, mode, p] = words(cmd);
        const f = host.files.get(p!);
        if (!f) return { rc: 1, stderr: 'chmod: No such file\n' };
        f.mode = mode!.padStart(4, '0');
        return {};
      },
    },
    {
      match: /^chown /,
      respond: (cmd, _o, host) => {
        const w = words(cmd).filter((x) => x !== '-h');
        const f = host.files.get(w[2]!);
        if (!f) return { rc: 1, stderr: 'chown: No such file\n' };
        const [owner, group] = w[1]!.split(':');
        if (owner) f.owner = owner;
        if (group) f.group = group;
        return {};
      },
    },
    {
      match: /^mkdir -p /,
      respond: (cmd, _o, host) => {
        const w = words(cmd);
        const m = w.indexOf('-m');
        const p = w[w.length - 1]!;
        let cur = '';
        for (const part of p.split('/').filter(Boolean)) {
          cur += '/' + part;
          if (!host.files.has(cur)) host.files.set(cur, { type: 'directory', mode: m >= 0 ? w[m + 1]!.padStart(4, '0') : '0755' });
        }
        return {};
      },
    },
    {
      match: /^mv -f /,
      respond: (cmd, _o, host) => {
        const [, , from, to] = words(cmd);
        const f = host.files.get(from!);
        if (!f) return { rc: 1, stderr: 'mv: No such file\n' };
        host.files.delete(from!);
        host.files.set(to!, f);
        return {};
      },
    },
    {
      match: /^rm -f /,
      respond: (cmd, _o, host) => {
        host.files.delete(words(cmd)[2]!);
        return {};
      },
    },
    {
      match: /^cp /,
      respond: (cmd, _o, host) => {
        const w = words(cmd).filter((x) => !x.startsWith('-'));
        const f = host.files.get(w[1]!);
        if (!f) return { rc: 1, stderr: 'cp: No such file\n' };
        host.files.set(w[2]!, { ...f });
        return {};
      },
    },
  ];
}
