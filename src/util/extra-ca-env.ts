/**
 * The environment side of extra-ca-certs.ts: k8splay's executable and keeper start without
 * NODE_EXTRA_CA_CERTS (Node 20 would read the file as it starts, ~60 ms here), stashed in
 * STASH_VAR, and put it back at once. Kept apart from the TLS side so that the warm engine's
 * client, which does no TLS, loads only this.
 */

/** Where the user's NODE_EXTRA_CA_CERTS waits while Node starts. */
export const STASH_VAR = 'K8SPLAY_EXTRA_CA_CERTS';

/**
 * Put a stashed NODE_EXTRA_CA_CERTS back into `env` (returns the file, undefined if none was
 * stashed). A NODE_EXTRA_CA_CERTS that is set anyway wins (Node has loaded that one itself).
 */
export function restoreExtraCaEnv(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const file = env[STASH_VAR];
  if (file === undefined) return undefined;
  delete env[STASH_VAR];
  if (env['NODE_EXTRA_CA_CERTS'] !== undefined) return undefined;
  env['NODE_EXTRA_CA_CERTS'] = file;
  return file || undefined;
}

/** The environment for a Node process k8splay starts for itself: the variable stashed. */
export function stashExtraCaEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const file = env['NODE_EXTRA_CA_CERTS'];
  if (!file) return env;
  const out: NodeJS.ProcessEnv = { ...env, [STASH_VAR]: file };
  delete out['NODE_EXTRA_CA_CERTS'];
  return out;
}
