/**
 * Sysctl names and values the way procps `sysctl` reads them: a dotted or slashed name maps to
 * one /proc/sys path, booleans become 1/0 as in Ansible, and values compare word by word
 * (the kernel prints `1024\t65000` for a value written as `1024 65000`).
 */
import { ModuleFailure } from '../../src/index.js';

/** Ansible's BOOLEANS_TRUE / BOOLEANS_FALSE (string forms, compared lower-cased). */
const TRUE_WORDS = new Set(['y', 'yes', 'on', '1', 'true', 't']);
const FALSE_WORDS = new Set(['n', 'no', 'off', '0', 'false', 'f']);

/**
 * The /proc/sys-relative path of a key, as procps' slashdot(): the first separator decides the
 * form; a dotted name swaps '.' and '/' (so `net.ipv4.conf.eth0/100.forwarding` names the
 * interface `eth0.100`), a slashed name is already a path.
 */
export function procPath(key: string): string {
  const first = /[./]/.exec(key);
  if (!first || first[0] === '/') return key;
  return key.replace(/[./]/g, (c) => (c === '.' ? '/' : '.'));
}

/** The name as written in a file line, without procps' leading '-' ("ignore errors for this key"). */
export function bareKey(key: string): string {
  return key.startsWith('-') ? key.slice(1).trimStart() : key;
}

/** True when two names (as a user or a file writes them) address the same sysctl. */
export function sameKey(a: string, b: string): boolean {
  return procPath(bareKey(a)) === procPath(bareKey(b));
}

/**
 * Ansible's _parse_value: booleans and yes/no/on/off/true/false words become '1'/'0', numbers
 * their decimal text, strings are trimmed. Undefined stays undefined (state=absent).
 */
export function normaliseValue(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'boolean') return value ? '1' : '0';
  if (typeof value === 'number') return String(value);
  const s = String(value);
  // Trimmed before the boolean test (Ansible tests first, so ' yes ' stays 'yes').
  const w = s.trim().toLowerCase();
  if (TRUE_WORDS.has(w)) return '1';
  if (FALSE_WORDS.has(w)) return '0';
  return s.trim();
}

/** Ansible's _values_is_equal: the same whitespace-separated words in the same order. */
export function valuesEqual(a: string | undefined, b: string | undefined): boolean {
  if (a === undefined || b === undefined) return false;
  const x = a.trim().split(/\s+/);
  const y = b.trim().split(/\s+/);
  return x.length === y.length && x.every((w, i) => w === y[i]);
}

/**
 * Reject names that cannot be a sysctl or would escape /proc/sys: empty, containing '=',
 * whitespace, a '..' component, or starting with a separator.
 * @throws ModuleFailure with Ansible's "name cannot be blank" for an empty name.
 */
export function checkName(name: string): void {
  if (name === '') throw new ModuleFailure('name cannot be blank');
  const why = /[=\s]/.test(name) ? 'it contains "=" or whitespace'
    : /^[./-]/.test(name) ? 'it starts with a separator or "-"'
    : procPath(name).split('/').some((c) => c === '..' || c === '.' || c === '') ? 'it has an empty, "." or ".." component'
    : undefined;
  if (why) throw new ModuleFailure(`invalid sysctl name '${name}': ${why}`, { name });
}

/** Reject a value sysctl.conf cannot hold (one line; Ansible's "value cannot be blank"). */
export function checkValue(value: string | undefined): void {
  if (value === undefined) return;
  if (value === '') throw new ModuleFailure('value cannot be blank');
  if (/[\r\n]/.test(value)) throw new ModuleFailure('value must be a single line: sysctl.conf holds one key=value per line');
}
