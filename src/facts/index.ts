/** Fact gathering: one POSIX shell script per host, parsed into Ansible's fact names. */
export { gatherFacts, gatherFactsDetailed, gatherCommandTimeoutMs, DEFAULT_GATHER_TIMEOUT } from './gather.js';
export type { FactsExec, GatherFactsOptions, GatherFactsResult } from './gather.js';
export { parseFacts, factsFromRaw } from './parse.js';
export type { ParsedFacts } from './parse.js';
export { parseGatherOutput } from './output.js';
export type { RawGather } from './output.js';
export { GATHER_SCRIPT, buildGatherCommand, type GatherCommandOptions } from './script.js';
export {
  resolveGatherSubset, normalizeGatherSubset, VALID_SUBSETS, MINIMAL_GATHER_SUBSET, COLLECTOR_FACT_IDS,
} from './subset.js';
