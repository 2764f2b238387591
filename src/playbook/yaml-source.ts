/**
 * Reading YAML the way Ansible does (YAML 1.1 as PyYAML resolves it) while keeping where
 * every node came from, so any later error can name file:line:column.
 */
import { readFileSync } from 'node:fs';
import { parseAllDocuments, LineCounter, type Document, type Node as YNode, type ParsedNode, type Tags } from 'yaml';
import { PlaybookError, formatLocation, type SourceLocation } from '../errors.js';

/** One parsed YAML file with what is needed to turn offsets into positions. */
export interface YamlFile {
  /** Absolute path. */
  path: string;
  /** Path shown in messages (relative to the working directory when inside it). */
  display: string;
  text: string;
  /** Undefined for a file with no document at all (empty, or only comments). */
  doc: Document.Parsed | undefined;
  lines: LineCounter;
}

// PyYAML's booleans: `y`/`n` are strings there (the yaml package's 1.1 schema makes them booleans,
// which would turn a variable named `n` into `false`).
const PY_TRUE = /^(?:yes|Yes|YES|true|True|TRUE|on|On|ON)$/;
const PY_FALSE = /^(?:no|No|NO|false|False|FALSE|off|Off|OFF)$/;

function ansibleTags(tags: Tags): Tags {
  return tags
    // Dates stay strings: a JS Date would render differently from Python's date in templates.
    .filter((t) => typeof t !== 'object' || t.tag !== 'tag:yaml.org,2002:timestamp')
    .map((t) => {
      if (typeof t !== 'object' || t.tag !== 'tag:yaml.org,2002:bool' || !('test' in t) || !t.test) return t;
      const isTrue = t.test.test('true');
      return { ...t, test: isTrue ? PY_TRUE : PY_FALSE };
    });
}

/** Position (1-based) of a character offset. */
export function positionOf(file: YamlFile, offset: number): SourceLocation {
  const p = file.lines.linePos(offset);
  return { file: file.display, line: p.line, column: p.col };
}

/** Where a node starts; for a node without a range (created, not parsed), the file only. */
export function locationOf(file: YamlFile, node: YNode | ParsedNode | null | undefined): SourceLocation {
  const start = node?.range?.[0];
  return start === undefined ? { file: file.display } : positionOf(file, start);
}

/** The source line of a location followed by a caret under its column, as Ansible shows it. */
export function caretLines(text: string, loc: SourceLocation): string[] {
  if (loc.line === undefined) return [];
  const line = text.split(/\r?\n/)[loc.line - 1];
  if (line === undefined) return [];
  const num = String(loc.line);
  const pad = ' '.repeat(num.length);
  const col = Math.max(1, loc.column ?? 1);
  // Keep tabs so the caret lines up under tab-indented text.
  const lead = line.slice(0, col - 1).replace(/[^\t]/g, ' ');
  return [`  ${num} | ${line}`, `  ${pad} | ${lead}^ here`];
}

/**
 * Parse YAML text. Syntax errors (and tags k8splay cannot honour, such as `!vault`) become a
 * PlaybookError at the offending position with the line and a caret under it.
 */
export function parseYamlText(text: string, path: string, display: string): YamlFile {
  const lines = new LineCounter();
  const docs = parseAllDocuments(text, {
    lineCounter: lines, version: '1.1', merge: true, prettyErrors: false, customTags: ansibleTags,
  });
  const list = Array.isArray(docs) ? docs : [];
  const base = { path, display, text, lines };
  if (list.length === 0) return { ...base, doc: undefined };
  for (const doc of list) {
    const problem = doc.errors[0] ?? doc.warnings.find((w) => w.code === 'TAG_RESOLVE_FAILED');
    if (problem) {
      const loc = positionOf({ ...base, doc } as YamlFile, problem.pos[0]);
      const hint = problem.code === 'TAG_RESOLVE_FAILED' ? ` (k8splay does not support this YAML tag)` : '';
      const message = problem.code === 'DUPLICATE_KEY'
        ? `duplicate key '${keyAt(text, problem.pos[0])}' at ${formatLocation(loc)} (Ansible would silently keep only the last one)`
        : `YAML syntax error at ${formatLocation(loc)}: ${firstLine(problem.message)}${hint}`;
      throw new PlaybookError(message, { location: loc, details: caretLines(text, loc) });
    }
  }
  if (list.length > 1) {
    const second = list[1]!;
    const loc = positionOf({ ...base, doc: second } as YamlFile, second.range?.[0] ?? 0);
    throw new PlaybookError(`expected a single YAML document in ${display}, found ${list.length} (remove the '---' separator) at ${formatLocation(loc)}`, {
      location: loc, details: caretLines(text, loc),
    });
  }
  return { ...base, doc: list[0]! };
}

/** The mapping key written at `offset` (up to its colon). */
function keyAt(text: string, offset: number): string {
  const m = /^(?:"([^"]*)"|'([^']*)'|([^:\n]*?))\s*:/.exec(text.slice(offset));
  return m ? (m[1] ?? m[2] ?? m[3] ?? '').trim() : text.slice(offset).split(/[\s:]/)[0]!;
}

function firstLine(s: string): string {
  return s.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
}

/**
 * Read and parse a YAML file; a missing file is a PlaybookError at `from` when given. The read
 * is synchronous (a small local file: an asynchronous one costs four thread-pool rounds).
 */
export async function readYamlFile(path: string, display: string, from?: SourceLocation): Promise<YamlFile> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    const why = (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : (e as Error).message;
    const where = from ? ` (imported at ${formatLocation(from)})` : '';
    throw new PlaybookError(`cannot read ${display}: ${why}${where}`, from ? { location: from, cause: e } : { cause: e });
  }
  return parseYamlText(text, path, display);
}
