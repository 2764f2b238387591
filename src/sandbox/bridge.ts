/**
 * The project bridge on the controller: every sandbox host's veth is attached to it, and it
 * carries the only addresses sandbox traffic ever goes to. Its subnet is chosen so it clashes
 * with none of the controller's routes or addresses (nor with addresses the inventory names).
 */
import { SandboxError } from './errors.js';
import { cidrOverlaps, formatCidr, intToIp, ipToInt, parseCidr, type Cidr } from './ipv4.js';
import type { ProgressFn } from './progress.js';
import { runCommand } from './run-command.js';

/** The bridge's name (K8SPLAY_SANDBOX_BRIDGE overrides). */
export function bridgeName(): string {
  return process.env.K8SPLAY_SANDBOX_BRIDGE ?? 'k8sp-br0';
}

/** Subnets tried in order (K8SPLAY_SANDBOX_SUBNET forces one). Rarely used private ranges. */
export const CANDIDATE_SUBNETS = ['10.213.0.0/24', '10.231.17.0/24', '172.29.213.0/24', '192.168.213.0/24'];

export interface BridgeInfo {
  name: string;
  /** The bridge's own address (the controller side; the package repository listens here). */
  gateway: string;
  subnet: Cidr;
}

interface IpRoute { dst?: string; dev?: string }
interface IpAddr { ifname: string; addr_info?: Array<{ family: string; local: string; prefixlen: number }> }

async function ipJson<T>(args: string[]): Promise<T> {
  const r = await runCommand('ip', ['-j', ...args]);
  return JSON.parse(r.stdout || '[]') as T;
}

/** Networks the controller already reaches (routes of every table, addresses), except our bridge's. */
export async function controllerNetworks(bridge = bridgeName()): Promise<Cidr[]> {
  const routes = await ipJson<IpRoute[]>(['-4', 'route', 'show', 'table', 'all']);
  const addrs = await ipJson<IpAddr[]>(['-4', 'addr', 'show']);
  const out: Cidr[] = [];
  for (const r of routes) {
    if (!r.dst || r.dst === 'default' || r.dev === bridge) continue;
    const c = parseCidr(r.dst);
    if (c) out.push(c);
  }
  for (const a of addrs) {
    if (a.ifname === bridge) continue;
    for (const i of a.addr_info ?? []) {
      const c = i.family === 'inet' ? parseCidr(`${i.local}/${i.prefixlen}`) : undefined;
      if (c) out.push(c);
    }
  }
  return out;
}

/**
 * The first candidate subnet that overlaps none of `taken` and contains none of `avoid`
 * (addresses such as the inventory's own ansible_host values).
 */
export function chooseSubnet(taken: Cidr[], avoid: string[], candidates = CANDIDATE_SUBNETS): Cidr | undefined {
  const avoidNets = avoid.map((a) => parseCidr(a)).filter((c): c is Cidr => c !== undefined);
  for (const s of candidates) {
    const c = parseCidr(s);
    if (c && ![...taken, ...avoidNets].some((t) => cidrOverlaps(c, t))) return c;
  }
  return undefined;
}

/** The bridge if it exists: its IPv4 address and subnet. */
export async function readBridge(name = bridgeName()): Promise<BridgeInfo | undefined> {
  const r = await runCommand('ip', ['-j', '-4', 'addr', 'show', 'dev', name], { allowFail: true });
  if (r.code !== 0) return undefined;
  const info = (JSON.parse(r.stdout || '[]') as IpAddr[])[0]?.addr_info?.find((i) => i.family === 'inet');
  if (!info) return undefined;
  const subnet = parseCidr(`${info.local}/${info.prefixlen}`);
  return subnet ? { name, gateway: info.local, subnet } : undefined;
}

/** True when a link of that name exists. */
export async function linkExists(name: string): Promise<boolean> {
  return (await runCommand('ip', ['link', 'show', 'dev', name], { allowFail: true })).code === 0;
}

/** Creates the bridge (subnet checked against the controller's routes) unless it is there. */
export async function ensureBridge(opts: { avoid?: string[]; progress: ProgressFn }): Promise<BridgeInfo> {
  const name = bridgeName();
  const existing = await readBridge(name);
  if (existing) {
    const clash = (opts.avoid ?? []).find((a) => { const n = ipToInt(a); return n !== undefined && cidrOverlaps(existing.subnet, { base: n, prefix: 32 }); });
    if (clash) throw new SandboxError(`bridge ${name} (${formatCidr(existing.subnet)}) contains the inventory address ${clash}; stop every sandbox so it can be recreated elsewhere`);
    return existing;
  }
  if (await linkExists(name)) {
    throw new SandboxError(`link ${name} exists but has no IPv4 address; remove it (ip link del ${name}) or set K8SPLAY_SANDBOX_BRIDGE`);
  }
  const forced = process.env.K8SPLAY_SANDBOX_SUBNET;
  const taken = await controllerNetworks(name);
  const subnet = chooseSubnet(taken, opts.avoid ?? [], forced ? [forced] : CANDIDATE_SUBNETS);
  if (!subnet || subnet.prefix > 29) {
    throw new SandboxError(`no free subnet for the sandbox bridge (tried ${forced ?? CANDIDATE_SUBNETS.join(', ')}): all clash with the controller's routes`, {
      details: ['set K8SPLAY_SANDBOX_SUBNET to a free private /24'],
    });
  }
  const gateway = intToIp(subnet.base + 1);
  await runCommand('ip', ['link', 'add', name, 'type', 'bridge']);
  try {
    await runCommand('ip', ['addr', 'add', `${gateway}/${subnet.prefix}`, 'dev', name]);
    await runCommand('ip', ['link', 'set', name, 'up']);
  } catch (e) {
    await runCommand('ip', ['link', 'del', name], { allowFail: true });
    throw e;
  }
  opts.progress(`created bridge ${name} with ${gateway}/${subnet.prefix} (no route clashes)`);
  return { name, gateway, subnet };
}

/** Deletes the bridge if it exists. */
export async function removeBridge(name = bridgeName()): Promise<boolean> {
  if (!(await linkExists(name))) return false;
  await runCommand('ip', ['link', 'del', name]);
  return true;
}
