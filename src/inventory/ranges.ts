/**
 * Host ranges in inventory host names, as Ansible expands them (`expand_hostname_range` in
 * plugins/inventory/__init__.py): `node[1:3]`, `web[01:10]` (zero padding kept, both ends the
 * same width), `[a:f]`, strides `[0:8:2]`, and several ranges in one name (`r[1:2]-n[a:b]`).
 */

/** A range Ansible cannot expand; the message is Ansible's own wording. */
export class HostRangeError extends Error {}

const ASCII_LETTERS = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';

/** Whether a host name holds a range to expand (Ansible only looks for `[`). */
export function hasHostRange(name: string): boolean {
  return name.includes('[');
}

/**
 * Expands every `[begin:end(:step)]` in `name`, left to right, into the host names it stands for.
 * Throws HostRangeError for a malformed range.
 */
export function expandHostRange(name: string): string[] {
  // Ansible splits at the first '[' and the first ']' (wherever it is).
  const open = name.indexOf('[');
  const close = name.indexOf(']');
  if (open < 0 || close < 0 || close < open) throw new HostRangeError("unclosed '[' in host range");
  if (name.slice(0, close).includes('|') || name.slice(open + 1, close).includes('[')) {
    throw new HostRangeError("unexpected character in host range");
  }
  const head = name.slice(0, open);
  const range = name.slice(open + 1, close);
  const tail = name.slice(close + 1);

  const bounds = range.split(':');
  if (bounds.length !== 2 && bounds.length !== 3) {
    throw new HostRangeError('host range must be begin:end or begin:end:step');
  }
  const beg = bounds[0] || '0';
  const end = bounds[1]!;
  const stepText = bounds.length === 3 ? bounds[2]! : '1';
  if (!end) throw new HostRangeError('host range must specify end value');

  let fill = (x: string): string => x;
  if (beg[0] === '0' && beg.length > 1) {
    if (beg.length !== end.length) {
      throw new HostRangeError('host range must specify equal-length begin and end formats');
    }
    fill = (x) => x.padStart(beg.length, '0');
  }

  const step = pyInt(stepText);
  if (step === undefined || step <= 0) throw new HostRangeError(`host range step must be a positive integer, got '${stepText}'`);

  let seq: string[];
  const iBeg = ASCII_LETTERS.indexOf(beg);
  const iEnd = ASCII_LETTERS.indexOf(end);
  if (iBeg >= 0 && iEnd >= 0) {
    if (iBeg > iEnd) throw new HostRangeError('host range must have begin <= end');
    seq = [];
    for (let i = iBeg; i <= iEnd; i += step) seq.push(ASCII_LETTERS[i]!);
  } else {
    const b = pyInt(beg);
    const e = pyInt(end);
    if (b === undefined || e === undefined) {
      throw new HostRangeError(`host range bounds must be numbers or single letters, got '${range}'`);
    }
    // Ansible yields no host at all here; a range that names nothing is a mistake worth reporting.
    if (b > e) throw new HostRangeError('host range must have begin <= end');
    seq = [];
    for (let i = b; i <= e; i += step) seq.push(String(i));
  }

  const out: string[] = [];
  for (const part of seq) {
    const host = head + fill(part) + tail;
    if (hasHostRange(host)) out.push(...expandHostRange(host));
    else out.push(host);
  }
  return out;
}

/** Python's int() of a string: optional sign, digits with single underscores, blanks around. */
function pyInt(s: string): number | undefined {
  const t = s.trim();
  if (!/^[+-]?\d(?:_?\d)*$/.test(t)) return undefined;
  const n = Number(t.replace(/_/g, ''));
  return Number.isSafeInteger(n) ? n : undefined;
}
