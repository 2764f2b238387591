/**
 * Splits the gathering script's output into its sections and the files it read.
 * Pure: no I/O, so fixtures captured on any host can be replayed in tests.
 */
import { SECTION_MARKER } from './script.js';

/** What the script printed, split up. */
export interface RawGather {
  /** Section name -> its lines (trailing blank lines removed). */
  sections: Map<string, string[]>;
  /** Absolute path -> content of each file the script could read (as read: not stripped). */
  files: Map<string, string>;
  /** Paths the script found to exist (`e PATH` lines). */
  exists: Set<string>;
  /** Commands found on the PATH (plus sbin directories). */
  commands: Set<string>;
  /** Other `key value` flag lines (chroot, L /sbin/init). */
  flags: Map<string, string>;
  /** True when the `end` marker was seen: the script ran to completion. */
  complete: boolean;
}

const HEAD_HEADER = /^==> (.*) <==$/;

function trimBlankTail(lines: string[]): string[] {
  let n = lines.length;
  while (n > 0 && lines[n - 1] === '') n--;
  return n === lines.length ? lines : lines.slice(0, n);
}

/** Split `head` output (`==> path <==` headers) into one entry per file. */
export function splitHeadOutput(lines: string[]): Map<string, string> {
  const files = new Map<string, string>();
  let path: string | undefined;
  let buf: string[] = [];
  const flush = () => {
    if (path === undefined) return;
    // head separates files with one blank line; it is not part of the file.
    if (buf.length > 0 && buf[buf.length - 1] === '') buf.pop();
    files.set(path, buf.length ? buf.join('\n') + '\n' : '');
  };
  for (const line of lines) {
    const m = HEAD_HEADER.exec(line);
    if (m) {
      flush();
      path = m[1];
      buf = [];
    } else if (path !== undefined) {
      buf.push(line);
    }
  }
  flush();
  return files;
}

/** Parse the whole output of the gathering script. */
export function parseGatherOutput(stdout: string): RawGather {
  const sections = new Map<string, string[]>();
  let current: string[] | undefined;
  let complete = false;
  for (const line of stdout.split('\n')) {
    if (line.startsWith(SECTION_MARKER)) {
      const name = line.slice(SECTION_MARKER.length).split(' ')[0] ?? '';
      if (name === 'end') complete = true;
      current = [];
      sections.set(name, current);
      continue;
    }
    current?.push(line);
  }
  for (const [k, v] of sections) sections.set(k, trimBlankTail(v));

  const exists = new Set<string>();
  const commands = new Set<string>();
  const flags = new Map<string, string>();
  for (const line of sections.get('flags') ?? []) {
    const sp = line.indexOf(' ');
    if (sp < 0) continue;
    const key = line.slice(0, sp);
    const val = line.slice(sp + 1);
    if (key === 'e') exists.add(val);
    else if (key === 'c') commands.add(val);
    else flags.set(key === 'L' ? `L ${val}` : key, val);
  }
  const files = splitHeadOutput(sections.get('files') ?? []);
  return { sections, files, exists, commands, flags, complete };
}

/**
 * A file's content stripped of surrounding whitespace, or undefined when it was not read or is
 * empty: the semantics of Ansible's get_file_content().
 */
export function fileContent(raw: RawGather, path: string): string | undefined {
  const c = raw.files.get(path);
  if (c === undefined) return undefined;
  const s = c.trim();
  return s === '' ? undefined : s;
}

/** Lines of a file (stripped first, like Ansible's get_file_lines), [] when absent. */
export function fileLines(raw: RawGather, path: string): string[] {
  const c = fileContent(raw, path);
  return c === undefined ? [] : c.split('\n');
}

/** True when the path exists on the host (a file that was read, or an `e` flag). */
export function pathExists(raw: RawGather, path: string): boolean {
  return raw.files.has(path) || raw.exists.has(path) || raw.exists.has(path.endsWith('/') ? path : `${path}/`);
}
