#!/usr/bin/env node
/**
 * The `k8splay` executable: runs main() and exits with its code.
 */
import { main } from './main.js';

// `k8splay ... | head` closes stdout early: stop quietly instead of crashing on EPIPE.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw e;
  });
}

const code = await main(process.argv.slice(2));
// Let stdout drain before exiting (a pipe may still hold the JSON document).
process.exitCode = code;
if (process.stdout.writableLength === 0) process.exit(code);
else process.stdout.once('drain', () => process.exit(code));
