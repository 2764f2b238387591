/**
 * Text helpers that reproduce Ansible's Display: banners of `*` and textwrap-style wrapping.
 */

/** Columns a string takes on a terminal (wide East Asian characters count 2). */
export function textWidth(s: string): number {
  let w = 0;
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (c < 0x20 || (c >= 0x7f && c < 0xa0) || (c >= 0x300 && c < 0x370) || c === 0x200b) continue;
    w += isWide(c) ? 2 : 1;
  }
  return w;
}

function isWide(c: number): boolean {
  return (c >= 0x1100 && c <= 0x115f) || (c >= 0x2e80 && c <= 0xa4cf) || (c >= 0xac00 && c <= 0xd7a3)
    || (c >= 0xf900 && c <= 0xfaff) || (c >= 0xfe30 && c <= 0xfe4f) || (c >= 0xff00 && c <= 0xff60)
    || (c >= 0xffe0 && c <= 0xffe6) || (c >= 0x1f300 && c <= 0x1faff) || (c >= 0x20000 && c <= 0x3fffd);
}

/**
 * Ansible's banner: a blank line, then the message and a run of `*` reaching `columns`
 * (at least 3 stars). With the default 79 columns the banner line is 80 characters.
 */
export function banner(msg: string, columns = 79): string {
  const m = msg.trim();
  const stars = Math.max(3, columns - textWidth(m));
  return `\n${m} ${'*'.repeat(stars)}`;
}

/**
 * Python's textwrap.wrap(text, width) with its defaults: whitespace becomes spaces, lines
 * break between words, whitespace at line edges is dropped, words longer than a line are cut.
 */
export function wrap(text: string, width: number): string[] {
  const chunks = text.replace(/\t/g, '        ').replace(/[\n\v\f\r]/g, ' ').split(/( +)/).filter((c) => c !== '');
  chunks.reverse();
  const lines: string[] = [];
  while (chunks.length) {
    const cur: string[] = [];
    let len = 0;
    if (chunks[chunks.length - 1]!.trim() === '' && lines.length) chunks.pop();
    while (chunks.length) {
      const l = chunks[chunks.length - 1]!.length;
      if (len + l <= width) { cur.push(chunks.pop()!); len += l; } else break;
    }
    if (chunks.length && chunks[chunks.length - 1]!.length > width) {
      const word = chunks.pop()!;
      const room = width < 1 ? 1 : width - len;
      cur.push(word.slice(0, room));
      chunks.push(word.slice(room));
    }
    if (cur.length && cur[cur.length - 1]!.trim() === '') cur.pop();
    if (cur.length) lines.push(cur.join(''));
  }
  return lines;
}
