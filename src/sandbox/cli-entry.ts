/**
 * Runs `sandbox` subcommands straight from source (`npx tsx src/sandbox/cli-entry.ts prepare`),
 * for CI scripts that run before the k8splay CLI is built.
 */
import { sandboxCommand } from './cli.js';

process.exitCode = await sandboxCommand(process.argv.slice(2));
