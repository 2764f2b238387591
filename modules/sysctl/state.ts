/**
 * What the sysctl module reads from a host, in one round trip: the key's live value under
 * /proc/sys, the sysctl file, whether the file's directory exists and, for net.bridge.* keys,
 * whether br_netfilter's /proc/sys/net/bridge is there.
 */
import type { GatherContext } from '../../src/index.js';
import {
  fileSectionCommand, newNonce, parseFileSection, parseSections, sectionsScript, type FileProbe, type Section,
} from '../_shared/sections.js';
import { procPath } from './keys.js';

/** The live value of a key. */
export type LiveValue =
  | { kind: 'value'; value: string }
  /** No /proc/sys entry: unknown key, or its kernel module is not loaded. */
  | { kind: 'missing' }
  /** The entry exists but cannot be read (write-only keys such as vm.drop_caches). */
  | { kind: 'unreadable' }
  /** The name is a group of keys (a directory), not a key. */
  | { kind: 'directory' };

export interface SysctlState {
  file: FileProbe;
  /** The directory of the sysctl file exists (a new file can be written there). */
  dirExists: boolean;
  live: LiveValue;
  /** For net.bridge.* keys: /proc/sys/net/bridge exists, i.e. br_netfilter is loaded. */
  bridgeLoaded?: boolean;
}

/** True for keys that only exist once br_netfilter is loaded. */
export function isBridgeKey(name: string): boolean {
  return procPath(name).startsWith('net/bridge/');
}

/** The section command printing V<value>, U (unreadable), D (directory) or N (missing). */
export function liveSectionCommand(name: string, quote: (s: string) => string): string {
  const p = quote(`/proc/sys/${procPath(name)}`);
  return `if [ -d ${p} ]; then printf D; elif [ -e ${p} ]; then if v=$(cat -- ${p} 2>/dev/null); then printf 'V%s' "$v"; else printf U; fi; else printf N; fi`;
}

/** Parse liveSectionCommand's output. */
export function parseLive(body: string | undefined): LiveValue {
  switch (body?.[0]) {
    case 'V': return { kind: 'value', value: body.slice(1) };
    case 'U': return { kind: 'unreadable' };
    case 'D': return { kind: 'directory' };
    case 'N': return { kind: 'missing' };
    default: throw new Error(`unexpected answer reading the live sysctl value: ${JSON.stringify(body)}`);
  }
}

function dirOf(path: string): string {
  const i = path.lastIndexOf('/');
  return i < 0 ? '.' : i === 0 ? '/' : path.slice(0, i);
}

/** The sections gatherSysctl asks for (exported for the unit tests' fake host). */
export function sysctlSections(name: string, file: string, quote: (s: string) => string): Section[] {
  const sections: Section[] = [
    { name: 'live', command: liveSectionCommand(name, quote) },
    { name: 'file', command: fileSectionCommand(file, quote) },
    { name: 'dir', command: `if [ -d ${quote(dirOf(file))} ]; then printf Y; else printf N; fi` },
  ];
  if (isBridgeKey(name)) sections.push({ name: 'bridge', command: 'if [ -d /proc/sys/net/bridge ]; then printf Y; else printf N; fi' });
  return sections;
}

/** Read everything the plan needs with one command on the host. */
export async function gatherSysctl(ctx: GatherContext, name: string, file: string): Promise<SysctlState> {
  const nonce = newNonce();
  const r = await ctx.run(sectionsScript(sysctlSections(name, file, ctx.quote), nonce));
  const s = parseSections(r.stdout, nonce);
  if (!s.has('dir')) throw new Error(`reading sysctl state failed (rc=${r.rc}): ${r.stderr.trim()}`);
  const state: SysctlState = {
    file: parseFileSection(s.get('file')),
    dirExists: s.get('dir') === 'Y',
    live: parseLive(s.get('live')),
  };
  if (s.has('bridge')) state.bridgeLoaded = s.get('bridge') === 'Y';
  return state;
}
