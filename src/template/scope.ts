/**
 * Lazy variables, as Ansible resolves them: a variable whose value holds templates
 * (`url: "http://{{ host }}"`, also deep inside dicts and lists) is rendered when a template
 * reads it, once per call, with cycle detection. A variable whose rendering hits an undefined
 * name is itself undefined (so `is defined` is false and `default()` applies).
 *
 * `hostvars` is a view: `hostvars['m'].x` renders only m's `x`, in m's own variables.
 */
import type { Scope, Session } from './context.js';
import { Undefined } from './undefined.js';
import { MappingView } from './mapping-view.js';
import { Namespace, toPlain } from './python.js';
import { isUnsafe } from './unsafe.js';
import { TemplateFault } from './runtime-error.js';
import { globalValue } from './globals.js';
import { didYouMean } from '../util/suggest.js';

/** Containers known to hold no templates, views or Undefined (results of rendering). */
const CLEAN = new WeakSet<object>();

export function markClean<T>(v: T): T {
  if (v !== null && typeof v === 'object') CLEAN.add(v as object);
  return v;
}

/** Containers that never need a walk: rendered results and data marked unsafe. */
export function isSettled(o: object): boolean {
  return CLEAN.has(o) || isUnsafe(o);
}

/** Whether `s` may contain a template ({{, {% or {#), as Ansible's is_possibly_template. */
export function isPossiblyTemplate(s: string): boolean {
  let i = s.indexOf('{');
  while (i !== -1 && i < s.length - 1) {
    const c = s.charCodeAt(i + 1);
    if (c === 123 || c === 37 || c === 35) return true;
    i = s.indexOf('{', i + 1);
  }
  return false;
}

const OBJECT_PROTO = Object.prototype as unknown as Record<string, unknown>;

/**
 * `name` is a variable of `raw`: its own, or one of the layers it inherits from when it is a
 * vars prototype chain (the executor's task scopes: see src/executor/variables.ts), a variable
 * holding `undefined` included, as in the same variables copied into one object.
 */
export function hasVar(raw: Record<string, unknown>, name: string): boolean {
  for (let o: object | null = raw; o !== null && o !== OBJECT_PROTO; o = Object.getPrototypeOf(o)) {
    if (Object.prototype.hasOwnProperty.call(o, name)) return true;
  }
  return false;
}

/**
 * The variables of `raw` as one plain object: `raw` itself, or for a vars prototype chain its
 * layers copied into a new object, lowest first, so that names, their order and values are
 * those of the same layers copied with Object.assign (what enumerating a scope shows).
 */
export function flatVars(raw: Record<string, unknown>): Record<string, unknown> {
  const proto = Object.getPrototypeOf(raw);
  if (proto === OBJECT_PROTO || proto === null) return raw;
  const layers: object[] = [];
  for (let o: object | null = raw; o !== null && o !== OBJECT_PROTO; o = Object.getPrototypeOf(o)) layers.push(o);
  return Object.assign({}, ...layers.reverse());
}

/** The names of the variables of `raw` (a vars prototype chain's inherited ones included). */
export function varNames(raw: Record<string, unknown>): string[] {
  return Object.keys(flatVars(raw));
}

function isPlainObject(v: object): v is Record<string, unknown> {
  const p = Object.getPrototypeOf(v);
  return p === Object.prototype || p === null;
}

/** Render every template string inside `v`; containers are copied only when something changed. */
export function deepRender(v: unknown, scope: Scope): unknown {
  if (typeof v === 'string') return isPossiblyTemplate(v) ? scope.session.renderVariable(v, scope) : v;
  if (v === null || v === undefined) return null;
  if (typeof v !== 'object' || isSettled(v)) return v;
  if (Array.isArray(v)) {
    let out: unknown[] | undefined;
    for (let i = 0; i < v.length; i++) {
      const x = deepRender(v[i], scope);
      if (x !== v[i] && !out) out = v.slice(0, i);
      if (out) out.push(x);
    }
    return markClean(out ?? v);
  }
  if (!isPlainObject(v)) return v;
  let out: Record<string, unknown> | undefined;
  const keys = Object.keys(v);
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i]!;
    const x = deepRender(v[k], scope);
    if (x !== v[k] && !out) {
      out = {};
      for (let j = 0; j < i; j++) out[keys[j]!] = v[keys[j]!];
    }
    if (out) out[k] = x;
  }
  return markClean(out ?? v);
}

function describe(v: unknown): string {
  if (typeof v === 'string') return v;
  try {
    return JSON.stringify(v);
  } catch {
    return String(v);
  }
}

/** Names that are the same for every host: a host's scope may take them from the caller's. */
const PLAY_WIDE = new Set([
  'hostvars', 'groups', 'omit', 'playbook_dir', 'ansible_check_mode', 'ansible_diff_mode', 'ansible_verbosity',
  'ansible_play_hosts', 'ansible_play_batch', 'ansible_play_hosts_all', 'play_hosts', 'ansible_play_name',
]);

/** The variables of one host (or of the current task), resolved lazily and cached. */
export class VarScope implements Scope {
  private cache?: Map<string, unknown>;
  private readonly resolving: string[] = [];

  constructor(
    readonly raw: Record<string, unknown>,
    readonly session: Session,
    /** Host name when this is `hostvars[host]`, for messages. */
    readonly host?: string,
    /** For a host's scope: the scope it was reached from, for play-wide magic names. */
    private readonly parent?: VarScope,
  ) {}

  has(name: string): boolean {
    return hasVar(this.raw, name);
  }

  lookup(name: string): unknown {
    const cache = this.cache;
    if (cache) {
      const hit = cache.get(name);
      if (hit !== undefined || cache.has(name)) return hit;
    }
    const value = this.compute(name);
    (this.cache ??= new Map()).set(name, value);
    return value;
  }

  private compute(name: string): unknown {
    const raw = this.raw;
    if (hasVar(raw, name)) {
      const v = raw[name];
      if (name === 'hostvars' && v !== null && typeof v === 'object') return this.session.hostvarsView(v, this);
      return this.resolve(name, v);
    }
    if (name === 'vars') return new VarsView(this);
    if (this.parent && PLAY_WIDE.has(name)) return this.parent.lookup(name);
    const g = globalValue(name, this);
    if (g !== undefined) return g;
    return new Undefined(`'${name}' is undefined`, name, () => {
      const hint = didYouMean(name, varNames(raw));
      return hint ? [hint.replace(/^, /, '')] : [];
    });
  }

  private resolve(name: string, v: unknown): unknown {
    if (typeof v === 'string') {
      if (!isPossiblyTemplate(v)) return v;
    } else if (v === null || v === undefined) return null;
    else if (typeof v !== 'object' || isSettled(v)) return v;
    if (this.resolving.includes(name)) {
      const chain = [...this.resolving.slice(this.resolving.indexOf(name)), name].join(' -> ');
      throw new TemplateFault(`recursive loop detected in template string: ${describe(v)}`, 'recursion', [`variables refer to each other: ${chain}`]);
    }
    this.resolving.push(name);
    try {
      return deepRender(v, this);
    } catch (e) {
      if (e instanceof TemplateFault && e.kind === 'undefined') {
        return new Undefined(e.message, name, [...e.details, `while templating variable '${name}': ${describe(v)}`]);
      }
      throw e;
    } finally {
      this.resolving.pop();
    }
  }
}

/** `vars`: the current variables by name (`vars['kube_' + x]`). */
export class VarsView extends MappingView {
  readonly typeName = 'dict';
  constructor(private readonly scope: VarScope) {
    super();
  }
  keys(): string[] {
    return varNames(this.scope.raw);
  }
  has(key: string): boolean {
    return this.scope.has(key);
  }
  get(key: string): unknown {
    if (!this.scope.has(key)) return new Undefined(`'dict object' has no attribute '${key}'`, key);
    return this.scope.lookup(key);
  }
  materialize(): Record<string, unknown> {
    return materializeScope(this.scope);
  }
}

/** `hostvars['m']`: m's variables, rendered in m's own scope when read. */
export class HostView extends MappingView {
  readonly typeName = 'HostVarsVars';
  constructor(readonly scope: VarScope) {
    super();
  }
  keys(): string[] {
    return varNames(this.scope.raw);
  }
  has(key: string): boolean {
    return this.scope.has(key);
  }
  get(key: string): unknown {
    if (!this.scope.has(key)) return new Undefined(`"hostvars['${this.scope.host}']" has no attribute '${key}'`, key);
    return this.scope.lookup(key);
  }
  materialize(): Record<string, unknown> {
    return materializeScope(this.scope);
  }
}

/** Every variable of a scope, rendered; variables that cannot be rendered are left out. */
function materializeScope(scope: VarScope): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of varNames(scope.raw)) {
    if (k === 'hostvars' || k === 'vars') continue;
    const v = scope.lookup(k);
    if (v instanceof Undefined || v instanceof MappingView || v instanceof Namespace) continue;
    out[k] = toPlain(v, isSettled);
  }
  return out;
}

/** `hostvars`: host name -> HostView, each host resolved only when read. */
export class HostVarsView extends MappingView {
  readonly typeName = 'HostVars';
  private readonly hosts = new Map<string, HostView>();
  constructor(
    private readonly raw: Record<string, unknown>,
    private readonly session: Session,
    private readonly from: VarScope,
  ) {
    super();
  }
  keys(): string[] {
    return Object.keys(this.raw);
  }
  has(key: string): boolean {
    return this.get(key) instanceof HostView;
  }
  get(key: string): unknown {
    const hit = this.hosts.get(key);
    if (hit) return hit;
    const v = this.raw[key];
    if (v === null || typeof v !== 'object') return new Undefined(`"hostvars['${key}']" is undefined`, key);
    const view = new HostView(new VarScope(v as Record<string, unknown>, this.session, key, this.from));
    this.hosts.set(key, view);
    return view;
  }
  materialize(): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const h of this.keys()) {
      const v = this.get(h);
      if (v instanceof HostView) out[h] = v.materialize();
    }
    return out;
  }
}
