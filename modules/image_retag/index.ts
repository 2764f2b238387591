/**
 * image_retag: give an image pulled from a mirror the name Kubernetes asks for, e.g.
 * registry.cn-hangzhou.aliyuncs.com/google_containers/flannel:v0.10.0-amd64 as
 * quay.io/coreos/flannel:v0.10.0-amd64 (Ansible's nearest: community.docker.docker_image_pull
 * followed by docker_image_tag). docker (default), podman, or containerd's ctr.
 *
 * No change when the target already points at the source's image id; the source is pulled
 * first when it is not on the host (pull: missing) or every run (pull: always), and a pull
 * counts as a change only when it brought a new image. State is read in one round trip;
 * check mode predicts from it without pulling.
 */
import { ModuleFailure, defineModule, type ApplyContext, type ExecResult } from '../../src/index.js';
import { dictDiff } from '../_shared/diffs.js';
import { describeSteps, planRetag, runChanged, type PullPolicy, type RetagStep } from './plan.js';
import { parseProbe, probeCommand, type Probe, type ProbeRefs } from './probe.js';
import { formatRef, fullyQualified, parseRef, targetRef, withDefaultTag } from './refs.js';
import {
  daemonHints, inspectCommand, parseInspect, pullCommand, pullHints, removeCommand, tagCommand,
  type ImageState, type Runtime, type RuntimeOptions,
} from './runtime.js';

export interface ImageRetagArgs {
  source: string;
  target: string;
  tag?: string;
  runtime: Runtime | 'auto';
  pull: PullPolicy;
  remove_source: boolean;
  namespace: string;
}

export interface ImageRetagState {
  refs: ProbeRefs;
  probe: Probe;
}

const idOf = (s: ImageState | undefined): string | undefined => (s && 'present' in s && s.present ? s.id : undefined);
const errorOf = (s: ImageState | undefined): string | undefined => (s && 'error' in s ? s.error : undefined);

/** What the task returns about the images, before or after. */
function summary(runtime: Runtime | undefined, refs: ProbeRefs, imageId: string | undefined, actions: string[]) {
  const full = runtime === 'ctr';
  return { runtime: runtime ?? null, source: full ? refs.sourceFull : refs.source, target: full ? refs.targetFull : refs.target, image_id: imageId ?? null, actions };
}

function failure(msg: string, r: ExecResult, changed: boolean, hints: string[]): ModuleFailure {
  return new ModuleFailure(msg, { rc: r.rc, stdout: r.stdout, stderr: r.stderr, ...(changed ? { changed: true } : {}) }, { details: hints });
}

/** The runtime's first error line (docker prints a blank line before it). */
const firstError = (r: ExecResult) => `${r.stderr}\n${r.stdout}`.split('\n').map((l) => l.trim()).find((l) => /error|denied|not found|unknown|cannot|refused/i.test(l))
  ?? (r.stderr.trim() || r.stdout.trim() || `exit status ${r.rc}`);

async function inspect(ctx: ApplyContext, o: RuntimeOptions, ref: string): Promise<ImageState> {
  const r = await ctx.run(`${inspectCommand(o, ref, ctx.quote)} 2>&1`);
  return parseInspect(o.runtime, ref, r.rc, r.stdout);
}

export default defineModule<ImageRetagArgs, ImageRetagState, RetagStep>({
  name: 'image_retag',
  description: 'Tag an image pulled from a mirror with the name Kubernetes expects (docker, podman or ctr); no change when the target already points at the same image id',
  schema: {
    type: 'object',
    properties: {
      source: { type: 'string', 'x-aliases': ['name'], description: 'The image to take, usually from a mirror (name[:tag] or name@digest; tag latest by default).' },
      target: { type: 'string', 'x-aliases': ['repository'], description: 'The name to give it (name[:tag]; tag latest by default, or from tag).' },
      tag: { type: 'string', description: 'The target\'s tag, when target has none.' },
      runtime: { type: 'string', enum: ['docker', 'podman', 'ctr', 'auto'], default: 'docker', description: 'The container runtime; auto: the first of docker, podman, ctr on the host.' },
      pull: { type: 'string', enum: ['always', 'missing'], default: 'missing', description: 'Pull the source when it is missing on the host, or every run.' },
      remove_source: { type: 'boolean', default: false, description: 'Remove the source name once the target points at the image (the image stays).' },
      namespace: { type: 'string', default: 'k8s.io', description: 'containerd namespace for ctr (k8s.io is the kubelet\'s).' },
    },
    required: ['source', 'target'],
  },

  async gather(ctx, args) {
    const src = withDefaultTag(parseRef(args.source, 'source'));
    const tgt = targetRef(args.target, args.tag);
    const refs: ProbeRefs = {
      source: formatRef(src), target: formatRef(tgt),
      sourceFull: formatRef(fullyQualified(src)), targetFull: formatRef(fullyQualified(tgt)),
    };
    if (refs.sourceFull === refs.targetFull) throw new ModuleFailure(`source and target are the same image: ${refs.source}`);
    const r = await ctx.run(probeCommand(args.runtime, refs, args.namespace, ctx.quote));
    return { refs, probe: parseProbe(r.stdout, refs) };
  },

  diff(args, state, ctx) {
    const { refs, probe } = state;
    const wanted: RetagStep[] = ['pull', 'tag', ...(args.remove_source ? ['remove-source' as const] : [])];
    // No runtime, or it does not answer: a fresh host in check mode (docker is installed and
    // started by earlier tasks), else a failure.
    const problem = !probe.runtime
      ? (args.runtime === 'auto' ? 'no container runtime found on the host (looked for docker, podman, ctr)' : `${args.runtime} not found on the host`)
      : errorOf(probe.source) ?? errorOf(probe.target);
    if (problem !== undefined) {
      if (ctx.checkMode) {
        return {
          changes: wanted, msg: describeSteps(wanted), result: summary(probe.runtime, refs, undefined, []),
          warnings: [`${problem}: assuming the image must be pulled and tagged`],
        };
      }
      const hints = probe.runtime ? daemonHints(problem) : ['Install and start it first (e.g. the docker-ce package and the docker service).'];
      throw new ModuleFailure(probe.runtime ? `${probe.runtime} does not answer: ${problem}` : problem, {}, { details: hints });
    }
    const runtime = probe.runtime!;
    const plan = planRetag({ pull: args.pull, removeSource: args.remove_source }, probe.source!, probe.target!);
    const srcId = idOf(probe.source);
    const tgtId = idOf(probe.target);
    const fullRefs = runtime === 'ctr';
    const name = fullRefs ? refs.targetFull : refs.target;
    const after = {
      source: plan.steps.includes('remove-source') ? 'absent' : srcId ?? '(pulled)',
      target: plan.steps.includes('tag') ? srcId ?? '(the pulled source)' : tgtId ?? 'absent',
    };
    const before = { source: srcId ?? 'absent', target: tgtId ?? 'absent' };
    return {
      changes: plan.steps,
      msg: plan.reason,
      result: summary(runtime, refs, plan.steps.length ? undefined : tgtId, []),
      ...(plan.steps.length ? { diff: [dictDiff(name, before, after)] } : {}),
    };
  },

  async apply(ctx, args, plan, state) {
    const { refs, probe } = state;
    const o: RuntimeOptions = { runtime: probe.runtime!, namespace: args.namespace };
    const full = o.runtime === 'ctr';
    const src = full ? refs.sourceFull : refs.source;
    const tgt = full ? refs.targetFull : refs.target;
    const before = probe.source!;
    let source = before;
    let target = probe.target!;
    const actions: string[] = [];
    let changedSoFar = false;
    const out: Record<string, unknown> = {};

    if (plan.changes.includes('pull')) {
      const r = await ctx.run(pullCommand(o, src, ctx.quote));
      if (r.rc !== 0) throw failure(`pulling ${src} failed: ${firstError(r)}`, r, false, pullHints(`${r.stdout}\n${r.stderr}`, src));
      out.pull_output = r.stdout;
      source = await inspect(ctx, o, src);
      if (!idOf(source)) throw new ModuleFailure(`${o.runtime} pull ${src} succeeded but the image is not there: ${errorOf(source) ?? 'no such image'}`, { stdout: r.stdout });
      if (idOf(source) !== idOf(before)) {
        actions.push(`pulled ${src}`);
        changedSoFar = true;
      }
    }

    let targetMoved = false;
    if (idOf(source) !== idOf(target)) {
      // ctr refuses to overwrite a name: remove the old one first.
      if (full && idOf(target)) {
        const rm = await ctx.run(removeCommand(o, tgt, ctx.quote));
        if (rm.rc !== 0) throw failure(`removing the old ${tgt} failed: ${firstError(rm)}`, rm, changedSoFar, daemonHints(rm.stderr));
      }
      const r = await ctx.run(tagCommand(o, src, tgt, ctx.quote));
      if (r.rc !== 0) throw failure(`tagging ${src} as ${tgt} failed: ${firstError(r)}`, r, changedSoFar || full, daemonHints(r.stderr));
      targetMoved = true;
      target = source;
      actions.push(`tagged ${src} as ${tgt}`);
    }

    if (plan.changes.includes('remove-source')) {
      const r = await ctx.run(removeCommand(o, src, ctx.quote));
      if (r.rc !== 0) throw failure(`removing ${src} failed: ${firstError(r)}`, r, changedSoFar || targetMoved, daemonHints(r.stderr));
      out.remove_output = r.stdout;
      actions.push(`removed ${src}`);
      source = { present: false };
    }

    return { ...summary(o.runtime, refs, idOf(target), actions), ...out, changed: runChanged(before, source, targetMoved) };
  },
});
