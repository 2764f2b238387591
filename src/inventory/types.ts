/**
 * The inventory model: what Ansible's InventoryManager gives, for INI sources plus
 * group_vars/ and host_vars/ folders.
 */
import type { SourceLocation } from '../errors.js';

export interface InventoryHost {
  name: string;
  /** Variables set on the host itself (inline k=v, host_vars/), typed like Ansible types them. */
  vars: Record<string, unknown>;
  /** Names of the groups the host is directly in (not ancestors), in first-seen order. */
  groups: string[];
  /** Where the host was first declared. */
  location?: SourceLocation;
}

export interface InventoryGroup {
  name: string;
  /** Group variables ([g:vars] values are strings; group_vars/ YAML keeps its types). */
  vars: Record<string, unknown>;
  /** Hosts declared directly in the group, in order. */
  hosts: string[];
  /** Direct child groups, in order. */
  children: string[];
  /** Direct parent groups ('all' for top-level groups). */
  parents: string[];
  location?: SourceLocation;
}

export interface Inventory {
  /** Hosts in inventory order (order of first appearance across sources). */
  hosts: Map<string, InventoryHost>;
  /** All groups including 'all' and 'ungrouped'. */
  groups: Map<string, InventoryGroup>;
  /** Source files that were read, in order. */
  sources: string[];
}
