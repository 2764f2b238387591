/**
 * Ansible's `parse_address` (parsing/utils/addresses.py): splits `host:port` and `[v6]:port`,
 * and tells whether a string is an IPv4 address, an IPv6 address or a host name (ranges allowed).
 * Used by the INI parser (`host:2222` sets ansible_port), the comma host list and host patterns.
 */

const NUMERIC_RANGE = String.raw`\[(?:[0-9]+:[0-9]+)(?::[0-9]+)?\]`;
const HEX_RANGE = String.raw`\[(?:[0-9a-f]+:[0-9a-f]+)(?::[0-9]+)?\]`;
const ALNUM_RANGE = String.raw`\[(?:[a-z]:[a-z]|[0-9]+:[0-9]+)(?::[0-9]+)?\]`;

const IPV6_COMPONENT = `(?:[0-9a-f]{1,4}|${HEX_RANGE})`;
const IPV4_COMPONENT = `(?:[01]?[0-9]{1,2}|2[0-4][0-9]|25[0-5]|${NUMERIC_RANGE})`;
// Python's \w is Unicode-aware.
const WORD = String.raw`[\p{L}\p{N}_]`;
const LABEL = `(?:${WORD}|${ALNUM_RANGE})(?:${WORD}|[_-]|${ALNUM_RANGE})*(?<![_-])`;

const c = IPV6_COMPONENT;
const i4 = `(?:${c}\\.){3}${c}`;
const IPV6_ALTERNATIVES = [
  `(?:${c}:){7}${c}`,
  `(?:${c}:){1,6}:`,
  `(?:${c}:)(?::${c}){1,6}`,
  `(?:${c}:){2}(?::${c}){1,5}`,
  `(?:${c}:){3}(?::${c}){1,4}`,
  `(?:${c}:){4}(?::${c}){1,3}`,
  `(?:${c}:){5}(?::${c}){1,2}`,
  `(?:${c}:){6}(?::${c})`,
  `:(?::${c}){1,6}`,
  `${c}?::`,
  `(?:0:){6}${i4}`,
  `::(?:ffff:)?${i4}`,
  `(?:0:){5}ffff:${i4}`,
];

/**
 * Built on first use: compiling the Unicode classes of `hostname` and the IPv6 alternatives
 * costs ~6 ms, which an inventory of ordinary ASCII names never needs (see the fast paths).
 */
let patterns: {
  bracketedHostport: RegExp;
  hostport: RegExp;
  ipv4: RegExp;
  ipv6: RegExp;
  hostname: RegExp;
} | undefined;

function slowPatterns(): NonNullable<typeof patterns> {
  return patterns ??= {
    bracketedHostport: /^\[(.+)\]:([0-9]+)$/su,
    hostport: /^((?:[^:[\]]|\[[^\]]*\])*):([0-9]+)$/su,
    ipv4: new RegExp(`^(?:${IPV4_COMPONENT}\\.){3}${IPV4_COMPONENT}$`, 'iu'),
    // Python matches `^a|b|...|z$` at the start, and its $ binds to the last alternative only.
    ipv6: new RegExp(`^(?:${IPV6_ALTERNATIVES.slice(0, -1).join('|')}|${IPV6_ALTERNATIVES.at(-1)}$)`, 'iu'),
    hostname: new RegExp(`^${LABEL}(?:\\.${LABEL})*$`, 'iu'),
  };
}

/**
 * The fast paths' domain: ASCII without `[` or `]` (no ranges, no bracketed IPv6). There,
 * without a `:`, a string can be neither an IPv6 address (every alternative has a `:`) nor an
 * IPv4 address that is not also a host name (digits are word characters), so `hostname`
 * restricted to ASCII decides alone.
 */
const FAST_DOMAIN = /^[\x00-\x5a\x5c\x5e-\x7f]*$/;
/** `hostname` on ASCII: labels of word characters and `-`, not starting with `-`, not ending in `_` or `-`. */
const ASCII_HOSTNAME = /^(?:[A-Za-z0-9_][A-Za-z0-9_-]*)?[A-Za-z0-9](?:\.(?:[A-Za-z0-9_][A-Za-z0-9_-]*)?[A-Za-z0-9])*$/;
/** `host:port` in the fast domain (what `hostport` matches there). */
const ASCII_HOSTPORT = /^([^:]*):([0-9]+)$/;
/** `ipv4` without ranges: four numbers of at most 3 digits, each up to 255. */
const ASCII_IPV4 = /^(?:(?:[01]?[0-9]{1,2}|2[0-4][0-9]|25[0-5])\.){3}(?:[01]?[0-9]{1,2}|2[0-4][0-9]|25[0-5])$/;

/** The string is not a host name, an IPv4 or an IPv6 address (with an optional port). */
export class AddressError extends Error {}

export interface ParsedAddress {
  host: string;
  port?: number;
}

/**
 * Splits an optional port off `address` and checks what is left is a host name or an IP address.
 * With `allowRanges` false, a host with `[x:y]` ranges is refused. Throws AddressError.
 */
export function parseAddress(address: string, allowRanges = false): ParsedAddress {
  if (FAST_DOMAIN.test(address)) {
    const m = address.includes(':') ? ASCII_HOSTPORT.exec(address) : undefined;
    if (m !== null) {
      const host = m ? m[1]! : address;
      if (!ASCII_HOSTNAME.test(host)) throw new AddressError(`Not a valid network hostname: ${host}`);
      return m ? { host, port: Number(m[2]) } : { host };
    }
  }
  return parseAddressSlow(address, allowRanges);
}

/** parseAddress for any string (Unicode names, ranges, IPv6); exported for tests. */
export function parseAddressSlow(address: string, allowRanges = false): ParsedAddress {
  const PATTERNS = slowPatterns();
  let rest = address;
  let port: number | undefined;
  for (const re of [PATTERNS.bracketedHostport, PATTERNS.hostport]) {
    const m = re.exec(rest);
    if (m) {
      rest = m[1]!;
      port = Number(m[2]);
    }
  }
  const known = PATTERNS.ipv4.test(rest) || PATTERNS.ipv6.test(rest) || PATTERNS.hostname.test(rest);
  if (!known) throw new AddressError(`Not a valid network hostname: ${rest}`);
  if (!allowRanges && rest.includes('[')) throw new AddressError('Detected range in host but was asked to ignore ranges');
  return port === undefined ? { host: rest } : { host: rest, port };
}

/** Whether `name` is a literal IPv4 or IPv6 address (for inventory_hostname_short). */
export function isIpAddress(name: string): boolean {
  if (FAST_DOMAIN.test(name) && !name.includes(':')) return ASCII_IPV4.test(name);
  return isIpAddressSlow(name);
}

/** isIpAddress for any string; exported for tests. */
export function isIpAddressSlow(name: string): boolean {
  const PATTERNS = slowPatterns();
  return PATTERNS.ipv4.test(name) || PATTERNS.ipv6.test(name);
}
