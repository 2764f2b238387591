/**
 * What the sysctl module reads from a host, in one round trip: the key's live value under
 * /proc/sys, the sysctl file, whether the file's directory exists and, for net.bridge.* keys,
 * whether br_netfilter's /proc/sys/net/bridge is there.
 */
import type { GatherContext } from '../../src/index.js';
import { readSections } from '../_shared/read-sections.js';
import { readFileCommand } from '../_shared/read-file-sh.js';
import { procPath } from './keys.js';

/**
 * A section command telling what a path is and, for a regular file, its content:
 * `F<content>` (regular file), `D` (directory), `O` (something else), `N` (nothing there).
 * The content is read exactly, with shell builtins for a small file (see readFileCommand).
 */
export function fileSectionCommand(path: string, quote: (s: string) => string): string {
  const p = quote(path);
  return `if [ -f ${p} ]; then printf F; ${readFileCommand(path, quote)}\nelif [ -d ${p} ]; then printf D; elif [ -e ${p} ] || [ -L ${p} ]; then printf O; else printf N; fi`;
}

/** What fileSectionCommand found. */
export type FileProbe =
  | { kind: 'file'; content: string }
  | { kind: 'directory' }
  | { kind: 'other' }
  | { kind: 'absent' }
  | { kind: 'unreadable'; message: string };

/** Parse a fileSectionCommand section (its output and exit status). */
export function parseFileSection(s: { out: string; rc: number } | undefined): FileProbe {
  if (!s || s.out === '') throw new Error('file section missing from the host\'s answer');
  const rest = s.out.slice(1);
  switch (s.out[0]) {
    case 'F': return s.rc === 0 ? { kind: 'file', content: rest } : { kind: 'unreadable', message: `cat exited with status ${s.rc}` };
    case 'D': return { kind: 'directory' };
    case 'O': return { kind: 'other' };
    case 'N': return { kind: 'absent' };
    default: throw new Error(`unexpected file section: ${JSON.stringify(s.out.slice(0, 40))}`);
  }
}

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

/**
 * The section command printing V<value>, U (unreadable), D (directory) or N (missing), the
 * value without its trailing newlines (as `$(cat)` gives it). The shell's `read` reads it
 * without a process where the read is whole: every line ended by its newline. bash reads a
 * /proc file in one go; dash reads one byte per read(2), and an integer entry answers only a
 * read at offset 0 (the kernel's proc_dointvec), so there `read` gets a first byte and no
 * newline, and cat reads the entry. cat also tells an empty value from a read error (EIO from
 * net.ipv6.conf.all.stable_secret until it is set), which `read` cannot.
 */
export function liveSectionCommand(name: string, quote: (s: string) => string): string {
  const p = quote(`/proc/sys/${procPath(name)}`);
  return [
    `if [ -d ${p} ]; then printf D; elif [ ! -e ${p} ]; then printf N; else`,
    `  k8sp_v= k8sp_l=`,
    `  { while IFS= read -r k8sp_l; do k8sp_v="$k8sp_v$k8sp_l`,
    `"; k8sp_l=; done; } 2>/dev/null <${p}`,
    // A line without its newline: the read was cut, the builtin value is not the value.
    `  if [ -n "$k8sp_l" ]; then k8sp_v=; fi`,
    `  if [ -n "$k8sp_v" ] || k8sp_v=$(cat -- ${p} 2>/dev/null); then`,
    `    while :; do case $k8sp_v in *'`,
    `') k8sp_v=\${k8sp_v%?} ;; *) break ;; esac; done`,
    `    printf 'V%s' "$k8sp_v"`,
    `  else printf U; fi`,
    `fi`,
  ].join('\n');
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

/** The section commands gatherSysctl runs (name -> command). */
export function sysctlSections(name: string, file: string, quote: (s: string) => string): Record<string, string> {
  const sections: Record<string, string> = {
    live: liveSectionCommand(name, quote),
    file: fileSectionCommand(file, quote),
    dir: `if [ -d ${quote(dirOf(file))} ]; then printf Y; else printf N; fi`,
  };
  if (isBridgeKey(name)) sections.bridge = 'if [ -d /proc/sys/net/bridge ]; then printf Y; else printf N; fi';
  return sections;
}

/** Read everything the plan needs with one command on the host. */
export async function gatherSysctl(ctx: GatherContext, name: string, file: string): Promise<SysctlState> {
  const s = await readSections(ctx, sysctlSections(name, file, ctx.quote), { inline: true });
  if (!s.dir) throw new Error('reading the sysctl state failed: the host gave no answer');
  const state: SysctlState = {
    file: parseFileSection(s.file),
    dirExists: s.dir.out === 'Y',
    live: parseLive(s.live?.out),
  };
  if (s.bridge) state.bridgeLoaded = s.bridge.out === 'Y';
  return state;
}
