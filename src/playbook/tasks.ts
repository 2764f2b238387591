/**
 * Task lists: tasks, blocks, import_tasks (static: the file is read now and becomes a block),
 * include_tasks (dynamic: an IncludeNode loaded at run time), meta, and handlers.
 */
import { dirname, resolve } from 'node:path';
import type { Node as YNode } from 'yaml';
import type { ModuleRegistry } from '../module-api/registry.js';
import type { LoadedModule } from '../module-api/types.js';
import type { BlockNode, CommonKeywords, IncludeNode, LoopWith, MetaNode, Node, TaskNode } from './model.js';
import type { Diagnostics } from './diagnostics.js';
import { type YamlFile, locationOf, readYamlFile } from './yaml-source.js';
import { type MapEntry, asMap, asSeq, mapEntries, toData, describeKind } from './yaml-nodes.js';
import { type Entry, readEntry, checkEntry, commonKeywords, context, keyLocation, compact } from './entry.js';
import { KIND_KEYWORDS } from './schema.js';
import { META_ACTIONS, UNSUPPORTED_KEYWORDS, WITH_LOOKUPS, specialAction } from './keywords.js';
import {
  type LocatedArgs, type ModuleDefaults, argsOfValue, layerArgs, oldStyleCall, resolveModule,
} from './module-call.js';
import { conditionList, intOrTemplate, parseBool, stringList, text } from './values.js';
import { displayPath } from './paths.js';
import { isTemplated } from '../module-api/templated.js';
import { levenshtein, suggest, didYouMean } from '../util/suggest.js';

/** What the parser carries down a playbook. */
export interface Scope {
  registry: ModuleRegistry;
  diag: Diagnostics;
  cwd: string;
  /** Absolute paths of the files being read, outermost first (to catch recursive imports). */
  stack: string[];
  moduleDefaults: ModuleDefaults;
}

/** Tasks run in order, or handlers (which may `listen`, and must be plain tasks). */
export type Role = 'task' | 'handler';

/** Parse a list of tasks (the value of tasks:, block:, a task file's root...). */
export async function parseTaskList(file: YamlFile, node: YNode | null, scope: Scope, role: Role): Promise<Node[]> {
  // `tasks:` with nothing under it is an empty list, as in Ansible.
  if (!node || toData(file, node) === null) return [];
  const seq = asSeq(file, node);
  if (!seq) {
    const what = role === 'handler' ? 'handlers' : 'tasks';
    scope.diag.error(`expected a list of ${what}, got ${describeKind(toData(file, node))}`, locationOf(file, node));
    return [];
  }
  const out: Node[] = [];
  for (const item of seq.items) out.push(...(await parseTaskEntry(file, item as YNode, scope, role)));
  return out;
}

async function parseTaskEntry(file: YamlFile, node: YNode, scope: Scope, role: Role): Promise<Node[]> {
  const map = asMap(file, node);
  if (!map) {
    const got = describeKind(toData(file, node));
    scope.diag.error(`a task must be a mapping (key: value), got ${got}`, locationOf(file, node));
    return [];
  }
  const keys = mapEntries(file, map).map((e) => e.key);
  if (keys.includes('block')) {
    const entry = readEntry(file, map, 'block');
    if (role === 'handler') {
      scope.diag.error('blocks are not supported in handlers', entry.location);
      return [];
    }
    return parseBlock(entry, scope, role);
  }
  const specials = keys.filter((k) => specialAction(k));
  if (specials.length > 1) {
    const entry = readEntry(file, map, 'task');
    scope.diag.error(`conflicting actions in task: '${specials[0]}' and '${specials[1]}'`, keyLocation(entry, specialAction(specials[1]!)!));
    return [];
  }
  switch (specials.length ? specialAction(specials[0]!) : undefined) {
    case 'import_tasks': return parseImportTasks(readEntry(file, map, 'import_tasks'), scope, role);
    case 'include_tasks': return parseIncludeTasks(readEntry(file, map, 'include_tasks'), scope, role);
    case 'meta': return parseMeta(readEntry(file, map, 'meta'), scope, role);
    case 'import_playbook': {
      const entry = readEntry(file, map, 'task');
      scope.diag.error('import_playbook can only be used at the top level of a playbook, not in a task list', entry.location);
      return [];
    }
    default: return parseTask(readEntry(file, map, role === 'handler' ? 'handler' : 'task'), scope);
  }
}

/** Report a key that is not a keyword of its entry (with a suggestion or the reason it is refused). */
function reportOtherKey(entry: Entry, e: MapEntry, scope: Scope, opts: { moduleSeen?: boolean; moduleSuggestions?: boolean } = {}): void {
  const loc = locationOf(entry.file, e.keyNode);
  const ctx = context(entry);
  const hint = UNSUPPORTED_KEYWORDS[e.key];
  if (hint) {
    scope.diag.error(`'${e.key}' is not supported by k8splay${ctx}: ${hint}`, loc);
    return;
  }
  const label = entry.kind === 'block' ? 'block' : entry.kind === 'handler' ? 'handler' : 'task';
  if (e.key === 'listen' && entry.kind !== 'handler') {
    scope.diag.error(`'listen' is only valid in handlers${ctx}`, loc);
    return;
  }
  const action = entry.kind === 'import_tasks' || entry.kind === 'include_tasks' || entry.kind === 'meta' ? entry.kind : undefined;
  if (action && scope.registry.resolve(e.key)) {
    scope.diag.error(`conflicting actions in task: '${action}' and '${e.key}' (a task runs one module)`, loc);
    return;
  }
  if (entry.kind === 'block' && scope.registry.resolve(e.key)) {
    scope.diag.error(`a block cannot also run a module ('${e.key}')${ctx}: put the task inside 'block:'`, loc);
    return;
  }
  if ((e.key === 'loop' || e.key.startsWith('with_')) && entry.kind === 'block') {
    scope.diag.error(`a block cannot loop ('${e.key}')${ctx}: loop over include_tasks instead`, loc);
    return;
  }
  const keywords = KIND_KEYWORDS[entry.kind];
  const kw = suggest(e.key, keywords);
  if (!opts.moduleSuggestions || opts.moduleSeen) {
    scope.diag.error(`unknown ${label} keyword '${e.key}'`, loc, kw ? `, did you mean '${kw}'?` : '');
    return;
  }
  const mod = scope.registry.suggest(e.key);
  if (kw && (!mod || levenshtein(e.key, kw) <= levenshtein(e.key, mod))) {
    scope.diag.error(`unknown ${label} keyword '${e.key}'`, loc, `, did you mean '${kw}'?`);
  } else {
    scope.diag.error(`unknown module '${e.key}'`, loc, mod ? `, did you mean '${mod}'?` : '');
  }
}

/** The legacy `with_<lookup>` of an entry, checked. */
function legacyLoop(entry: Entry, withs: MapEntry[], scope: Scope): { loopWith?: LoopWith; value?: unknown } | undefined {
  if (withs.length === 0) return {};
  const ctx = context(entry);
  if (withs.length > 1 || entry.data['loop'] !== undefined) {
    const names = [...(entry.data['loop'] !== undefined ? ['loop'] : []), ...withs.map((w) => w.key)];
    scope.diag.error(`only one loop per task${ctx}, got ${names.map((n) => `'${n}'`).join(' and ')}`, locationOf(entry.file, withs[withs.length - 1]!.keyNode));
    return undefined;
  }
  const w = withs[0]!;
  const lookup = w.key.slice('with_'.length);
  if (!(WITH_LOOKUPS as readonly string[]).includes(lookup)) {
    const s = suggest(w.key, WITH_LOOKUPS.map((l) => `with_${l}`));
    const loc = locationOf(entry.file, w.keyNode);
    if (s) scope.diag.error(`unknown loop '${w.key}'${ctx}`, loc, `, did you mean '${s}'?`);
    else scope.diag.error(`'${w.key}' is not supported by k8splay${ctx} (use loop: with a template instead)`, loc);
    return undefined;
  }
  return { loopWith: lookup as LoopWith, value: toData(entry.file, w.value) ?? [] };
}

function loopControl(d: Record<string, unknown>): TaskNode['loopControl'] {
  const lc = d['loop_control'] as Record<string, unknown> | undefined;
  if (!lc) return undefined;
  return compact({
    loopVar: text(lc['loop_var']) ?? 'item',
    indexVar: text(lc['index_var']),
    label: text(lc['label']),
    pause: lc['pause'] === undefined ? undefined : Number(lc['pause']),
    extended: parseBool(lc['extended']),
  });
}

/** module_defaults of an entry layered over those in scope. */
function withModuleDefaults(entry: Entry, scope: Scope): Scope {
  const e = entry.byKey.get('module_defaults');
  const map = e && asMap(entry.file, e.value);
  if (!map) return scope;
  const next: ModuleDefaults = new Map(scope.moduleDefaults);
  for (const me of mapEntries(entry.file, map)) {
    const loc = locationOf(entry.file, me.keyNode);
    if (me.key.startsWith('group/')) {
      scope.diag.error(`module_defaults groups ('${me.key}') are not supported by k8splay`, loc);
      continue;
    }
    const mod = resolveModule(scope.registry, me.key, loc, scope.diag);
    if (!mod) continue;
    const vm = asMap(entry.file, me.value);
    if (!vm) {
      scope.diag.error(`module_defaults for '${me.key}' must be a mapping of arguments`, loc);
      continue;
    }
    const located: LocatedArgs = { args: {}, locations: {} };
    for (const a of mapEntries(entry.file, vm)) {
      located.args[a.key] = toData(entry.file, a.value);
      located.locations[a.key] = locationOf(entry.file, a.keyNode);
    }
    const name = mod.definition.name;
    const prev = next.get(name);
    next.set(name, prev ? layerArgs(mod, prev, located) : located);
  }
  return { ...scope, moduleDefaults: next };
}

function parseTask(entry: Entry, scope: Scope): Node[] {
  const { diag, registry } = scope;
  const before = diag.count;
  const d = entry.data;
  const modules: Array<{ e: MapEntry; mod: LoadedModule }> = [];
  const withs: MapEntry[] = [];
  const unknown: MapEntry[] = [];
  for (const e of entry.others) {
    if (e.key.startsWith('with_')) { withs.push(e); continue; }
    const mod = registry.resolve(e.key);
    if (mod) modules.push({ e, mod });
    else unknown.push(e);
  }
  const actions = [...modules.map((m) => m.e.key), ...['action', 'local_action'].filter((k) => entry.byKey.has(k))];
  for (const u of unknown) reportOtherKey(entry, u, scope, { moduleSeen: actions.length > 0, moduleSuggestions: true });
  if (actions.length > 1) {
    const named = typeof d['name'] === 'string' ? ` '${d['name']}'` : '';
    diag.error(`conflicting modules in task${named}: '${actions[0]}' and '${actions[1]}' (a task runs one module)`, entry.location);
  } else if (actions.length === 0 && unknown.length === 0) {
    const named = typeof d['name'] === 'string' ? ` '${d['name']}'` : '';
    diag.error(`no module/action detected in task${named}`, entry.location);
  }
  checkEntry(entry, diag);
  const loop = legacyLoop(entry, withs, scope);
  if (d['local_action'] !== undefined && d['delegate_to'] !== undefined) {
    diag.error(`local_action and delegate_to cannot be used together${context(entry)}`, keyLocation(entry, 'delegate_to'));
  }
  if (diag.count > before || !loop) return [];

  const taskScope = withModuleDefaults(entry, scope);
  let module: LoadedModule | undefined;
  let own: LocatedArgs | undefined;
  let argsLocation = entry.location;
  const [first] = modules;
  if (first) {
    module = first.mod;
    argsLocation = locationOf(entry.file, first.e.keyNode);
    own = argsOfValue(entry.file, module, first.e.value, diag, argsLocation);
  } else {
    const key = entry.byKey.has('action') ? 'action' : 'local_action';
    const e = entry.byKey.get(key)!;
    argsLocation = locationOf(entry.file, e.keyNode);
    const call = oldStyleCall(entry.file, e.keyNode, e.value, registry, diag);
    module = call?.module;
    own = call?.located;
  }
  if (!module || !own) return [];
  let argsKw: LocatedArgs | undefined;
  const argsEntry = entry.byKey.get('args');
  const argsMap = argsEntry && asMap(entry.file, argsEntry.value);
  if (argsMap) {
    argsKw = { args: {}, locations: {} };
    for (const a of mapEntries(entry.file, argsMap)) {
      argsKw.args[a.key] = toData(entry.file, a.value);
      argsKw.locations[a.key] = locationOf(entry.file, a.keyNode);
    }
  }
  const all = layerArgs(module, taskScope.moduleDefaults.get(module.definition.name), argsKw, own);
  const common = commonKeywords(entry, diag);
  const task: TaskNode = compact<TaskNode>({
    kind: 'task',
    name: text(d['name']),
    action: module.definition.name,
    args: all.args,
    location: entry.location,
    argsLocation,
    argLocations: all.locations,
    keywordLocations: Object.fromEntries(Object.keys(d).map((k) => [k, keyLocation(entry, k)])),
    ...common,
    delegateTo: d['local_action'] !== undefined ? 'localhost' : common.delegateTo,
    register: text(d['register']),
    notify: stringList(d['notify']),
    listen: entry.kind === 'handler' ? stringList(d['listen']) : [],
    loop: loop.loopWith ? loop.value : d['loop'],
    loopWith: loop.loopWith,
    loopControl: loopControl(d),
    changedWhen: d['changed_when'] === undefined ? undefined : conditionList(d['changed_when']),
    failedWhen: d['failed_when'] === undefined ? undefined : conditionList(d['failed_when']),
    until: d['until'] === undefined ? undefined : conditionList(d['until']),
    retries: intOrTemplate(d['retries']),
    delay: intOrTemplate(d['delay']),
    timeout: intOrTemplate(d['timeout']),
  });
  return [task];
}

/** Give a block's `notify` to the tasks inside it that do not name their own. */
function pushNotify(nodes: Node[], notify: string[]): void {
  for (const n of nodes) {
    if (n.kind === 'task' && n.notify.length === 0) n.notify = [...notify];
    else if (n.kind === 'block') for (const part of [n.block, n.rescue, n.always]) pushNotify(part, notify);
  }
}

async function parseBlock(entry: Entry, scope: Scope, role: Role): Promise<Node[]> {
  const { diag } = scope;
  const before = diag.count;
  for (const e of entry.others) reportOtherKey(entry, e, scope);
  checkEntry(entry, diag);
  if (diag.count > before) return [];
  const inner = withModuleDefaults(entry, scope);
  const part = (k: string): Promise<Node[]> => parseTaskList(entry.file, entry.byKey.get(k)?.value ?? null, inner, role);
  const block: BlockNode = {
    kind: 'block',
    ...compact({ name: text(entry.data['name']) }),
    block: await part('block'),
    rescue: await part('rescue'),
    always: await part('always'),
    location: entry.location,
    ...commonKeywords(entry, diag),
  };
  const notify = stringList(entry.data['notify']);
  if (notify.length) for (const p of [block.block, block.rescue, block.always]) pushNotify(p, notify);
  return [block];
}

/** A handler imported from a task file takes the import's keywords (there is no block to hold them). */
function inheritInto(parent: CommonKeywords, task: TaskNode): TaskNode {
  const out: TaskNode = { ...task };
  const keys = ['become', 'becomeUser', 'becomeMethod', 'ignoreErrors', 'ignoreUnreachable', 'noLog', 'checkMode', 'diff',
    'runOnce', 'delegateTo', 'anyErrorsFatal', 'throttle'] as const;
  for (const k of keys) if (out[k] === undefined && parent[k] !== undefined) (out as unknown as Record<string, unknown>)[k] = parent[k];
  out.when = [...parent.when, ...task.when];
  out.tags = [...new Set([...parent.tags, ...task.tags])];
  if (parent.vars) out.vars = { ...parent.vars, ...(task.vars ?? {}) };
  if (parent.environment) out.environment = { ...parent.environment, ...(task.environment ?? {}) };
  return out;
}

/** Read a task file named by import_tasks (path relative to the importing file). */
async function importTaskFile(entry: Entry, rel: string, scope: Scope, role: Role): Promise<{ nodes: Node[]; display: string } | undefined> {
  const at = keyLocation(entry, 'import_tasks');
  const abs = resolve(dirname(entry.file.path), rel);
  const display = displayPath(abs, scope.cwd);
  const cycle = scope.stack.indexOf(abs);
  if (cycle !== -1) {
    const chain = [...scope.stack.slice(cycle), abs].map((p) => displayPath(p, scope.cwd)).join(' -> ');
    scope.diag.error(`recursive import_tasks: ${chain}`, at);
    return undefined;
  }
  let child: YamlFile;
  try {
    child = await readYamlFile(abs, display, at);
  } catch (e) {
    scope.diag.guard(() => { throw e; });
    return undefined;
  }
  const nodes = await parseTaskList(child, child.doc?.contents as YNode | null ?? null, { ...scope, stack: [...scope.stack, abs] }, role);
  return { nodes, display };
}

async function parseImportTasks(entry: Entry, scope: Scope, role: Role): Promise<Node[]> {
  const { diag } = scope;
  const before = diag.count;
  for (const e of entry.others) {
    if (e.key === 'loop' || e.key.startsWith('with_')) {
      diag.error(`You cannot use loops on 'import_tasks' statements. You should use 'include_tasks' instead`, locationOf(entry.file, e.keyNode));
    } else reportOtherKey(entry, e, scope);
  }
  checkEntry(entry, diag);
  const rel = entry.data['import_tasks'];
  if (typeof rel === 'string' && isTemplated(rel)) {
    diag.error(`import_tasks is static: its file name cannot be a template ('${rel}'); use include_tasks`, keyLocation(entry, 'import_tasks'));
  }
  if (diag.count > before || typeof rel !== 'string') return [];
  const common = commonKeywords(entry, diag);
  const imported = await importTaskFile(entry, rel, scope, role);
  if (!imported) return [];
  if (role === 'handler') {
    return imported.nodes.filter((n): n is TaskNode => n.kind === 'task').map((t) => inheritInto(common, t));
  }
  const block: BlockNode = {
    kind: 'block',
    ...compact({ name: text(entry.data['name']) }),
    block: imported.nodes,
    rescue: [],
    always: [],
    location: entry.location,
    imported: imported.display,
    ...common,
  };
  return [block];
}

/** module_defaults in scope as plain data (for an include loaded at run time). */
function plainDefaults(md: ModuleDefaults): Record<string, Record<string, unknown>> | undefined {
  if (md.size === 0) return undefined;
  const out: Record<string, Record<string, unknown>> = {};
  for (const [name, l] of md) out[name] = l.args;
  return out;
}

function parseIncludeTasks(entry: Entry, scope: Scope, role: Role): Node[] {
  const { diag } = scope;
  const before = diag.count;
  const withs: MapEntry[] = [];
  for (const e of entry.others) {
    if (e.key.startsWith('with_')) withs.push(e);
    else reportOtherKey(entry, e, scope);
  }
  checkEntry(entry, diag);
  const loop = legacyLoop(entry, withs, scope);
  if (role === 'handler') diag.error('include_tasks is not supported in handlers; use import_tasks', entry.location);
  if (diag.count > before || !loop) return [];
  const spec = entry.data['include_tasks'];
  const file = typeof spec === 'string' ? spec : String((spec as { file: string }).file);
  const node: IncludeNode = compact<IncludeNode>({
    kind: 'include',
    name: text(entry.data['name']),
    file,
    baseDir: dirname(entry.file.path),
    location: entry.location,
    ...commonKeywords(entry, diag),
    loop: loop.loopWith ? loop.value : entry.data['loop'],
    loopWith: loop.loopWith,
    loopControl: loopControl(entry.data),
    moduleDefaults: plainDefaults(scope.moduleDefaults),
  });
  return [node];
}

function parseMeta(entry: Entry, scope: Scope, role: Role): Node[] {
  const { diag } = scope;
  const before = diag.count;
  for (const e of entry.others) reportOtherKey(entry, e, scope);
  checkEntry(entry, diag);
  const action = entry.data['meta'];
  if (typeof action === 'string' && !(META_ACTIONS as readonly string[]).includes(action)) {
    diag.error(`unknown meta action '${action}'${context(entry)}`, keyLocation(entry, 'meta'), didYouMean(action, META_ACTIONS));
  }
  if (role === 'handler') diag.error('meta tasks are not supported in handlers', entry.location);
  if (diag.count > before || typeof action !== 'string') return [];
  const node: MetaNode = {
    kind: 'meta',
    ...compact({ name: text(entry.data['name']) }),
    action: action as MetaNode['action'],
    location: entry.location,
    ...commonKeywords(entry, diag),
  };
  return [node];
}

/** A task file loaded on its own (include_tasks at run time). */
export async function parseTaskFile(file: YamlFile, scope: Scope): Promise<Node[]> {
  return parseTaskList(file, (file.doc?.contents as YNode | null | undefined) ?? null, { ...scope, stack: [...scope.stack, file.path] }, 'task');
}

export { withModuleDefaults };
