/**
 * Building FileDiff entries the way Ansible's callbacks show them: dict diffs (file state,
 * attributes) serialized as sorted, 4-space JSON; content diffs skipped for binary or large files.
 */
import type { FileDiff } from '../../src/index.js';

/** Ansible's MAX_FILE_SIZE_FOR_DIFF (bytes): larger files get no text diff. */
export const MAX_DIFF_SIZE = 104448;

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v).sort()) out[k] = sortKeys((v as Record<string, unknown>)[k]);
    return out;
  }
  return v;
}

/** json.dumps(x, sort_keys=True, indent=4) + newline, as Ansible's _serialize_diff. */
export function serializeDiffValue(v: object): string {
  return JSON.stringify(sortKeys(v), null, 4) + '\n';
}

/** A diff of two small records (file state, attributes). */
export function dictDiff(path: string, before: object, after: object): FileDiff {
  return { path, before: serializeDiffValue(before), after: serializeDiffValue(after) };
}

/** True when text holds a NUL byte: Ansible's "appears to be binary" test. */
export function looksBinary(content: string | Buffer): boolean {
  return typeof content === 'string' ? content.includes('\0') : content.includes(0);
}

/**
 * A content diff, or a skipped one (with Ansible's reason) when either side is binary or
 * larger than MAX_DIFF_SIZE. `before` null means the file does not exist yet.
 */
export function contentDiff(
  path: string,
  before: string | Buffer | null,
  after: string | Buffer,
  beforeSize?: number,
  afterHeader: string = path,
): FileDiff {
  const size = (x: string | Buffer) => (typeof x === 'string' ? Buffer.byteLength(x) : x.length);
  let skipReason: string | undefined;
  if ((beforeSize ?? (before === null ? 0 : size(before))) > MAX_DIFF_SIZE) {
    skipReason = `destination file size is greater than ${MAX_DIFF_SIZE}`;
  } else if (size(after) > MAX_DIFF_SIZE) {
    skipReason = `source file size is greater than ${MAX_DIFF_SIZE}`;
  } else if (before !== null && looksBinary(before)) {
    skipReason = 'destination file appears to be binary';
  } else if (looksBinary(after)) {
    skipReason = 'source file appears to be binary';
  }
  if (skipReason) return { path, before: '', after: '', skipReason };
  // As Ansible's copy: no before header for a file that does not exist yet.
  return {
    path,
    before: before === null ? '' : before.toString(),
    after: after.toString(),
    ...(before !== null ? { beforeHeader: path } : {}),
    afterHeader,
  };
}
