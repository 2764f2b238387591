/** IPv4 helpers and the probe addresses Ansible routes to find the default interfaces. */

export const V4_PROBE = '8.8.8.8';
export const V6_PROBE = '2404:6800:400a:800::1012';

export function ipv4ToInt(a: string): number {
  return a.split('.').reduce((acc, p) => ((acc << 8) | (Number(p) & 255)) >>> 0, 0);
}

export function intToIpv4(n: number): string {
  return [24, 16, 8, 0].map((s) => (n >>> s) & 255).join('.');
}

export function prefixToNetmask(prefix: number): number {
  return prefix <= 0 ? 0 : (0xffffffff << (32 - Math.min(32, prefix))) >>> 0;
}
