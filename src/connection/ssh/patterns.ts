/**
 * OpenSSH host patterns, as used by `Host` lines of ssh_config and the host field of
 * known_hosts: `*` any run of characters, `?` one character, `!pattern` excludes. Matching is
 * case-insensitive, like OpenSSH's for host names.
 */

/** Does `text` match one wildcard pattern (`*`, `?`; everything else literal)? */
export function matchWildcard(text: string, pattern: string): boolean {
  const t = text.toLowerCase();
  const p = pattern.toLowerCase();
  // Iterative glob with single-star backtracking: linear in practice, no regex escaping issues.
  let ti = 0;
  let pi = 0;
  let star = -1;
  let mark = 0;
  while (ti < t.length) {
    if (pi < p.length && (p[pi] === '?' || p[pi] === t[ti])) {
      ti++;
      pi++;
    } else if (pi < p.length && p[pi] === '*') {
      star = pi++;
      mark = ti;
    } else if (star >= 0) {
      pi = star + 1;
      ti = ++mark;
    } else {
      return false;
    }
  }
  while (pi < p.length && p[pi] === '*') pi++;
  return pi === p.length;
}

/**
 * Does `text` match a list of patterns? True when some positive pattern matches and no
 * negated one does (a negated match wins, as in OpenSSH's match_pattern_list).
 */
export function matchPatternList(text: string, patterns: readonly string[]): boolean {
  let matched = false;
  for (const raw of patterns) {
    if (!raw) continue;
    const negated = raw.startsWith('!');
    const p = negated ? raw.slice(1) : raw;
    if (!matchWildcard(text, p)) continue;
    if (negated) return false;
    matched = true;
  }
  return matched;
}
