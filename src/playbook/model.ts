/**
 * The normalised playbook the executor runs. The loader turns YAML into this shape, keeping
 * a source location on everything, so runtime errors can still point at file:line:col.
 * Values stay un-rendered (templates are rendered per host at run time).
 */
import type { SourceLocation } from '../errors.js';

/** Keywords shared by plays, blocks and tasks (inherited downwards). */
export interface CommonKeywords {
  become?: boolean | string;
  becomeUser?: string;
  becomeMethod?: string;
  /** Raw `environment:` mapping (templated at run time). */
  environment?: Record<string, unknown>;
  /** Raw `vars:` at this level. */
  vars?: Record<string, unknown>;
  tags: string[];
  /** `when:` conditions of this level (raw expressions, ANDed). */
  when: Array<string | boolean>;
  ignoreErrors?: boolean | string;
  ignoreUnreachable?: boolean;
  noLog?: boolean | string;
  checkMode?: boolean | string;
  diff?: boolean;
  runOnce?: boolean | string;
  delegateTo?: string;
  anyErrorsFatal?: boolean;
  /** Most hosts running this at once (a number, or a template). */
  throttle?: number | string;
}

/**
 * Legacy `with_<lookup>` loops. The raw value is in `loop`; after rendering it, the executor
 * turns it into the item list with `expandLegacyLoop(loopWith, value)` (with_items flattens
 * one level, with_dict gives {key, value} items...).
 */
export type LoopWith = 'items' | 'list' | 'dict' | 'indexed_items' | 'together' | 'nested' | 'flattened';

/** A task running one module. */
export interface TaskNode extends CommonKeywords {
  kind: 'task';
  name?: string;
  /** Module name as written (e.g. 'sysctl', 'ansible.builtin.command' resolved to 'command'). */
  action: string;
  /** Raw module arguments (free-form strings already split into an object by the loader). */
  args: Record<string, unknown>;
  location: SourceLocation;
  /** Location of the module key, for argument errors. */
  argsLocation?: SourceLocation;
  /** Per-argument locations, for argument errors (key -> position of the key). */
  argLocations?: Record<string, SourceLocation>;
  /** Where each task keyword was written (Ansible name -> position of the key), for keyword errors. */
  keywordLocations?: Record<string, SourceLocation>;
  register?: string;
  notify: string[];
  /** Handler-only: `listen` topics. */
  listen: string[];
  loop?: unknown;
  /** Set when the loop was written `with_<lookup>:` (see LoopWith). */
  loopWith?: LoopWith;
  loopControl?: {
    loopVar: string;
    indexVar?: string;
    label?: string;
    pause?: number;
    extended?: boolean;
  };
  changedWhen?: Array<string | boolean>;
  failedWhen?: Array<string | boolean>;
  until?: Array<string | boolean>;
  retries?: number | string;
  /** Task time limit in seconds (Ansible's `timeout` keyword; --task-timeout is the default). */
  timeout?: number | string;
  delay?: number | string;
}

/** `include_tasks: file` : loaded at run time, per host, can loop. */
export interface IncludeNode extends CommonKeywords {
  kind: 'include';
  name?: string;
  /** Raw file expression (may be templated). */
  file: string;
  /** Directory the file path is relative to. */
  baseDir: string;
  location: SourceLocation;
  loop?: unknown;
  loopWith?: LoopWith;
  loopControl?: TaskNode['loopControl'];
  /** module_defaults in force where the include is: pass them to loadTaskFile. */
  moduleDefaults?: Record<string, Record<string, unknown>>;
}

/** `meta: flush_handlers` and friends. */
export interface MetaNode extends CommonKeywords {
  kind: 'meta';
  name?: string;
  action: 'flush_handlers' | 'noop' | 'end_play' | 'end_host' | 'clear_facts' | 'refresh_inventory' | 'reset_connection' | 'clear_host_errors' | 'end_batch';
  location: SourceLocation;
}

/** block/rescue/always. Imported task files become blocks too (import is static). */
export interface BlockNode extends CommonKeywords {
  kind: 'block';
  name?: string;
  block: Node[];
  rescue: Node[];
  always: Node[];
  location: SourceLocation;
  /** True when this block came from import_tasks (shown differently in --list-tasks). */
  imported?: string;
}

export type Node = TaskNode | BlockNode | IncludeNode | MetaNode;

/**
 * A play. `when` is only set by `import_playbook ... when:`; the loader has already prepended
 * those conditions to every top-level node of pre_tasks/tasks/post_tasks (as Ansible does), so
 * the executor may use `when` only to decide about fact gathering.
 */
export interface Play extends CommonKeywords {
  name: string;
  /** Raw host pattern (may be a list joined with ':' by the loader, may be templated). */
  hosts: string;
  location: SourceLocation;
  gatherFacts: boolean;
  gatherSubset?: string[];
  gatherTimeout?: number;
  /** Raw `serial:` (number, percentage string, or a list of them). */
  serial?: unknown;
  maxFailPercentage?: number;
  forceHandlers?: boolean;
  /** Play-level connection type and user (override the inventory's defaults). */
  connection?: string;
  remoteUser?: string;
  /** vars_files paths (raw; may be templated), relative to the playbook's directory. */
  varsFiles: Array<string | string[]>;
  preTasks: Node[];
  tasks: Node[];
  postTasks: Node[];
  handlers: TaskNode[];
  /** Directory of the file the play was written in. */
  baseDir: string;
}

export interface Playbook {
  /** Absolute path of the playbook file. */
  path: string;
  baseDir: string;
  plays: Play[];
}
