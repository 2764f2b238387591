/**
 * How one task result is shown: Ansible's labels and result dicts, plus the readable failure
 * block k8splay prints instead of Ansible's one-line JSON.
 */
import type { TaskInfo, TaskResult } from '../events/types.js';
import { pyJson, pyStr } from './python-json.js';

import { CENSORED_MSG } from '../executor/censor.js';

export { CENSORED_MSG };

const DEBUG_ACTIONS = new Set(['debug', 'ansible.builtin.debug', 'ansible.legacy.debug']);

/** Debug results are always shown with their dict, indented (Ansible's _ansible_verbose_always). */
export function isDebugAction(action: string): boolean {
  return DEBUG_ACTIONS.has(action);
}

/** Modules that set _ansible_verbose_always in Ansible: their ok result is printed at -v0 too. */
const VERBOSE_ALWAYS_ACTIONS = new Set(['assert', 'ansible.builtin.assert', 'ansible.legacy.assert']);

export function isVerboseAlways(action: string): boolean {
  return VERBOSE_ALWAYS_ACTIONS.has(action);
}

/** `host` or `host -> delegate` (Ansible's host_label). */
export function hostLabel(r: TaskResult): string {
  return r.delegatedTo && r.delegatedTo !== r.host ? `${r.host} -> ${r.delegatedTo}` : r.host;
}

/** The `(item=...)` label: Python's str() of the item, or a no_log notice. */
export function itemLabel(r: TaskResult): string {
  return r.censored ? '(censored due to no_log)' : pyStr(r.item);
}

function publicData(data: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(data ?? {})) if (!k.startsWith('_ansible_')) out[k] = v;
  return out;
}

/**
 * The result as Ansible's callback dumps it under -v: module data plus changed/msg and the
 * status keys Ansible shows (skip_reason, unreachable); invocation only from -vvv.
 */
export function resultDict(r: TaskResult, verbosity: number): Record<string, unknown> {
  if (r.censored) return { censored: CENSORED_MSG, changed: r.changed };
  const d = publicData(r.data);
  d.changed = r.changed;
  if (r.msg !== undefined && d.msg === undefined) d.msg = r.msg;
  if (r.items) {
    // Items were shown one by one (Ansible's _process_items drops them from the summary).
    delete d.results;
    if (r.status === 'skipped' && d.msg === undefined && r.skipReason !== undefined) d.msg = r.skipReason;
  }
  if (r.status === 'skipped') {
    d.changed = false;
    if (r.skipReason !== undefined && d.skip_reason === undefined && d.msg === undefined) d.skip_reason = r.skipReason;
  }
  if (r.status === 'unreachable') d.unreachable = true;
  if (r.item !== undefined && d.item === undefined) d.item = r.item;
  if (verbosity < 3) delete d.invocation;
  delete d.exception;
  delete d.warnings;
  delete d.diff;
  return d;
}

/** A debug result's dict: only `msg`, or the variable shown (Ansible's _clean_results). */
export function debugDict(r: TaskResult): Record<string, unknown> {
  if (r.censored) return { censored: CENSORED_MSG, changed: r.changed };
  const d = publicData(r.data);
  delete d.warnings;
  const keys = Object.keys(d).filter((k) => !['changed', 'failed', 'skipped', 'invocation', 'skip_reason'].includes(k));
  if (d.msg === undefined && keys.length === 0 && r.msg !== undefined) return { msg: r.msg };
  if ('msg' in d) {
    const out: Record<string, unknown> = {};
    for (const k of ['msg', 'exception', 'deprecations']) if (k in d) out[k] = d[k];
    return out;
  }
  const out: Record<string, unknown> = {};
  for (const k of keys) out[k] = d[k];
  return out;
}

/** Keys shown first in a failure, in this order. */
const FIRST_KEYS = ['cmd', 'rc', 'stderr', 'stdout'];
/** Keys never shown in a failure block (duplicates, bookkeeping, or shown elsewhere). */
const HIDDEN_KEYS = new Set([
  'msg', 'changed', 'failed', 'stdout_lines', 'stderr_lines', 'item', 'ansible_loop_var', 'warnings',
  'deprecations', 'diff', 'skip_reason', 'skipped', 'unreachable', 'results', 'censored', 'exception', 'invocation',
]);
const TIMING_KEYS = new Set(['start', 'end', 'delta']);
/** stdout lines shown at verbosity 0 (the end of the output, where errors usually are). */
const STDOUT_TAIL = 50;

/** Quote one argv word for display the way a shell would read it. */
function shellWord(w: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(w) ? w : `'${w.replace(/'/g, `'\\''`)}'`;
}

function valueText(key: string, v: unknown): string {
  if (typeof v === 'string') return v;
  if (key === 'cmd' && Array.isArray(v) && v.every((x) => typeof x === 'string')) return v.map(shellWord).join(' ');
  return pyJson(v);
}

/** The failure message: module message, else data.msg, else a generic text. */
export function failureMessage(r: TaskResult): string {
  if (r.censored) return CENSORED_MSG;
  const m = r.msg ?? r.data?.msg;
  if (m === undefined || m === null || m === '') return r.status === 'unreachable' ? 'host unreachable' : 'task failed';
  return typeof m === 'string' ? m : pyJson(m);
}

export interface FailureOptions {
  verbosity: number;
  /** Task whose location is shown (omitted for loop items). */
  task?: TaskInfo;
}

/**
 * The lines under a `fatal:` head: the rest of a multi-line message, then `key: value` lines
 * (command, exit code, stderr, stdout first), multi-line values as indented blocks.
 */
export function failureDetails(r: TaskResult, opts: FailureOptions): string[] {
  const lines: string[] = [];
  const msgLines = failureMessage(r).replace(/\n+$/, '').split('\n');
  for (const l of msgLines.slice(1)) lines.push(`    ${l}`);
  if (r.censored) return lines;
  const data = publicData(r.data);
  const show = (key: string, value: unknown): void => {
    if (value === undefined || value === null) return;
    let text = valueText(key, value).replace(/\s+$/, '');
    if (text === '') return;
    let parts = text.split('\n');
    if (key === 'stdout' && opts.verbosity === 0 && parts.length > STDOUT_TAIL) {
      const hidden = parts.length - STDOUT_TAIL;
      parts = [`... ${hidden} earlier line${hidden === 1 ? '' : 's'} not shown (-v shows all)`, ...parts.slice(-STDOUT_TAIL)];
      text = parts.join('\n');
    }
    if (parts.length === 1) lines.push(`    ${key}: ${text}`);
    else {
      lines.push(`    ${key}:`);
      for (const p of parts) lines.push(`        ${p}`);
    }
  };
  for (const k of FIRST_KEYS) show(k, data[k]);
  for (const k of Object.keys(data).sort()) {
    if (FIRST_KEYS.includes(k) || HIDDEN_KEYS.has(k)) continue;
    if (TIMING_KEYS.has(k) && opts.verbosity < 1) continue;
    show(k, data[k]);
  }
  if (opts.verbosity >= 3) {
    show('invocation', data.invocation);
    show('exception', data.exception);
  }
  const loc = opts.task?.location;
  if (loc) lines.push(`    task path: ${loc.file}${loc.line !== undefined ? `:${loc.line}` : ''}${loc.line !== undefined && loc.column !== undefined ? `:${loc.column}` : ''}`);
  return lines;
}
