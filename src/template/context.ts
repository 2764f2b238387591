/**
 * What compiled templates run against: a variable scope (lazy, see scope.ts) and a frame
 * holding the template's own names (`{% set %}`, loop variables, macro arguments).
 */
import type { SourceLocation } from '../errors.js';

/** Template-local names: null-prototype objects chained with Object.create(parent). */
export type Frame = Record<string, unknown>;

/** Resolves names that are not template-local. */
export interface Scope {
  lookup(name: string): unknown;
  readonly session: Session;
}

export interface EvalContext {
  scope: Scope;
  frame: Frame;
}

/** A lookup plugin: `lookup('name', *terms, **kwargs)` returns the list of results. */
export type LookupFunction = (terms: unknown[], kwargs: Record<string, unknown>, vars: LookupVars) => unknown[];

/** Read access to variables for lookups (`lookup('vars', 'x')`). */
export interface LookupVars {
  get(name: string): unknown;
  has(name: string): boolean;
}

/** Options shared by everything rendered in one call. */
export interface SessionOptions {
  location?: SourceLocation;
  warn?: (message: string) => void;
  lookups?: Record<string, LookupFunction>;
  /** Directory that relative paths of lookup('file', ...) start from. */
  baseDir?: string;
  /** Source of `{% include %}`d templates, by name. */
  loader?: (name: string) => string;
}

/** One public call's state: options, compiled-program runner, and per-host scopes. */
export interface Session {
  readonly opts: SessionOptions;
  /** Render a string the way variable values are rendered (native value, Ansible conversion). */
  renderVariable(text: string, scope: Scope): unknown;
  /** The view for `hostvars` (cached per hostvars object); `from` is the scope reading it. */
  hostvarsView(raw: object, from: Scope): unknown;
}

export function newFrame(parent?: Frame): Frame {
  return Object.create(parent ?? null) as Frame;
}
