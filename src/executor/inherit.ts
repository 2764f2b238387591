/**
 * Keywords inherited from play to block to task: the nearest level that sets a keyword wins,
 * `when` conditions and `tags` accumulate, `vars` and `environment` stack.
 */
import type { CommonKeywords } from '../playbook/model.js';

export interface Inherited {
  become?: boolean | string;
  becomeUser?: string;
  becomeMethod?: string;
  environment: Array<Record<string, unknown>>;
  varsLayers: Array<Record<string, unknown>>;
  when: Array<string | boolean>;
  tags: string[];
  ignoreErrors?: boolean | string;
  ignoreUnreachable?: boolean;
  noLog?: boolean | string;
  checkMode?: boolean | string;
  diff?: boolean;
  runOnce?: boolean | string;
  delegateTo?: string;
  anyErrorsFatal?: boolean;
  /** Most hosts running the task at once (a number, or a template). */
  throttle?: number | string;
  /** Parameters of include_tasks and loop variables of an include, visible to included tasks. */
  params?: Record<string, unknown>;
}

export function rootInherited(): Inherited {
  return { environment: [], varsLayers: [], when: [], tags: [] };
}

/**
 * inherit()'s answers per parent, node and options: a task asks the same on every host (and
 * again when read ahead). Answers are shared, so never changed by their callers.
 */
const answers = new WeakMap<Inherited, WeakMap<CommonKeywords, Array<Inherited | undefined>>>();

/**
 * The keywords that apply to the children of `node`, given what applies to `node`. The same
 * object for the same arguments: read-only.
 */
export function inherit(parent: Inherited, node: CommonKeywords, opts: { withWhen?: boolean; withVars?: boolean } = {}): Inherited {
  const variant = (opts.withWhen !== false ? 1 : 0) + (opts.withVars !== false ? 2 : 0);
  let byNode = answers.get(parent);
  if (!byNode) answers.set(parent, (byNode = new WeakMap()));
  let list = byNode.get(node);
  if (!list) byNode.set(node, (list = []));
  return (list[variant] ??= compute(parent, node, opts));
}

function compute(parent: Inherited, node: CommonKeywords, opts: { withWhen?: boolean; withVars?: boolean }): Inherited {
  const pick = <K extends keyof CommonKeywords & keyof Inherited>(k: K): Inherited[K] =>
    (node[k] !== undefined ? node[k] : parent[k]) as Inherited[K];
  return {
    become: pick('become'),
    becomeUser: pick('becomeUser'),
    becomeMethod: pick('becomeMethod'),
    environment: node.environment ? [...parent.environment, node.environment] : parent.environment,
    varsLayers: opts.withVars !== false && node.vars ? [...parent.varsLayers, node.vars] : parent.varsLayers,
    when: opts.withWhen !== false && node.when.length ? [...parent.when, ...node.when] : parent.when,
    tags: node.tags.length ? [...new Set([...parent.tags, ...node.tags])] : parent.tags,
    ignoreErrors: pick('ignoreErrors'),
    ignoreUnreachable: pick('ignoreUnreachable'),
    noLog: pick('noLog'),
    checkMode: pick('checkMode'),
    diff: pick('diff'),
    runOnce: pick('runOnce'),
    delegateTo: pick('delegateTo'),
    anyErrorsFatal: pick('anyErrorsFatal'),
    throttle: pick('throttle'),
    params: parent.params,
  };
}
