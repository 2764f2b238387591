/**
 * A `.repo` file as lines: parsed the way dnf and Python's configparser read it (sections,
 * `key = value` or `key: value`, indented continuation lines, `#`/`;` comments), and edited
 * one section at a time so every other line (comments, other sections, spacing) stays as written.
 */

/** One key with its value lines. */
export interface IniEntry {
  /** The key as configparser sees it (lowercase). */
  key: string;
  /** Value with continuation lines joined by '\n', each stripped (configparser's reading). */
  value: string;
  /** Index of the key line in `lines`. */
  start: number;
  /** Index after its last continuation line. */
  end: number;
}

/** One `[section]` and what follows it up to the next section. */
export interface IniSection {
  name: string;
  /** Index of the header line. */
  header: number;
  /** Index of the next section's header (or lines.length). */
  end: number;
  entries: IniEntry[];
}

export interface IniDoc {
  lines: string[];
  /** The text ended with a newline (kept when rewriting). */
  finalNewline: boolean;
  sections: IniSection[];
}

/** Thrown for lines configparser would refuse (a key before any section). */
export class IniParseError extends Error {
  constructor(message: string, readonly line: number) {
    super(message);
  }
}

const SECTION_RE = /^\[(.+)\]\s*$/;
// configparser's OPTCRE: the first '=' or ':' separates key and value.
const OPTION_RE = /^(.*?)\s*[=:]\s*(.*)$/;

function isComment(line: string): boolean {
  const t = line.trim();
  return t.startsWith('#') || t.startsWith(';');
}

/** Parse a `.repo` file. */
export function parseIni(text: string): IniDoc {
  const finalNewline = text.endsWith('\n');
  const lines = text === '' ? [] : (finalNewline ? text.slice(0, -1) : text).split('\n');
  const sections: IniSection[] = [];
  let cur: IniSection | undefined;
  let entry: IniEntry | undefined;
  const close = (i: number) => {
    if (cur) cur.end = i;
  };
  lines.forEach((raw, i) => {
    const line = raw.replace(/\r$/, '');
    if (line.trim() === '' || isComment(line)) {
      // A blank line ends a value; a comment line inside a value is skipped, as configparser does.
      if (line.trim() === '') entry = undefined;
      return;
    }
    if (/^\s/.test(line) && entry) {
      entry.value += (entry.value === '' ? '' : '\n') + line.trim();
      entry.end = i + 1;
      return;
    }
    const sec = SECTION_RE.exec(line.trim());
    if (sec && !/^\s/.test(line)) {
      close(i);
      cur = { name: sec[1]!, header: i, end: lines.length, entries: [] };
      sections.push(cur);
      entry = undefined;
      return;
    }
    const opt = OPTION_RE.exec(line.trim());
    if (!cur) throw new IniParseError(`line ${i + 1} is outside any [section]: ${line.trim()}`, i + 1);
    const key = (opt ? opt[1]! : line.trim()).trim().toLowerCase();
    entry = { key, value: opt ? opt[2]!.trim() : '', start: i, end: i + 1 };
    cur.entries.push(entry);
  });
  close(lines.length);
  return { lines, finalNewline, sections };
}

/** The document's text. */
export function renderIni(doc: Pick<IniDoc, 'lines' | 'finalNewline'>): string {
  if (doc.lines.length === 0) return '';
  return doc.lines.join('\n') + (doc.finalNewline ? '\n' : '');
}

/** Lines of one key, written the way configparser writes a multi-line value (continuations tab-indented). */
export function entryLines(key: string, value: string, sep: string): string[] {
  const [first, ...rest] = value.split('\n');
  return [`${key}${sep}${first}`, ...rest.map((v) => `\t${v}`)];
}

/** The separator style of the file (`key = value` as Ansible writes, or `key=value`). */
export function separatorStyle(doc: IniDoc, section?: IniSection): string {
  const pick = (entries: IniEntry[]) => {
    for (const e of entries) {
      const m = /^[^=:]*?(\s*[=:]\s*)/.exec(doc.lines[e.start]!.trim());
      if (m) return m[1]!;
    }
    return undefined;
  };
  return (section && pick(section.entries)) ?? pick(doc.sections.flatMap((s) => s.entries)) ?? ' = ';
}

/** Sections named `name` (more than one is an error the caller reports). */
export function findSections(doc: IniDoc, name: string): IniSection[] {
  return doc.sections.filter((s) => s.name === name);
}

/**
 * Set a section to exactly `wanted` (ordered key -> value): keys already there keep their
 * line (rewritten only when the value differs), keys not wanted go, new keys follow the
 * section's last key, comments stay. A missing section is appended to the file. `same`
 * decides whether an existing value already means the wanted one.
 */
export function setSection(
  doc: IniDoc,
  name: string,
  wanted: Array<[string, string]>,
  same: (key: string, current: string, wanted: string) => boolean = (_k, a, b) => a === b,
): string[] {
  const sec = findSections(doc, name)[0];
  const sep = separatorStyle(doc, sec);
  const lines = doc.lines.slice();
  if (!sec) {
    const out = lines.slice();
    while (out.length && out[out.length - 1]!.trim() === '') out.pop();
    if (out.length) out.push('');
    out.push(`[${name}]`);
    for (const [k, v] of wanted) out.push(...entryLines(k, v, sep));
    return out;
  }
  const want = new Map(wanted);
  const seen = new Set<string>();
  // Replacement for each existing entry's lines (undefined: keep as is).
  const replace = new Map<number, string[]>();
  for (const e of sec.entries) {
    if (!want.has(e.key) || seen.has(e.key)) {
      replace.set(e.start, []);
    } else {
      seen.add(e.key);
      const v = want.get(e.key)!;
      if (!same(e.key, e.value, v)) replace.set(e.start, entryLines(e.key, v, sep));
    }
  }
  const added = wanted.filter(([k]) => !seen.has(k)).flatMap(([k, v]) => entryLines(k, v, sep));
  const last = sec.entries.length ? sec.entries[sec.entries.length - 1]!.end : sec.header + 1;
  const out: string[] = [];
  for (let i = 0; i < lines.length; ) {
    if (i === last) out.push(...added);
    const e = sec.entries.find((x) => x.start === i);
    if (e && replace.has(i)) {
      out.push(...replace.get(i)!);
      i = e.end;
      continue;
    }
    out.push(lines[i]!);
    i++;
  }
  if (last >= lines.length) out.push(...added);
  return out;
}

/**
 * Remove a section: its header, keys and comments, plus a comment block written right above
 * its header (it describes this section); a comment block right above the next header stays
 * with that section. The file's leading comments are never taken.
 */
export function removeSection(doc: IniDoc, name: string): string[] {
  const sec = findSections(doc, name)[0];
  if (!sec) return doc.lines.slice();
  const lines = doc.lines;
  let from = sec.header;
  const firstHeader = doc.sections[0]!.header;
  if (sec.header !== firstHeader) {
    while (from > 0 && isComment(lines[from - 1]!) && lines[from - 1]!.trim() !== '') from--;
  }
  let to = sec.end;
  if (sec.end < lines.length) {
    // Keep the comment block (and the blank line before it) that belongs to the next section.
    let k = sec.end;
    while (k > sec.header + 1 && isComment(lines[k - 1]!)) k--;
    if (k < sec.end) {
      to = k;
      while (to > sec.header + 1 && lines[to - 1]!.trim() === '' ) to--;
      // `to` now points after the last body line of this section; the blank lines and
      // comment block after it stay.
    }
  }
  const out = [...lines.slice(0, from), ...lines.slice(to)];
  // Do not leave two blank lines (or a leading blank line) where the section was.
  if (from > 0 && from < out.length && out[from - 1]!.trim() === '' && out[from]!.trim() === '') out.splice(from, 1);
  if (from === 0) while (out.length && out[0]!.trim() === '') out.shift();
  while (out.length && out[out.length - 1]!.trim() === '') out.pop();
  return out;
}
