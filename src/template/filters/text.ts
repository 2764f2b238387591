/**
 * Ansible's string filters: regex_*, quote, base64, hashes, paths, to_uuid, urlsplit.
 */
import { createHash } from 'node:crypto';
import { homedir } from 'node:os';
import { pyRegex, pyMatch, pySub, pyFindall, pyEscape } from '../regex.js';
import { pyTruthy, tuple } from '../python.js';
import { filters, param } from './types.js';
import { filterFault, need, text } from './helpers.js';

/** Python's shlex.quote. */
export function shellQuote(s: string): string {
  if (s === '') return "''";
  if (/^[\w@%+=:,./-]+$/.test(s)) return s;
  return "'" + s.replace(/'/g, `'"'"'`) + "'";
}

/** Python's os.path.basename / dirname (POSIX). */
export function pyBasename(p: string): string {
  return p.slice(p.lastIndexOf('/') + 1);
}

export function pyDirname(p: string): string {
  const i = p.lastIndexOf('/') + 1;
  let head = p.slice(0, i);
  if (head && head !== '/'.repeat(head.length)) head = head.replace(/\/+$/, '');
  return head;
}

function splitext(p: string): unknown[] {
  const base = pyBasename(p);
  const dot = base.lastIndexOf('.');
  if (dot <= 0 || /^\.+$/.test(base.slice(0, dot + 1))) return tuple([p, '']);
  const cut = p.length - base.length + dot;
  return tuple([p.slice(0, cut), p.slice(cut)]);
}

function pathJoin(parts: unknown[]): string {
  let out = '';
  for (const raw of parts) {
    const p = text(raw);
    if (p.startsWith('/')) out = p;
    else if (!out || out.endsWith('/')) out += p;
    else out += '/' + p;
  }
  return out;
}

function uuid5(name: string, namespace: string): string {
  const ns = Buffer.from(namespace.replace(/-/g, ''), 'hex');
  const h = createHash('sha1').update(ns).update(Buffer.from(name, 'utf8')).digest();
  h[6] = (h[6]! & 0x0f) | 0x50;
  h[8] = (h[8]! & 0x3f) | 0x80;
  const hex = h.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

const ANSIBLE_UUID_NAMESPACE = '361E6D51-FAEC-444A-9079-341386DA8E2E';

/** Python's urllib.parse.urlsplit plus the attributes Ansible's urlsplit filter returns. */
export function urlSplit(url: string): Record<string, unknown> {
  let rest = url;
  let scheme = '';
  const sm = /^([a-zA-Z][a-zA-Z0-9+.-]*):/.exec(rest);
  if (sm) {
    scheme = sm[1]!.toLowerCase();
    rest = rest.slice(sm[0].length);
  }
  let netloc = '';
  if (rest.startsWith('//')) {
    const end = rest.slice(2).search(/[/?#]/);
    netloc = end < 0 ? rest.slice(2) : rest.slice(2, 2 + end);
    rest = end < 0 ? '' : rest.slice(2 + end);
  }
  let fragment = '';
  const hash = rest.indexOf('#');
  if (hash >= 0) {
    fragment = rest.slice(hash + 1);
    rest = rest.slice(0, hash);
  }
  let query = '';
  const q = rest.indexOf('?');
  if (q >= 0) {
    query = rest.slice(q + 1);
    rest = rest.slice(0, q);
  }
  const at = netloc.lastIndexOf('@');
  const userinfo = at >= 0 ? netloc.slice(0, at) : null;
  const hostport = at >= 0 ? netloc.slice(at + 1) : netloc;
  let username: string | null = null;
  let password: string | null = null;
  if (userinfo !== null) {
    const c = userinfo.indexOf(':');
    username = c >= 0 ? userinfo.slice(0, c) : userinfo;
    password = c >= 0 ? userinfo.slice(c + 1) : null;
  }
  let hostname: string | null = hostport;
  let port: number | null = null;
  const bracket = /^\[([^\]]*)\](?::(\d*))?$/.exec(hostport);
  if (bracket) {
    hostname = bracket[1]!;
    if (bracket[2]) port = Number(bracket[2]);
  } else {
    const c = hostport.lastIndexOf(':');
    if (c >= 0) {
      hostname = hostport.slice(0, c);
      const p = hostport.slice(c + 1);
      if (p) port = Number(p);
    }
  }
  hostname = hostname ? hostname.toLowerCase() : null;
  return { fragment, hostname, netloc, password, path: rest, port, query, scheme, username };
}

export const textFilters = filters({
  regex_replace: (_env, v, args, kw) => {
    const re = pyRegex(text(param(args, kw, 0, 'pattern', '')), {
      ignorecase: pyTruthy(param(args, kw, 2, 'ignorecase', false)),
      multiline: pyTruthy(param(args, kw, 3, 'multiline', false)),
    });
    const count = Number(param(args, kw, 4, 'count', 0));
    const mandatory = Number(param(args, kw, 5, 'mandatory_count', 0));
    const [out, n] = pySub(re, text(param(args, kw, 1, 'replacement', '')), text(v), count);
    if (mandatory && mandatory !== n) throw filterFault(`'${String(args[0])}' should match ${mandatory} times, but matches ${n} times`);
    return out;
  },
  regex_search: (_env, v, args, kw) => {
    const pattern = text(need(args[0]));
    const groups = args.slice(1).map((a) => {
      const s = text(a);
      const named = /^\\g<(\S+)>$/.exec(s);
      if (named) return /^\d+$/.test(named[1]!) ? Number(named[1]) : named[1]!;
      const num = /^\\(\d+)$/.exec(s);
      if (num) return Number(num[1]);
      throw filterFault('Unknown argument');
    });
    const re = pyRegex(pattern, { ignorecase: pyTruthy(kw.ignorecase), multiline: pyTruthy(kw.multiline) });
    const m = pyMatch(re, text(v), false);
    if (!m) return null;
    if (!groups.length) return m[0];
    return groups.map((g) => (typeof g === 'number' ? (m[g] ?? null) : (m.groups?.[g] ?? null)));
  },
  regex_findall: (_env, v, args, kw) => {
    const re = pyRegex(text(param(args, kw, 0, 'regex')), {
      multiline: pyTruthy(param(args, kw, 1, 'multiline', false)),
      ignorecase: pyTruthy(param(args, kw, 2, 'ignorecase', false)),
    });
    return pyFindall(re, text(v));
  },
  regex_escape: (_env, v, args, kw) => {
    const type = param(args, kw, 0, 're_type', 'python');
    const s = text(v);
    if (type === 'python') return pyEscape(s);
    if (type === 'posix_basic') return s.replace(/[\\^$.*[\]]/g, (c) => '\\' + c);
    throw filterFault(`Regex type (${String(type)}) not yet implemented`);
  },
  quote: (_env, v) => shellQuote(v === null || v === undefined ? '' : text(v)),
  b64encode: (_env, v, args, kw) => Buffer.from(text(v), encodingOf(param(args, kw, 0, 'encoding', 'utf-8'))).toString('base64'),
  b64decode: (_env, v, args, kw) => Buffer.from(text(v), 'base64').toString(encodingOf(param(args, kw, 0, 'encoding', 'utf-8'))),
  hash: (_env, v, args, kw) => {
    const algo = String(param(args, kw, 0, 'hashtype', 'sha1'));
    try {
      return createHash(algo).update(text(v), 'utf8').digest('hex');
    } catch {
      throw filterFault(`unsupported hash type ${algo}`);
    }
  },
  checksum: (_env, v) => createHash('sha1').update(text(v), 'utf8').digest('hex'),
  sha1: (_env, v) => createHash('sha1').update(text(v), 'utf8').digest('hex'),
  md5: (_env, v) => createHash('md5').update(text(v), 'utf8').digest('hex'),
  basename: (_env, v) => pyBasename(text(v)),
  dirname: (_env, v) => pyDirname(text(v)),
  splitext: (_env, v) => splitext(text(v)),
  path_join: (_env, v) => pathJoin(Array.isArray(v) ? v : [v]),
  expanduser: (_env, v) => text(v).replace(/^~(?=\/|$)/, homedir()),
  to_uuid: (_env, v, args, kw) => uuid5(text(v), String(param(args, kw, 0, 'namespace', ANSIBLE_UUID_NAMESPACE))),
  urlsplit: (_env, v, args, kw) => {
    const parts = urlSplit(text(v));
    const query = param<string>(args, kw, 0, 'query', '');
    if (!query) return parts;
    if (!(query in parts)) throw filterFault(`urlsplit: unknown URL component: ${query}`);
    return parts[query];
  },
  urldecode: (_env, v) => decodeURIComponent(text(v).replace(/\+/g, ' ')),
});

function encodingOf(e: unknown): BufferEncoding {
  const s = String(e).toLowerCase().replace('_', '-');
  if (s === 'utf-8' || s === 'utf8') return 'utf8';
  if (s === 'utf-16-le' || s === 'utf-16le' || s === 'utf16le') return 'utf16le';
  if (s === 'latin-1' || s === 'latin1' || s === 'iso-8859-1') return 'latin1';
  if (s === 'ascii') return 'ascii';
  throw filterFault(`unknown encoding: ${String(e)}`);
}
