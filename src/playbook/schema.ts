/**
 * JSON Schemas of plays, blocks and tasks (keyword value types only: which keys are allowed is
 * decided by the loader, which can suggest the keyword that was meant). Each schema's validator
 * is precompiled by the build or compiled once (module-api/validators.ts); errors come back as
 * a keyword path plus a message the loader places at file:line:col.
 */
import type { ErrorObject } from 'ajv';
import { schemaValidator } from '../module-api/validators.js';
import {
  KEYWORD_SCHEMAS, TASK_KEYWORDS, HANDLER_KEYWORDS, BLOCK_KEYWORDS, IMPORT_TASKS_KEYWORDS, INCLUDE_TASKS_KEYWORDS,
  META_KEYWORDS, IMPORT_PLAYBOOK_KEYWORDS, PLAY_KEYWORDS,
} from './keywords.js';
import { didYouMean } from '../util/suggest.js';

export type SchemaKind = 'play' | 'task' | 'handler' | 'block' | 'import_tasks' | 'include_tasks' | 'meta' | 'import_playbook';

/** Keywords allowed for each kind of entry. */
export const KIND_KEYWORDS: Record<SchemaKind, readonly string[]> = {
  play: PLAY_KEYWORDS,
  task: TASK_KEYWORDS,
  handler: HANDLER_KEYWORDS,
  block: BLOCK_KEYWORDS,
  import_tasks: IMPORT_TASKS_KEYWORDS,
  include_tasks: INCLUDE_TASKS_KEYWORDS,
  meta: META_KEYWORDS,
  import_playbook: IMPORT_PLAYBOOK_KEYWORDS,
};

const REQUIRED: Partial<Record<SchemaKind, string[]>> = { play: ['hosts'] };

const schemas = new Map<SchemaKind, Record<string, unknown>>();

/**
 * The JSON Schema of one kind of entry (other keys, such as the module, are checked elsewhere).
 * One object per kind, made on first use: validators are cached per schema object
 * (module-api/validators.ts), so it must not be mutated.
 */
export function schemaFor(kind: SchemaKind): Record<string, unknown> {
  let schema = schemas.get(kind);
  if (!schema) {
    const properties: Record<string, unknown> = {};
    for (const kw of KIND_KEYWORDS[kind]) properties[kw] = KEYWORD_SCHEMAS[kw];
    schema = { type: 'object', properties, required: REQUIRED[kind] ?? [] };
    schemas.set(kind, schema);
  }
  return schema;
}

/** Every kind, for the build's precompiled validators. */
export const SCHEMA_KINDS = Object.keys(KIND_KEYWORDS) as SchemaKind[];

/** A keyword value of the wrong type, or a missing required keyword. */
export interface KeywordProblem {
  /** Path to the offending key (e.g. ['loop_control', 'pause']); empty for the entry itself. */
  path: Array<string | number>;
  message: string;
  /** ", did you mean 'x'?" to show after the location, or ''. */
  suggestion: string;
}

function pathOf(e: ErrorObject): Array<string | number> {
  if (!e.instancePath) return [];
  return e.instancePath.slice(1).split('/').map((s) => {
    const d = s.replace(/~1/g, '/').replace(/~0/g, '~');
    return /^\d+$/.test(d) ? Number(d) : d;
  });
}

/** The deepest schema along `path` that says what it expects, and the path to it. */
function expectation(kind: SchemaKind, path: Array<string | number>): { at: Array<string | number>; expected: string } | undefined {
  let schema = KEYWORD_SCHEMAS[String(path[0])] as Record<string, unknown> | undefined;
  if (!schema || !KIND_KEYWORDS[kind].includes(String(path[0]))) return undefined;
  let found = { at: path.slice(0, 1), expected: String(schema['x-expected']) };
  for (let i = 1; i < path.length; i++) {
    const props = schema['properties'] as Record<string, Record<string, unknown>> | undefined;
    const next = props?.[String(path[i])];
    if (!next) break;
    schema = next;
    if (typeof next['x-expected'] === 'string') found = { at: path.slice(0, i + 1), expected: next['x-expected'] };
  }
  return found;
}

/** Check the types of the keywords in `data` (plain data of one entry). */
export function checkKeywords(kind: SchemaKind, data: Record<string, unknown>): KeywordProblem[] {
  // schemaValidator caches per schema object, and follows setPrecompiledValidators.
  const validate = schemaValidator('keywords', schemaFor(kind));
  if (validate(data)) return [];
  const problems: KeywordProblem[] = [];
  const seen = new Set<string>();
  // An anyOf failure reports each branch: keep one message per keyword.
  const add = (p: KeywordProblem): void => {
    const key = JSON.stringify(p.path) + p.message;
    if (!seen.has(key)) { seen.add(key); problems.push(p); }
  };
  for (const e of validate.errors ?? []) {
    const path = pathOf(e);
    if (e.keyword === 'required' && path.length === 0) {
      const missing = (e.params as { missingProperty: string }).missingProperty;
      add({ path: [], message: `the field '${missing}' is required but was not set`, suggestion: '' });
      continue;
    }
    if (e.keyword === 'additionalProperties') {
      const extra = (e.params as { additionalProperty: string }).additionalProperty;
      const exp = expectation(kind, path);
      const props = Object.keys((KEYWORD_SCHEMAS[String(path[0])]?.['properties'] as object | undefined) ?? {});
      const owner = exp ? exp.at.join('.') : String(path[0]);
      add({ path: [...path, extra], message: `unknown ${owner} key '${extra}'`, suggestion: didYouMean(extra, props) });
      continue;
    }
    const exp = expectation(kind, path);
    if (!exp) continue;
    add({ path: exp.at, message: `expected ${exp.expected} for '${exp.at.join('.')}'`, suggestion: '' });
  }
  return problems;
}
