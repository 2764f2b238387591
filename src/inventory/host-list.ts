/**
 * The short inventory form `-i 'host1,host2:2222,'` (Ansible's host_list plugin): a source that
 * holds a comma and is not an existing path is a list of ungrouped hosts. No ranges here.
 */
import { AddressError, parseAddress } from './address.js';
import { addHost } from './build.js';
import type { Inventory } from './types.js';

/** Whether Ansible would read `source` as a host list rather than a path. */
export function isHostListSource(source: string, exists: boolean): boolean {
  return !exists && source.includes(',');
}

/** Adds the hosts of a comma-separated list as ungrouped hosts. */
export function addHostListSource(inv: Inventory, list: string): void {
  for (const part of list.split(',')) {
    const h = part.trim();
    if (!h) continue;
    let host = h;
    let port: number | undefined;
    try {
      const a = parseAddress(h, false);
      host = a.host;
      port = a.port;
    } catch (e) {
      // Ansible leaves a name it cannot parse unchanged.
      if (!(e instanceof AddressError)) throw e;
    }
    if (inv.hosts.has(host) && !inv.hosts.get(host)!.implicit) continue;
    addHost(inv, host, {
      group: 'ungrouped',
      ...(port !== undefined ? { port } : {}),
      // No line: hostVars then gives inventory_file = the list and no inventory_dir, as Ansible.
      location: { file: list },
    });
  }
  if (!inv.sources.includes(list)) inv.sources.push(list);
}
