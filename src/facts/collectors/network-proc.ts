/**
 * For hosts without the `ip` command (Debian minbase containers, some busybox images):
 * rebuild what `ip addr show` and `ip route get` would print from /proc/net, so the
 * network collector parses one format. IPv4 addresses come from the LOCAL entries of
 * /proc/net/fib_trie, matched to interfaces through /proc/net/route; IPv6 from if_inet6.
 */
import type { RawGather } from '../output.js';
import { fileLines } from '../output.js';
import { V4_PROBE, V6_PROBE, intToIpv4, ipv4ToInt, prefixToNetmask } from './net-addr.js';

/** A little-endian hex IPv4 from /proc/net/route as a number. */
function hexLeToInt(h: string): number {
  const n = parseInt(h, 16);
  return (((n & 255) << 24) | (((n >>> 8) & 255) << 16) | (((n >>> 16) & 255) << 8) | ((n >>> 24) & 255)) >>> 0;
}
const popcount = (n: number) => n.toString(2).replace(/0/g, '').length;

/** 32 hex digits as a compressed IPv6 address (RFC 5952, as `ip` prints it). */
export function formatIpv6(hex: string): string {
  const groups = (hex.match(/.{4}/g) ?? []).map((g) => parseInt(g, 16).toString(16));
  let bestStart = -1;
  let bestLen = 0;
  for (let i = 0; i < groups.length;) {
    if (groups[i] !== '0') { i++; continue; }
    let j = i;
    while (j < groups.length && groups[j] === '0') j++;
    if (j - i > bestLen && j - i >= 2) { bestStart = i; bestLen = j - i; }
    i = j;
  }
  if (bestStart < 0) return groups.join(':');
  return `${groups.slice(0, bestStart).join(':')}::${groups.slice(bestStart + bestLen).join(':')}`;
}

interface Route4 { iface: string; dest: number; gateway: number; mask: number }

function routes4(raw: RawGather): Route4[] {
  return fileLines(raw, '/proc/net/route').slice(1).map((l) => l.trim().split(/\s+/)).filter((w) => w.length >= 8)
    .map((w) => ({ iface: w[0]!, dest: hexLeToInt(w[1]!), gateway: hexLeToInt(w[2]!), mask: hexLeToInt(w[7]!) }));
}

function localIpv4(raw: RawGather): string[] {
  const out: string[] = [];
  const lines = fileLines(raw, '/proc/net/fib_trie');
  for (let i = 1; i < lines.length; i++) {
    if (/\/32 host LOCAL/.test(lines[i]!)) {
      const m = /([\d.]+)\s*$/.exec(lines[i - 1]!);
      if (m && !out.includes(m[1]!)) out.push(m[1]!);
    }
  }
  return out;
}

const SCOPES: Record<string, string> = { '00': 'global', '10': 'host', '20': 'link', '40': 'site', '05': 'site' };

/** Lines shaped like `ip addr show` output. */
export function procIpAddrLines(raw: RawGather): string[] {
  const byIface = new Map<string, string[]>();
  const add = (iface: string, line: string) => {
    if (!byIface.has(iface)) byIface.set(iface, []);
    byIface.get(iface)!.push(line);
  };
  const routes = routes4(raw).filter((r) => r.mask !== 0);
  for (const ip of localIpv4(raw)) {
    const n = ipv4ToInt(ip);
    let iface: string | undefined;
    let prefix = 32;
    if (ip.startsWith('127.')) { iface = 'lo'; prefix = 8; }
    else {
      const best = routes.filter((r) => ((n & r.mask) >>> 0) === r.dest).sort((a, b) => popcount(b.mask) - popcount(a.mask))[0];
      if (best) { iface = best.iface; prefix = popcount(best.mask); }
    }
    if (!iface) continue;
    const mask = prefixToNetmask(prefix);
    const brd = prefix <= 30 && !ip.startsWith('127.') ? ` brd ${intToIpv4(((n & mask) | (~mask >>> 0)) >>> 0)}` : '';
    add(iface, `    inet ${ip}/${prefix}${brd} scope ${ip.startsWith('127.') ? 'host' : 'global'} ${iface}`);
  }
  for (const l of fileLines(raw, '/proc/net/if_inet6')) {
    const w = l.trim().split(/\s+/);
    if (w.length < 6) continue;
    const flags = parseInt(w[4]!, 16);
    add(w[5]!, `    inet6 ${formatIpv6(w[0]!)}/${parseInt(w[2]!, 16)} scope ${SCOPES[w[3]!] ?? 'global'}${flags & 1 ? ' temporary' : ''}`);
  }
  const out: string[] = [];
  let i = 1;
  for (const [iface, lines] of byIface) out.push(`${i++}: ${iface}: <>`, ...lines);
  return out;
}

/** Lines shaped like `ip -4 route get` / `ip -6 route get` for the probe addresses. */
export function procRouteLines(raw: RawGather): { v4: string[]; v6: string[] } {
  const addrs = procIpAddrLines(raw);
  const firstAddr = (iface: string, family: 'inet' | 'inet6') => {
    let cur = '';
    for (const l of addrs) {
      const h = /^\d+: ([^:]+):/.exec(l);
      if (h) { cur = h[1]!; continue; }
      const w = l.trim().split(/\s+/);
      if (cur === iface && w[0] === family && (family === 'inet' || w[3] === 'global')) return w[1]!.split('/')[0]!;
    }
    return undefined;
  };
  const v4: string[] = [];
  const def4 = routes4(raw).find((r) => r.dest === 0 && r.mask === 0);
  if (def4) {
    const src = firstAddr(def4.iface, 'inet');
    v4.push(`${V4_PROBE}${def4.gateway ? ` via ${intToIpv4(def4.gateway)}` : ''} dev ${def4.iface}${src ? ` src ${src}` : ''}`);
  }
  const v6: string[] = [];
  for (const l of fileLines(raw, '/proc/net/ipv6_route')) {
    const w = l.trim().split(/\s+/);
    if (w.length < 10 || !/^0{32}$/.test(w[0]!) || w[1] !== '00' || w[9] === 'lo') continue;
    const gw = /^0{32}$/.test(w[4]!) ? '' : ` via ${formatIpv6(w[4]!)}`;
    const src = firstAddr(w[9]!, 'inet6');
    v6.push(`${V6_PROBE} from ::${gw} dev ${w[9]}${src ? ` src ${src}` : ''}`);
    break;
  }
  return { v4, v6 };
}
