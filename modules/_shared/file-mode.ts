/**
 * File permission modes as Ansible accepts them: an octal string ('0644', '644', '01777'),
 * a number (YAML 1.1 `0644` is already 420), or a symbolic mode ('u=rw,g=r,o=r', 'u+x', 'a-w').
 * Ported from AnsibleModule._symbolic_mode_to_octal so `X`, `s`, `t` and copies like `g=u`
 * behave the same.
 */
import { ModuleFailure } from '../../src/index.js';

const PERM_BITS = 0o7777;
const S_IRWXU = 0o700, S_IRWXG = 0o070, S_IRWXO = 0o007;
const S_ISUID = 0o4000, S_ISGID = 0o2000, S_ISVTX = 0o1000;
const EXEC_BITS = 0o111;

/** '0%03o' like Ansible's returned `mode` (e.g. '0644', '01777'). */
export function formatMode(mode: number): string {
  return '0' + mode.toString(8).padStart(3, '0');
}

/** Parse an octal mode string as the host reports it ('644', '0644', '2755'). */
export function parseOctal(s: string): number {
  return parseInt(s, 8);
}

/** What a symbolic mode is applied to. */
export interface ModeBase {
  /** Current permission bits (0 for a file about to be created). */
  mode: number;
  isDirectory: boolean;
  /** The host's umask, used only by symbolic modes without a user part ('+x'). */
  umask?: number;
}

/** True when the mode needs the current mode to be resolved (symbolic). */
export function isSymbolicMode(mode: string | number): boolean {
  return typeof mode === 'string' && !/^[0-7]+$/.test(mode) && mode !== 'preserve';
}

/**
 * The wanted permission bits for `mode` given the current state. Throws ModuleFailure with
 * Ansible's messages for a bad mode.
 */
export function resolveMode(mode: string | number, base: ModeBase, path?: string): number {
  if (typeof mode === 'number') {
    if (!Number.isInteger(mode) || mode < 0 || mode > PERM_BITS) {
      throw new ModuleFailure('Invalid mode supplied, only permission info is allowed', { path, details: mode });
    }
    return mode;
  }
  const s = mode.trim();
  if (/^[0-7]+$/.test(s)) {
    const n = parseInt(s, 8);
    if (n > PERM_BITS) throw new ModuleFailure('Invalid mode supplied, only permission info is allowed', { path, details: n });
    return n;
  }
  try {
    return symbolicToOctal(s, base);
  } catch (e) {
    throw new ModuleFailure('mode must be in octal or symbolic form', { path, details: (e as Error).message });
  }
}

function symbolicToOctal(symbolic: string, base: ModeBase): number {
  let newMode = base.mode & PERM_BITS;
  for (const part of symbolic.split(',')) {
    const permlist = part.split(/[+=-]/);
    const opers = part.match(/[+=-]/g) ?? [];
    let users = permlist.shift()!;
    const useUmask = users === '';
    if (users === 'a' || users === '') users = 'ugo';
    if (/[^ugo]/.test(users) || opers.length === 0) throw new Error(`bad symbolic permission for mode: ${part}`);
    permlist.forEach((perms, idx) => {
      if (/[^rwxXstugo]/.test(perms)) throw new Error(`bad symbolic permission for mode: ${part}`);
      for (const user of users) {
        const bits = permsToBits(base, user as 'u' | 'g' | 'o', perms, useUmask);
        newMode = applyOperation(user as 'u' | 'g' | 'o', opers[idx]!, bits, newMode);
      }
    });
  }
  return newMode;
}

function applyOperation(user: 'u' | 'g' | 'o', op: string, bits: number, current: number): number {
  if (op === '=') {
    const mask = user === 'u' ? S_IRWXU | S_ISUID : user === 'g' ? S_IRWXG | S_ISGID : S_IRWXO | S_ISVTX;
    return (current & (mask ^ PERM_BITS)) | bits;
  }
  if (op === '+') return current | bits;
  return current - (current & bits);
}

function permsToBits(base: ModeBase, user: 'u' | 'g' | 'o', perms: string, useUmask: boolean): number {
  // Ansible reads the *original* file's mode for X and copies (u/g/o), not the running value.
  const prev = base.mode & PERM_BITS;
  const applyX = base.isDirectory || (prev & EXEC_BITS) > 0;
  const revUmask = (base.umask ?? 0o022) ^ PERM_BITS;
  const pick = (bit: number) => (useUmask ? revUmask & bit : bit);
  const table: Record<'u' | 'g' | 'o', Record<string, number>> = {
    u: {
      r: pick(0o400), w: pick(0o200), x: pick(0o100), X: applyX ? 0o100 : 0, s: S_ISUID, t: 0,
      u: prev & S_IRWXU, g: (prev & S_IRWXG) << 3, o: (prev & S_IRWXO) << 6,
    },
    g: {
      r: pick(0o040), w: pick(0o020), x: pick(0o010), X: applyX ? 0o010 : 0, s: S_ISGID, t: 0,
      u: (prev & S_IRWXU) >> 3, g: prev & S_IRWXG, o: (prev & S_IRWXO) << 3,
    },
    o: {
      r: pick(0o004), w: pick(0o002), x: pick(0o001), X: applyX ? 0o001 : 0, s: 0, t: S_ISVTX,
      u: (prev & S_IRWXU) >> 6, g: (prev & S_IRWXG) >> 3, o: prev & S_IRWXO,
    },
  };
  let bits = 0;
  for (const p of perms) bits |= table[user][p]!;
  return bits;
}
