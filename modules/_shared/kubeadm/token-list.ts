/**
 * `kubeadm token list` output. 1.13 aligns all rows in one table; current versions flush each
 * row on its own (columns drift between rows). Every column but DESCRIPTION is one word, so a
 * row is read as: token, TTL, EXPIRES, USAGES, the description, and EXTRA GROUPS last.
 */
import { TOKEN_RE } from './join-command.js';

export interface BootstrapTokenInfo {
  token: string;
  /** As printed: `23h`, `59m`, `5d`, `<forever>`, `<invalid>` (expired). */
  ttl: string;
  /** RFC 3339 time, or `<never>`. */
  expires: string;
  usages: string[];
  description: string;
  groups: string[];
}

/** The group kubeadm's default node-join RBAC rules are written for. */
export const DEFAULT_NODE_TOKEN_GROUP = 'system:bootstrappers:kubeadm:default-node-token';

const list = (s: string) => (s === '<none>' ? [] : s.split(',').filter(Boolean));

/** The tokens of a `kubeadm token list` output; the header, warnings and log lines are skipped. */
export function parseTokenList(out: string): BootstrapTokenInfo[] {
  const tokens: BootstrapTokenInfo[] = [];
  for (const line of out.split(/\r?\n/)) {
    const words = line.trim().split(/\s+/);
    if (words.length < 6 || !TOKEN_RE.test(words[0]!)) continue;
    const [token, ttl, expires, usages] = words as [string, string, string, string];
    const groups = words[words.length - 1]!;
    // The description is what lies between USAGES and EXTRA GROUPS, its inner spaces kept.
    const afterUsages = line.indexOf(usages, line.indexOf(expires) + expires.length) + usages.length;
    const description = line.slice(afterUsages, line.lastIndexOf(groups)).trim();
    tokens.push({ token, ttl, expires, usages: list(usages), description: description === '<none>' ? '' : description, groups: list(groups) });
  }
  return tokens;
}

const UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400, y: 365 * 86400 };

/**
 * Seconds a token still lives, from kubeadm's ShortHumanDuration TTL (a lower bound: "23h"
 * may be 23h59m). Infinity for `<forever>`, -1 for `<invalid>` (expired) or anything unknown.
 */
export function ttlSeconds(ttl: string): number {
  if (ttl === '<forever>') return Infinity;
  const m = /^(\d+)([smhdy])$/.exec(ttl);
  return m ? Number(m[1]) * UNIT_SECONDS[m[2]!]! : -1;
}

/**
 * A token a worker can join with: it authenticates, is in kubeadm's default node group (whose
 * CSRs are approved automatically), and lives at least `minSeconds` longer.
 */
export function usableForJoin(t: BootstrapTokenInfo, minSeconds = 3600): boolean {
  return t.usages.includes('authentication') && t.groups.includes(DEFAULT_NODE_TOKEN_GROUP) && ttlSeconds(t.ttl) >= minSeconds;
}

/** The usable token that lives longest, or undefined. */
export function bestJoinToken(tokens: BootstrapTokenInfo[], minSeconds = 3600): BootstrapTokenInfo | undefined {
  return tokens.filter((t) => usableForJoin(t, minSeconds)).sort((a, b) => ttlSeconds(b.ttl) - ttlSeconds(a.ttl))[0];
}
