/**
 * Host patterns, as Ansible's InventoryManager evaluates them (`hosts:` of a play, `--limit`):
 * - `a:b` or `a,b` union, `a:&b` intersection, `a:!b` exclusion; plain patterns are applied
 *   first, then the `&` ones, then the `!` ones, whatever their written order;
 * - each pattern is a host name, a group name (its hosts and its descendants'), `all`, a glob
 *   (`web*`, `node?`, `[ab]*`) or a regex (`~(web|db).*`, matched from the start);
 * - a subscript picks from what a pattern matched: `web[0]`, `web[-1]`, `web[0:2]` (inclusive);
 *   an index past the end is an error, as in Ansible;
 * - `localhost` (or 127.0.0.1, ::1) falls back to the inventory's localhost or the implicit one.
 * Results are in inventory order (Ansible's Group.get_hosts), without duplicates.
 */
import { InventoryError } from '../errors.js';
import { parseAddress } from './address.js';
import { LOCALHOST_NAMES, localhostName } from './build.js';
import { groupHosts } from './host-vars.js';
import type { Inventory } from './types.js';

const SUBSCRIPT = /^(.+)\[(?:(-?[0-9]+)|([0-9]+)([:-])([0-9]*))\]$/s;

/**
 * Splits a pattern string into single patterns: at commas when there is one, else at colons
 * (but not inside `[x:y]`, and not when the whole string is a host or `host:port` or an IPv6).
 */
export function splitHostPattern(pattern: string | string[]): string[] {
  if (Array.isArray(pattern)) return pattern.flatMap((p) => splitHostPattern(p));
  let parts: string[];
  if (pattern.includes(',')) parts = pattern.split(',');
  else {
    try {
      parseAddress(pattern, true);
      parts = [pattern];
    } catch {
      parts = pattern.match(/(?:[^\s:[\]]|\[[^\]]*\])+/g) ?? [];
    }
  }
  return parts.map((p) => p.trim()).filter((p) => p);
}

/** Plain patterns first, then `&` ones, then `!` ones; only `&`/`!` ones imply `all` first. */
export function orderPatterns(patterns: string[]): string[] {
  const regular: string[] = [];
  const inter: string[] = [];
  const excl: string[] = [];
  for (const p of patterns) {
    if (!p) continue;
    if (p[0] === '!') excl.push(p);
    else if (p[0] === '&') inter.push(p);
    else regular.push(p);
  }
  return [...(regular.length ? regular : ['all']), ...inter, ...excl];
}

/** Python's fnmatch.translate, as a JavaScript RegExp matching the whole name. */
export function globToRegExp(pat: string): RegExp {
  let re = '';
  let i = 0;
  const n = pat.length;
  while (i < n) {
    const c = pat[i++]!;
    if (c === '*') {
      if (!re.endsWith('[\\s\\S]*')) re += '[\\s\\S]*';
    } else if (c === '?') re += '[\\s\\S]';
    else if (c === '[') {
      let j = i;
      if (j < n && pat[j] === '!') j++;
      if (j < n && pat[j] === ']') j++;
      while (j < n && pat[j] !== ']') j++;
      if (j >= n) re += '\\[';
      else {
        let stuff = pat.slice(i, j).replace(/\\/g, '\\\\');
        i = j + 1;
        if (!stuff) re += '(?!)';
        else if (stuff === '!') re += '[\\s\\S]';
        else {
          if (stuff[0] === '!') stuff = '^' + stuff.slice(1);
          else if (stuff[0] === '^' || stuff[0] === '[') stuff = '\\' + stuff;
          re += `[${stuff.replace(/\]/g, '\\]')}]`;
        }
      }
    } else re += c.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
  }
  return new RegExp(`^(?:${re})$`, 's');
}

/** A `~regex` host pattern (Python syntax, matched from the start of the name). */
function regexPattern(src: string, original: string): RegExp {
  let flags = 's';
  let body = src;
  const inline = /^\(\?([aiLmsux]+)\)/.exec(body);
  if (inline) {
    if (inline[1]!.includes('i')) flags += 'i';
    if (inline[1]!.includes('m')) flags += 'm';
    body = body.slice(inline[0].length);
  }
  body = body.replace(/\(\?P</g, '(?<').replace(/\(\?P=(\w+)\)/g, '\\k<$1>');
  try {
    return new RegExp(`^(?:${body})`, flags);
  } catch {
    throw new InventoryError(`Invalid host list pattern: ${original}`);
  }
}

function matchList(items: Iterable<string>, pattern: string): string[] {
  let re: RegExp;
  if (pattern[0] === '~') re = regexPattern(pattern.slice(1), pattern);
  else {
    try {
      re = globToRegExp(pattern);
    } catch {
      return []; // e.g. an inverted range [z-a], which Python drops
    }
  }
  return [...items].filter((i) => re.test(i));
}

export interface HostSelection {
  /** Matching host names, in inventory order. */
  hosts: string[];
  /** Patterns that matched nothing (Ansible warns "Could not match supplied host pattern"). */
  unmatched: string[];
}

class Matcher {
  readonly unmatched: string[] = [];
  private readonly cache = new Map<string, string[]>();
  private readonly explicitHosts: string[];

  constructor(private readonly inv: Inventory) {
    this.explicitHosts = [...inv.hosts.values()].filter((h) => !h.implicit).map((h) => h.name);
  }

  isPlainHost(p: string): boolean {
    const h = this.inv.hosts.get(p);
    return !!h && !h.implicit;
  }

  evaluate(patterns: string[]): string[] {
    let hosts: string[] = [];
    for (const p of orderPatterns(patterns)) {
      if (this.isPlainHost(p)) {
        hosts.push(p);
        continue;
      }
      const that = this.matchOne(p);
      if (p[0] === '!') {
        const s = new Set(that);
        hosts = hosts.filter((h) => !s.has(h));
      } else if (p[0] === '&') {
        const s = new Set(that);
        hosts = hosts.filter((h) => s.has(h));
      } else {
        const existing = new Set(hosts);
        hosts.push(...that.filter((h) => !existing.has(h)));
      }
    }
    return [...new Set(hosts)];
  }

  private matchOne(raw: string): string[] {
    const pattern = raw[0] === '&' || raw[0] === '!' ? raw.slice(1) : raw;
    const cached = this.cache.get(pattern);
    if (cached) return cached;
    let expr = pattern;
    let sub: [number, number | undefined] | undefined;
    const m = pattern[0] === '~' ? null : SUBSCRIPT.exec(pattern);
    if (m) {
      expr = m[1]!;
      sub = m[2] !== undefined ? [Number(m[2]), undefined] : [Number(m[3]), m[5] ? Number(m[5]) : -1];
    }
    let hosts = this.enumerate(expr);
    if (sub && hosts.length) {
      const [start, end] = sub;
      if (end) hosts = hosts.slice(start, (end === -1 ? hosts.length - 1 : end) + 1);
      else {
        const one = hosts.at(start);
        // Ansible refuses an index past the end (the slice form just gives fewer hosts).
        if (one === undefined) throw new InventoryError(`No hosts matched the subscripted pattern '${pattern}'`);
        hosts = [one];
      }
    }
    this.cache.set(pattern, hosts);
    return hosts;
  }

  private enumerate(pattern: string): string[] {
    const results: string[] = [];
    const groups = matchList(this.inv.groups.keys(), pattern);
    for (const g of groups) results.push(...groupHosts(this.inv, g));
    if (!groups.length || pattern[0] === '~' || /[.?*[]/.test(pattern)) {
      results.push(...matchList(this.explicitHosts, pattern));
    }
    if (!results.length && LOCALHOST_NAMES.includes(pattern)) {
      const local = localhostName(this.inv);
      if (local) results.push(local);
    }
    if (!results.length && !groups.length && pattern !== 'all') this.unmatched.push(pattern);
    return results;
  }
}

export interface SelectOptions {
  /** --limit patterns (already split, @files read: see parseLimit). */
  limit?: string[];
}

/** The hosts a pattern selects, with the patterns that matched nothing. */
export function resolveHostPattern(inv: Inventory, pattern: string | string[], opts: SelectOptions = {}): HostSelection {
  const m = new Matcher(inv);
  let hosts = m.evaluate(splitHostPattern(pattern));
  if (opts.limit) {
    const allowed = new Set(m.evaluate(opts.limit));
    hosts = hosts.filter((h) => allowed.has(h));
  }
  return { hosts, unmatched: [...new Set(m.unmatched)] };
}

/** The hosts a pattern selects, in inventory order. An unmatched pattern adds no host. */
export function selectHosts(inv: Inventory, pattern: string | string[], opts: SelectOptions = {}): string[] {
  return resolveHostPattern(inv, pattern, opts).hosts;
}
