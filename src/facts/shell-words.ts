/**
 * Small tokenizers for the shell-like texts the gathering script returns: os-release files
 * and `export -p` output (POSIX quoting, as Python's shlex in posix mode), and the kernel
 * command line (shlex in non-posix mode, which is what Ansible's cmdline facts use).
 */

/**
 * Split text into words with POSIX shell quoting: '...' literal, "..." with \" \\ \$ \`
 * escapes, backslash escapes outside quotes. With `comments`, '#' outside quotes ends the line.
 */
export function posixWords(text: string, opts: { comments?: boolean } = {}): string[] {
  const words: string[] = [];
  let i = 0;
  const n = text.length;
  while (i < n) {
    while (i < n && /\s/.test(text[i]!)) i++;
    if (i >= n) break;
    if (opts.comments && text[i] === '#') {
      while (i < n && text[i] !== '\n') i++;
      continue;
    }
    let word = '';
    while (i < n && !/\s/.test(text[i]!)) {
      const ch = text[i]!;
      if (ch === "'") {
        const end = text.indexOf("'", i + 1);
        if (end < 0) { word += text.slice(i + 1); i = n; break; }
        word += text.slice(i + 1, end);
        i = end + 1;
      } else if (ch === '"') {
        i++;
        while (i < n && text[i] !== '"') {
          if (text[i] === '\\' && i + 1 < n && '"\\$`\n'.includes(text[i + 1]!)) {
            if (text[i + 1] !== '\n') word += text[i + 1];
            i += 2;
          } else {
            word += text[i];
            i++;
          }
        }
        i++;
      } else if (ch === '\\' && i + 1 < n) {
        if (text[i + 1] !== '\n') word += text[i + 1];
        i += 2;
      } else if (opts.comments && ch === '#') {
        while (i < n && text[i] !== '\n') i++;
        break;
      } else {
        word += ch;
        i++;
      }
    }
    words.push(word);
  }
  return words;
}

/** KEY=value assignments of a shell-like file (os-release), keys lower-cased like python-distro. */
export function parseAssignments(text: string, opts: { lowerKeys?: boolean; comments?: boolean } = {}): Map<string, string> {
  const out = new Map<string, string>();
  for (const w of posixWords(text, { comments: opts.comments ?? true })) {
    const eq = w.indexOf('=');
    if (eq <= 0) continue;
    const k = w.slice(0, eq);
    out.set(opts.lowerKeys ? k.toLowerCase() : k, w.slice(eq + 1));
  }
  return out;
}

/**
 * Python's shlex.split(data, posix=False): whitespace-separated words; a word that starts
 * with a quote runs to the matching quote (quotes kept); quotes inside words are plain.
 * Throws on an unclosed quote, like shlex.
 */
export function nonPosixWords(text: string): string[] {
  const words: string[] = [];
  let i = 0;
  const n = text.length;
  while (i < n) {
    while (i < n && /\s/.test(text[i]!)) i++;
    if (i >= n) break;
    const ch = text[i]!;
    if (ch === '"' || ch === "'") {
      const end = text.indexOf(ch, i + 1);
      if (end < 0) throw new Error('No closing quotation');
      words.push(text.slice(i, end + 1));
      i = end + 1;
      continue;
    }
    let j = i;
    while (j < n && !/\s/.test(text[j]!)) j++;
    words.push(text.slice(i, j));
    i = j;
  }
  return words;
}
