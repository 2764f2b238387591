/**
 * Unified diffs of two texts, formatted as Python's difflib.unified_diff (what Ansible's -D
 * prints), computed with Myers' O(ND) algorithm in linear space, so the edit script is minimal
 * and a 10k-line file costs milliseconds.
 */

/** How an unchanged/changed region maps between the two texts (difflib's opcodes). */
export interface Opcode {
  tag: 'equal' | 'replace' | 'delete' | 'insert';
  i1: number;
  i2: number;
  j1: number;
  j2: number;
}

export interface UnifiedDiffOptions {
  /** Header of the old text (after `--- `). Default 'before'. */
  fromFile?: string;
  /** Header of the new text (after `+++ `). Default 'after'. */
  toFile?: string;
  /** Unchanged lines shown around each change. Default 3. */
  context?: number;
}

export const NO_NEWLINE_MARKER = '\\ No newline at end of file';

/** A text's lines; each keeps its '\n' except a last line that has none. */
export function splitLines(text: string): string[] {
  if (text === '') return [];
  const lines = text.split('\n');
  const out = lines.map((l, i) => (i < lines.length - 1 ? l + '\n' : l));
  if (out[out.length - 1] === '') out.pop();
  return out;
}

/**
 * Index pairs (i, j) with a[i] === b[j] forming a longest common subsequence, in order.
 * Sequences are compared by value (numbers or strings).
 */
export function longestCommonSubsequence<T>(a: readonly T[], b: readonly T[]): Array<[number, number]> {
  // Intern values to small integers so comparisons in the hot loop are cheap.
  const ids = new Map<T, number>();
  const intern = (x: T): number => {
    let id = ids.get(x);
    if (id === undefined) { id = ids.size; ids.set(x, id); }
    return id;
  };
  const A = Int32Array.from(a, intern);
  const B = Int32Array.from(b, intern);

  // A line present in only one text can never match: leaving such lines out keeps the LCS
  // the same and makes fully rewritten files trivial (GNU diff does the same).
  const inB = new Uint8Array(ids.size);
  for (const x of B) inB[x] = 1;
  const inA = new Uint8Array(ids.size);
  for (const x of A) inA[x] = 1;
  const aIdx: number[] = [];
  for (let i = 0; i < A.length; i++) if (inB[A[i]!]) aIdx.push(i);
  const bIdx: number[] = [];
  for (let j = 0; j < B.length; j++) if (inA[B[j]!]) bIdx.push(j);
  const fa = Int32Array.from(aIdx, (i) => A[i]!);
  const fb = Int32Array.from(bIdx, (j) => B[j]!);

  const pairs: Array<[number, number]> = [];
  new Myers(fa, fb).run((i, j) => pairs.push([aIdx[i]!, bIdx[j]!]));
  return pairs;
}

/** Myers' linear-space divide and conquer on two integer sequences. */
class Myers {
  private readonly vf: Int32Array;
  private readonly vb: Int32Array;
  private readonly off: number;

  /** Edit distance after which a split is guessed instead of searched (as GNU diff). */
  private readonly tooExpensive: number;

  constructor(private readonly a: Int32Array, private readonly b: Int32Array) {
    const size = a.length + b.length + 2;
    let te = 1;
    for (let diags = size + 1; diags !== 0; diags >>= 2) te <<= 1;
    this.tooExpensive = Math.max(1024, te);
    this.off = size;
    this.vf = new Int32Array(2 * size + 1);
    this.vb = new Int32Array(2 * size + 1);
  }

  run(emit: (i: number, j: number) => void): void {
    this.rec(0, this.a.length, 0, this.b.length, emit);
  }

  private rec(aLo: number, aHi: number, bLo: number, bHi: number, emit: (i: number, j: number) => void): void {
    const { a, b } = this;
    while (aLo < aHi && bLo < bHi && a[aLo] === b[bLo]) emit(aLo++, bLo++);
    let tail = 0;
    while (aLo < aHi && bLo < bHi && a[aHi - 1] === b[bHi - 1]) { aHi--; bHi--; tail++; }
    if (aLo < aHi && bLo < bHi) {
      const [x, y, u, v] = this.middleSnake(aLo, aHi, bLo, bHi);
      if ((x === aLo && y === bLo && u === aLo && v === bLo) || (x === aHi && y === bHi)) {
        // No progress is impossible for D >= 2 after trimming; stop rather than loop forever.
      } else {
        this.rec(aLo, x, bLo, y, emit);
        for (let i = x, j = y; i < u; i++, j++) emit(i, j);
        this.rec(u, aHi, v, bHi, emit);
      }
    }
    for (let t = 0; t < tail; t++) emit(aHi + t, bHi + t);
  }

  /** The middle snake of a shortest edit path, as absolute [x, y, u, v]. */
  private middleSnake(aLo: number, aHi: number, bLo: number, bHi: number): [number, number, number, number] {
    const { a, b, vf, vb, off } = this;
    const N = aHi - aLo;
    const M = bHi - bLo;
    const delta = N - M;
    const odd = (delta & 1) !== 0;
    const max = Math.ceil((N + M) / 2);
    vf[off + 1] = 0;
    vb[off + 1] = 0;
    for (let d = 0; d <= max; d++) {
      if (d >= this.tooExpensive) return this.bestSplit(aLo, aHi, bLo, bHi, d - 1);
      for (let k = -d; k <= d; k += 2) {
        let x = k === -d || (k !== d && vf[off + k - 1]! < vf[off + k + 1]!) ? vf[off + k + 1]! : vf[off + k - 1]! + 1;
        let y = x - k;
        const x0 = x;
        const y0 = y;
        while (x < N && y < M && a[aLo + x] === b[bLo + y]) { x++; y++; }
        vf[off + k] = x;
        const kb = delta - k;
        if (odd && kb >= -(d - 1) && kb <= d - 1 && x + vb[off + kb]! >= N) {
          return [aLo + x0, bLo + y0, aLo + x, bLo + y];
        }
      }
      for (let k = -d; k <= d; k += 2) {
        let x = k === -d || (k !== d && vb[off + k - 1]! < vb[off + k + 1]!) ? vb[off + k + 1]! : vb[off + k - 1]! + 1;
        let y = x - k;
        const x0 = x;
        const y0 = y;
        while (x < N && y < M && a[aHi - 1 - x] === b[bHi - 1 - y]) { x++; y++; }
        vb[off + k] = x;
        const kf = delta - k;
        if (!odd && kf >= -d && kf <= d && x + vf[off + kf]! >= N) {
          return [aHi - x, bHi - y, aHi - x0, bHi - y0];
        }
      }
    }
    // Unreachable: a path of length N + M always exists.
    return [aLo, bLo, aLo, bLo];
  }

  /**
   * Give up on the exact middle snake (pathological inputs such as a shuffled file): split at
   * the point, forward or backward, that got furthest after `d` edits. The diff stays correct,
   * only possibly longer than minimal; O(N*D) time stays bounded.
   */
  private bestSplit(aLo: number, aHi: number, bLo: number, bHi: number, d: number): [number, number, number, number] {
    const { vf, vb, off } = this;
    const N = aHi - aLo;
    const M = bHi - bLo;
    let bestF = -1; let fx = 0; let fy = 0;
    let bestB = -1; let bx = 0; let by = 0;
    for (let k = -d; k <= d; k += 2) {
      let x = Math.min(vf[off + k]!, N);
      let y = x - k;
      if (y > M) { y = M; x = y + k; }
      if (y >= 0 && x >= 0 && x + y > bestF) { bestF = x + y; fx = x; fy = y; }
      x = Math.min(vb[off + k]!, N);
      y = x - k;
      if (y > M) { y = M; x = y + k; }
      if (y >= 0 && x >= 0 && x + y > bestB) { bestB = x + y; bx = x; by = y; }
    }
    const [x, y] = bestF >= bestB ? [aLo + fx, bLo + fy] : [aHi - bx, bHi - by];
    if ((x === aLo && y === bLo) || (x === aHi && y === bHi)) return [aLo, bLo, aLo, bLo];
    return [x, y, x, y];
  }
}

/** difflib-style opcodes from the matched pairs (deletions listed before insertions). */
export function opcodes(aLen: number, bLen: number, pairs: ReadonlyArray<[number, number]>): Opcode[] {
  const codes: Opcode[] = [];
  let i = 0;
  let j = 0;
  const gap = (i2: number, j2: number): void => {
    if (i < i2 || j < j2) {
      const tag = i < i2 && j < j2 ? 'replace' : i < i2 ? 'delete' : 'insert';
      codes.push({ tag, i1: i, i2, j1: j, j2 });
    }
  };
  for (let p = 0; p < pairs.length;) {
    const [pi, pj] = pairs[p]!;
    gap(pi, pj);
    let q = p;
    while (q + 1 < pairs.length && pairs[q + 1]![0] === pairs[q]![0] + 1 && pairs[q + 1]![1] === pairs[q]![1] + 1) q++;
    const len = q - p + 1;
    codes.push({ tag: 'equal', i1: pi, i2: pi + len, j1: pj, j2: pj + len });
    i = pi + len;
    j = pj + len;
    p = q + 1;
  }
  gap(aLen, bLen);
  return codes;
}

/** difflib.SequenceMatcher.get_grouped_opcodes: changes with `n` lines of context, in hunks. */
export function groupedOpcodes(codesIn: Opcode[], n: number): Opcode[][] {
  const codes = codesIn.length ? codesIn.map((c) => ({ ...c })) : [{ tag: 'equal' as const, i1: 0, i2: 1, j1: 0, j2: 1 }];
  const first = codes[0]!;
  if (first.tag === 'equal') {
    first.i1 = Math.max(first.i1, first.i2 - n);
    first.j1 = Math.max(first.j1, first.j2 - n);
  }
  const last = codes[codes.length - 1]!;
  if (last.tag === 'equal') {
    last.i2 = Math.min(last.i2, last.i1 + n);
    last.j2 = Math.min(last.j2, last.j1 + n);
  }
  const groups: Opcode[][] = [];
  let group: Opcode[] = [];
  for (const c of codes) {
    let { i1, j1 } = c;
    if (c.tag === 'equal' && c.i2 - c.i1 > 2 * n) {
      group.push({ tag: 'equal', i1, i2: Math.min(c.i2, i1 + n), j1, j2: Math.min(c.j2, j1 + n) });
      groups.push(group);
      group = [];
      i1 = Math.max(i1, c.i2 - n);
      j1 = Math.max(j1, c.j2 - n);
    }
    group.push({ tag: c.tag, i1, i2: c.i2, j1, j2: c.j2 });
  }
  if (group.length && !(group.length === 1 && group[0]!.tag === 'equal')) groups.push(group);
  return groups.filter((g) => !(g.length === 1 && g[0]!.tag === 'equal'));
}

/** difflib's _format_range_unified. */
function range(start: number, stop: number): string {
  let beginning = start + 1;
  const length = stop - start;
  if (length === 1) return `${beginning}`;
  if (length === 0) beginning -= 1;
  return `${beginning},${length}`;
}

/**
 * The unified diff as output lines (no trailing newlines): `--- from`, `+++ to`, `@@` hunk
 * headers, then ' ', '-', '+' lines, with `\ No newline at end of file` after a last line that
 * has no newline. Empty when the texts are equal.
 */
export function unifiedDiffLines(before: string, after: string, opts: UnifiedDiffOptions = {}): string[] {
  const n = opts.context ?? 3;
  const a = splitLines(before);
  const b = splitLines(after);
  const groups = groupedOpcodes(opcodes(a.length, b.length, longestCommonSubsequence(a, b)), n);
  if (groups.length === 0) return [];
  const out = [`--- ${opts.fromFile ?? 'before'}`, `+++ ${opts.toFile ?? 'after'}`];
  const push = (prefix: string, line: string): void => {
    if (line.endsWith('\n')) out.push(prefix + line.slice(0, -1));
    else out.push(prefix + line, NO_NEWLINE_MARKER);
  };
  for (const g of groups) {
    const first = g[0]!;
    const last = g[g.length - 1]!;
    out.push(`@@ -${range(first.i1, last.i2)} +${range(first.j1, last.j2)} @@`);
    for (const c of g) {
      if (c.tag === 'equal') {
        for (let i = c.i1; i < c.i2; i++) push(' ', a[i]!);
        continue;
      }
      if (c.tag === 'replace' || c.tag === 'delete') for (let i = c.i1; i < c.i2; i++) push('-', a[i]!);
      if (c.tag === 'replace' || c.tag === 'insert') for (let j = c.j1; j < c.j2; j++) push('+', b[j]!);
    }
  }
  return out;
}

/** The unified diff as one text ending in a newline, or '' when the texts are equal. */
export function unifiedDiff(before: string, after: string, opts: UnifiedDiffOptions = {}): string {
  const lines = unifiedDiffLines(before, after, opts);
  return lines.length ? lines.join('\n') + '\n' : '';
}
