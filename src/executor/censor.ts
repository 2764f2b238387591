/**
 * no_log: a censored result keeps its status and nothing else, everywhere it goes
 * (console, --json, events, error messages).
 */
import type { TaskResult } from '../events/types.js';

export const CENSORED_MSG = "the output has been hidden due to the fact that 'no_log: true' was specified for this result";

export function censorResult(r: TaskResult): TaskResult {
  const out: TaskResult = {
    host: r.host, status: r.status, changed: r.changed, durationMs: r.durationMs,
    data: { censored: CENSORED_MSG }, censored: true,
  };
  if (r.delegatedTo) out.delegatedTo = r.delegatedTo;
  if (r.skipReason) out.skipReason = r.skipReason;
  if (r.status === 'failed' || r.status === 'unreachable') out.msg = CENSORED_MSG;
  return out;
}
