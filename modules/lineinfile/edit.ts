/**
 * lineinfile's text transform, pure: a port of Ansible's lineinfile.py `present()` and
 * `absent()` on a list of lines (each keeping its own line ending), so replacements,
 * insert positions, newline-at-EOF handling and messages match Ansible exactly.
 */
import { compileParam, expandTemplate } from './pyregex.js';

export interface PresentOptions {
  line: string;
  regexp?: string | null;
  search_string?: string | null;
  /** 'EOF', 'BOF' or a regex. When neither insert option is given, 'EOF'. */
  insertafter?: string | null;
  /** 'BOF' or a regex. */
  insertbefore?: string | null;
  backrefs?: boolean;
  firstmatch?: boolean;
}

export interface AbsentOptions {
  line?: string | null;
  regexp?: string | null;
  search_string?: string | null;
}

export interface EditResult {
  /** The new content (same as the input when nothing changed). */
  content: string;
  changed: boolean;
  /** 'line added', 'line replaced', 'N line(s) removed' or ''. */
  msg: string;
  /** absent only: how many lines were removed. */
  found?: number;
}

/** Python's bytes.readlines(): split after each '\n', keeping it. */
export function readLines(content: string): string[] {
  const lines = content.split(/(?<=\n)/);
  return lines.length === 1 && lines[0] === '' ? [] : lines;
}

const LINESEP = '\n';

function stripEol(s: string): string {
  return s.replace(/[\r\n]+$/, '');
}

function endsWithEol(s: string): boolean {
  const last = s.slice(-1);
  return last === '\n' || last === '\r';
}

/** Ensure `line` is in `content` (Ansible's state=present). */
export function presentEdit(content: string, opts: PresentOptions): EditResult {
  const lines = readLines(content);
  const { line, regexp = null, search_string = null, backrefs = false, firstmatch = false } = opts;
  let insertafter = opts.insertafter ?? null;
  const insertbefore = opts.insertbefore ?? null;
  if (insertafter === null && insertbefore === null) insertafter = 'EOF';

  const reM = regexp !== null ? compileParam('regexp', regexp) : null;
  let reIns: RegExp | null = null;
  if (insertafter !== null && insertafter !== 'BOF' && insertafter !== 'EOF') reIns = compileParam('insertafter', insertafter);
  else if (insertbefore !== null && insertbefore !== 'BOF') reIns = compileParam('insertbefore', insertbefore);

  const index = [-1, -1];
  let match: RegExpExecArray | boolean | null = null;
  let exactLineMatch = false;

  // 1. regexp: the last matching line (or the first with firstmatch).
  if (reM) {
    for (let n = 0; n < lines.length; n++) {
      const found = reM.exec(lines[n]!);
      if (found) {
        index[0] = n;
        match = found;
        if (firstmatch) break;
      }
    }
  }
  // 2. search_string, the same way.
  if (search_string !== null) {
    for (let n = 0; n < lines.length; n++) {
      if (lines[n]!.includes(search_string)) {
        index[0] = n;
        match = true;
        if (firstmatch) break;
      }
    }
  }
  // 3. No match: look for the exact line and for the insert position.
  if (!match) {
    for (let n = 0; n < lines.length; n++) {
      const cur = lines[n]!;
      if (line === stripEol(cur)) {
        index[0] = n;
        exactLineMatch = true;
      } else if (reIns !== null && reIns.test(cur)) {
        if (insertafter) {
          index[1] = n + 1;
          if (firstmatch) break;
        }
        if (insertbefore) {
          index[1] = n;
          if (firstmatch) break;
        }
      }
    }
  }

  let msg = '';
  let changed = false;
  const added = () => { msg = 'line added'; changed = true; };

  if (index[0] !== -1) {
    let newLine = backrefs && match && typeof match !== 'boolean' ? expandTemplate(line, match) : line;
    if (!newLine.endsWith(LINESEP)) newLine += LINESEP;
    if (regexp === null && search_string === null && match === null && !exactLineMatch) {
      // Unreachable in practice (index[0] is only set by a match); kept as in Ansible.
      if (insertafter && insertafter !== 'EOF') {
        if (lines.length && !endsWithEol(lines[lines.length - 1]!)) lines[lines.length - 1] += LINESEP;
        if (lines.length === index[1]) {
          if (stripEol(lines[index[1] - 1]!) !== line) { lines.push(line + LINESEP); added(); }
        } else if (stripEol(lines[index[1]]!) !== line) { lines.splice(index[1]!, 0, line + LINESEP); added(); }
      } else if (insertbefore && insertbefore !== 'BOF') {
        if (index[1]! <= 0) {
          if (stripEol(lines.at(index[1]!)!) !== line) { lines.splice(index[1]!, 0, line + LINESEP); added(); }
        } else if (stripEol(lines[index[1]! - 1]!) !== line) { lines.splice(index[1]!, 0, line + LINESEP); added(); }
      }
    } else if (lines[index[0]!] !== newLine) {
      lines[index[0]!] = newLine;
      msg = 'line replaced';
      changed = true;
    }
  } else if (backrefs) {
    // Nothing: without a match the backreferences cannot be filled in.
  } else if (insertbefore === 'BOF' || insertafter === 'BOF') {
    lines.unshift(line + LINESEP);
    added();
  } else if (insertafter === 'EOF' || index[1] === -1) {
    if (lines.length && !endsWithEol(lines[lines.length - 1]!)) lines.push(LINESEP);
    lines.push(line + LINESEP);
    added();
  } else if (insertafter && index[1] !== -1) {
    if (lines.length === index[1]) {
      if (stripEol(lines[index[1] - 1]!) !== line) { lines.push(line + LINESEP); added(); }
    } else if (line !== stripEol(lines[index[1]!]!)) {
      lines.splice(index[1]!, 0, line + LINESEP);
      added();
    }
  } else {
    lines.splice(index[1]!, 0, line + LINESEP);
    added();
  }
  return { content: changed ? lines.join('') : content, changed, msg };
}

/** Remove every line matching regexp, search_string or equal to line (state=absent). */
export function absentEdit(content: string, opts: AbsentOptions): EditResult {
  const lines = readLines(content);
  const re = opts.regexp != null ? compileParam('regexp', opts.regexp) : null;
  const kept: string[] = [];
  let found = 0;
  for (const cur of lines) {
    let hit: boolean;
    if (re) hit = re.test(cur);
    else if (opts.search_string != null) hit = cur.includes(opts.search_string);
    else hit = opts.line === stripEol(cur);
    if (hit) found++;
    else kept.push(cur);
  }
  const changed = found > 0;
  return {
    content: changed ? kept.join('') : content,
    changed,
    msg: changed ? `${found} line(s) removed` : '',
    found,
  };
}
