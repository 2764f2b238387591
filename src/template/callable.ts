/**
 * Functions templates can call: globals (range, lookup), macros, and Python methods bound to
 * a value (`x.split(',')`). All take positional and keyword arguments, as Python does.
 */

export type PyFunction = (args: unknown[], kwargs: Record<string, unknown>) => unknown;

const CALLABLE = Symbol('k8splay.template.callable');

export interface PyCallable extends PyFunction {
  readonly [CALLABLE]: string;
}

/** Wrap `fn` so templates can call it; `name` is shown in messages. */
export function pyCallable(name: string, fn: PyFunction): PyCallable {
  const f = fn as PyCallable;
  Object.defineProperty(f, CALLABLE, { value: name });
  return f;
}

export function isPyCallable(v: unknown): v is PyCallable {
  return typeof v === 'function' && CALLABLE in v;
}

export function callableName(v: PyCallable): string {
  return v[CALLABLE];
}
