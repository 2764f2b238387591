/**
 * RPM version comparison, ported from rpm's rpmvercmp() (lib/rpmvercmp.c), so the module
 * decides "is this installed version at least / exactly / newer than the one asked for"
 * without asking rpm or dnf.
 */

/** An epoch:version-release; release may be absent in what a user asks for. */
export interface Evr {
  epoch?: number;
  version: string;
  release?: string;
}

const isAlnum = (c: string | undefined) => c !== undefined && /[A-Za-z0-9]/.test(c);
const isDigit = (c: string | undefined) => c !== undefined && c >= '0' && c <= '9';
const isAlpha = (c: string | undefined) => c !== undefined && /[A-Za-z]/.test(c);

/** rpmvercmp: -1, 0 or 1. `~` sorts before anything (pre-releases), `^` after (snapshots). */
export function rpmvercmp(a: string, b: string): number {
  if (a === b) return 0;
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    while (i < a.length && !isAlnum(a[i]) && a[i] !== '~' && a[i] !== '^') i++;
    while (j < b.length && !isAlnum(b[j]) && b[j] !== '~' && b[j] !== '^') j++;
    if (a[i] === '~' || b[j] === '~') {
      if (a[i] !== '~') return 1;
      if (b[j] !== '~') return -1;
      i++; j++;
      continue;
    }
    if (a[i] === '^' || b[j] === '^') {
      if (i >= a.length) return -1;
      if (j >= b.length) return 1;
      if (a[i] !== '^') return 1;
      if (b[j] !== '^') return -1;
      i++; j++;
      continue;
    }
    if (!(i < a.length && j < b.length)) break;
    let ei = i;
    let ej = j;
    const isnum = isDigit(a[i]);
    if (isnum) {
      while (isDigit(a[ei])) ei++;
      while (isDigit(b[ej])) ej++;
    } else {
      while (isAlpha(a[ei])) ei++;
      while (isAlpha(b[ej])) ej++;
    }
    if (ei === i) return -1; // cannot happen: a[i] is alphanumeric
    if (ej === j) return isnum ? 1 : -1; // a number is newer than letters
    let sa = a.slice(i, ei);
    let sb = b.slice(j, ej);
    if (isnum) {
      sa = sa.replace(/^0+/, '');
      sb = sb.replace(/^0+/, '');
      if (sa.length !== sb.length) return sa.length > sb.length ? 1 : -1;
    }
    if (sa !== sb) return sa < sb ? -1 : 1;
    i = ei;
    j = ej;
  }
  if (i >= a.length && j >= b.length) return 0;
  return i >= a.length ? -1 : 1;
}

/**
 * Compare an installed package's EVR with a wanted one, as rpm compares a dependency: an
 * epoch or release the user left out is not compared.
 */
export function compareEvr(installed: Evr, wanted: Evr): number {
  if (wanted.epoch !== undefined) {
    const e = (installed.epoch ?? 0) - wanted.epoch;
    if (e !== 0) return e > 0 ? 1 : -1;
  }
  const v = rpmvercmp(installed.version, wanted.version);
  if (v !== 0 || wanted.release === undefined) return v;
  return rpmvercmp(installed.release ?? '', wanted.release);
}

/** Parse `[epoch:]version[-release]`. */
export function parseEvr(s: string): Evr {
  const m = /^(?:(\d+):)?([^-]+)(?:-(.+))?$/.exec(s.trim());
  if (!m) return { version: s.trim() };
  const evr: Evr = { version: m[2]! };
  if (m[1] !== undefined) evr.epoch = Number(m[1]);
  if (m[3] !== undefined) evr.release = m[3];
  return evr;
}
