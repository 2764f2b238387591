/**
 * `wait: true` after an apply: with a wait_condition, `kubectl wait --for=condition=...` on every
 * object of the source; without one, `kubectl rollout status` on each Deployment, DaemonSet and
 * StatefulSet the apply reported (other kinds are ready when the API server accepts them).
 * One deadline for all of it: each command gets the time left of wait_timeout.
 */
import { ModuleFailure, type ApplyContext } from '../../src/index.js';
import { objectsCommand, rolloutCommand, waitCommand, type KubectlTarget } from './command.js';
import { kubectlProblem } from './problems.js';
import type { ResultLine } from './output.js';
import type { Source } from './source.js';

/** Kubernetes' wait_condition as kubernetes.core.k8s takes it, or a plain condition name. */
export type WaitCondition = string | { type: string; status?: string | boolean };

/** `--for` argument: `condition=Available`, `condition=Ready=False`; `delete` and `condition=...` pass through. */
export function conditionFor(c: WaitCondition): string {
  if (typeof c === 'string') return /^(condition=|delete$|jsonpath=|create$)/.test(c) ? c : `condition=${c}`;
  const status = c.status === undefined ? 'True' : typeof c.status === 'boolean' ? (c.status ? 'True' : 'False') : c.status;
  return status === 'True' ? `condition=${c.type}` : `condition=${c.type}=${status}`;
}

const ROLLOUT_KINDS = new Set(['deployment', 'daemonset', 'statefulset']);

/** The results that have a rollout to wait for. */
export function rolloutTargets(lines: ResultLine[]): ResultLine[] {
  return lines.filter((l) => ROLLOUT_KINDS.has(l.kind.split('.')[0]!));
}

/** Parse `objectsCommand`'s output: `kind/name` -> namespace (undefined when cluster-wide). */
export function parseObjects(stdout: string): Map<string, string | undefined> {
  const out = new Map<string, string | undefined>();
  for (const line of stdout.split('\n')) {
    const [kind, ns, name] = line.trim().split(/\s+/);
    if (!kind || !name) continue;
    out.set(`${kind.toLowerCase()}/${name}`, ns && ns !== '<none>' ? ns : undefined);
  }
  return out;
}

export interface WaitRequest {
  target: KubectlTarget;
  source: Source;
  seconds: number;
  condition?: WaitCondition;
  /** What the apply reported (for rollouts). */
  lines: ResultLine[];
  /** Whether the apply changed something (a failed wait still reports it). */
  changed: boolean;
}

/** Wait; returns what was waited for (`kind/name`). Throws ModuleFailure on timeout. */
export async function waitForObjects(ctx: ApplyContext, w: WaitRequest): Promise<string[]> {
  const deadline = Date.now() + w.seconds * 1000;
  const left = () => Math.max(1, Math.ceil((deadline - Date.now()) / 1000));
  // kubectl enforces the timeout; ours only guards against a kubectl that hangs.
  const guard = () => ({ timeoutMs: (left() + 30) * 1000, ...(w.source.content !== undefined ? { stdin: w.source.content } : {}) });
  const fail = (what: string, r: { rc: number; stdout: string; stderr: string }) => {
    const p = kubectlProblem(r.rc, r.stderr, r.stdout, { ...(w.target.kubeconfig ? { kubeconfig: w.target.kubeconfig } : {}) });
    return new ModuleFailure(`${what}: ${p.message}`, { rc: r.rc, stdout: r.stdout, stderr: r.stderr, ...(w.changed ? { changed: true } : {}) }, { details: p.hints });
  };

  if (w.condition !== undefined) {
    const cond = conditionFor(w.condition);
    const r = await ctx.run(waitCommand(w.target, w.source.file, cond, left(), ctx.quote), guard());
    if (r.rc !== 0) throw fail(`waiting for ${cond} on ${w.source.label} failed`, r);
    return r.stdout.split('\n').map((l) => l.replace(/ condition met$/, '').trim()).filter(Boolean);
  }

  const targets = rolloutTargets(w.lines);
  if (targets.length === 0) return [];
  const r = await ctx.run(objectsCommand(w.target, w.source.file, ctx.quote), guard());
  if (r.rc !== 0) throw fail(`reading the objects of ${w.source.label} failed`, r);
  const namespaces = parseObjects(r.stdout);
  const done: string[] = [];
  for (const t of targets) {
    const kind = t.kind.split('.')[0]!;
    const resource = `${kind}/${t.name}`;
    const ns = namespaces.has(resource) ? namespaces.get(resource) : w.target.namespace;
    const rr = await ctx.run(rolloutCommand(w.target, resource, ns, left(), ctx.quote), { timeoutMs: (left() + 30) * 1000 });
    if (rr.rc !== 0) throw fail(`waiting for the rollout of ${resource}${ns ? ` in namespace ${ns}` : ''} failed`, rr);
    done.push(`${t.kind}/${t.name}`);
  }
  return done;
}
