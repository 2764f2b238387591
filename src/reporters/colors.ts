/**
 * Ansible's colour scheme (ansible/constants.py COLOR_CODES and the COLOR_* defaults of
 * config/base.yml), and its rule for when to use colour.
 */
import type { Writable } from 'node:stream';

/** SGR codes of the colour names Ansible uses. */
export const COLOR_CODES = {
  green: '0;32',
  yellow: '0;33',
  red: '0;31',
  brightRed: '1;31',
  cyan: '0;36',
  blue: '0;34',
  brightPurple: '1;35',
  darkGray: '1;30',
} as const;

export type ColorName = keyof typeof COLOR_CODES;

/** What each kind of output is printed in (Ansible's defaults). */
export const THEME = {
  ok: 'green',
  changed: 'yellow',
  error: 'red',
  unreachable: 'brightRed',
  skip: 'cyan',
  warn: 'brightPurple',
  debug: 'darkGray',
  verbose: 'blue',
  diffAdd: 'green',
  diffRemove: 'red',
  diffLines: 'cyan',
} as const satisfies Record<string, ColorName>;

/** Colour `text` line by line (as Ansible's stringc does), or return it unchanged. */
export function stringc(text: string, color: ColorName | undefined, enabled: boolean): string {
  if (!enabled || !color) return text;
  const code = COLOR_CODES[color];
  return text.split('\n').map((t) => `\x1b[${code}m${t}\x1b[0m`).join('\n');
}

/** Ansible's boolean parsing of environment values ('1', 'yes', 'true', 'on'). */
function envTrue(v: string | undefined): boolean {
  return v !== undefined && ['1', 'y', 'yes', 'true', 'on'].includes(v.trim().toLowerCase());
}

/**
 * Colour when the stream is a TTY, unless NO_COLOR (any non-empty value, per no-color.org) or
 * ANSIBLE_NOCOLOR is set; ANSIBLE_FORCE_COLOR turns it on whatever the stream (as Ansible).
 */
export function shouldColor(stream: Writable, env: NodeJS.ProcessEnv = process.env): boolean {
  if (envTrue(env.ANSIBLE_FORCE_COLOR)) return true;
  if ((env.NO_COLOR !== undefined && env.NO_COLOR !== '') || envTrue(env.ANSIBLE_NOCOLOR)) return false;
  return (stream as Writable & { isTTY?: boolean }).isTTY === true;
}

/** Ansible's display width: the terminal's width minus one, at least 79. */
export function displayColumns(stream: Writable): number {
  const s = stream as Writable & { isTTY?: boolean; columns?: number };
  return s.isTTY && typeof s.columns === 'number' ? Math.max(79, s.columns - 1) : 79;
}
