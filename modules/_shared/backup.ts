/**
 * Ansible-style backups: `<path>.<pid>.<YYYY-MM-DD@HH:MM:SS>~` next to the file, made on the host.
 */
import type { ApplyContext } from '../../src/index.js';

/** Copy `path` (keeping mode, owner and times) to a timestamped backup; returns its path. */
export async function backupFile(ctx: ApplyContext, path: string): Promise<string> {
  const q = ctx.quote(path);
  const r = await ctx.run(
    `b=${q}.$$.$(date +%Y-%m-%d@%H:%M:%S~) && cp -p -- ${q} "$b" && printf '%s' "$b"`,
    { check: true },
  );
  return r.stdout;
}
