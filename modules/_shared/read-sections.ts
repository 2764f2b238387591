/**
 * Several reads in one round trip: each command's output is framed by markers carrying a
 * random nonce, so a module's gather costs one ctx.run however many files and /proc entries
 * it needs. By default each command runs in its own subshell: `exit`, `cd` or variables in it
 * never reach the next section. With `inline`, sections run in the command's own shell
 * instead (no fork per section), for commands written to allow it (see SectionsOptions).
 */
import { randomBytes } from 'node:crypto';
import type { GatherContext } from '../../src/index.js';

/** One section's output and exit status. */
export interface SectionOutput {
  out: string;
  rc: number;
}

const NAME_RE = /^[A-Za-z0-9_-]+$/;

export interface SectionsOptions {
  /**
   * Run every section as a brace group in the shell of the one ctx.run (which is itself a
   * subshell on the host, so nothing reaches the connection's shell) rather than in a
   * subshell of its own: a fork fewer per section. Only for commands that never `exit`,
   * `cd` or `set` options and whose variables start with `k8sp_`; such a section tells its
   * outcome in its output or its last command's status, which `k8sp_rc N` (RC_FUNCTION)
   * sets where a subshell would `exit N`.
   */
  inline?: boolean;
}

/**
 * Shell text defining k8sp_rc: `k8sp_rc N` makes $? N without leaving the shell (an inline
 * section's `exit N`). A section using it starts with this text.
 */
export const RC_FUNCTION = 'k8sp_rc() { return "$1"; }';

/** The shell script that runs `commands` (name -> command line) and frames their outputs. */
export function sectionsScript(commands: Record<string, string>, nonce: string, opts: SectionsOptions = {}): string {
  return Object.entries(commands).map(([name, cmd]) => {
    if (!NAME_RE.test(name)) throw new Error(`bad section name '${name}'`);
    const group = opts.inline ? `{ ${cmd}\n}` : `( ${cmd}\n )`;
    // stderr is dropped: a missing file is told by the status, not by a message.
    return `printf '%s\\n' '@@${nonce} ${name}@@'; ${group} 2>/dev/null; printf '\\n@@${nonce} end %s@@\\n' "$?"`;
  }).join('; ');
}

/** Split the output of sectionsScript. A section whose markers are missing is absent. */
export function parseSections(stdout: string, nonce: string): Record<string, SectionOutput> {
  const out: Record<string, SectionOutput> = {};
  const start = new RegExp(`@@${nonce} ([A-Za-z0-9_-]+)@@\\n`, 'g');
  const end = new RegExp(`\\n@@${nonce} end (\\d+)@@\\n`, 'g');
  let m: RegExpExecArray | null;
  while ((m = start.exec(stdout))) {
    const from = m.index + m[0].length;
    // The script prints a newline before the end marker, so an empty output still matches here.
    end.lastIndex = from;
    const e = end.exec(stdout);
    if (!e) break;
    out[m[1]!] = { out: stdout.slice(from, e.index), rc: Number(e[1]) };
    start.lastIndex = e.index + e[0].length;
  }
  return out;
}

/** Run several read-only commands in one round trip; returns each one's output and status. */
export async function readSections(
  ctx: GatherContext,
  commands: Record<string, string>,
  opts: SectionsOptions = {},
): Promise<Record<string, SectionOutput>> {
  const nonce = randomBytes(6).toString('hex');
  const r = await ctx.run(sectionsScript(commands, nonce, opts));
  return parseSections(r.stdout, nonce);
}

/**
 * For test fakes: answer a sectionsScript command line from `answers` (name -> output, or
 * output and status). A section without an answer prints nothing and exits 1.
 */
export function answerSections(script: string, answers: Record<string, string | SectionOutput>): string {
  const names = [...script.matchAll(/'@@([0-9a-f]+) ([A-Za-z0-9_-]+)@@'/g)];
  return names.map(([, nonce, name]) => {
    const a = answers[name!];
    const { out, rc } = a === undefined ? { out: '', rc: 1 } : typeof a === 'string' ? { out: a, rc: 0 } : a;
    return `@@${nonce} ${name}@@\n${out}\n@@${nonce} end ${rc}@@\n`;
  }).join('');
}

/** For test fakes: each section's command in a sectionsScript command line, by name. */
export function sectionCommands(script: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of script.matchAll(/'@@[0-9a-f]+ ([A-Za-z0-9_-]+)@@'; (?:\( ([\s\S]*?)\n \)|\{ ([\s\S]*?)\n\}) 2>\/dev\/null; printf '\\n@@[0-9a-f]+ end /g)) {
    out[m[1]!] = m[2] ?? m[3]!;
  }
  return out;
}

/** The names of the sections a sectionsScript command line asks for (for test fakes). */
export function sectionNames(script: string): string[] {
  return [...script.matchAll(/'@@[0-9a-f]+ ([A-Za-z0-9_-]+)@@'/g)].map((m) => m[1]!);
}
