/**
 * Image references the way docker reads them: `[registry[:port]/]path[:tag][@digest]`, the tag
 * after the last colon of the last path component (so `registry:5000/flannel` has no tag), the
 * tag `latest` when there is neither tag nor digest, and — for containerd's ctr, which takes
 * only full names — `docker.io/library/` in front of short Docker Hub names.
 */
import { ModuleFailure } from '../../src/index.js';

export interface ImageRef {
  /** Repository with its registry, e.g. quay.io/coreos/flannel. */
  name: string;
  tag?: string;
  /** e.g. sha256:0123... */
  digest?: string;
}

// docker's grammar, loosely: path components of lower-case letters, digits and separators;
// tags of word characters, dots and dashes (at most 128).
const COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const TAG = /^[\w][\w.-]{0,127}$/;
const DIGEST = /^[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-f0-9]{32,}$/;
const HOST = /^(?:localhost|[a-zA-Z0-9-]+(?:\.[a-zA-Z0-9-]+)+|[a-zA-Z0-9-]+:\d+|\[[0-9a-fA-F:]+\](?::\d+)?|[a-zA-Z0-9.-]+:\d+)$/;

/** Parse a reference; throws ModuleFailure naming `what` (source, target) when it is not one. */
export function parseRef(ref: string, what: string): ImageRef {
  const bad = (why: string) => new ModuleFailure(`invalid ${what} image reference '${ref}': ${why}`);
  if (!ref || /\s/.test(ref)) throw bad('it is empty or holds spaces');
  if (ref.startsWith('-')) throw bad('it starts with "-"');
  let rest = ref;
  const out: ImageRef = { name: '' };
  const at = rest.indexOf('@');
  if (at >= 0) {
    out.digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!DIGEST.test(out.digest)) throw bad(`'${out.digest}' is not a digest (algorithm:hex)`);
  }
  const slash = rest.lastIndexOf('/');
  const colon = rest.lastIndexOf(':');
  if (colon > slash) {
    out.tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!TAG.test(out.tag)) throw bad(`'${out.tag}' is not a valid tag`);
  }
  const parts = rest.split('/');
  const first = parts[0]!;
  const hasHost = parts.length > 1 && (first.includes('.') || first.includes(':') || first === 'localhost');
  if (hasHost && !HOST.test(first)) throw bad(`'${first}' is not a registry host`);
  for (const c of hasHost ? parts.slice(1) : parts) {
    if (!COMPONENT.test(c)) throw bad(c === '' ? 'an empty path component' : `'${c}' must be lower-case letters, digits and . _ - separators`);
  }
  out.name = rest;
  return out;
}

/** `name[:tag][@digest]`. */
export function formatRef(r: ImageRef): string {
  return `${r.name}${r.tag ? `:${r.tag}` : ''}${r.digest ? `@${r.digest}` : ''}`;
}

/** docker's default: no tag and no digest means `latest`. */
export function withDefaultTag(r: ImageRef): ImageRef {
  return r.tag || r.digest ? r : { ...r, tag: 'latest' };
}

/** The full name containerd stores: docker.io/library/nginx:latest for nginx. */
export function fullyQualified(r: ImageRef): ImageRef {
  const parts = r.name.split('/');
  const first = parts[0]!;
  const hasHost = parts.length > 1 && (first.includes('.') || first.includes(':') || first === 'localhost');
  if (hasHost) return r;
  return { ...r, name: parts.length === 1 ? `docker.io/library/${r.name}` : `docker.io/${r.name}` };
}

/**
 * The target: `target` with its tag, or `tag` given apart; `latest` when neither says.
 * A target cannot be a digest (tags point at images; digests are what they point at).
 */
export function targetRef(target: string, tag?: string): ImageRef {
  const t = parseRef(target, 'target');
  if (t.digest) throw new ModuleFailure(`target '${target}' names a digest: a target is a name and a tag`);
  if (tag !== undefined) {
    if (!TAG.test(tag)) throw new ModuleFailure(`invalid tag '${tag}'`);
    if (t.tag !== undefined && t.tag !== tag) throw new ModuleFailure(`target '${target}' has tag '${t.tag}' but tag is '${tag}': give the tag once`);
    return { name: t.name, tag };
  }
  return withDefaultTag(t);
}
