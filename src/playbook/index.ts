/**
 * Playbooks: YAML with source positions -> the normalised model the executor runs.
 */
export { loadPlaybook, loadTaskFile, type LoadOptions, type LoadTaskFileOptions } from './load.js';
export { validatePlaybook } from './validate.js';
export { expandLegacyLoop } from './loops.js';
export { PlaybookErrorList } from './diagnostics.js';
export { schemaFor, checkKeywords, type SchemaKind, type KeywordProblem } from './schema.js';
export { parseKv, splitArgs } from './splitter.js';
export { parseYamlText, readYamlFile, caretLines, type YamlFile } from './yaml-source.js';
export type * from './model.js';
