/**
 * /etc/selinux/config as Ansible's selinux module reads and edits it: the first `SELINUX=` and
 * `SELINUXTYPE=` lines give the values; an edit replaces every such line and appends one when
 * there is none. Unlike Ansible, every other line keeps its exact bytes (line endings included).
 */

/** The values the config file sets (undefined when it has no such line). */
export interface SelinuxConfigValues {
  state?: string;
  policy?: string;
}

const STATE_RE = /^SELINUX=.*$/;
const POLICY_RE = /^SELINUXTYPE=.*$/;

/** Lines with their own line endings (the last one may have none). */
function linesOf(content: string): string[] {
  const parts = content.split(/(?<=\n)/);
  return parts.length === 1 && parts[0] === '' ? [] : parts;
}

function body(line: string): string {
  return line.replace(/\r?\n$/, '');
}

/** Ansible's `line.split('=')[1].strip()` of the first matching line. */
function firstValue(lines: string[], re: RegExp): string | undefined {
  for (const l of lines) {
    const b = body(l);
    if (re.test(b)) return (b.split('=')[1] ?? '').trim();
  }
  return undefined;
}

/** Read SELINUX= and SELINUXTYPE= from the config file's text. */
export function readSelinuxConfig(content: string): SelinuxConfigValues {
  const lines = linesOf(content);
  const out: SelinuxConfigValues = {};
  const state = firstValue(lines, STATE_RE);
  const policy = firstValue(lines, POLICY_RE);
  if (state !== undefined) out.state = state;
  if (policy !== undefined) out.policy = policy;
  return out;
}

function setKey(lines: string[], re: RegExp, key: string, value: string): string[] {
  let found = false;
  const out = lines.map((l) => {
    const b = body(l);
    if (!re.test(b)) return l;
    found = true;
    return `${key}=${value}${l.slice(b.length)}`;
  });
  if (!found) {
    const last = out.length - 1;
    if (last >= 0 && !out[last]!.endsWith('\n')) out[last] += '\n';
    out.push(`${key}=${value}\n`);
  }
  return out;
}

/**
 * The config text with SELINUXTYPE= and/or SELINUX= set. Policy first, then state, as Ansible
 * writes them (so two appended lines come out in that order).
 */
export function editSelinuxConfig(content: string, set: SelinuxConfigValues): string {
  let lines = linesOf(content);
  if (set.policy !== undefined) lines = setKey(lines, POLICY_RE, 'SELINUXTYPE', set.policy);
  if (set.state !== undefined) lines = setKey(lines, STATE_RE, 'SELINUX', set.state);
  return lines.join('');
}

/** A new config file (when the host has none), with the comments RHEL ships. */
export function newSelinuxConfig(state: string, policy: string | undefined): string {
  const lines = [
    '# This file controls the state of SELinux on the system.',
    '# SELINUX= can take one of these three values:',
    '#     enforcing - SELinux security policy is enforced.',
    '#     permissive - SELinux prints warnings instead of enforcing.',
    '#     disabled - No SELinux policy is loaded.',
    `SELINUX=${state}`,
  ];
  if (policy !== undefined) lines.push('# SELINUXTYPE= the policy to load (a directory under /etc/selinux).', `SELINUXTYPE=${policy}`);
  return lines.join('\n') + '\n';
}
