#!/bin/sh
':' //; if [ -z "${MALLOC_ARENA_MAX+set}" ]; then export MALLOC_ARENA_MAX=1 K8SPLAY_SET_MALLOC_ARENA_MAX=1; fi; if [ -n "${NODE_EXTRA_CA_CERTS-}" ]; then export K8SPLAY_EXTRA_CA_CERTS="$NODE_EXTRA_CA_CERTS"; unset NODE_EXTRA_CA_CERTS; fi; exec node "$0" "$@"
// The two lines above are for sh, which the executable starts under (`k8splay ...`). To
// JavaScript (`node bin.js`, which skips them) they are a string and a comment.
// - One malloc arena for the Node process it execs, unless the user set their own. glibc reads
//   the setting only at start; the many threads of a run (V8's compilers and GC, libuv's pool)
//   otherwise each leave an arena resident: 50 hosts, 95 -> 89 MB. Commands the run starts do
//   not inherit it (below).
// - NODE_EXTRA_CA_CERTS moved aside: Node 20 parses that file as it starts (~60 ms here), and
//   this process does no TLS of its own. It is put back below for all the run starts, and its
//   certificates trusted when this process runs the command itself (src/util/extra-ca-certs.ts).
// k8splay's executable as built: build/bundle.mjs writes this file over tsc's
// dist/src/cli/bin.js (from build/bin-loader.mjs, with the name below filled in).
//
// First it asks the connection keeper's warm engine to run the command (src/cli/warm/): when
// served, this process only relays output and Ctrl-C. Otherwise it loads the CLI bundle
// (load-bundle.js: one script with a V8 code cache) and runs the command itself.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tryWarmRun } from './warm/client.js';
import { restoreExtraCaEnv } from '../util/extra-ca-env.js';

if (process.env.K8SPLAY_SET_MALLOC_ARENA_MAX) {
  delete process.env.MALLOC_ARENA_MAX;
  delete process.env.K8SPLAY_SET_MALLOC_ARENA_MAX;
}
const extraCaFile = restoreExtraCaEnv();

const argv = process.argv.slice(2);
const code = await tryWarmRun(argv, join(dirname(fileURLToPath(import.meta.url)), '__BUNDLE__'));
if (code !== undefined) {
  process.exitCode = code;
  if (process.stdout.writableLength === 0) process.exit(code);
  else process.stdout.once('drain', () => process.exit(code));
} else {
  if (extraCaFile) (await import('../util/extra-ca-certs.js')).trustExtraCaCertificates(extraCaFile);
  const { loadBundle } = await import('./load-bundle.js');
  await loadBundle().runCli(argv, { warmEngine: true });
}
