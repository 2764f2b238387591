/**
 * A playbook file: a list of plays and `import_playbook` entries (static: the other file's plays
 * are spliced in, with the import's vars, tags and conditions applied as Ansible does).
 */
import { dirname, resolve } from 'node:path';
import type { Node as YNode } from 'yaml';
import type { Node, Play, TaskNode } from './model.js';
import { type YamlFile, locationOf, readYamlFile } from './yaml-source.js';
import { asMap, asSeq, toData, describeKind } from './yaml-nodes.js';
import { type Entry, readEntry, checkEntry, commonKeywords, context, keyLocation, compact } from './entry.js';
import { KIND_KEYWORDS } from './schema.js';
import { UNSUPPORTED_KEYWORDS } from './keywords.js';
import { type Scope, parseTaskList, withModuleDefaults } from './tasks.js';
import { conditionList, intOrTemplate, mergedMapping, parseBool, tagList, text } from './values.js';
import { displayPath } from './paths.js';
import { isTemplated } from '../module-api/templated.js';
import { splitArgs } from './splitter.js';
import { suggest } from '../util/suggest.js';

/** Parse the plays of a playbook file (imports followed). */
export async function parsePlays(file: YamlFile, scope: Scope): Promise<Play[]> {
  const root = (file.doc?.contents as YNode | null | undefined) ?? null;
  if (!root || toData(file, root) === null) {
    scope.diag.error(`empty playbook, nothing to do: ${file.display}`, undefined);
    return [];
  }
  const seq = asSeq(file, root);
  if (!seq) {
    scope.diag.error(`a playbook must be a list of plays, got ${describeKind(toData(file, root))}`, locationOf(file, root));
    return [];
  }
  const plays: Play[] = [];
  for (const item of seq.items) {
    const map = asMap(file, item);
    if (!map) {
      scope.diag.error(`a play must be a mapping (hosts: ..., tasks: ...), got ${describeKind(toData(file, item as YNode))}`, locationOf(file, item as YNode));
      continue;
    }
    const probe = readEntry(file, map, 'import_playbook');
    if (probe.byKey.has('import_playbook')) plays.push(...(await importPlaybook(probe, scope)));
    else {
      const play = await parsePlay(readEntry(file, map, 'play'), scope);
      if (play) plays.push(play);
    }
  }
  return plays;
}

function reportPlayKey(entry: Entry, key: string, scope: Scope): void {
  const e = entry.byKey.get(key)!;
  const loc = locationOf(entry.file, e.keyNode);
  const ctx = context(entry);
  const hint = UNSUPPORTED_KEYWORDS[key];
  if (hint) return scope.diag.error(`'${key}' is not supported by k8splay${ctx}: ${hint}`, loc);
  if (key === 'when') {
    return scope.diag.error(`'when' is not a valid keyword for a play${ctx}: put the condition on the tasks (or on import_playbook)`, loc);
  }
  if (key === 'include_tasks' || key === 'import_tasks' || key === 'block' || key === 'meta' || scope.registry.resolve(key)) {
    return scope.diag.error(`unknown play keyword '${key}'${ctx}: tasks go in a list under 'tasks:'`, loc);
  }
  const s = suggest(key, KIND_KEYWORDS.play);
  scope.diag.error(`unknown play keyword '${key}'`, loc, s ? `, did you mean '${s}'?` : '');
}

function percentage(v: unknown): number | undefined {
  if (typeof v === 'number') return v;
  if (typeof v === 'string') return Number(v.replace('%', '').trim());
  return undefined;
}

async function parsePlay(entry: Entry, scope: Scope): Promise<Play | undefined> {
  const { diag } = scope;
  const before = diag.count;
  const d = entry.data;
  for (const e of entry.others) reportPlayKey(entry, e.key, scope);
  checkEntry(entry, diag);
  if (typeof d['strategy'] === 'string' && d['strategy'] !== 'linear') {
    diag.error(`strategy '${d['strategy']}' is not supported by k8splay${context(entry)} (only 'linear')`, keyLocation(entry, 'strategy'));
  }
  if (diag.count > before) return undefined;

  const inner = withModuleDefaults(entry, scope);
  const section = (k: string): Promise<Node[]> => parseTaskList(entry.file, entry.byKey.get(k)?.value ?? null, inner, 'task');
  const hostsRaw = d['hosts'] as string | string[];
  const hosts = Array.isArray(hostsRaw) ? hostsRaw.map(String).join(':') : String(hostsRaw);
  const varsFiles = d['vars_files'] === undefined ? [] : Array.isArray(d['vars_files']) ? d['vars_files'] : [d['vars_files']];
  const preTasks = await section('pre_tasks');
  const tasks = await section('tasks');
  const postTasks = await section('post_tasks');
  const handlers = (await parseTaskList(entry.file, entry.byKey.get('handlers')?.value ?? null, inner, 'handler'))
    .filter((n): n is TaskNode => n.kind === 'task');
  const play: Play = compact<Play>({
    ...commonKeywords(entry, diag),
    name: text(d['name']) ?? (Array.isArray(hostsRaw) ? hostsRaw.join(',') : hosts),
    hosts,
    location: entry.location,
    gatherFacts: parseBool(d['gather_facts']) ?? true,
    gatherSubset: d['gather_subset'] === undefined ? undefined : tagList(d['gather_subset']),
    gatherTimeout: d['gather_timeout'] === undefined ? undefined : Number(intOrTemplate(d['gather_timeout'])),
    serial: d['serial'],
    maxFailPercentage: percentage(d['max_fail_percentage']),
    forceHandlers: parseBool(d['force_handlers']),
    connection: text(d['connection']),
    remoteUser: text(d['remote_user']),
    varsFiles: varsFiles as Array<string | string[]>,
    preTasks,
    tasks,
    postTasks,
    handlers,
    baseDir: dirname(entry.file.path),
  });
  return play;
}

async function importPlaybook(entry: Entry, scope: Scope): Promise<Play[]> {
  const { diag } = scope;
  const before = diag.count;
  for (const e of entry.others) {
    const s = suggest(e.key, KIND_KEYWORDS.import_playbook);
    diag.error(`unknown import_playbook keyword '${e.key}'`, locationOf(entry.file, e.keyNode), s ? `, did you mean '${s}'?` : '');
  }
  checkEntry(entry, diag);
  const at = keyLocation(entry, 'import_playbook');
  const rel = entry.data['import_playbook'];
  if (typeof rel === 'string') {
    if (isTemplated(rel)) diag.error(`import_playbook is static: its file name cannot be a template ('${rel}')`, at);
    else if ((diag.guard(() => splitArgs(rel, at)) ?? []).length > 1) {
      diag.error(`import_playbook takes a file name only, got '${rel}' (pass variables with vars:)`, at);
    }
  }
  if (diag.count > before || typeof rel !== 'string') return [];

  const abs = resolve(dirname(entry.file.path), rel.trim());
  const display = displayPath(abs, scope.cwd);
  const cycle = scope.stack.indexOf(abs);
  if (cycle !== -1) {
    const chain = [...scope.stack.slice(cycle), abs].map((p) => displayPath(p, scope.cwd)).join(' -> ');
    diag.error(`recursive import_playbook: ${chain}`, at);
    return [];
  }
  let child: YamlFile;
  try {
    child = await readYamlFile(abs, display, at);
  } catch (e) {
    diag.guard(() => { throw e; });
    return [];
  }
  const plays = await parsePlays(child, { ...scope, stack: [...scope.stack, abs] });
  const vars = mergedMapping(entry.data['vars']);
  const tags = tagList(entry.data['tags']);
  const when = conditionList(entry.data['when']);
  for (const play of plays) {
    if (vars) play.vars = { ...(play.vars ?? {}), ...vars };
    if (tags.length) play.tags = [...new Set([...play.tags, ...tags])];
    if (when.length) {
      play.when = [...when, ...play.when];
      for (const n of [...play.preTasks, ...play.tasks, ...play.postTasks]) n.when = [...when, ...n.when];
    }
  }
  return plays;
}
