/**
 * Privilege escalation for a persistent shell: the launch line that starts a shell as another
 * user through sudo or su, and the handshake that answers the password prompt once and turns
 * every way of failing (wrong or missing password, no sudo, silence) into a BecomeError.
 * Flags follow Ansible's sudo/su become plugins.
 */
import { randomBytes } from 'node:crypto';
import type { BecomeSpec } from './types.js';
import type { Handshake } from './persistent-shell.js';
import { readyScript } from './command-script.js';
import { shellQuote } from './quote.js';

export interface BecomeLaunch {
  /** Shell command line starting the privileged shell (it prints the ready marker). */
  launch: string;
  handshake: Handshake;
}

/** Ansible's default sudo flags (become_flags). */
export const DEFAULT_SUDO_FLAGS = '-H -S -n';

/** The key under which shells of one become identity are pooled. */
export function becomeKey(spec: BecomeSpec | undefined | false): string {
  if (!spec) return '';
  return `${spec.method}\0${spec.user || 'root'}\0${spec.flags ?? ''}`;
}

/**
 * The launch line and handshake for a shell run as `spec.user`. `promptId` makes sudo's
 * prompt unique (default: random; a fixed one gives a stable line for a park key).
 */
export function becomeLaunch(spec: BecomeSpec, token: string, shell = '/bin/sh', promptId = randomBytes(6).toString('hex')): BecomeLaunch {
  const user = spec.user || 'root';
  const inner = `${shellQuote(shell)} -c ${shellQuote(readyScript(token, shell))}`;
  if (spec.method === 'su') {
    const flags = spec.flags ? `${spec.flags} ` : '';
    return {
      launch: `exec su ${flags}${shellQuote(user)} -c ${shellQuote(inner)}`,
      handshake: suHandshake(spec.password),
    };
  }
  const prompt = `[k8splay sudo ${promptId}] password:`;
  return {
    launch: `exec sudo ${sudoFlags(spec.flags, spec.password !== undefined)} -p ${shellQuote(prompt)} -u ${shellQuote(user)} ${inner}`,
    handshake: sudoHandshake(prompt, spec.password),
  };
}

/**
 * With a password, drop -n (as Ansible does, also inside grouped flags like -Hn) and make sure
 * -S is there so sudo reads the password from stdin.
 */
export function sudoFlags(flags: string | undefined, hasPassword: boolean): string {
  const words = (flags ?? DEFAULT_SUDO_FLAGS).split(/\s+/).filter(Boolean);
  if (!hasPassword) return words.join(' ');
  const kept: string[] = [];
  for (const w of words) {
    if (w === '-n' || w === '--non-interactive') continue;
    kept.push(w.startsWith('--') ? w : w.replace(/^(-\w*)n(\w*.*)$/, '$1$2'));
  }
  if (!kept.some((w) => w === '-S' || w === '--stdin' || /^-[A-Za-z]*S/.test(w))) kept.push('-S');
  return kept.filter((w) => w !== '-').join(' ');
}

function count(text: string, needle: string): number {
  let n = 0;
  for (let i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + needle.length)) n++;
  return n;
}

function tail(stderr: string): string {
  const t = stderr.trim();
  return t ? `: ${t.length > 500 ? t.slice(-500) : t}` : '';
}

function notFound(stderr: string, exe: string): boolean {
  return new RegExp(`\\b${exe}: (command )?not found|\\b${exe}: No such file`).test(stderr);
}

function sudoHandshake(prompt: string, password: string | undefined): Handshake {
  let sent = false;
  return {
    onStderr(text) {
      if (/Sorry, try again|incorrect password attempt/.test(text)) return { fail: 'Incorrect sudo password' };
      const prompts = count(text, prompt);
      if (prompts === 0) return;
      if (password === undefined) return { fail: 'Missing sudo password (use --ask-become-pass / -K)' };
      if (prompts > 1) return { fail: 'Incorrect sudo password' };
      if (sent) return;
      sent = true;
      return { write: `${password}\n` };
    },
    onExit(rawStderr, reason) {
      // Our own prompt is noise in the message ("...password:deploy is not in the sudoers file").
      const stderr = rawStderr.split(prompt).join('');
      if (notFound(stderr, 'sudo')) return `sudo is not installed or not in PATH${tail(stderr)}`;
      if (/a password is required/.test(stderr)) return 'Missing sudo password (use --ask-become-pass / -K)';
      if (/incorrect password attempt|Sorry, try again/.test(stderr)) return 'Incorrect sudo password';
      return `privilege escalation with sudo failed (${reason})${tail(stderr)}`;
    },
    onTimeout(stderr, ms) {
      return `Timeout (${ms / 1000}s) waiting for privilege escalation prompt${tail(stderr)}`;
    },
  };
}

/** su prompts in the user's language; this matches "Password:" and most translations of it. */
const SU_PROMPT = /(password|passwort|contraseña|mot de passe|senha|пароль|密码|パスワード|암호)[^\n]*[:：]\s*$/i;

function suHandshake(password: string | undefined): Handshake {
  let sentAt = -1;
  return {
    onStderr(text) {
      if (/Authentication failure|incorrect password/i.test(text)) return { fail: 'Incorrect su password' };
      if (!SU_PROMPT.test(text)) return;
      if (password === undefined) return { fail: 'Missing su password (use --ask-become-pass / -K)' };
      if (sentAt >= 0) return text.length > sentAt && SU_PROMPT.test(text.slice(sentAt)) ? { fail: 'Incorrect su password' } : undefined;
      sentAt = text.length;
      return { write: `${password}\n` };
    },
    onExit(stderr, reason) {
      if (notFound(stderr, 'su')) return `su is not installed or not in PATH${tail(stderr)}`;
      if (/Authentication failure|incorrect password/i.test(stderr)) return 'Incorrect su password';
      return `privilege escalation with su failed (${reason})${tail(stderr)}`;
    },
    onTimeout(stderr, ms) {
      return `Timeout (${ms / 1000}s) waiting for privilege escalation prompt${tail(stderr)}`;
    },
  };
}
