import type { HostStats, TaskResult } from '../events/types.js';

/**
 * PLAY RECAP counting, as Ansible does it: a changed task is also ok; an ignored failure
 * counts as ok and ignored (and changed when it changed); a rescued failure is moved from
 * failed to rescued by the block runner.
 */
export function countResult(s: HostStats, r: TaskResult): void {
  switch (r.status) {
    case 'ok': s.ok++; break;
    case 'changed': s.ok++; s.changed++; break;
    case 'skipped': s.skipped++; break;
    case 'unreachable':
      if (r.ignored) { s.ok++; s.ignored++; } else s.unreachable++;
      break;
    case 'failed':
      if (r.ignored) {
        s.ok++; s.ignored++;
        if (r.changed) s.changed++;
      } else s.failed++;
      break;
  }
}

export function emptyStats(): HostStats {
  return { ok: 0, changed: 0, unreachable: 0, failed: 0, skipped: 0, rescued: 0, ignored: 0 };
}
