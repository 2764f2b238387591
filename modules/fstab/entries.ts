/**
 * fstab text edits, pure: Ansible's mount module line logic (which lines are entries, how an
 * entry is matched and rewritten, the line it appends) with swap entries keyed by their source,
 * so several swap lines live side by side (Ansible #26036, #31437) and removing one removes
 * only that one (#42706). Lines the edit does not touch keep their exact bytes.
 */

/** One fstab entry as a task wants it (values unescaped, as the user writes them). */
export interface MountEntry {
  name: string;
  src?: string;
  fstype?: string;
  opts: string;
  dump: string;
  passno: string;
}

/** The fields of an entry line; dump and passno may be missing (fstab(5) makes them optional). */
export interface EntryFields {
  src: string;
  name: string;
  fstype: string;
  opts: string;
  dump?: string;
  passno?: string;
}

/** Lines with their own endings (the last may have none). */
export function fstabLines(content: string): string[] {
  const parts = content.split(/(?<=\n)/);
  return parts.length === 1 && parts[0] === '' ? [] : parts;
}

/** Ansible's _escape_fstab: backslash, space and '&' as octal escapes. */
export function fstabEscape(v: string): string {
  return v.replace(/\\/g, '\\134').replace(/ /g, '\\040').replace(/&/g, '\\046');
}

/** The fields of an entry line, or undefined for a blank line, a comment or a malformed line. */
export function entryFields(line: string): EntryFields | undefined {
  const t = line.trim();
  if (!t || t.startsWith('#')) return undefined;
  const f = t.split(/\s+/);
  // On Linux the 5th and 6th fields are optional; anything else is not an entry.
  if (f.length < 4 || f.length > 6) return undefined;
  const e: EntryFields = { src: f[0]!, name: f[1]!, fstype: f[2]!, opts: f[3]! };
  if (f[4] !== undefined) e.dump = f[4];
  if (f[5] !== undefined) e.passno = f[5];
  return e;
}

/** A task about swap: fstype swap, or the mount point fields swap lines use. */
export function isSwapTask(want: { name: string; fstype?: string | undefined }): boolean {
  return want.fstype === 'swap' || want.name === 'none' || want.name === 'swap';
}

/**
 * Does this line hold the task's entry? Swap tasks with a source match swap lines by source,
 * whatever their mount point field ('swap', 'none', ...); everything else matches on the
 * mount point, with Ansible's exception for 'none' swap lines of another source.
 */
export function entryMatches(e: EntryFields, want: { name: string; src?: string | undefined; fstype?: string | undefined }): boolean {
  if (want.src !== undefined && isSwapTask(want)) return e.fstype === 'swap' && e.src === fstabEscape(want.src);
  if (e.name !== fstabEscape(want.name)) return false;
  if (want.src !== undefined && e.name === 'none' && e.fstype === 'swap' && e.src !== fstabEscape(want.src)) return false;
  return true;
}

/** The line Ansible writes for an entry. */
export function entryLine(e: { src: string; name: string; fstype: string; opts: string; dump: string; passno: string }): string {
  return `${e.src} ${e.name} ${e.fstype} ${e.opts} ${e.dump} ${e.passno}\n`;
}

export interface SetResult {
  content: string;
  changed: boolean;
  /** A matching line existed (it may have been rewritten). */
  existed: boolean;
}

/**
 * Ansible's set_mount: rewrite every matching line whose src, fstype, opts, dump or passno
 * differ (keeping its mount point field), or append the entry when no line matches.
 */
export function setEntry(content: string, want: MountEntry & { src: string; fstype: string }): SetResult {
  const esc = {
    src: fstabEscape(want.src), name: fstabEscape(want.name), fstype: fstabEscape(want.fstype),
    opts: fstabEscape(want.opts), dump: fstabEscape(want.dump), passno: fstabEscape(want.passno),
  };
  let existed = false;
  let changed = false;
  const out = fstabLines(content).map((line) => {
    const e = entryFields(line);
    if (!e || !entryMatches(e, want)) return line;
    existed = true;
    const differs = e.src !== esc.src || e.fstype !== esc.fstype || e.opts !== esc.opts || e.dump !== esc.dump || e.passno !== esc.passno;
    if (!differs) return line;
    changed = true;
    return entryLine({ ...esc, name: e.name });
  });
  if (!existed) {
    const last = out.length - 1;
    if (last >= 0 && !out[last]!.endsWith('\n')) out[last] += '\n';
    out.push(entryLine(esc));
    changed = true;
  }
  return { content: changed ? out.join('') : content, changed, existed };
}

export interface UnsetResult {
  content: string;
  /** The removed lines, without their line endings. */
  removed: string[];
}

/**
 * Ansible's unset_mount: remove every matching line. Unlike Ansible (which only looks at
 * six-field lines), entries without dump/passno are removed too.
 */
export function unsetEntry(content: string, want: { name: string; src?: string | undefined; fstype?: string | undefined }): UnsetResult {
  const removed: string[] = [];
  const kept = fstabLines(content).filter((line) => {
    const e = entryFields(line);
    if (!e || !entryMatches(e, want)) return true;
    removed.push(line.replace(/\r?\n$/, ''));
    return false;
  });
  return { content: removed.length ? kept.join('') : content, removed };
}

/** A swap line: an active line whose third field is `swap` (any mount point, any field count). */
export function isSwapLine(line: string): boolean {
  const t = line.trim();
  if (!t || t.startsWith('#')) return false;
  return t.split(/\s+/)[2] === 'swap';
}

export interface SwapOffResult {
  content: string;
  /** The swap lines commented out or removed, one by one, without line endings. */
  lines: string[];
}

/** Comment out (a leading '#') or remove every swap line, each on its own. */
export function swapOffEdit(content: string, how: 'comment' | 'remove'): SwapOffResult {
  const lines: string[] = [];
  const out: string[] = [];
  for (const line of fstabLines(content)) {
    if (!isSwapLine(line)) {
      out.push(line);
      continue;
    }
    lines.push(line.replace(/\r?\n$/, ''));
    if (how === 'comment') out.push(`#${line}`);
  }
  return { content: lines.length ? out.join('') : content, lines };
}
