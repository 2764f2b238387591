/**
 * The k8splay process: runs main() on the command line and exits with its code. Shared by
 * bin.ts (from source) and the built executable, which loads it from the bundle
 * (build/bundle.mjs).
 */
import { preloadEngineInKeeper } from '../connection/keeper/spawn.js';
import { exitOnBrokenPipe } from './broken-pipe.js';
import { main } from './main.js';

export { serveRun } from './warm/serve.js';

export interface RunCliOptions {
  /**
   * The built executable, whose next runs ask the keeper's warm engine (src/cli/warm/): a
   * keeper this run starts loads it once idle.
   */
  warmEngine?: boolean;
}

/** Run `argv` (without node and the script) as the k8splay command, then end the process. */
export async function runCli(argv: string[], opts: RunCliOptions = {}): Promise<void> {
  if (opts.warmEngine) preloadEngineInKeeper();
  exitOnBrokenPipe();
  const code = await main(argv);
  // Let stdout drain before exiting (a pipe may still hold the JSON document).
  process.exitCode = code;
  if (process.stdout.writableLength === 0) process.exit(code);
  else process.stdout.once('drain', () => process.exit(code));
}
