/**
 * Client authentication: private key files (encrypted ones with a passphrase), ssh-agent,
 * password and keyboard-interactive (answered with the password), tried in that order among
 * the methods the server allows. A failure says what the server allows and what was tried,
 * like ssh's "Permission denied (publickey,password)".
 */
import { readFile } from 'node:fs/promises';
import ssh2 from 'ssh2';
import type { AnyAuthMethod, AuthHandlerMiddleware, AuthenticationType, ParsedKey } from 'ssh2';
import type { SshTarget } from './settings.js';

export interface LoadedKey {
  path: string;
  source: string;
  key: ParsedKey;
}

export interface LoadedIdentities {
  keys: LoadedKey[];
  /** Why named key files could not be used (missing, encrypted without passphrase...). */
  problems: string[];
}

/** Read and parse the target's key files, asking for passphrases where needed. */
export async function loadIdentities(target: SshTarget): Promise<LoadedIdentities> {
  const keys: LoadedKey[] = [];
  const problems: string[] = [];
  for (const id of target.identityFiles) {
    let data: Buffer;
    try {
      data = await readFile(id.path);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      // OpenSSH's default key names are only tried when present.
      if (target.defaultIdentities && code === 'ENOENT') continue;
      problems.push(`private key file ${id.path} (${id.source}) ${code === 'ENOENT' ? 'does not exist' : `cannot be read: ${(e as Error).message}`}`);
      continue;
    }
    let parsed = ssh2.utils.parseKey(data);
    if (parsed instanceof Error && /no passphrase given/i.test(parsed.message)) {
      const pass = typeof target.passphrase === 'function' ? await target.passphrase(id.path) : target.passphrase;
      if (pass === undefined) {
        problems.push(
          `private key ${id.path} is encrypted and no passphrase was given ` +
            `(set ansible_ssh_private_key_passphrase, or load the key into ssh-agent)`,
        );
        continue;
      }
      parsed = ssh2.utils.parseKey(data, pass);
      if (parsed instanceof Error) {
        problems.push(`wrong passphrase for private key ${id.path} (${parsed.message})`);
        continue;
      }
    }
    if (parsed instanceof Error) {
      problems.push(`cannot use private key ${id.path} (${id.source}): ${parsed.message}`);
      continue;
    }
    const key = Array.isArray(parsed) ? parsed[0] : parsed;
    if (!key || key.isPrivateKey() === false) {
      problems.push(`${id.path} (${id.source}) is not a private key`);
      continue;
    }
    keys.push({ path: id.path, source: id.source, key });
  }
  return { keys, problems };
}

/** The method name the server lists for an attempt. */
function serverMethod(a: AnyAuthMethod): string {
  return a.type === 'agent' ? 'publickey' : a.type;
}

export interface AuthPlan {
  handler: AuthHandlerMiddleware;
  /** True when nothing at all can be tried (no key, agent or password). */
  empty: boolean;
  /** Message and details for a failed authentication. */
  failure(): { message: string; details: string[] };
}

/** Build the ordered authentication attempts for a target with its loaded keys. */
export function authPlan(target: SshTarget, ids: LoadedIdentities): AuthPlan {
  const username = target.user;
  const attempts: Array<{ method: AnyAuthMethod; label: string }> = [];
  for (const k of ids.keys) attempts.push({ method: { type: 'publickey', username, key: k.key }, label: `publickey ${k.path}` });
  // IdentitiesOnly: only the named files, not every key the agent holds.
  const useAgent = target.agentSocket && !(target.identitiesOnly && !target.defaultIdentities);
  if (useAgent) attempts.push({ method: { type: 'agent', username, agent: target.agentSocket! }, label: `ssh-agent (${target.agentSocket})` });
  if (target.password !== undefined) {
    const password = target.password;
    attempts.push({ method: { type: 'password', username, password }, label: 'password' });
    attempts.push({
      method: {
        type: 'keyboard-interactive',
        username,
        prompt: (_name, _instr, _lang, prompts, finish) => finish(prompts.map(() => password)),
      },
      label: 'keyboard-interactive (password)',
    });
  }
  const empty = attempts.length === 0;
  let allowed: string[] | undefined;
  const tried: string[] = [];
  let first = true;
  const handler: AuthHandlerMiddleware = (methodsLeft, _partial, next) => {
    if (methodsLeft) allowed = methodsLeft;
    if (first) {
      // 'none' first, as ssh does: it tells which methods the server accepts.
      first = false;
      return next({ type: 'none', username });
    }
    for (;;) {
      const a = attempts.shift();
      if (!a) return next(false as unknown as AuthenticationType);
      if (allowed && !allowed.includes(serverMethod(a.method))) continue;
      tried.push(a.label);
      return next(a.method);
    }
  };
  return {
    handler,
    empty,
    failure() {
      const methods = allowed?.length ? allowed.join(',') : 'no methods';
      const details = [
        tried.length
          ? `tried: ${tried.join('; ')}`
          : 'nothing to authenticate with: give a private key (ansible_ssh_private_key_file, --private-key), ' +
            'load one into ssh-agent (SSH_AUTH_SOCK), or a password (ansible_password, -k)',
        ...ids.problems,
      ];
      if (target.password === undefined && allowed?.some((m) => m === 'password' || m === 'keyboard-interactive')) {
        details.push('the server also accepts a password: give it with -k/--ask-pass or ansible_password');
      }
      return { message: `${target.user}@${target.hostName}: Permission denied (${methods})`, details };
    },
  };
}
