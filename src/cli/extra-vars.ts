/**
 * `-e/--extra-vars` values, read as Ansible reads them (utils/vars.py load_extra_vars):
 * `@file` (YAML or JSON), inline YAML/JSON starting with `{` or `[`, else `k=v k2="v 2"` words
 * split by Ansible's split_args and parse_kv. Later values win, key by key (hash_behaviour
 * replace).
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { InputError, OptionsError, PlaybookError } from '../errors.js';
import { splitArgs as splitWords, parseKv as parseKvWords } from '../playbook/splitter.js';
import { parseYamlFile } from '../inventory/yaml-file.js';

/** Ansible's split_args (the playbook loader's port), with errors as bad options. */
export function splitArgs(args: string): string[] {
  return asOptionsError(() => splitWords(args));
}

/**
 * Ansible's parse_kv: `k=v` words into an object of strings. Words without `=` are returned
 * separately (Ansible keeps them as `_raw_params`).
 */
export function parseKv(args: string): { options: Record<string, string>; raw: string[] } {
  const parsed = asOptionsError(() => parseKvWords(args, () => true));
  const options: Record<string, string> = {};
  for (const p of parsed.params) options[p.key] = p.value;
  return { options, raw: parsed.rawWords };
}

function asOptionsError<T>(fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof PlaybookError) throw new OptionsError(e.message, { cause: e });
    throw e;
  }
}

/** YAML as Ansible's loader reads it (PyYAML's YAML 1.1 scalars), errors located at file:line:col. */
function loadYaml(text: string, file: string): unknown {
  return parseYamlFile(text, file);
}

function isMapping(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/**
 * Read one `-e` value into an object. `cwd` resolves `@file` paths.
 * Throws OptionsError for a value that is not a mapping, InputError for an unreadable or
 * invalid file.
 */
export function readExtraVars(value: string, cwd: string): Record<string, unknown> {
  let data: unknown;
  if (value === '') return {};
  if (value.startsWith('@')) {
    const file = resolve(cwd, value.slice(1));
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (e) {
      throw new InputError(`the extra vars file '${value.slice(1)}' could not be read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
    data = text.trim() === '' ? {} : loadYaml(text, file);
  } else if (value[0] === '/' || value[0] === '.') {
    throw new OptionsError(`Please prepend extra_vars filename '${value}' with '@'`);
  } else if (value[0] === '{' || value[0] === '[') {
    data = loadYaml(value, '<-e>');
  } else {
    const { options, raw } = parseKv(value);
    if (raw.length) {
      throw new OptionsError(`Invalid extra vars data supplied. '${raw.join(' ')}' in '${value}' is not key=value`, {
        details: ["give variables as -e 'key=value', -e '{\"key\": value}' or -e @file.yml"],
      });
    }
    data = options;
  }
  if (!isMapping(data)) {
    throw new OptionsError(`Invalid extra vars data supplied. '${value}' could not be made into a dictionary`);
  }
  return data;
}

/** All `-e` values merged in order; a later value replaces a whole top-level key. */
export function loadExtraVars(values: string[], cwd: string): Record<string, unknown> {
  let out: Record<string, unknown> = {};
  for (const v of values) out = { ...out, ...readExtraVars(v, cwd) };
  return out;
}
