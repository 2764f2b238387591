/**
 * known_hosts files as OpenSSH reads them: `[marker] hosts keytype base64 [comment]` lines,
 * host fields with patterns (`*`, `?`, `!`), `[host]:port` for non-22 ports, hashed names
 * (`|1|salt|hmac`), and the @revoked / @cert-authority markers.
 */
import { createHash, createHmac, randomBytes } from 'node:crypto';
import { ParsedFileCache } from '../../util/parsed-file-cache.js';
import { matchPatternList } from './patterns.js';

export interface KnownHostLine {
  file: string;
  line: number;
  marker?: 'revoked' | 'cert-authority';
  /** The host field as written (comma-separated patterns, or one hashed name). */
  hosts: string;
  keyType: string;
  /** The decoded key blob. */
  key: Buffer;
}

/** What the known hosts files say about one presented key. */
export type HostKeyVerdict =
  | { status: 'known'; entry: KnownHostLine }
  | { status: 'revoked'; entry: KnownHostLine }
  /** A key of the same type is recorded for this host, and it is another one. */
  | { status: 'changed'; entry: KnownHostLine }
  /** Nothing recorded with this key's type (`otherTypes`: types that are recorded). */
  | { status: 'unknown'; otherTypes: string[] };

/** The name a host is recorded under: `host`, or `[host]:port` when the port is not 22. */
export function knownHostsName(host: string, port: number): string {
  return port === 22 ? host : `[${host}]:${port}`;
}

/** Parse known_hosts text; malformed lines are skipped, as ssh does. */
export function parseKnownHosts(text: string, file: string): KnownHostLine[] {
  const out: KnownHostLine[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const words = lines[i]!.trim().split(/\s+/);
    if (!words[0] || words[0].startsWith('#')) continue;
    let marker: KnownHostLine['marker'];
    if (words[0].startsWith('@')) {
      const m = words.shift()!;
      if (m === '@revoked') marker = 'revoked';
      else if (m === '@cert-authority') marker = 'cert-authority';
      else continue;
    }
    const [hosts, keyType, b64] = words;
    if (!hosts || !keyType || !b64 || !/^[A-Za-z0-9+/]+=*$/.test(b64)) continue;
    const key = Buffer.from(b64, 'base64');
    // The blob starts with its own type name: a line whose two disagree is corrupt.
    if (blobType(key) !== keyType) continue;
    out.push({ file, line: i + 1, ...(marker ? { marker } : {}), hosts, keyType, key });
  }
  return out;
}

/** Parsed files, kept while unchanged (the keeper re-checks a host key at every session). */
const parsed = new ParsedFileCache<readonly KnownHostLine[]>((text, file) => parseKnownHosts(text, file).map((l) => Object.freeze(l)));

/** Read and parse known_hosts files; missing or unreadable files count as empty. */
export function readKnownHosts(files: readonly string[]): KnownHostLine[] {
  const out: KnownHostLine[] = [];
  for (const f of files) {
    try {
      out.push(...(parsed.get(f) ?? []));
    } catch {
      // unreadable: empty
    }
  }
  return out;
}

/** The key type name at the start of an SSH public key blob ("ssh-ed25519", "ssh-rsa"...). */
export function blobType(blob: Buffer): string | undefined {
  if (blob.length < 4) return undefined;
  const n = blob.readUInt32BE(0);
  if (n === 0 || n > 64 || blob.length < 4 + n) return undefined;
  return blob.toString('latin1', 4, 4 + n);
}

/** Does a known_hosts host field name `name` (plain patterns or a hashed entry)? */
export function hostFieldMatches(field: string, name: string): boolean {
  if (field.startsWith('|1|')) {
    const [, , salt, hash] = field.split('|');
    if (!salt || !hash) return false;
    const mac = createHmac('sha1', Buffer.from(salt, 'base64')).update(name.toLowerCase()).digest('base64');
    return mac === hash;
  }
  return matchPatternList(name, field.split(','));
}

/** The hashed form of a host name, as `ssh-keygen -H` / HashKnownHosts write it. */
export function hashHostName(name: string, salt: Buffer = randomBytes(20)): string {
  const mac = createHmac('sha1', salt).update(name).digest('base64');
  return `|1|${salt.toString('base64')}|${mac}`;
}

/** The lines recorded for `names` (the first name that has any, as ssh: alias or host). */
export function linesFor(lines: readonly KnownHostLine[], names: readonly string[]): KnownHostLine[] {
  return lines.filter((l) => names.some((n) => hostFieldMatches(l.hosts, n)));
}

/** Check a presented key blob against the lines recorded for the host. */
export function checkHostKey(lines: readonly KnownHostLine[], names: readonly string[], key: Buffer): HostKeyVerdict {
  const mine = linesFor(lines, names);
  const revoked = mine.find((l) => l.marker === 'revoked' && l.key.equals(key));
  if (revoked) return { status: 'revoked', entry: revoked };
  const plain = mine.filter((l) => l.marker === undefined);
  const known = plain.find((l) => l.key.equals(key));
  if (known) return { status: 'known', entry: known };
  const type = blobType(key);
  const sameType = plain.find((l) => l.keyType === type);
  if (sameType) return { status: 'changed', entry: sameType };
  return { status: 'unknown', otherTypes: [...new Set(plain.map((l) => l.keyType))] };
}

/** The host key types recorded for a host (to ask the server for one of those first). */
export function recordedKeyTypes(lines: readonly KnownHostLine[], names: readonly string[]): string[] {
  return [...new Set(linesFor(lines, names).filter((l) => l.marker === undefined).map((l) => l.keyType))];
}

/** `SHA256:...` fingerprint of a key blob, as ssh prints it. */
export function fingerprint(blob: Buffer): string {
  return `SHA256:${createHash('sha256').update(blob).digest('base64').replace(/=+$/, '')}`;
}

/** "ED25519", "RSA", "ECDSA", "DSA": the name ssh uses in its messages. */
export function keyTypeLabel(type: string | undefined): string {
  if (!type) return 'unknown';
  if (type === 'ssh-ed25519') return 'ED25519';
  if (type === 'ssh-rsa') return 'RSA';
  if (type.startsWith('ecdsa-')) return 'ECDSA';
  if (type === 'ssh-dss') return 'DSA';
  return type;
}

/** One known_hosts line for a key, the host name hashed or not. */
export function formatKnownHostLine(name: string, key: Buffer, hash: boolean): string {
  return `${hash ? hashHostName(name) : name} ${blobType(key)} ${key.toString('base64')}\n`;
}
