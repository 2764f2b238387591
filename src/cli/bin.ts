#!/usr/bin/env node
/**
 * The `k8splay` executable from source (`npx tsx src/cli/bin.ts`). The build writes its own
 * dist/src/cli/bin.js, which runs the same runCli() from the bundled CLI (build/bundle.mjs).
 */
import { runCli } from './run-cli.js';

await runCli(process.argv.slice(2));
