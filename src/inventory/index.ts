/**
 * Ansible-compatible inventory: INI and YAML sources, comma host lists, group_vars/ and
 * host_vars/, host patterns and --limit, merged host variables and `ansible-inventory --list`.
 */
export type { Inventory, InventoryGroup, InventoryHost, VarsDir } from './types.js';
export {
  LOCALHOST_NAMES,
  addChildGroup,
  addGroup,
  addHost,
  emptyInventory,
  groupAncestors,
  localhostName,
  reconcileInventory,
  setGroupVar,
  setHostVar,
  type AddHostOptions,
} from './build.js';
export { addIniSource, expandHostPattern, parseIniInventory } from './ini.js';
export { addHostListSource, isHostListSource } from './host-list.js';
export { addYamlSource, notYamlInventory } from './yaml-inventory.js';
export { expandHostRange, hasHostRange, HostRangeError } from './ranges.js';
export { parseAddress, isIpAddress, AddressError, type ParsedAddress } from './address.js';
export { literalEval, parseIniValue, type LiteralResult } from './python-literal.js';
export { shlexSplit, ShlexError } from './shlex.js';
export { findVarsFiles, loadVarsDir, parseVarsFile } from './vars-dirs.js';
export { parseYamlFile, parseYamlDocument } from './yaml-file.js';
export {
  INVENTORY_IGNORE_EXTENSIONS,
  addFileSource,
  isIgnoredInventoryEntry,
  loadInventory,
  type LoadInventoryOptions,
} from './load.js';
export { compareNames, groupDepths, groupHosts, groupNames, groupsMap, hostGroups, hostVars, sortGroups } from './host-vars.js';
export {
  globToRegExp,
  orderPatterns,
  resolveHostPattern,
  selectHosts,
  splitHostPattern,
  type HostSelection,
  type SelectOptions,
} from './patterns.js';
export { parseLimit, type ParseLimitOptions } from './limit.js';
export { INTERNAL_VARS, formatListJson, inventoryListJson, sortKeys } from './list-json.js';
