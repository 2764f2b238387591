/**
 * The pure decisions of image_retag: given what the source and the target point at, which of
 * pull, tag and remove-source to run. No change when the target already points at the source's
 * image id. With remove_source, an absent source and a present target is the state a previous
 * run left: nothing to do (there is nothing left to compare with, and pulling again to compare
 * would undo the removal).
 */
import type { ImageState } from './runtime.js';

export type PullPolicy = 'always' | 'missing';
export type RetagStep = 'pull' | 'tag' | 'remove-source';

export interface RetagWish {
  pull: PullPolicy;
  removeSource: boolean;
}

export interface RetagPlan {
  steps: RetagStep[];
  /** Why, in words (the task's message when nothing is to do). */
  reason: string;
}

const present = (s: ImageState | undefined): s is { present: true; id: string } => !!s && 'present' in s && s.present;

/** Decide from the observed states (both known: no runtime errors). */
export function planRetag(w: RetagWish, source: ImageState, target: ImageState): RetagPlan {
  const steps: RetagStep[] = [];
  const srcHere = present(source);
  const tgtHere = present(target);
  if (!srcHere && tgtHere && w.removeSource && w.pull === 'missing') {
    return { steps, reason: 'the target is present and the source was removed: retagged before' };
  }
  if (!srcHere || w.pull === 'always') steps.push('pull');
  // Without the source's id (not pulled yet) the tag is decided after the pull.
  if (!srcHere || !tgtHere || target.id !== source.id) steps.push('tag');
  if (w.removeSource) steps.push('remove-source');
  if (steps.length === 0) return { steps, reason: 'the target already points at the source image' };
  return { steps, reason: describeSteps(steps) };
}

/** e.g. "pull the source, tag it as the target". */
export function describeSteps(steps: RetagStep[]): string {
  const words: Record<RetagStep, string> = { pull: 'pull the source', tag: 'tag it as the target', 'remove-source': 'remove the source name' };
  return steps.map((s) => words[s]).join(', ');
}

/**
 * Whether a run changed the host: the target moved, or the source's local state differs from
 * before the run (pulled anew or to a new id, or removed). A source pulled and removed in the
 * same run leaves it as it was.
 */
export function runChanged(before: ImageState, after: ImageState, targetMoved: boolean): boolean {
  if (targetMoved) return true;
  const b = present(before) ? before.id : undefined;
  const a = present(after) ? after.id : undefined;
  return a !== b;
}
