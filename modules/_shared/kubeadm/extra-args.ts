/** Extra kubeadm arguments, given as a list or as one command-line string. */
import { ModuleFailure } from '../../../src/index.js';
import { shlexSplit } from '../shlex.js';

/** extra_args as argv words (a string is split as a shell would). */
export function extraArgs(a: { extra_args?: string[] | string }): string[] {
  if (a.extra_args === undefined) return [];
  if (Array.isArray(a.extra_args)) return a.extra_args;
  try {
    return shlexSplit(a.extra_args);
  } catch (e) {
    throw new ModuleFailure(`extra_args: ${(e as Error).message}`);
  }
}
