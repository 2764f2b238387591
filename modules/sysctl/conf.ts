/**
 * sysctl.conf text, read the way `sysctl -p` (procps) reads it and edited line by line.
 *
 * Unlike Ansible's sysctl, which rewrites the whole file (every line reformatted as `k=v`,
 * indentation stripped, later duplicates of the key deleted), only the line that decides the
 * key's value changes: `sysctl -p` applies lines in order, so the LAST line of a key wins and
 * that is the one edited. Comments, blank lines, other keys and their spacing stay as written.
 */
import { sameKey, valuesEqual } from './keys.js';

/** One `key = value` line of the file. */
export interface ConfEntry {
  /** Index into the file's lines. */
  index: number;
  /** 1-based line number, for messages. */
  line: number;
  /** The key as written (may start with '-': procps' "ignore errors for this key"). */
  key: string;
  /** The value as sysctl -p reads it: after '=', leading blanks and trailing space removed. */
  value: string;
}

export interface ParsedConf {
  /** The file's lines, each with its own line ending (the last may have none). */
  lines: string[];
  /** Lines sysctl -p applies, in order. */
  entries: ConfEntry[];
  /** `key =` lines with no value: procps skips them ("invalid syntax"); listed so absent removes them. */
  emptyEntries: ConfEntry[];
}

/** Split text into lines that keep their '\n'. */
export function splitKeepEnds(text: string): string[] {
  return text.match(/[^\n]*\n|[^\n]+$/g) ?? [];
}

/** Parse sysctl.conf text as procps' Preload does. */
export function parseConf(text: string): ParsedConf {
  const lines = splitKeepEnds(text);
  const entries: ConfEntry[] = [];
  const emptyEntries: ConfEntry[] = [];
  lines.forEach((raw, index) => {
    const t = raw.trim();
    if (t.length < 2 || t.startsWith('#') || t.startsWith(';')) return;
    const eq = t.indexOf('=');
    if (eq < 0) return;
    const key = t.slice(0, eq).trim();
    if (!key) return;
    const value = t.slice(eq + 1).replace(/^[ \t]+/, '');
    (value ? entries : emptyEntries).push({ index, line: index + 1, key, value });
  });
  return { lines, entries, emptyEntries };
}

/** The key's entries (sysctl -p order) in a parsed file. */
export function entriesOf(conf: ParsedConf, name: string): ConfEntry[] {
  return conf.entries.filter((e) => sameKey(e.key, name));
}

/** The value sysctl -p ends up applying for the key (its last line), or undefined. */
export function effectiveValue(conf: ParsedConf, name: string): string | undefined {
  const all = entriesOf(conf, name);
  return all.length ? all[all.length - 1]!.value : undefined;
}

/** A line with its value replaced; the key, its spacing around '=' and the line ending kept. */
export function replaceValue(raw: string, value: string): string {
  const ending = /\r?\n$/.exec(raw)?.[0] ?? '';
  const body = raw.slice(0, raw.length - ending.length);
  const eq = body.indexOf('=');
  const head = body.slice(0, eq + 1) + (/^[ \t]*/.exec(body.slice(eq + 1))?.[0] ?? '');
  return `${head}${value}${ending}`;
}

export interface ConfEdit {
  text: string;
  changed: boolean;
  /** The key's value in the file before the edit, as sysctl -p reads it. */
  before?: string;
  /** Line numbers of every line setting the key (before the edit). */
  lines: number[];
}

/**
 * Set (`value` given) or remove (`value` undefined) a key in sysctl.conf text.
 * Present: an equal last value (word by word) is no change; otherwise the last line of the key
 * gets the new value, or `name=value` is appended (Ansible's format). Absent: every line of the
 * key goes, so no earlier duplicate comes back into effect.
 */
export function editConf(text: string, name: string, value: string | undefined): ConfEdit {
  const conf = parseConf(text);
  const mine = entriesOf(conf, name);
  const empties = conf.emptyEntries.filter((e) => sameKey(e.key, name));
  const before = effectiveValue(conf, name);
  const lines = mine.map((e) => e.line);
  if (value === undefined) {
    const drop = new Set([...mine, ...empties].map((e) => e.index));
    if (!drop.size) return { text, changed: false, ...(before !== undefined ? { before } : {}), lines };
    return { text: conf.lines.filter((_, i) => !drop.has(i)).join(''), changed: true, ...(before !== undefined ? { before } : {}), lines };
  }
  const out = [...conf.lines];
  const target = mine.length ? mine[mine.length - 1]! : empties[empties.length - 1];
  if (target) {
    if (mine.length && valuesEqual(before, value)) return { text, changed: false, before: before!, lines };
    out[target.index] = replaceValue(out[target.index]!, value);
  } else {
    if (out.length && !out[out.length - 1]!.endsWith('\n')) out[out.length - 1] += '\n';
    out.push(`${name}=${value}\n`);
  }
  return { text: out.join(''), changed: true, ...(before !== undefined ? { before } : {}), lines };
}
