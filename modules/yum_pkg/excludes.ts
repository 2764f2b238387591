/**
 * When dnf says "All matches were filtered out by exclude filtering", which `exclude=` did
 * it (the Kubernetes repository's `exclude=kube*` is the classic), and the argument that
 * gets past it: `disable_excludes: <repo id>`.
 */
import { globToRegExp } from './glob.js';
import { specForms } from './specs.js';

/** One `exclude=` (or `excludepkgs=`) of a config section. */
export interface ExcludeRule {
  file: string;
  section: string;
  patterns: string[];
}

/** The shell text printing every config file dnf reads, each after a `@@FILE path` line. */
export function excludeConfigCommand(confFile?: string): string {
  const files = [confFile ?? '/etc/dnf/dnf.conf', '/etc/yum.conf', '/etc/yum.repos.d/*.repo'];
  return `for f in ${files.map((f) => (f.includes('*') ? f : `'${f.replace(/'/g, `'\\''`)}'`)).join(' ')}; do [ -f "$f" ] && { echo "@@FILE $f"; cat -- "$f"; echo; }; done; true`;
}

/** The exclude rules in that output. */
export function parseExcludeRules(stdout: string): ExcludeRule[] {
  const rules: ExcludeRule[] = [];
  let file = '';
  let section = '';
  let rule: ExcludeRule | undefined;
  for (const line of stdout.split('\n')) {
    if (line.startsWith('@@FILE ')) {
      file = line.slice(7);
      section = '';
      rule = undefined;
      continue;
    }
    const sec = /^\[(.+)\]\s*$/.exec(line.trim());
    if (sec && !/^\s/.test(line)) {
      section = sec[1]!;
      rule = undefined;
      continue;
    }
    const m = /^(exclude|excludepkgs)\s*[=:]\s*(.*)$/i.exec(line);
    if (m && section) {
      rule = { file, section, patterns: m[2]!.split(/[\s,]+/).filter(Boolean) };
      rules.push(rule);
      continue;
    }
    if (rule && /^\s+\S/.test(line)) rule.patterns.push(...line.trim().split(/[\s,]+/).filter(Boolean));
    else rule = undefined;
  }
  return rules;
}

/** Why each spec is excluded and how to get past it, one line per spec. */
export function excludeHints(specs: string[], rules: ExcludeRule[]): string[] {
  const out: string[] = [];
  for (const spec of specs) {
    const names = specForms(spec).map((f) => f.name);
    const hits = rules.filter((r) => r.patterns.some((p) => names.some((n) => globToRegExp(p).test(n))));
    if (!hits.length) continue;
    const where = hits.map((r) => `[${r.section}] in ${r.file} (exclude=${r.patterns.join(' ')})`).join(', ');
    const ids = [...new Set(hits.map((r) => r.section))];
    out.push(`${spec} is excluded by ${where}: add \`disable_excludes: ${ids.length === 1 ? ids[0] : 'all'}\` to the task`);
  }
  return out;
}
