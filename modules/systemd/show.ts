/**
 * Reading `systemctl show` output into the `status` dict Ansible's systemd module returns.
 */

/**
 * Parse `systemctl show` output (Ansible's parse_systemctl_show): KEY=VALUE lines; only Exec*
 * values that open with `{` may span several lines, because a single-line value such as a
 * Description may also start with `{` without closing it.
 */
export function parseSystemctlShow(text: string): Record<string, string> {
  const parsed: Record<string, string> = {};
  let multival: string[] = [];
  let key: string | null = null;
  for (const line of text.split('\n')) {
    if (key === null) {
      const eq = line.indexOf('=');
      if (eq < 0) continue;
      const k = line.slice(0, eq);
      const v = line.slice(eq + 1);
      if (k.startsWith('Exec') && v.trimStart().startsWith('{') && !v.trimEnd().endsWith('}')) {
        key = k;
        multival.push(v);
        continue;
      }
      parsed[k] = v.trim();
    } else {
      multival.push(line);
      if (line.trimEnd().endsWith('}')) {
        parsed[key] = multival.join('\n').trim();
        multival = [];
        key = null;
      }
    }
  }
  return parsed;
}

/** systemctl's answer when it refuses to act (old versions in a chroot): Ansible's request_was_ignored. */
export function requestWasIgnored(out: string): boolean {
  return !out.includes('=') && (out.includes('ignoring request') || out.includes('ignoring command'));
}
