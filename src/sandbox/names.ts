/**
 * Names on the controller derived from user-chosen names: sandbox names, container (machine)
 * names, host directory names. nspawn accepts machine names that are valid hostnames of at most
 * 64 characters; inventory names can be anything Ansible accepts, so they are mapped.
 */
import { createHash } from 'node:crypto';
import { basename, extname, resolve } from 'node:path';
import { OptionsError } from '../errors.js';

const MACHINE_MAX = 64;

/** Lower-case letters, digits and single dashes; never empty. */
export function safeLabel(name: string, max = 40): string {
  const s = name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, max).replace(/-+$/, '');
  return s || 'host';
}

/** True for an RFC 1123 host name (dot-separated labels of letters, digits and inner dashes). */
export function isValidHostname(name: string): boolean {
  if (name.length === 0 || name.length > 253) return false;
  return name.split('.').every((l) => /^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/.test(l));
}

/** The host name a container gets: the inventory name when it is a valid host name. */
export function containerHostname(inventoryName: string): string {
  return isValidHostname(inventoryName) ? inventoryName : safeLabel(inventoryName, 63);
}

/**
 * The nspawn machine name of host number `index` of the sandbox in `slot`. The `k<slot>-<index>-`
 * prefix keeps names unique across sandboxes running at once (nspawn derives the controller-side
 * veth name from it).
 */
export function machineName(slot: number, index: number, inventoryName: string): string {
  const prefix = `k${slot}-${index}-`;
  return prefix + safeLabel(inventoryName, MACHINE_MAX - prefix.length);
}

/** Directory names for hosts, one per inventory name, unique even when two names map alike. */
export function hostDirNames(names: string[]): string[] {
  const used = new Set<string>();
  return names.map((n) => {
    let d = safeLabel(n);
    for (let i = 2; used.has(d); i++) d = `${safeLabel(n)}-${i}`;
    used.add(d);
    return d;
  });
}

const SANDBOX_NAME = /^[a-z0-9][a-z0-9_.-]{0,47}$/;

/** Throws OptionsError unless `name` can name a sandbox (it becomes a directory name). */
export function assertSandboxName(name: string): void {
  if (!SANDBOX_NAME.test(name) || name.includes('..')) {
    throw new OptionsError(`invalid sandbox name '${name}': use lower-case letters, digits, '.', '_' and '-' (at most 48, starting with a letter or digit)`);
  }
}

/** The default sandbox name for an inventory: its base name plus a short hash of its full path. */
export function defaultSandboxName(inventoryPath: string): string {
  const abs = resolve(inventoryPath);
  const h = createHash('sha256').update(abs).digest('hex').slice(0, 6);
  return `${safeLabel(basename(abs, extname(abs)), 30)}-${h}`;
}
