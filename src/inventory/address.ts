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

const PATTERNS = {
  bracketedHostport: /^\[(.+)\]:([0-9]+)$/su,
  hostport: /^((?:[^:[\]]|\[[^\]]*\])*):([0-9]+)$/su,
  ipv4: new RegExp(`^(?:${IPV4_COMPONENT}\\.){3}${IPV4_COMPONENT}$`, 'iu'),
  // Python matches `^a|b|...|z$` at the start, and its $ binds to the last alternative only.
  ipv6: new RegExp(`^(?:${IPV6_ALTERNATIVES.slice(0, -1).join('|')}|${IPV6_ALTERNATIVES.at(-1)}$)`, 'iu'),
  hostname: new RegExp(`^${LABEL}(?:\\.${LABEL})*$`, 'iu'),
};

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
  return PATTERNS.ipv4.test(name) || PATTERNS.ipv6.test(name);
}
