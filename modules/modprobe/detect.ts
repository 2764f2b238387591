/**
 * Is a kernel module there? Read in one round trip, from every place that can tell:
 * /proc/modules (loaded modules), /sys/module/<name> (loaded, or built in with parameters),
 * modules.builtin of the running kernel (built in), and, for kernels or containers where none
 * of those exist, what the module provides (br_netfilter: /proc/sys/net/bridge; a file
 * system module: its line in /proc/filesystems).
 */

/** Module names k8splay manages (kmod treats '-' and '_' alike). */
export const MODULE_NAME_RE = /^[A-Za-z0-9][A-Za-z0-9_-]*$/;

/** The kernel's spelling of a module name ('-' becomes '_'). */
export function kernelName(name: string): string {
  return name.replace(/-/g, '_');
}

/** What a few modules provide, for kernels without /proc/modules (built in, or a container). */
const PROVIDES: Record<string, { test: string; what: string }> = {
  br_netfilter: { test: '[ -d /proc/sys/net/bridge ]', what: '/proc/sys/net/bridge exists' },
  nf_conntrack: { test: '[ -d /proc/sys/net/netfilter ]', what: '/proc/sys/net/netfilter exists' },
};

export interface KernelModuleInfo {
  /** /proc/modules exists: the kernel loads modules. */
  modular: boolean;
  /** Listed in /proc/modules. */
  inProcModules: boolean;
  /** /sys/module/<name> exists. */
  inSysModule: boolean;
  /** Listed in modules.builtin of the running kernel. */
  builtin: boolean;
  /** Evidence of what the module provides (e.g. "/proc/sys/net/bridge exists"), if any. */
  provides?: string;
  /** uname -r. */
  release: string;
  /** /lib/modules/<release> exists: modprobe has modules to load. */
  libModules: boolean;
}

/** True when the module is loaded or built in, by any evidence. */
export function isPresent(i: KernelModuleInfo): boolean {
  return i.inProcModules || i.inSysModule || i.builtin || i.provides !== undefined;
}

/** True when the module is loaded as a module (something modprobe -r can unload). */
export function isUnloadable(i: KernelModuleInfo): boolean {
  return i.inProcModules;
}

/** The section command printing one fact per line (see parseKernelSection). */
export function kernelSectionCommand(name: string): string {
  const u = kernelName(name);
  // A pattern matching both spellings: br-netfilter / br_netfilter.
  const either = name.replace(/[-_]/g, '[-_]');
  const p = PROVIDES[u];
  return [
    `if [ -r /proc/modules ]; then echo modular; grep -q '^${u} ' /proc/modules && echo proc; fi`,
    `[ -d /sys/module/${u} ] && echo sys`,
    `r=$(uname -r); echo "release $r"`,
    `[ -d "/lib/modules/$r" ] && echo libmodules`,
    `[ -r "/lib/modules/$r/modules.builtin" ] && grep -Eq '/${either}\\.ko(\\.[a-z]+)?$' "/lib/modules/$r/modules.builtin" && echo builtin`,
    `grep -Eq '[[:space:]]${name}$' /proc/filesystems 2>/dev/null && echo fs`,
    ...(p ? [`${p.test} && echo provides`] : []),
    'true',
  ].join('\n');
}

/** Parse kernelSectionCommand's output. */
export function parseKernelSection(name: string, out: string): KernelModuleInfo {
  const facts = new Set(out.split('\n').map((l) => l.trim()).filter(Boolean));
  const release = [...facts].find((f) => f.startsWith('release '))?.slice('release '.length) ?? '';
  const info: KernelModuleInfo = {
    modular: facts.has('modular'),
    inProcModules: facts.has('proc'),
    inSysModule: facts.has('sys'),
    builtin: facts.has('builtin'),
    release,
    libModules: facts.has('libmodules'),
  };
  if (facts.has('provides')) info.provides = PROVIDES[kernelName(name)]!.what;
  else if (facts.has('fs')) info.provides = `/proc/filesystems lists ${name}`;
  return info;
}

/**
 * Hints under a failed modprobe, when the reason is recognisable: no modules for the running
 * kernel (a container), no permission, a kernel without module support.
 */
export function modprobeHints(name: string, stderr: string, info?: KernelModuleInfo): string[] {
  const hints: string[] = [];
  if (/modprobe: (command )?not found/.test(stderr)) hints.push('modprobe is not installed on this host (package kmod).');
  if (/not found in directory \/lib\/modules/.test(stderr) && info && !info.libModules) {
    hints.push(`This host has no modules for its running kernel (/lib/modules/${info.release || '<release>'} is missing, as in a container): load ${name} on the machine that runs the kernel.`);
  }
  if (/Operation not permitted/.test(stderr)) hints.push('Loading kernel modules needs root with CAP_SYS_MODULE (containers usually lack it).');
  if (info && !info.modular) hints.push(`This kernel has no loadable module support (/proc/modules is missing): ${name} is either built in or not available.`);
  return hints;
}
