/**
 * Several reads in one round trip: each command's output is framed by markers carrying a
 * random nonce, so a module's gather costs one ctx.run however many files and /proc entries
 * it needs. Each command runs in its own subshell: `exit`, `cd` or variables in it never reach
 * the connection's long-lived shell.
 */
import { randomBytes } from 'node:crypto';
import type { GatherContext } from '../../src/index.js';

/** One section's output and exit status. */
export interface SectionOutput {
  out: string;
  rc: number;
}

const NAME_RE = /^[A-Za-z0-9_-]+$/;

/** The shell script that runs `commands` (name -> command line) and frames their outputs. */
export function sectionsScript(commands: Record<string, string>, nonce: string): string {
  return Object.entries(commands).map(([name, cmd]) => {
    if (!NAME_RE.test(name)) throw new Error(`bad section name '${name}'`);
    // stderr is dropped: a missing file is told by the status, not by a message.
    return `printf '%s\\n' '@@${nonce} ${name}@@'; ( ${cmd}\n ) 2>/dev/null; printf '\\n@@${nonce} end %s@@\\n' "$?"`;
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
export async function readSections(ctx: GatherContext, commands: Record<string, string>): Promise<Record<string, SectionOutput>> {
  const nonce = randomBytes(6).toString('hex');
  const r = await ctx.run(sectionsScript(commands, nonce));
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

/** The names of the sections a sectionsScript command line asks for (for test fakes). */
export function sectionNames(script: string): string[] {
  return [...script.matchAll(/'@@[0-9a-f]+ ([A-Za-z0-9_-]+)@@'/g)].map((m) => m[1]!);
}
