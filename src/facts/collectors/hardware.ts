/**
 * hardware collector (Ansible's hardware/linux.py): memory, processors, DMI, uptime and mounts.
 * Not reproduced: `devices`, `device_links` and `lvm` (they need many more processes).
 */
import type { RawGather } from '../output.js';
import { fileContent, fileLines, pathExists } from '../output.js';
import { mountFacts } from './mounts.js';

type Facts = Record<string, unknown>;

const ORIGINAL_MEMORY = new Set(['MemTotal', 'SwapTotal', 'MemFree', 'SwapFree']);
const MEMORY = new Set([...ORIGINAL_MEMORY, 'Buffers', 'Cached', 'SwapCached']);

export function memoryFacts(raw: RawGather): Facts {
  if (!raw.files.has('/proc/meminfo')) return {};
  const facts: Facts = {};
  const st: Record<string, number> = {};
  for (const line of fileLines(raw, '/proc/meminfo')) {
    const c = line.indexOf(':');
    if (c < 0) continue;
    const key = line.slice(0, c);
    const val = Math.floor(parseInt(line.slice(c + 1).trim().split(' ')[0] ?? '', 10) / 1024);
    if (Number.isNaN(val)) continue;
    if (ORIGINAL_MEMORY.has(key)) facts[`${key.toLowerCase()}_mb`] = val;
    if (MEMORY.has(key)) st[key.toLowerCase()] = val;
  }
  const has = (...k: string[]) => k.every((x) => st[x] !== undefined);
  const realUsed = has('memtotal', 'memfree') ? st['memtotal']! - st['memfree']! : null;
  const nocacheFree = has('cached', 'memfree', 'buffers') ? st['cached']! + st['memfree']! + st['buffers']! : null;
  const nocacheUsed = has('memtotal') && nocacheFree !== null ? st['memtotal']! - nocacheFree : null;
  const swapUsed = has('swaptotal', 'swapfree') ? st['swaptotal']! - st['swapfree']! : null;
  facts['memory_mb'] = {
    real: { total: st['memtotal'] ?? null, used: realUsed, free: st['memfree'] ?? null },
    nocache: { free: nocacheFree, used: nocacheUsed },
    swap: { total: st['swaptotal'] ?? null, free: st['swapfree'] ?? null, used: swapUsed, cached: st['swapcached'] ?? null },
  };
  return facts;
}

/** Count of CPUs in a Linux cpu list such as "0-3,8,10-11". */
export function cpuListCount(list: string): number {
  let n = 0;
  for (const part of list.split(',')) {
    const [a, b] = part.trim().split('-').map(Number);
    if (a === undefined || Number.isNaN(a)) continue;
    n += b === undefined || Number.isNaN(b) ? 1 : b - a + 1;
  }
  return n;
}

export function cpuFacts(raw: RawGather, collected: Facts): Facts {
  const facts: Facts = {};
  let xen = pathExists(raw, '/proc/xen');
  if (!xen) xen = (fileLines(raw, '/sys/hypervisor/type')[0] ?? '').trim() === 'xen';
  if (!raw.files.has('/proc/cpuinfo')) return facts;
  let i = 0;
  let vendorIds = 0;
  let modelNames = 0;
  let processors = 0;
  let physid = '0';
  let coreid = '0';
  const sockets = new Map<string, number>();
  const cores = new Map<string, number>();
  let xenParavirt = false;
  const processor: string[] = [];
  for (const line of fileLines(raw, '/proc/cpuinfo')) {
    const c = line.indexOf(':');
    const key = (c < 0 ? line : line.slice(0, c)).trim();
    const val = c < 0 ? '' : line.slice(c + 1).trim();
    if (xen && key === 'flags' && !val.includes('vme')) xenParavirt = true;
    if (['model name', 'Processor', 'vendor_id', 'cpu', 'Vendor', 'processor'].includes(key)) {
      processor.push(val);
      if (key === 'vendor_id') vendorIds++;
      if (key === 'model name') modelNames++;
      if (key === 'processor') processors++;
      i++;
    } else if (key === 'physical id') {
      physid = val;
      if (!sockets.has(physid)) sockets.set(physid, 1);
    } else if (key === 'core id') {
      coreid = val;
      // Ansible tests `sockets` here (a long-standing quirk); kept for identical counts.
      if (!sockets.has(coreid)) cores.set(coreid, 1);
    } else if (key === 'cpu cores') {
      sockets.set(physid, parseInt(val, 10));
    } else if (key === 'siblings') {
      cores.set(coreid, parseInt(val, 10));
    } else if (key === '# processors') {
      facts['processor_cores'] = parseInt(val, 10);
    } else if (key === 'ncpus active') {
      i = parseInt(val, 10);
    }
  }
  facts['processor'] = processor;
  if (vendorIds > 0 && vendorIds === modelNames) i = vendorIds;
  const arch = String(collected['architecture'] ?? '');
  if (/^(armv|aarch|ppc)/.test(arch)) i = processors;
  if (arch !== 's390x') {
    if (xenParavirt) {
      Object.assign(facts, { processor_count: i, processor_cores: i, processor_threads_per_core: 1, processor_vcpus: i });
    } else {
      facts['processor_count'] = sockets.size ? sockets.size : i;
      const first = [...sockets.values()][0];
      const coresPer = first ? first : 1;
      facts['processor_cores'] = coresPer;
      const firstCore = [...cores.values()][0];
      const tpc = firstCore !== undefined ? Math.floor(firstCore / coresPer) : Math.floor(1 / coresPer);
      facts['processor_threads_per_core'] = tpc;
      facts['processor_vcpus'] = tpc * (facts['processor_count'] as number) * coresPer;
      // Ansible counts the CPUs its process may run on; /proc/self/status gives the same set.
      const status = fileLines(raw, '/proc/self/status').find((l) => l.startsWith('Cpus_allowed_list:'));
      facts['processor_nproc'] = status ? cpuListCount(status.slice(status.indexOf(':') + 1)) : processors;
    }
  }
  return facts;
}

const FORM_FACTOR = ['Unknown', 'Other', 'Unknown', 'Desktop', 'Low Profile Desktop', 'Pizza Box', 'Mini Tower', 'Tower',
  'Portable', 'Laptop', 'Notebook', 'Hand Held', 'Docking Station', 'All In One', 'Sub Notebook', 'Space-saving',
  'Lunch Box', 'Main Server Chassis', 'Expansion Chassis', 'Sub Chassis', 'Bus Expansion Chassis',
  'Peripheral Chassis', 'RAID Chassis', 'Rack Mount Chassis', 'Sealed-case PC', 'Multi-system', 'CompactPCI',
  'AdvancedTCA', 'Blade', 'Blade Enclosure', 'Tablet', 'Convertible', 'Detachable', 'IoT Gateway', 'Embedded PC',
  'Mini PC', 'Stick PC'];

const DMI: Record<string, string> = {
  bios_date: 'bios_date', bios_vendor: 'bios_vendor', bios_version: 'bios_version',
  board_asset_tag: 'board_asset_tag', board_name: 'board_name', board_serial: 'board_serial',
  board_vendor: 'board_vendor', board_version: 'board_version', chassis_asset_tag: 'chassis_asset_tag',
  chassis_serial: 'chassis_serial', chassis_vendor: 'chassis_vendor', chassis_version: 'chassis_version',
  form_factor: 'chassis_type', product_name: 'product_name', product_serial: 'product_serial',
  product_uuid: 'product_uuid', product_version: 'product_version', system_vendor: 'sys_vendor',
};

export function dmiFacts(raw: RawGather): Facts {
  const facts: Facts = {};
  // Without /sys DMI Ansible runs dmidecode; we report NA as it does when dmidecode is absent.
  for (const [key, file] of Object.entries(DMI)) {
    const data = fileContent(raw, `/sys/devices/virtual/dmi/id/${file}`);
    if (data === undefined) facts[key] = 'NA';
    else if (key === 'form_factor') facts[key] = FORM_FACTOR[parseInt(data, 10)] ?? `unknown (${data})`;
    else facts[key] = data;
  }
  return facts;
}

export function uptimeFacts(raw: RawGather): Facts {
  const c = fileContent(raw, '/proc/uptime');
  if (!c) return {};
  const s = parseFloat(c.split(' ')[0] ?? '');
  return Number.isNaN(s) ? {} : { uptime_seconds: Math.floor(s) };
}

export interface HardwareResult { facts: Facts; warnings: string[] }

export function hardwareFacts(raw: RawGather, collected: Facts): HardwareResult {
  const m = mountFacts(raw);
  return {
    facts: { ...cpuFacts(raw, collected), ...memoryFacts(raw), ...dmiFacts(raw), ...uptimeFacts(raw), ...m.facts },
    warnings: m.warnings,
  };
}
