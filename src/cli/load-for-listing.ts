/**
 * What --list-hosts/--list-tasks/--list-tags/--syntax-check need: exactly what run() loads.
 */
import type { RunOptions } from '../executor/types.js';
import { prepareRun, type PreparedRun } from '../executor/prepare.js';

export type LoadedForListing = Pick<PreparedRun, 'playbook' | 'inventory' | 'hostsFor'>;

/** Load and validate the playbook and inventory of `opts`; throws InputError on bad input. */
export function loadForListing(opts: RunOptions): Promise<LoadedForListing> {
  return prepareRun(opts);
}
