/**
 * Writing a file that must pass a `validate` command first (copy, lineinfile, template):
 * the content goes to a temporary file in the destination's directory, the validator runs on
 * it (`%s` = its path), and only then is it renamed over the destination. A file that fails
 * validation never replaces the old one.
 *
 * Built on ctx.writeFile (for the temporary file) and ctx.run (validator, rename), so it
 * needs nothing more from the engine.
 */
import { posix } from 'node:path';
import { ModuleFailure, type ApplyContext, type FileStat, type WriteFileResult } from '../../src/index.js';
import { shlexSplit } from './shlex.js';
import { backupFile } from './backup.js';

export interface ValidatedWriteOptions {
  /** Command with `%s` for the file to check, e.g. 'visudo -cf %s'. Run without a shell. */
  validate: string;
  /** Octal mode for the result (already resolved). Default: the existing file's. */
  mode?: string;
  owner?: string;
  group?: string;
  backup?: boolean;
  /** The destination as observed before (to keep its mode/owner and know whether to back up). */
  existing?: FileStat;
  /** Turn a failed validation into the module's own failure (messages differ per module). */
  onInvalid?: (rc: number, stdout: string, stderr: string) => ModuleFailure;
}

/** Fail like Ansible when `validate` has no `%s`. */
export function checkValidateHasPlaceholder(validate: string | undefined | null): void {
  if (validate != null && !validate.includes('%s')) {
    throw new ModuleFailure(`validate must contain %s: ${validate}`);
  }
}

/** The validator command line for `file`: words split like Python's shlex, `%s` replaced, quoted. */
export function validateCommand(validate: string, file: string, quote: (s: string) => string): string {
  return shlexSplit(validate)
    .map((w) => quote(w.replace(/%(%|s)/g, (_m, c: string) => (c === '%' ? '%' : file))))
    .join(' ');
}

/** Write, validate, then move into place. Returns the backup path when one was made. */
export async function writeValidated(
  ctx: ApplyContext,
  path: string,
  content: string | Buffer,
  opts: ValidatedWriteOptions,
): Promise<WriteFileResult> {
  checkValidateHasPlaceholder(opts.validate);
  const q = ctx.quote;
  const tmp = posix.join(posix.dirname(path), `.${posix.basename(path)}.k8splay-${process.pid}-${Date.now().toString(36)}.tmp`);
  const ex = opts.existing?.exists ? opts.existing : undefined;
  const mode = opts.mode ?? ex?.mode;
  const owner = opts.owner ?? ex?.owner;
  const group = opts.group ?? ex?.group;
  await ctx.writeFile(tmp, content, {
    ...(mode !== undefined ? { mode } : {}),
    ...(owner !== undefined ? { owner } : {}),
    ...(group !== undefined ? { group } : {}),
  });
  let moved = false;
  try {
    const r = await ctx.run(validateCommand(opts.validate, tmp, q));
    if (r.rc !== 0) {
      throw opts.onInvalid?.(r.rc, r.stdout, r.stderr)
        ?? new ModuleFailure('failed to validate', { exit_status: r.rc, stdout: r.stdout, stderr: r.stderr });
    }
    const result: WriteFileResult = {};
    if (opts.backup && ex) result.backupFile = await backupFile(ctx, path);
    await ctx.run(`mv -f -- ${q(tmp)} ${q(path)}`, { check: true });
    moved = true;
    return result;
  } finally {
    if (!moved) await ctx.run(`rm -f -- ${q(tmp)}`).catch(() => undefined);
  }
}
