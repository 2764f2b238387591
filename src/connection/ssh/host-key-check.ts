/**
 * Verifying the key a host presents, per the resolved policy: known keys pass; a revoked or
 * CHANGED key is refused in every checking mode but off; an unknown key is refused (strict)
 * or recorded (accept-new). Refusals carry ssh's wording and how to proceed.
 */
import { ConnectionError } from '../../errors.js';
import {
  blobType, checkHostKey, fingerprint, formatKnownHostLine, keyTypeLabel, readKnownHosts, recordedKeyTypes,
} from './known-hosts.js';
import { appendKnownHost } from './known-hosts-writer.js';
import type { SshTarget } from './settings.js';

/** ssh2's host key algorithm names for a key type (RSA keys sign with several). */
const ALGOS_OF: Record<string, string[]> = { 'ssh-rsa': ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'] };

/** ssh2's default host key algorithm order. */
const DEFAULT_HOST_KEY_ALGOS = [
  'ssh-ed25519', 'ecdsa-sha2-nistp256', 'ecdsa-sha2-nistp384', 'ecdsa-sha2-nistp521', 'rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa',
];

export interface HostKeyOutcome {
  /** Set when the key is refused. */
  error?: ConnectionError;
  /** Set when accept-new records the key: resolves once it is on disk. */
  recorded?: Promise<void>;
}

export class HostKeyChecker {
  private readonly lines;

  constructor(private readonly target: SshTarget) {
    this.lines = target.hostKey.mode === 'off' ? [] : readKnownHosts(target.hostKey.readFiles);
  }

  /**
   * Host key algorithms to offer: types already recorded for this host first, as ssh does, so
   * a host with several keys presents the one we can check.
   */
  algorithms(): string[] {
    const known = recordedKeyTypes(this.lines, this.target.hostKey.names).flatMap((t) => ALGOS_OF[t] ?? [t]);
    const first = known.filter((a) => DEFAULT_HOST_KEY_ALGOS.includes(a));
    return [...first, ...DEFAULT_HOST_KEY_ALGOS.filter((a) => !first.includes(a))];
  }

  /** Decide on a presented key blob. */
  check(key: Buffer): HostKeyOutcome {
    const t = this.target;
    const p = t.hostKey;
    if (p.mode === 'off') return {};
    const verdict = checkHostKey(this.lines, p.names, key);
    const label = keyTypeLabel(blobType(key));
    const fp = fingerprint(key);
    const who = t.hostName === t.inventoryHost ? t.hostName : `${t.inventoryHost} (${t.hostName})`;
    const name = p.names[0]!;
    switch (verdict.status) {
      case 'known':
        return {};
      case 'revoked':
        return {
          error: new ConnectionError(t.inventoryHost, `Host key verification failed for ${who}: the ${label} host key it presented is REVOKED`, {
            details: [`${label} key fingerprint is ${fp}`, `marked @revoked in ${verdict.entry.file}:${verdict.entry.line}`],
          }),
        };
      case 'changed':
        return {
          error: new ConnectionError(t.inventoryHost, `REMOTE HOST IDENTIFICATION HAS CHANGED for ${who}: Host key verification failed`, {
            details: [
              '@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@',
              '@    WARNING: REMOTE HOST IDENTIFICATION HAS CHANGED!     @',
              '@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@',
              'IT IS POSSIBLE THAT SOMEONE IS DOING SOMETHING NASTY!',
              'Someone could be eavesdropping on you right now (man-in-the-middle attack)!',
              'It is also possible that a host key has just been changed.',
              `The fingerprint for the ${label} key sent by the remote host is`,
              fp + '.',
              `Offending ${keyTypeLabel(verdict.entry.keyType)} key in ${verdict.entry.file}:${verdict.entry.line}`,
              `(recorded: ${fingerprint(verdict.entry.key)})`,
              `If the host was reinstalled, remove the old key with: ssh-keygen -f "${verdict.entry.file}" -R "${name}"`,
            ],
          }),
        };
      case 'unknown': {
        if (p.mode === 'accept-new' && p.writeFile) {
          const recorded = appendKnownHost({
            file: p.writeFile,
            line: formatKnownHostLine(name.toLowerCase(), key, p.hash),
            name,
            key,
          });
          return { recorded };
        }
        const other = verdict.otherTypes.length
          ? [`keys of other types are recorded for it (${verdict.otherTypes.map(keyTypeLabel).join(', ')}), but not this one`]
          : [];
        const files = p.readFiles.length ? p.readFiles.join(', ') : '(none)';
        return {
          error: new ConnectionError(t.inventoryHost, `Host key verification failed for ${who}: its ${label} host key is not known (${fp})`, {
            details: [
              ...other,
              `known hosts files read: ${files}`,
              p.mode === 'accept-new'
                ? 'accept-new cannot record it: UserKnownHostsFile is /dev/null or none'
                : `checking is strict (${p.modeSource}). To accept it: run with --host-key-checking=accept-new ` +
                  `(records the key) or off, or set ansible_host_key_checking=false / ANSIBLE_HOST_KEY_CHECKING=False, ` +
                  `or add the key to known_hosts (ssh-keyscan ${t.port === 22 ? '' : `-p ${t.port} `}${t.hostName})`,
            ],
          }),
        };
      }
    }
  }
}
