/**
 * Reading what dnf (and yum 3) print: the transaction table shown before every transaction
 * (also with --assumeno, which is how check mode learns what would happen), and failures,
 * kept in dnf's own words but said readably.
 */

export type TxAction = 'install' | 'upgrade' | 'downgrade' | 'remove' | 'reinstall';

/** One row of the transaction table. */
export interface TxPackage {
  action: TxAction;
  name: string;
  arch: string;
  /** [epoch:]version-release as dnf prints it. */
  evr: string;
  /** name-[epoch:]version-release.arch */
  nevra: string;
  /** The row came from a "...dependencies" section (pulled in, not asked for). */
  dependency: boolean;
}

/** Section titles of the table (dnf 4 and yum 3) and what they do. */
const SECTIONS: Array<[RegExp, TxAction | 'skip', boolean]> = [
  [/^Installing(?: group\/module packages)?:$/, 'install', false],
  [/^Installing (?:for )?(?:weak )?dependencies:$/, 'install', true],
  [/^(?:Upgrading|Updating):$/, 'upgrade', false],
  [/^(?:Upgrading|Updating) (?:for )?dependencies:$/, 'upgrade', true],
  [/^Downgrading:$/, 'downgrade', false],
  [/^Reinstalling:$/, 'reinstall', false],
  [/^Removing:$/, 'remove', false],
  [/^Removing (?:for dependencies|dependent packages|unused dependencies):$/, 'remove', true],
  [/^(?:Skipping|Installing module profiles|Enabling module streams|Disabling module|Resetting module|Obsoleting|Downgrading dependencies).*:$/, 'skip', false],
];

/** The packages of the transaction table in `stdout` (empty when dnf had nothing to do). */
export function parseTransaction(stdout: string): TxPackage[] {
  const out: TxPackage[] = [];
  let section: [TxAction | 'skip', boolean] | undefined;
  let pending: string | undefined;
  for (const raw of stdout.split('\n')) {
    const line = raw.replace(/\r$/, '');
    if (/^Transaction Summary/.test(line)) break;
    const title = SECTIONS.find(([re]) => re.test(line.trim()) && !/^\s/.test(line));
    if (title) {
      section = [title[1], title[2]];
      pending = undefined;
      continue;
    }
    if (!section || !/^\s/.test(line) || line.trim() === '') {
      if (line.trim() === '' || /^=+$/.test(line.trim())) pending = undefined;
      continue;
    }
    let words = line.trim().split(/\s+/);
    if (words[0] === 'replacing') continue;
    // A long name is printed alone, the rest of its row on the next line.
    if (pending !== undefined) {
      words = [pending, ...words];
      pending = undefined;
    } else if (words.length === 1) {
      pending = words[0];
      continue;
    }
    if (section[0] === 'skip' || words.length < 3) continue;
    const [name, arch, evr] = words as [string, string, string];
    out.push({ action: section[0], name, arch, evr, nevra: `${name}-${evr}.${arch}`, dependency: section[1] });
  }
  return out;
}

/** Ansible's `results` lines for a transaction ("Installed: nevra", "Removed: nevra"). */
export function resultLines(tx: TxPackage[], downloadOnly = false): string[] {
  return tx.map((p) => `${p.action === 'remove' ? 'Removed' : downloadOnly ? 'Downloaded' : 'Installed'}: ${p.nevra}`);
}

/** The yum module's `changes`, with real package names: what was installed, updated, removed. */
export function changesOf(tx: TxPackage[]): Record<'installed' | 'updated' | 'downgraded' | 'removed', string[]> {
  const pick = (...a: TxAction[]) => tx.filter((p) => a.includes(p.action)).map((p) => p.nevra);
  return { installed: pick('install', 'reinstall'), updated: pick('upgrade'), downgraded: pick('downgrade'), removed: pick('remove') };
}

/** dnf had nothing to do. */
export function nothingToDo(stdout: string): boolean {
  return /^Nothing to do\.?\s*$/m.test(stdout) || /No packages marked for (?:update|removal)/.test(stdout);
}

/** A dnf failure, readable. */
export interface DnfFailure {
  msg: string;
  /** Per-spec failures, as the Ansible module lists them. */
  failures: string[];
  /** dnf's own explanation, line by line (the "Problem:" block). */
  details: string[];
  /** Specs that every repository's `exclude=` filtered out. */
  excluded: string[];
}

/** dnf's advice ("try to add '--allowerasing' to command line ..."), said with this module's arguments. */
function translateHint(line: string): string {
  const words: Record<string, string> = { '--allowerasing': 'allowerasing: true', '--skip-broken': 'skip_broken: true', '--nobest': 'nobest: true' };
  const body = line.replace(/^\(try to add /, '').replace(/\)$/, '').replace(/ to (?:the )?command line/g, '');
  return `(dnf suggests: set ${body.replace(/'(--[a-z-]+)'/g, (m, f: string) => words[f] ?? m).replace(/ or (?=skip_broken|nobest|allowerasing)/g, ', or ')})`;
}

/** Lines without the indentation they all share (dnf indents its Problem block by one space). */
function dedent(lines: string[]): string[] {
  const ind = Math.min(...lines.filter((l) => l.trim()).map((l) => /^\s*/.exec(l)![0].length));
  return Number.isFinite(ind) ? lines.map((l) => l.slice(ind)) : lines;
}

/** Explain a failed dnf/yum run (rc != 0) from its output. */
export function describeFailure(stdout: string, stderr: string): DnfFailure {
  const all = `${stdout}\n${stderr}`;
  const failures: string[] = [];
  const excluded: string[] = [];
  for (const m of all.matchAll(/^No match for argument: (.+)$/gm)) failures.push(`No package ${m[1]!.trim()} available.`);
  for (const m of all.matchAll(/^No package (.+) available\.$/gm)) failures.push(`No package ${m[1]!.trim()} available.`);
  for (const m of all.matchAll(/^All matches were filtered out by exclude filtering for argument: (.+)$/gm)) {
    excluded.push(m[1]!.trim());
    failures.push(`No package ${m[1]!.trim()} available (every match is excluded by an exclude= setting).`);
  }
  for (const m of all.matchAll(/^All matches were filtered out by modular filtering for argument: (.+)$/gm)) {
    failures.push(`No package ${m[1]!.trim()} available (every match is hidden by a module stream; module_hotfixes: true on its repository allows it).`);
  }
  const hints = all.split('\n').filter((l) => /^\(try to add /.test(l.trim())).map((l) => translateHint(l.trim()));
  // dnf 4: "Error: \n Problem: ..." (or "Problem 1: ..."); yum 3: "Error: Package: ... Requires: ...".
  const errAt = stderr.search(/^Error:/m);
  const errBlock = errAt >= 0 ? stderr.slice(errAt).split('\n').map((l) => l.replace(/\s+$/, '')).filter((l) => l !== '') : [];
  const problem = errBlock.some((l) => /^\s*Problem( \d+)?:/.test(l) || /^\s*Requires:/.test(l) || /conflicts with/.test(l));
  const yumSkip = all.split('\n').filter((l) => /You could try using --skip-broken/.test(l)).map(() => '(try skip_broken: true to work around the problem)');
  if (problem) {
    const details = dedent(errBlock.map((l, i) => (i === 0 ? l.replace(/^Error:\s*/, '') : l)).filter((l) => l !== ''));
    return { msg: 'Depsolve Error occurred:', failures, details: [...details, ...hints, ...yumSkip], excluded };
  }
  if (failures.length) {
    return { msg: 'Failed to install some of the specified packages', failures, details: failures.map((f) => `- ${f}`), excluded };
  }
  if (/GPG check FAILED|Public key for .* is not installed|NOKEY/.test(all)) {
    return {
      msg: 'Failed to validate GPG signature',
      failures,
      details: [...errBlock, ...all.split('\n').filter((l) => /Public key for|GPG/.test(l) && !errBlock.includes(l)), '(install the key with rpm --import, set gpgkey on the repository, or disable_gpg_check: true)'],
      excluded,
    };
  }
  const tail = (errBlock.length ? errBlock : stderr.trim().split('\n').filter(Boolean).slice(-10));
  return { msg: `Unknown Error occurred: ${tail[0]?.replace(/^Error:\s*/, '') ?? 'no message'}`, failures, details: tail.slice(1), excluded };
}
