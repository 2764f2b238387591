/**
 * Persistence of a kernel module across reboots, as community.general.modprobe's `persistent`:
 * the name in /etc/modules-load.d/<name>.conf (systemd-modules-load) and its parameters as
 * `options <name> k=v` lines in /etc/modprobe.d/<name>.conf. Pure text edits.
 *
 * Differences from Ansible, all on purpose: lines are edited one by one (Ansible rewrites
 * whole files, and doubles every newline of a file it comments out); `options` lines with
 * several parameters are understood (Ansible only sees one `k=v` per line); a file's other
 * lines (comments, other modules, blacklist/install lines) are kept; only *.conf files count,
 * as for systemd and modprobe.
 */
import { kernelName } from './detect.js';

export const MODULES_LOAD_DIR = '/etc/modules-load.d';
export const MODPROBE_DIR = '/etc/modprobe.d';

/** Config files by path (only those that exist). */
export type ConfFiles = Map<string, string>;

function lines(text: string): string[] {
  return text.match(/[^\n]*\n|[^\n]+$/g) ?? [];
}

/** A line without its comment (# or ;) and surrounding blanks. */
function uncommented(line: string): string {
  const cut = line.search(/[#;]/);
  return (cut < 0 ? line : line.slice(0, cut)).trim();
}

function sameModule(a: string, b: string): boolean {
  return kernelName(a) === kernelName(b);
}

/** A modules-load.d line that loads the module. */
export function isLoadLine(line: string, name: string): boolean {
  const t = uncommented(line);
  return t !== '' && !/\s/.test(t) && sameModule(t, name);
}

/** The parameters of an active `options <name> ...` line of modprobe.d, or undefined. */
export function optionsOf(line: string, name: string): string[] | undefined {
  const words = uncommented(line).split(/\s+/).filter(Boolean);
  if (words[0] !== 'options' || words.length < 2 || !sameModule(words[1]!, name)) return undefined;
  return words.slice(2);
}

/** Some modules-load.d file loads the module at boot. */
export function loadsAtBoot(files: ConfFiles, name: string): boolean {
  return [...files.values()].some((t) => lines(t).some((l) => isLoadLine(l, name)));
}

/** Every parameter set for the module in modprobe.d (Ansible's permanent_params). */
export function permanentParams(files: ConfFiles, name: string): Set<string> {
  const out = new Set<string>();
  for (const t of files.values()) for (const l of lines(t)) for (const p of optionsOf(l, name) ?? []) out.add(p);
  return out;
}

/** Comment out (prefix '#') every line `match` selects. Returns the text unchanged when none. */
export function commentOut(text: string, match: (line: string) => boolean): string {
  return lines(text).map((l) => (match(l) ? `#${l}` : l)).join('');
}

/**
 * The module's own modules-load.d file with the module enabled: a new file holds just the
 * name; an existing one gets back a line that `persistent: absent` commented out, or the
 * name appended.
 */
export function enableLoadFile(text: string | undefined, name: string): string {
  if (text === undefined) return `${name}\n`;
  const ls = lines(text);
  const i = ls.findIndex((l) => /^\s*[#;]+/.test(l) && isLoadLine(l.replace(/^\s*[#;]+/, ''), name));
  if (i >= 0) {
    ls[i] = `${name}${ls[i]!.endsWith('\n') ? '\n' : ''}`;
    return ls.join('');
  }
  const base = ls.join('');
  return `${base}${base && !base.endsWith('\n') ? '\n' : ''}${name}\n`;
}

/**
 * The module's own modprobe.d file with exactly the wanted `options` lines (one parameter per
 * line, as Ansible writes them), where the old ones were; other lines kept. Undefined when
 * there is no file and nothing to write.
 */
export function setOptionsFile(text: string | undefined, name: string, params: string[]): string | undefined {
  const wanted = params.map((p) => `options ${name} ${p}\n`);
  if (text === undefined) return wanted.length ? wanted.join('') : undefined;
  const ls = lines(text);
  if (ls.length && !ls[ls.length - 1]!.endsWith('\n')) ls[ls.length - 1] += '\n';
  const first = ls.findIndex((l) => optionsOf(l, name) !== undefined);
  const kept = ls.filter((l) => optionsOf(l, name) === undefined);
  const at = first < 0 ? kept.length : ls.slice(0, first).filter((l) => optionsOf(l, name) === undefined).length;
  kept.splice(at, 0, ...wanted);
  return kept.join('');
}

/** A planned file write. */
export interface FileEdit {
  path: string;
  before?: string;
  after: string;
}

function editsOf(files: ConfFiles, next: (path: string, text: string) => string): FileEdit[] {
  const out: FileEdit[] = [];
  for (const [path, text] of [...files].sort(([a], [b]) => a.localeCompare(b))) {
    const after = next(path, text);
    if (after !== text) out.push({ path, before: text, after });
  }
  return out;
}

/** persistent: present. Empty when the module already loads at boot with exactly these parameters. */
export function persistPresent(loadFiles: ConfFiles, optFiles: ConfFiles, name: string, params: string[]): FileEdit[] {
  const edits: FileEdit[] = [];
  if (!loadsAtBoot(loadFiles, name)) {
    const path = `${MODULES_LOAD_DIR}/${name}.conf`;
    const before = loadFiles.get(path);
    edits.push({ path, ...(before !== undefined ? { before } : {}), after: enableLoadFile(before, name) });
  }
  const have = permanentParams(optFiles, name);
  const want = new Set(params);
  if (have.size !== want.size || [...want].some((p) => !have.has(p))) {
    const own = `${MODPROBE_DIR}/${name}.conf`;
    edits.push(...editsOf(optFiles, (path, text) => (path === own ? text : commentOut(text, (l) => optionsOf(l, name) !== undefined))));
    const before = optFiles.get(own);
    const after = setOptionsFile(before, name, params);
    if (after !== undefined && after !== before) edits.push({ path: own, ...(before !== undefined ? { before } : {}), after });
  }
  return edits;
}

/** persistent: absent. Comments out every line loading the module or setting its options. */
export function persistAbsent(loadFiles: ConfFiles, optFiles: ConfFiles, name: string): FileEdit[] {
  return [
    ...editsOf(loadFiles, (_p, t) => commentOut(t, (l) => isLoadLine(l, name))),
    ...editsOf(optFiles, (_p, t) => commentOut(t, (l) => optionsOf(l, name) !== undefined)),
  ];
}
