/**
 * One mapping of a playbook (a play, block or task): its keyword values as plain data, the keys
 * that are not keywords of its kind, keyword type checks placed at file:line:col, and the
 * keywords every level shares converted into the model's shape.
 */
import type { YAMLMap } from 'yaml';
import type { SourceLocation } from '../errors.js';
import type { CommonKeywords } from './model.js';
import type { Diagnostics } from './diagnostics.js';
import { type YamlFile, locationOf } from './yaml-source.js';
import { type MapEntry, mapEntries, toData, nodeAtPath } from './yaml-nodes.js';
import { KIND_KEYWORDS, checkKeywords, type SchemaKind } from './schema.js';
import { specialAction } from './keywords.js';
import { boolOrTemplate, conditionList, intOrTemplate, mergedMapping, parseBool, tagList, text } from './values.js';
import { isTemplated } from '../module-api/templated.js';

export interface Entry {
  file: YamlFile;
  kind: SchemaKind;
  map: YAMLMap;
  location: SourceLocation;
  byKey: Map<string, MapEntry>;
  /** Keyword values of this kind (empty values left out, as Ansible treats them as unset). */
  data: Record<string, unknown>;
  /** Keys that are not keywords of this kind (module names, typos, unsupported keywords). */
  others: MapEntry[];
}

export function readEntry(file: YamlFile, map: YAMLMap, kind: SchemaKind): Entry {
  const keywords = KIND_KEYWORDS[kind];
  const byKey = new Map<string, MapEntry>();
  const data: Record<string, unknown> = {};
  const others: MapEntry[] = [];
  for (const raw of mapEntries(file, map)) {
    // ansible.builtin.import_tasks and friends are the same keywords.
    const e = { ...raw, key: specialAction(raw.key) ?? raw.key };
    byKey.set(e.key, e);
    if (keywords.includes(e.key)) {
      const v = toData(file, e.value);
      if (v !== null && v !== undefined) data[e.key] = v;
    } else others.push(e);
  }
  return { file, kind, map, location: locationOf(file, map), byKey, data, others };
}

/** Location of a key of the entry (the entry itself when absent). */
export function keyLocation(entry: Entry, key: string): SourceLocation {
  const e = entry.byKey.get(key);
  return e ? locationOf(entry.file, e.keyNode) : entry.location;
}

const KIND_LABEL: Record<SchemaKind, string> = {
  play: 'play', task: 'task', handler: 'handler', block: 'block', import_tasks: 'task', include_tasks: 'task',
  meta: 'task', import_playbook: 'import_playbook',
};

/** " in task 'Install'" (or nothing for an unnamed entry). */
export function context(entry: Entry): string {
  const name = entry.data['name'];
  return typeof name === 'string' || typeof name === 'number' ? ` in ${KIND_LABEL[entry.kind]} '${name}'` : '';
}

/** Type-check the entry's keywords; returns false when something was reported. */
export function checkEntry(entry: Entry, diag: Diagnostics): boolean {
  const problems = checkKeywords(entry.kind, entry.data).map((p) => {
    let loc = entry.location;
    if (p.path.length) {
      const e = entry.byKey.get(String(p.path[0]));
      if (e) loc = locationOf(entry.file, nodeAtPath(entry.file, e.keyNode, e.value, p.path.slice(1)));
    }
    return { message: p.message, suggestion: p.suggestion, loc };
  });
  // In the order they appear in the file.
  problems.sort((a, b) => (a.loc.line ?? 0) - (b.loc.line ?? 0) || (a.loc.column ?? 0) - (b.loc.column ?? 0));
  for (const p of problems) diag.error(`${p.message}${context(entry)}`, p.loc, p.suggestion);
  return problems.length === 0;
}

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;
const BECOME_METHODS = ['sudo', 'su'];

function compact<T extends object>(o: T): T {
  for (const k of Object.keys(o) as Array<keyof T>) if (o[k] === undefined) delete o[k];
  return o;
}

/** The keywords shared by plays, blocks and tasks, in the model's shape. */
export function commonKeywords(entry: Entry, diag: Diagnostics): CommonKeywords {
  const d = entry.data;
  const vars = mergedMapping(d['vars']);
  if (vars) {
    for (const name of Object.keys(vars)) {
      if (!IDENTIFIER.test(name)) {
        const e = entry.byKey.get('vars');
        const loc = e ? locationOf(entry.file, nodeAtPath(entry.file, e.keyNode, e.value, [name])) : entry.location;
        diag.error(`invalid variable name '${name}' in vars${context(entry)} (use letters, digits and underscores)`, loc);
      }
    }
  }
  const method = text(d['become_method']);
  if (method !== undefined && !isTemplated(method) && !BECOME_METHODS.includes(method)) {
    diag.error(`become_method '${method}' is not supported${context(entry)} (supported: ${BECOME_METHODS.join(', ')})`, keyLocation(entry, 'become_method'));
  }
  return compact<CommonKeywords>({
    become: boolOrTemplate(d['become']),
    becomeUser: text(d['become_user']),
    becomeMethod: method,
    environment: mergedMapping(d['environment']),
    vars,
    tags: tagList(d['tags']),
    when: conditionList(d['when']),
    ignoreErrors: boolOrTemplate(d['ignore_errors']),
    ignoreUnreachable: parseBool(d['ignore_unreachable']),
    noLog: boolOrTemplate(d['no_log']),
    checkMode: boolOrTemplate(d['check_mode']),
    diff: parseBool(d['diff']),
    runOnce: boolOrTemplate(d['run_once']),
    delegateTo: text(d['delegate_to']),
    anyErrorsFatal: parseBool(d['any_errors_fatal']),
    throttle: intOrTemplate(d['throttle']),
  });
}

export { compact };
