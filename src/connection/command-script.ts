/**
 * The shell text written to a persistent shell: the launch line that announces readiness,
 * and the wrapper around each command (markers, subshell, stdin, env, cwd).
 */
import { randomBytes } from 'node:crypto';
import { InputError } from '../errors.js';
import { shellQuote } from './quote.js';

/** A fresh per-session token: random, so no command output can forge a marker. */
export function newSessionToken(): string {
  return `K8SP${randomBytes(16).toString('hex')}`;
}

/**
 * Shell text that prints the ready marker (with the shell's pid and process group) and then
 * replaces itself with `shell` reading commands from stdin. The pgid is read from
 * /proc/$$/stat with builtins only (field 5, after the parenthesised command name); 0 when
 * /proc is missing.
 */
export function readyScript(token: string, shell = '/bin/sh'): string {
  return `${announce(token)}; exec ${shellQuote(shell)}`;
}

/**
 * Shell text for a shell that runs already (parked by an earlier run, see ShellStreams.resumed):
 * it prints the ready marker of the new session's token, as readyScript does at a start. It
 * runs in the shell itself (a subshell would be a fork on the host, most of the rearm's time):
 * its helper variables are unset after, the positional parameters set back to none (what the
 * shell started with; commands, in subshells, cannot change them), and the one variable the
 * command wrapper leaves in the shell is cleared: the next command finds what it would find
 * in a new shell.
 */
export function rearmScript(token: string): string {
  return `unset k8sp_rc; ${announce(token)}; set --; unset k8sp_g k8sp_s\n`;
}

/** Prints the ready marker: token, pid and process group of the shell. */
function announce(token: string): string {
  return (
    `k8sp_g=0; if read -r k8sp_s </proc/$$/stat 2>/dev/null; then k8sp_s=\${k8sp_s##*) }; ` +
    `set -- $k8sp_s; k8sp_g=$3; fi; ` +
    `printf '\\n${token} r %s %s\\n' "$$" "$k8sp_g"`
  );
}

export interface WrapOptions {
  stdin?: string | Buffer;
  env?: Record<string, string>;
  cwd?: string;
}

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * The text that runs `command` as command number `seq` of the session.
 *
 * The command is passed to `eval` as one single-quoted word inside a subshell, so a syntax
 * error, `exit` or `cd` in it only ends or changes that subshell, never the session. Its stdin
 * is /dev/null, or the given data sent base64-encoded in a here-document (binary-safe).
 * Begin and end markers go to both stdout and stderr.
 * @throws InputError for an environment variable name a shell cannot set.
 */
export function wrapCommand(token: string, seq: number, command: string, opts: WrapOptions = {}): string {
  const inner: string[] = [];
  for (const [k, v] of Object.entries(opts.env ?? {})) {
    if (!ENV_NAME.test(k)) throw new InputError(`invalid environment variable name '${k}'`);
    inner.push(`export ${k}=${shellQuote(String(v))}`);
  }
  if (opts.cwd !== undefined) inner.push(`cd -- ${shellQuote(opts.cwd)} || exit`);
  inner.push(`eval ${shellQuote(command)}`);
  const subshell = `( ${inner.join('; ')} )`;

  const begin = `printf '\\n${token} b ${seq}\\n'; printf '\\n${token} b ${seq}\\n' >&2`;
  const end =
    `k8sp_rc=$?; printf '\\n${token} e ${seq} %d\\n' "$k8sp_rc" >&2; ` +
    `printf '\\n${token} e ${seq} %d\\n' "$k8sp_rc"`;

  if (opts.stdin === undefined) return `${begin}; ${subshell} </dev/null; ${end}\n`;
  // The here-document body starts on the line after the one holding `<<`; base64 lines
  // never contain '_', so they cannot end it early.
  const delim = `K8SP_IN_${seq}`;
  const data = typeof opts.stdin === 'string' ? Buffer.from(opts.stdin, 'utf8') : opts.stdin;
  const b64 = data.toString('base64').replace(/.{76}/g, '$&\n');
  const body = b64.endsWith('\n') || b64 === '' ? b64 : `${b64}\n`;
  return `${begin}; base64 -d 2>/dev/null <<'${delim}' | ${subshell}; ${end}\n${body}${delim}\n`;
}
