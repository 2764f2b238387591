/**
 * network collector (Ansible's network/linux.py): interfaces from /sys/class/net, addresses
 * from `ip addr show`, default routes from `ip route get` (the three run by one `ip -batch`).
 * Hosts without `ip` (minimal containers) get the same facts rebuilt from /proc/net by
 * ./network-proc.ts.
 * Not reproduced: ethtool features/timestamping (one more process per interface).
 */
import type { RawGather } from '../output.js';
import { fileContent } from '../output.js';
import { procIpAddrLines, procRouteLines } from './network-proc.js';
import { V4_PROBE, V6_PROBE, intToIpv4, ipv4ToInt, prefixToNetmask } from './net-addr.js';

type Facts = Record<string, unknown>;
type Iface = Record<string, unknown>;

const INTERFACE_TYPE: Record<string, string> = {
  '1': 'ether', '32': 'infiniband', '512': 'ppp', '772': 'loopback', '65534': 'tunnel',
};

/** Parse `ip route get` output the way Ansible does (interface, address, gateway). */
export function parseRouteGet(lines: string[] | undefined, probe: string): Record<string, string> {
  const out: Record<string, string> = {};
  const first = (lines ?? []).find((l) => l.trim() !== '');
  if (!first) return out;
  const w = first.trim().split(/\s+/);
  if (w[0] !== probe) return out;
  for (let i = 0; i < w.length - 1; i++) {
    if (w[i] === 'dev') out['interface'] = w[i + 1]!;
    else if (w[i] === 'src') out['address'] = w[i + 1]!;
    else if (w[i] === 'via' && w[i + 1] !== probe) out['gateway'] = w[i + 1]!;
  }
  return out;
}

/** `ip addr show` output grouped by device (the name before any @peer suffix). */
export function groupIpAddr(lines: string[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  let cur: string[] | undefined;
  for (const line of lines) {
    const m = /^\d+:\s+([^:@\s]+)(?:@[^:\s]*)?:/.exec(line);
    if (m) {
      cur = [];
      out.set(m[1]!, cur);
    } else if (cur) {
      cur.push(line);
    }
  }
  return out;
}

function sysDevices(raw: RawGather): string[] {
  const set = new Set<string>();
  for (const p of raw.files.keys()) {
    const m = /^\/sys\/class\/net\/([^/]+)\//.exec(p);
    if (m) set.add(m[1]!);
  }
  return [...set].sort();
}

/**
 * The output of `ip -force -batch -` running `addr show` and the two `route get`s, split
 * back into what the three separate commands print: interface blocks (a line `N: name:`
 * and its indented lines), then each route's lines, told apart by their probe address.
 */
export function splitIpBatch(lines: string[]): { addr: string[]; v4: string[]; v6: string[] } {
  const out = { addr: [] as string[], v4: [] as string[], v6: [] as string[] };
  let cur = out.addr;
  for (const line of lines) {
    if (/^\S/.test(line) && !/^\d+:\s/.test(line)) {
      const words = line.trim().split(/\s+/);
      cur = words.includes(V4_PROBE) ? out.v4 : words.includes(V6_PROBE) ? out.v6 : cur;
    }
    cur.push(line);
  }
  return out;
}

/** pciid / module from `ls -ld` of the device symlinks (the links section, or netlinks). */
function netLinks(raw: RawGather): Map<string, { pciid?: string; module?: string }> {
  const out = new Map<string, { pciid?: string; module?: string }>();
  for (const line of raw.sections.get('links') ?? raw.sections.get('netlinks') ?? []) {
    const m = /\/sys\/class\/net\/([^/\s]+)\/device(\/driver\/module)? -> (\S+)$/.exec(line);
    if (!m) continue;
    const e = out.get(m[1]!) ?? {};
    const base = m[3]!.split('/').pop()!;
    if (m[2]) e.module = base;
    else e.pciid = base;
    out.set(m[1]!, e);
  }
  return out;
}

export function networkFacts(raw: RawGather): Facts {
  const useIp = raw.commands.has('ip');
  if (!useIp && !raw.files.has('/proc/net/route') && !raw.files.has('/proc/net/if_inet6')) return {};
  const batch = raw.sections.get('ipbatch');
  const split = batch ? splitIpBatch(batch) : undefined;
  const ipLines = !useIp ? procIpAddrLines(raw) : split ? split.addr : raw.sections.get('ipaddr') ?? [];
  const routes = !useIp
    ? procRouteLines(raw)
    : split ? { v4: split.v4, v6: split.v6 } : { v4: raw.sections.get('route4'), v6: raw.sections.get('route6') };
  const defaultIpv4: Record<string, unknown> = parseRouteGet(routes.v4, V4_PROBE);
  const defaultIpv6: Record<string, unknown> = parseRouteGet(routes.v6, V6_PROBE);
  const byDevice = groupIpAddr(ipLines);
  const links = netLinks(raw);
  const brif = raw.sections.get('brif') ?? [];
  const interfaces = new Map<string, Iface>();
  const all4: string[] = [];
  const all6: string[] = [];

  for (const device of sysDevices(raw)) {
    const base = `/sys/class/net/${device}`;
    const has = (f: string) => raw.files.has(`${base}/${f}`);
    const read = (f: string) => fileContent(raw, `${base}/${f}`);
    const iface: Iface = { device };
    interfaces.set(device, iface);
    const macaddress = read('address') ?? '';
    if (has('address') && macaddress && macaddress !== '00:00:00:00:00:00') iface['macaddress'] = macaddress;
    if (read('mtu') !== undefined) iface['mtu'] = parseInt(read('mtu')!, 10);
    if (has('operstate')) iface['active'] = read('operstate') !== 'down';
    const link = links.get(device);
    if (link?.module) iface['module'] = link.module;
    if (has('type')) iface['type'] = INTERFACE_TYPE[read('type') ?? ''] ?? 'unknown';
    if (has('bridge/bridge_id') || has('bridge/stp_state')) {
      iface['type'] = 'bridge';
      iface['interfaces'] = brif.filter((p) => p.startsWith(`${base}/brif/`)).map((p) => p.split('/').pop()!);
      if (has('bridge/bridge_id')) iface['id'] = read('bridge/bridge_id') ?? '';
      if (has('bridge/stp_state')) iface['stp'] = read('bridge/stp_state') === '1';
    }
    if (has('bonding/slaves') || has('bonding/mode')) {
      iface['type'] = 'bonding';
      iface['slaves'] = (read('bonding/slaves') ?? '').split(/\s+/).filter(Boolean);
      iface['mode'] = (read('bonding/mode') ?? '').split(/\s+/)[0];
      iface['miimon'] = (read('bonding/miimon') ?? '').split(/\s+/)[0];
      iface['lacp_rate'] = (read('bonding/lacp_rate') ?? '').split(/\s+/)[0];
      const primary = read('bonding/primary');
      if (primary) {
        iface['primary'] = primary;
        if (has('bonding/all_slaves_active')) iface['all_slaves_active'] = read('bonding/all_slaves_active') === '1';
      }
    }
    if (has('bonding_slave/perm_hwaddr')) iface['perm_macaddress'] = read('bonding_slave/perm_hwaddr') ?? '';
    if (link?.pciid) iface['pciid'] = link.pciid;
    const speed = read('speed');
    if (speed !== undefined && /^-?\d+$/.test(speed)) iface['speed'] = parseInt(speed, 10);
    const flags = read('flags');
    if (flags !== undefined) iface['promisc'] = (parseInt(flags, 16) & 0x0100) > 0;

    const lines = (byDevice.get(device) ?? []).map((l) => l.trim().split(/\s+/)).filter((w) => w[0] === 'inet' || w[0] === 'inet6');
    const isSecondary = (w: string[]) => w.includes(w[0] === 'inet' ? 'secondary' : 'temporary');
    for (const secondary of [false, true]) {
      for (const words of lines.filter((w) => isSecondary(w) === secondary)) {
        if (words[0] === 'inet') {
          let address: string;
          let prefix: string;
          let broadcast = '';
          if (words[1]!.includes('/')) {
            [address, prefix] = words[1]!.split('/') as [string, string];
            if (words.length > 3 && words[2] === 'brd') broadcast = words[3]!;
          } else {
            address = words[1]!;
            prefix = '32';
          }
          const mask = prefixToNetmask(parseInt(prefix, 10));
          const netmask = intToIpv4(mask);
          const network = intToIpv4((ipv4ToInt(address) & mask) >>> 0);
          const entry = { address, broadcast, netmask, network, prefix };
          const label = words[words.length - 1]!;
          if (label !== device) interfaces.set(label, {});
          const target = interfaces.get(label)!;
          if (!secondary && !('ipv4' in target)) {
            target['ipv4'] = entry;
          } else {
            target['ipv4_secondaries'] = [...((target['ipv4_secondaries'] as unknown[]) ?? []), { ...entry }];
          }
          if (secondary) {
            if (!('ipv4_secondaries' in iface)) iface['ipv4_secondaries'] = [];
            if (device !== label) (iface['ipv4_secondaries'] as unknown[]).push({ ...entry });
          }
          if (defaultIpv4['address'] === address) {
            Object.assign(defaultIpv4, {
              broadcast, netmask, network, prefix, macaddress,
              mtu: iface['mtu'], type: iface['type'] ?? 'unknown', alias: label,
            });
          }
          if (!address.startsWith('127.')) all4.push(address);
        } else {
          let address: string;
          let prefix: string;
          let scope: string;
          if (words[2] === 'peer') {
            address = words[1]!;
            prefix = (words[3] ?? '').split('/')[1] ?? '';
            scope = words[5] ?? '';
          } else {
            [address, prefix] = words[1]!.split('/') as [string, string];
            scope = words[3] ?? '';
          }
          iface['ipv6'] = [...((iface['ipv6'] as unknown[]) ?? []), { address, prefix, scope }];
          if (defaultIpv6['address'] === address) {
            Object.assign(defaultIpv6, { prefix, scope, macaddress, mtu: iface['mtu'], type: iface['type'] ?? 'unknown' });
          }
          if (address !== '::1') all6.push(address);
        }
      }
    }
  }

  const facts: Facts = {};
  const names: string[] = [];
  for (const [name, iface] of interfaces) {
    // The list keeps dashes; the per-interface fact names do not (Ansible's fact namespace
    // turns '-' into '_': ansible_facts['k8sp_br0'] for interface k8sp-br0).
    names.push(name.replace(/:/g, '_'));
    facts[name.replace(/[:-]/g, '_')] = iface;
  }
  facts['interfaces'] = names;
  facts['default_ipv4'] = defaultIpv4;
  facts['default_ipv6'] = defaultIpv6;
  facts['all_ipv4_addresses'] = all4;
  facts['all_ipv6_addresses'] = all6;
  return facts;
}
