/**
 * Ansible's INI inventory (plugins/inventory/ini.py), rule for rule:
 * - `[g]` lists hosts, `[g:children]` child groups, `[g:vars]` one `key=value` a line; hosts
 *   before the first section are ungrouped; any other section suffix is an error.
 * - a host line is split like Python's shlex (quotes, `#` comments): `name[:port] [k=v ...]`;
 *   names may hold ranges (`node[1:3]`).
 * - every value, inline or in `[g:vars]`, goes through Python's literal_eval (`22` is an int,
 *   `True` a boolean, `'x'` a string, anything else stays the raw string).
 * - a group named under `:children`, or given `:vars`, must be declared somewhere in the file
 *   (before or after); the first one never declared is reported.
 * Unlike Ansible, which warns and goes on with an empty inventory, every problem is an
 * InventoryError at file:line.
 */
import { InventoryError, type SourceLocation } from '../errors.js';
import { didYouMean } from '../util/suggest.js';
import { parseAddress } from './address.js';
import { addChildGroup, addGroup, addHost, emptyInventory, reconcileInventory, setGroupVar, setHostVar } from './build.js';
import { parseIniValue } from './python-literal.js';
import { expandHostRange, hasHostRange, HostRangeError } from './ranges.js';
import { ShlexError, shlexSplit } from './shlex.js';
import type { Inventory } from './types.js';

const SECTION = /^\[([^:\]\s]+)(?::([\p{L}\p{N}_]+))?\]\s*(?:#.*)?$/u;
const GROUP_NAME = /^([^:\]\s]+)\s*(?:#.*)?$/u;
// Python's str.splitlines() boundaries, so line numbers agree with Ansible's.
const LINE_BREAK = /\r\n|[\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029]/;

/**
 * Parses one INI inventory text into a new, reconciled Inventory (with `all`, `ungrouped` and
 * the implicit localhost). `file` is used in error locations and as the hosts' inventory_file.
 */
export function parseIniInventory(text: string, file: string): Inventory {
  const inv = emptyInventory();
  addIniSource(inv, text, file);
  return reconcileInventory(inv);
}

interface Pending {
  line: number;
  state: 'vars' | 'children';
  name: string;
  parents: string[];
}

/**
 * Adds one INI source to an inventory being built (several sources share one inventory, so a
 * `[g:vars]` may name a group from an earlier source). Call reconcileInventory() after the last.
 */
export function addIniSource(inv: Inventory, text: string, file: string): void {
  const lines = text.replace(/^\ufeff/, '').split(LINE_BREAK);
  const pending = new Map<string, Pending>();
  let group = 'ungrouped';
  let state = 'hosts';
  let lineno = 0;

  const at = (): SourceLocation => ({ file, line: lineno });
  const fail = (message: string, raw: string, details: string[] = []): never => {
    throw new InventoryError(message, { location: at(), details: [`  ${lineno} | ${raw}`, ...details] });
  };

  const addPendingChildren = (name: string): void => {
    const decl = pending.get(name);
    if (!decl) return;
    for (const parent of decl.parents) {
      addChildGroup(inv, parent, name, { file, line: decl.line });
      if (pending.get(parent)?.state === 'children') addPendingChildren(parent);
    }
    pending.delete(name);
  };

  for (const raw of lines) {
    lineno++;
    const line = raw.trim();
    if (!line || line[0] === '#' || line[0] === ';') continue;

    // Only a line starting with '[' can be a section (SECTION's Unicode classes cost a compile).
    const m = line[0] === '[' ? SECTION.exec(line) : null;
    if (m) {
      group = m[1]!;
      state = m[2] ?? 'hosts';
      if (state !== 'hosts' && state !== 'children' && state !== 'vars') {
        fail(`Section [${group}:${state}] has unknown type: ${state}${didYouMean(state, ['children', 'vars', 'hosts'])}`, raw, [
          'a section is [group], [group:children] or [group:vars]',
        ]);
      }
      if (!inv.groups.has(group)) {
        // [g] or [g:children] declares a group; [g:vars] needs a declaration somewhere too.
        if (state === 'vars' && !pending.has(group)) pending.set(group, { line: lineno, state: 'vars', name: group, parents: [] });
        addGroup(inv, group, at());
      }
      const decl = pending.get(group);
      if (decl && state !== 'vars') {
        if (decl.state === 'children') addPendingChildren(group);
        else pending.delete(group);
      }
      continue;
    }
    if (line.startsWith('[') && line.endsWith(']')) {
      fail(
        `Invalid section entry: '${line}'. Please make sure that there are no spaces in the section entry, and that there are no other invalid characters`,
        raw,
      );
    }

    if (state === 'hosts') {
      let tokens: string[];
      try {
        tokens = shlexSplit(line, true);
      } catch (e) {
        if (e instanceof ShlexError) return fail(`Error parsing host definition '${line}': ${e.message}`, raw);
        throw e;
      }
      if (tokens.length === 0) continue;
      const { hosts, port } = expandHostPattern(tokens[0]!, (msg) => fail(msg, raw));
      const vars: Record<string, unknown> = {};
      for (const t of tokens.slice(1)) {
        const eq = t.indexOf('=');
        if (eq < 0) fail(`Expected key=value host variable assignment, got: ${t}`, raw);
        vars[t.slice(0, eq)] = parseIniValue(t.slice(eq + 1));
      }
      for (const h of hosts) {
        addHost(inv, h, { group, ...(port !== undefined ? { port } : {}), location: at() });
        for (const [k, v] of Object.entries(vars)) setHostVar(inv, h, k, v);
      }
    } else if (state === 'vars') {
      const eq = line.indexOf('=');
      if (eq < 0) fail(`Expected key=value, got: ${line}`, raw, [`a [${group}:vars] line sets one variable: name=value`]);
      setGroupVar(inv, group, line.slice(0, eq).trim(), parseIniValue(line.slice(eq + 1).trim()), at());
    } else {
      const gm = GROUP_NAME.exec(line);
      if (!gm) return fail(`Expected group name, got: ${line}`, raw);
      const child = gm[1]!;
      if (!inv.groups.has(child)) {
        const decl = pending.get(child);
        if (decl) decl.parents.push(group);
        else pending.set(child, { line: lineno, state: 'children', name: child, parents: [group] });
      } else {
        addChildGroup(inv, group, child, at());
      }
    }
  }

  // A reference never resolved by a declaration: report the first, as Ansible does.
  for (const decl of pending.values()) {
    const location = { file, line: decl.line };
    const shown = `  ${decl.line} | ${lines[decl.line - 1] ?? ''}`;
    if (decl.state === 'vars') {
      throw new InventoryError(`Section [${decl.name}:vars] not valid for undefined group: ${decl.name}`, {
        location,
        details: [shown, `declare the group with a [${decl.name}] or [${decl.name}:children] section`],
      });
    }
    const known = [...inv.groups.keys()].filter((g) => g !== 'all' && g !== 'ungrouped' && !pending.has(g));
    throw new InventoryError(
      `Section [${decl.parents.at(-1)}:children] includes undefined group: ${decl.name}${didYouMean(decl.name, known)}`,
      { location, details: [shown, `declare the group with a [${decl.name}] section (it may be empty)`] },
    );
  }
  if (!inv.sources.includes(file)) inv.sources.push(file);
}

/**
 * A host name from an INI or YAML inventory: an optional `:port`, then ranges expanded.
 * `fail` reports a problem (and does not return).
 */
export function expandHostPattern(pattern: string, fail: (message: string) => never): { hosts: string[]; port?: number } {
  let name = pattern;
  let port: number | undefined;
  try {
    const a = parseAddress(pattern, true);
    name = a.host;
    port = a.port;
  } catch {
    // Not a recognisable address: Ansible keeps the whole string as the name.
  }
  if (pattern.trim().endsWith(':') && port === undefined) {
    fail(`Invalid host pattern '${pattern}' supplied, ending in ':' is not allowed, this character is reserved to provide a port.`);
  }
  let hosts: string[];
  if (hasHostRange(name)) {
    try {
      hosts = expandHostRange(name);
    } catch (e) {
      if (e instanceof HostRangeError) return fail(`${e.message} (in '${pattern}')`);
      throw e;
    }
  } else hosts = [name];
  for (const h of hosts) {
    if (h.trim() === '---') fail(`Invalid host pattern '${pattern}' supplied, '---' is normally a sign this is a YAML file.`);
  }
  return port === undefined ? { hosts } : { hosts, port };
}
