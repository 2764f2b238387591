/**
 * For tests: the recorded kubectl outputs under fixtures/. Each file holds `# ` header lines
 * (what was run, where the output comes from, `# rc: N`), then `== stdout` and `== stderr`.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface Fixture {
  name: string;
  /** The header lines, without `# `. */
  about: string[];
  rc: number;
  stdout: string;
  stderr: string;
}

const DIR = join(dirname(fileURLToPath(import.meta.url)), 'fixtures');

/** Parse one fixture file's text. */
export function parseFixture(name: string, text: string): Fixture {
  const about: string[] = [];
  const sections: Record<string, string[]> = {};
  let cur: string[] | undefined;
  for (const line of text.split('\n')) {
    const sec = /^== (stdout|stderr)$/.exec(line);
    if (sec) { cur = sections[sec[1]!] = []; continue; }
    if (cur) cur.push(line);
    else if (line.startsWith('# ')) about.push(line.slice(2));
  }
  const rcLine = about.find((l) => l.startsWith('rc: '));
  if (!rcLine) throw new Error(`fixture ${name}: no '# rc:' line`);
  const body = (k: string) => {
    const lines = sections[k] ?? [];
    while (lines.length && lines.at(-1) === '') lines.pop();
    return lines.length ? `${lines.join('\n')}\n` : '';
  };
  return { name, about, rc: Number(rcLine.slice(4)), stdout: body('stdout'), stderr: body('stderr') };
}

export interface FixtureSet {
  /** One fixture by file name (without .txt). */
  fixture(name: string): Fixture;
  /** Every fixture whose name starts with `prefix`. */
  fixtures(prefix?: string): Fixture[];
}

/** The fixtures of a directory (image_retag keeps its own in the same format). */
export function fixtureSet(dir: string): FixtureSet {
  const fixture = (name: string) => parseFixture(name, readFileSync(join(dir, `${name}.txt`), 'utf8'));
  const fixtures = (prefix = '') => readdirSync(dir).filter((f) => f.endsWith('.txt') && f.startsWith(prefix)).sort().map((f) => fixture(f.slice(0, -4)));
  return { fixture, fixtures };
}

/** kubectl_apply's fixtures. */
export const { fixture, fixtures } = fixtureSet(DIR);
