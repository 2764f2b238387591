/**
 * Connection and become passwords (-k, -K, --*-password-file), asked as ansible-playbook asks
 * them. Without a terminal we fail at once instead of waiting on stdin: a CI job must never
 * hang on a prompt nobody can answer.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { InputError, InterruptedError, OptionsError } from '../errors.js';

export interface PromptIO {
  stdin: Readable & { isTTY?: boolean; setRawMode?(mode: boolean): unknown };
  /** Where the prompt is written (stderr, so stdout stays clean). */
  stderr: Writable;
}

/**
 * Read a line from the terminal without echo. Ctrl-C throws InterruptedError, Ctrl-D ends the
 * input. Throws OptionsError when stdin is not a terminal.
 */
export async function readSecret(prompt: string, io: PromptIO, hint: string): Promise<string> {
  const { stdin, stderr } = io;
  if (!stdin.isTTY || typeof stdin.setRawMode !== 'function') {
    throw new OptionsError(`cannot ask '${prompt.replace(/:\s*$/, '')}': stdin is not a terminal`, { details: [hint] });
  }
  stderr.write(prompt);
  stdin.setRawMode(true);
  stdin.resume();
  return new Promise<string>((resolvePromise, reject) => {
    let value = '';
    const done = (err?: Error): void => {
      stdin.off('data', onData);
      stdin.setRawMode?.(false);
      stdin.pause();
      stderr.write('\n');
      if (err) reject(err); else resolvePromise(value);
    };
    const onData = (chunk: Buffer | string): void => {
      for (const ch of chunk.toString('utf8')) {
        if (ch === '\r' || ch === '\n' || ch === '\x04') return done();
        if (ch === '\x03') return done(new InterruptedError());
        if (ch === '\x7f' || ch === '\b') value = [...value].slice(0, -1).join('');
        else if (ch === '\x15') value = ''; // Ctrl-U
        else if (ch >= ' ') value += ch;
      }
    };
    stdin.on('data', onData);
  });
}

/** A password file's content without surrounding whitespace; `-` reads stdin (Ansible's rule). */
export async function readPasswordFile(file: string, cwd: string, stdin: Readable): Promise<string> {
  if (file === '-') {
    const chunks: Buffer[] = [];
    for await (const c of stdin) chunks.push(Buffer.isBuffer(c) ? c : Buffer.from(String(c)));
    return Buffer.concat(chunks).toString('utf8').trim();
  }
  try {
    return readFileSync(resolve(cwd, file), 'utf8').trim();
  } catch (e) {
    throw new InputError(`The password file ${file} was not found or could not be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
}

export interface PasswordRequest {
  askPass: boolean;
  askBecomePass: boolean;
  connectionPasswordFile?: string;
  becomePasswordFile?: string;
  cwd: string;
}

/**
 * The passwords to give run(): asked (-k, -K; the become one defaults to the connection one
 * when left empty, as Ansible) or read from files.
 */
export async function collectPasswords(req: PasswordRequest, io: PromptIO): Promise<{ connectionPassword?: string; becomePassword?: string }> {
  const out: { connectionPassword?: string; becomePassword?: string } = {};
  let becomePrompt = 'BECOME password: ';
  if (req.askPass) {
    out.connectionPassword = await readSecret('SSH password: ', io,
      'set ansible_password in the inventory or use --connection-password-file FILE when there is no terminal');
    becomePrompt = 'BECOME password[defaults to SSH password]: ';
  } else if (req.connectionPasswordFile !== undefined) {
    out.connectionPassword = await readPasswordFile(req.connectionPasswordFile, req.cwd, io.stdin);
  }
  if (req.askBecomePass) {
    const p = await readSecret(becomePrompt, io,
      'set ansible_become_password in the inventory or use --become-password-file FILE when there is no terminal');
    out.becomePassword = req.askPass && p === '' ? out.connectionPassword : p;
  } else if (req.becomePasswordFile !== undefined) {
    out.becomePassword = await readPasswordFile(req.becomePasswordFile, req.cwd, io.stdin);
  }
  return out;
}
