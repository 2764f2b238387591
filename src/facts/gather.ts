/**
 * gatherFacts: one command per host, whatever the subset. Runs the gathering script through
 * the caller's exec function and returns Ansible's facts (unprefixed, as in `ansible_facts`).
 */
import { CommandTimeoutError, ModuleFailure } from '../errors.js';
import { buildGatherCommand, SECTION_MARKER } from './script.js';
import { parseFacts } from './parse.js';
import { normalizeGatherSubset, resolveGatherSubset } from './subset.js';

/** Runs one shell command line on the host (a Connection's exec, or a test double). */
export type FactsExec = (
  cmd: string,
  opts?: { timeoutMs?: number },
) => Promise<{ rc: number; stdout: string; stderr: string }>;

export interface GatherFactsOptions {
  /** Ansible's gather_subset: a list, or a comma-separated string. Default ['all']. */
  subset?: string[] | string;
  /**
   * Ansible's gather_timeout in seconds (default 10). Bounds each probe that can hang
   * (name lookups, statfs of network mounts), as Ansible bounds each collector; the whole
   * command is abandoned after 3x this plus 5 seconds.
   */
  timeoutSec?: number;
  /**
   * Run the commands (uname, id, getent, ip three times, ls, timeout) even where shell
   * builtins and files answer: slower, the same facts (for tests comparing the two ways).
   */
  processes?: boolean;
}

export interface GatherFactsResult {
  facts: Record<string, unknown>;
  /** Warnings Ansible would print for this host (a mount that timed out, cut output). */
  warnings: string[];
  /** The collectors that ran, after gather_subset resolution. */
  collectors: string[];
}

export const DEFAULT_GATHER_TIMEOUT = 10;

/** The hard limit for the whole command, in milliseconds. */
export function gatherCommandTimeoutMs(timeoutSec: number): number {
  return (3 * timeoutSec + 5) * 1000;
}

function timeoutFailure(limitMs: number, timeoutSec: number, cause?: unknown): ModuleFailure {
  return new ModuleFailure(
    `fact gathering did not finish within ${limitMs / 1000}s (gather_timeout=${timeoutSec})`,
    { gather_timeout: timeoutSec },
    cause !== undefined ? { cause } : {},
  );
}

/** Gather facts and report warnings too. Throws ModuleFailure when gathering fails. */
export async function gatherFactsDetailed(exec: FactsExec, opts: GatherFactsOptions = {}): Promise<GatherFactsResult> {
  const subset = normalizeGatherSubset(opts.subset);
  const collectors = resolveGatherSubset(subset);
  const timeoutSec = opts.timeoutSec && opts.timeoutSec > 0 ? opts.timeoutSec : DEFAULT_GATHER_TIMEOUT;
  const meta = { gather_subset: subset, module_setup: true };
  if (collectors.size === 0) return { facts: meta, warnings: [], collectors: [] };

  const limitMs = gatherCommandTimeoutMs(timeoutSec);
  const command = buildGatherCommand(collectors, timeoutSec, opts.processes ? { processes: true } : {});
  let timer: NodeJS.Timeout | undefined;
  // Our own deadline too, in case the exec function ignores timeoutMs.
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(timeoutFailure(limitMs, timeoutSec)), limitMs);
  });
  let res: { rc: number; stdout: string; stderr: string };
  try {
    res = await Promise.race([exec(command, { timeoutMs: limitMs }), deadline]);
  } catch (e) {
    if (e instanceof CommandTimeoutError) throw timeoutFailure(limitMs, timeoutSec, e);
    throw e;
  } finally {
    clearTimeout(timer);
  }
  if (!res.stdout.startsWith(`${SECTION_MARKER}begin`)) {
    throw new ModuleFailure(`fact gathering failed (rc=${res.rc})${res.stderr.trim() ? `: ${res.stderr.trim()}` : ''}`, {
      rc: res.rc,
      stdout: res.stdout,
      stderr: res.stderr,
    });
  }
  const parsed = parseFacts(res.stdout, collectors);
  return { facts: { ...parsed.facts, ...meta }, warnings: parsed.warnings, collectors: [...collectors].sort() };
}

/**
 * Gather a host's facts in one round trip.
 *
 * @example
 * ```ts
 * const facts = await gatherFacts((cmd, o) => conn.exec(cmd, o), { subset: ['!all', 'network'] });
 * facts.default_ipv4; // { address: '192.0.2.2', interface: 'eth0', ... }
 * ```
 */
export async function gatherFacts(exec: FactsExec, opts: GatherFactsOptions = {}): Promise<Record<string, unknown>> {
  return (await gatherFactsDetailed(exec, opts)).facts;
}
