/**
 * Reading ssh_config files (`~/.ssh/config`, `/etc/ssh/ssh_config`, `-F file`) the way OpenSSH
 * does for one destination: `Host` blocks matched by pattern, `Match` blocks (all, host,
 * originalhost, user, localuser; `exec` and other criteria never match here), `Include` with
 * wildcards, first value obtained wins. Unknown keywords are kept but unused.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join } from 'node:path';
import { ConnectionError } from '../../errors.js';
import { ParsedFileCache } from '../../util/parsed-file-cache.js';
import { matchPatternList } from './patterns.js';
import type { OptionSet } from './option-set.js';

export interface ConfigQuery {
  /** Inventory hostname, for errors. */
  inventoryHost: string;
  /** The destination as given to ssh (ansible_host, or the inventory name). */
  host: string;
  /** The controller user (Match localuser, %u). */
  localUser: string;
  /** The controller user's home (~, %d). */
  homeDir: string;
}

const MAX_INCLUDE_DEPTH = 16;

/**
 * Split one config line into words: the keyword, then (after whitespace or one `=`) its
 * arguments, whitespace separated, "double" or 'single' quoted; a word starting with `#` ends
 * the line.
 * @throws Error for an unterminated quote (the caller adds the location).
 */
export function splitConfigLine(line: string): string[] {
  const m = /^\s*([^\s=]+)\s*(?:=\s*)?(.*)$/.exec(line);
  if (!m || m[1]!.startsWith('#')) return [];
  return [m[1]!, ...splitWords(m[2]!)];
}

function splitWords(rest: string): string[] {
  const words: string[] = [];
  let i = 0;
  const n = rest.length;
  while (i < n) {
    while (i < n && /\s/.test(rest[i]!)) i++;
    if (i >= n || rest[i] === '#') break;
    let w = '';
    let quote: string | undefined;
    for (; i < n; i++) {
      const c = rest[i]!;
      if (quote) {
        if (c === quote) quote = undefined;
        else if (c === '\\' && (rest[i + 1] === quote || rest[i + 1] === '\\')) w += rest[++i]!;
        else w += c;
      } else if (c === '"' || c === "'") {
        quote = c;
      } else if (/\s/.test(c)) {
        break;
      } else {
        w += c;
      }
    }
    if (quote) throw new Error('unterminated quoted string');
    words.push(w);
  }
  return words;
}

/** `~` and `~/x` become the home directory. */
export function expandTilde(path: string, homeDir: string): string {
  if (path === '~') return homeDir;
  if (path.startsWith('~/')) return join(homeDir, path.slice(2));
  return path;
}

/** Files an Include argument names: a path with `*`/`?` wildcards in its last component. */
function includeFiles(arg: string, baseDir: string, homeDir: string): string[] {
  let p = expandTilde(arg, homeDir);
  if (!isAbsolute(p)) p = join(baseDir, p);
  const dir = dirname(p);
  const name = p.slice(dir.length + 1);
  if (!/[*?]/.test(name)) return existsSync(p) ? [p] : [];
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => matchFileName(f, name))
    .sort()
    .map((f) => join(dir, f))
    .filter((f) => statSync(f).isFile());
}

/** File names match case-sensitively (host names do not). */
function matchFileName(text: string, pattern: string): boolean {
  const re = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${re}$`).test(text);
}

interface Ctx {
  query: ConfigQuery;
  options: OptionSet;
  /** Directory relative Include paths are resolved against (~/.ssh or /etc/ssh). */
  includeBase: string;
  depth: number;
}

/**
 * Apply one config file to `options` for the query's destination. A missing file is skipped
 * unless `required` (the `-F` file must exist, as in ssh).
 * @throws ConnectionError for an unreadable required file, a bad line, or Include recursion.
 */
export function applyConfigFile(
  file: string,
  query: ConfigQuery,
  options: OptionSet,
  opts: { required?: boolean; includeBase?: string; label?: string } = {},
): void {
  const lines = configLines(file, query);
  if (!lines) {
    if (opts.required) throw new ConnectionError(query.inventoryHost, `ssh config file ${file} does not exist`);
    return;
  }
  applyLines(file, lines, { query, options, includeBase: opts.includeBase ?? dirname(file), depth: 0 }, true, opts.label);
}

/** One line of a config file, split: its number, keyword (lower case) and arguments, or why it cannot be split. */
interface ConfigLine {
  n: number;
  keyword: string;
  words: string[];
  /** ProxyCommand's value: the rest of the line, whole. */
  rest?: string;
  error?: string;
}

/** Parsed config files, kept while unchanged: every connection reads the same files. */
const parsed = new ParsedFileCache<ConfigLine[]>((text) => splitConfig(text));

/**
 * The lines of a config file that say something, split; undefined when it does not exist.
 * @throws ConnectionError when it exists but cannot be read
 */
function configLines(file: string, query: ConfigQuery): ConfigLine[] | undefined {
  try {
    return parsed.get(file);
  } catch (e) {
    throw new ConnectionError(query.inventoryHost, `cannot read ssh config ${file}: ${(e as Error).message}`, { cause: e });
  }
}

/** Split a config file's text into its non-empty lines. */
function splitConfig(text: string): ConfigLine[] {
  const out: ConfigLine[] = [];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    let words: string[];
    try {
      words = splitConfigLine(lines[i]!);
    } catch (e) {
      out.push({ n: i + 1, keyword: '', words: [], error: (e as Error).message });
      continue;
    }
    if (words.length === 0) continue;
    const keyword = words[0]!.toLowerCase();
    const line: ConfigLine = { n: i + 1, keyword, words };
    // The rest of the line is a shell command: kept whole, quotes included.
    if (keyword === 'proxycommand') line.rest = /^\s*\S+?(?:\s*=\s*|\s+)(.*)$/.exec(lines[i]!)?.[1]?.trim() ?? '';
    out.push(line);
  }
  return out;
}

function applyLines(file: string, lines: readonly ConfigLine[], ctx: Ctx, active: boolean, label?: string): void {
  // A file included from an inactive block contributes nothing, but its Host lines must not
  // switch it on either.
  const neverMatch = !active;
  for (const line of lines) {
    const where = `${label ?? file}:${line.n}`;
    if (line.error !== undefined) {
      throw new ConnectionError(ctx.query.inventoryHost, `bad ssh config line at ${where}: ${line.error}`);
    }
    const { keyword, words } = line;
    const args = words.slice(1);
    if (keyword === 'host') {
      active = !neverMatch && matchPatternList(ctx.query.host, args);
      continue;
    }
    if (keyword === 'match') {
      active = !neverMatch && matchBlock(args, ctx, where);
      continue;
    }
    if (keyword === 'include') {
      if (ctx.depth >= MAX_INCLUDE_DEPTH) {
        throw new ConnectionError(ctx.query.inventoryHost, `ssh config Include nested too deeply at ${where}`);
      }
      for (const arg of args) {
        for (const f of includeFiles(arg, ctx.includeBase, ctx.query.homeDir)) {
          const included = configLines(f, ctx.query);
          if (included) applyLines(f, included, { ...ctx, depth: ctx.depth + 1 }, active);
        }
      }
      continue;
    }
    if (!active) continue;
    if (keyword === 'proxycommand') {
      if (line.rest) ctx.options.add(keyword, [line.rest], where);
      continue;
    }
    if (args.length === 0) {
      throw new ConnectionError(ctx.query.inventoryHost, `ssh config keyword '${words[0]}' has no value at ${where}`);
    }
    ctx.options.add(keyword, args, where);
  }
}

/** Evaluate `Match` criteria (all of them must hold). */
function matchBlock(args: string[], ctx: Ctx, where: string): boolean {
  const { query, options } = ctx;
  let result = true;
  for (let i = 0; i < args.length; i++) {
    let crit = args[i]!.toLowerCase();
    const negate = crit.startsWith('!');
    if (negate) crit = crit.slice(1);
    let ok: boolean;
    if (crit === 'all' || crit === 'canonical' || crit === 'final') {
      ok = true;
    } else {
      const value = args[++i];
      if (value === undefined) {
        throw new ConnectionError(query.inventoryHost, `ssh config Match '${crit}' needs an argument at ${where}`);
      }
      const list = value.split(',');
      switch (crit) {
        case 'host':
          ok = matchPatternList(options.get('hostname') ?? query.host, list);
          break;
        case 'originalhost':
          ok = matchPatternList(query.host, list);
          break;
        case 'user':
          ok = matchPatternList(options.get('user') ?? query.localUser, list);
          break;
        case 'localuser':
          ok = matchPatternList(query.localUser, list);
          break;
        default:
          // exec, localnetwork, tagged...: not evaluated here, so the block is not applied.
          ok = false;
      }
    }
    if (negate) ok = !ok;
    if (!ok) result = false;
  }
  return result;
}
