/**
 * The inventory model: what Ansible's InventoryManager gives, for INI sources plus
 * group_vars/ and host_vars/ folders.
 */
import type { SourceLocation } from '../errors.js';

export interface InventoryHost {
  name: string;
  /**
   * Variables set on the host itself (inline k=v, `host:port` as ansible_port), typed like Ansible
   * types them. host_vars/ files are kept apart in Inventory.varsDirs; inventory_file and
   * inventory_dir come from `location` (see hostVars).
   */
  vars: Record<string, unknown>;
  /** Names of the groups the host is directly in (not ancestors), in first-seen order. */
  groups: string[];
  /** Where the host was first declared. */
  location?: SourceLocation;
  /**
   * The implicit localhost Ansible makes up when no inventory host is named localhost: it answers
   * the pattern `localhost` but is in no group and never matches `all`.
   */
  implicit?: boolean;
}

export interface InventoryGroup {
  name: string;
  /**
   * Group variables of the inventory source itself. INI [g:vars] values are typed like inline
   * host vars (literal_eval: `22` is a number, as in ansible-core 2.14); group_vars/ files are
   * kept apart in Inventory.varsDirs.
   */
  vars: Record<string, unknown>;
  /** Hosts declared directly in the group, in order. */
  hosts: string[];
  /** Direct child groups, in order. */
  children: string[];
  /** Direct parent groups ('all' for top-level groups). */
  parents: string[];
  location?: SourceLocation;
  /** ansible_group_priority (default 1): among groups of one depth, higher priority wins. */
  priority?: number;
}

/**
 * The group_vars/ and host_vars/ files of one folder (next to an inventory source or a playbook).
 * Kept apart from the inventory's own vars because Ansible layers them on top: every inventory
 * group var < every inventory-adjacent group_vars file < every playbook-adjacent one.
 */
export interface VarsDir {
  /** The folder that holds group_vars/ and host_vars/. */
  dir: string;
  kind: 'inventory' | 'playbook';
  /** Group name -> merged variables of its group_vars files. */
  groupVars: Map<string, Record<string, unknown>>;
  /** Host name -> merged variables of its host_vars files. */
  hostVars: Map<string, Record<string, unknown>>;
}

export interface Inventory {
  /** Hosts in inventory order (order of first appearance across sources). */
  hosts: Map<string, InventoryHost>;
  /** All groups including 'all' and 'ungrouped'. */
  groups: Map<string, InventoryGroup>;
  /** Source files that were read, in order. */
  sources: string[];
  /** group_vars/ and host_vars/ folders, inventory ones first (in source order), then playbook ones. */
  varsDirs?: VarsDir[];
}
