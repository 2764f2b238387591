/**
 * The container runtimes' command lines and what their output means: docker and podman share
 * their verbs (`image inspect --format '{{.Id}}'`, pull, tag, rmi); containerd's ctr works in a
 * namespace (k8s.io is the kubelet's), takes only full names, and has no image id: the
 * manifest digest stands for it.
 *
 * An absent image is an answer, not an error: docker says "Error: No such image: x" (before
 * 25) or "Error response from daemon: No such image: x:latest" (25 and later), podman
 * "Error: x: image not known", `docker inspect` "Error: No such object: x".
 */

export type Runtime = 'docker' | 'podman' | 'ctr';
export const RUNTIMES: readonly Runtime[] = ['docker', 'podman', 'ctr'];

type Quote = (s: string) => string;

/** What the runtime says about one image. */
export type ImageState =
  | { present: true; id: string }
  | { present: false }
  | { error: string };

const ABSENT = /No such image|image not known|No such object|failed to find image/i;
const ID = /^(?:sha256:)?[0-9a-f]{64}$/;

export interface RuntimeOptions {
  runtime: Runtime;
  /** containerd namespace for ctr (default k8s.io). */
  namespace: string;
}

const ctr = (o: RuntimeOptions, quote: Quote) => `ctr -n ${quote(o.namespace)}`;

/** The command that prints an image's id (docker, podman) or its listing line (ctr). */
export function inspectCommand(o: RuntimeOptions, ref: string, quote: Quote): string {
  if (o.runtime === 'ctr') return `${ctr(o, quote)} images ls ${quote(`name==${ref}`)}`;
  return `${o.runtime} image inspect --format '{{.Id}}' ${quote(ref)}`;
}

/** Read inspectCommand's answer (stdout and stderr together). */
export function parseInspect(runtime: Runtime, ref: string, rc: number, output: string): ImageState {
  const lines = output.split('\n').map((l) => l.trim()).filter(Boolean);
  if (runtime === 'ctr') {
    if (rc !== 0) return { error: lines.join('\n') || `ctr exited with status ${rc}` };
    // REF TYPE DIGEST SIZE PLATFORMS LABELS; the header line first.
    const row = lines.slice(1).map((l) => l.split(/\s+/)).find((cols) => cols[0] === ref);
    const digest = row?.find((c) => /^sha256:[0-9a-f]{64}$/.test(c));
    return digest ? { present: true, id: digest } : { present: false };
  }
  const id = lines.find((l) => ID.test(l));
  if (rc === 0 && id) return { present: true, id: id.startsWith('sha256:') ? id : `sha256:${id}` };
  if (rc !== 0 && lines.some((l) => ABSENT.test(l))) return { present: false };
  return { error: lines.join('\n') || `${runtime} image inspect exited with status ${rc}` };
}

/** `docker pull REF`. */
export function pullCommand(o: RuntimeOptions, ref: string, quote: Quote): string {
  return o.runtime === 'ctr' ? `${ctr(o, quote)} images pull ${quote(ref)}` : `${o.runtime} pull ${quote(ref)}`;
}

/** `docker tag SRC TGT`. ctr refuses an existing target: the caller removes it first. */
export function tagCommand(o: RuntimeOptions, source: string, target: string, quote: Quote): string {
  return o.runtime === 'ctr' ? `${ctr(o, quote)} images tag ${quote(source)} ${quote(target)}` : `${o.runtime} tag ${quote(source)} ${quote(target)}`;
}

/** Remove a name (docker rmi without -f only untags while another name points at the image). */
export function removeCommand(o: RuntimeOptions, ref: string, quote: Quote): string {
  return o.runtime === 'ctr' ? `${ctr(o, quote)} images rm ${quote(ref)}` : `${o.runtime} rmi ${quote(ref)}`;
}

/** Hints under a failed pull, from the registry's and the daemon's words. */
export function pullHints(output: string, ref: string): string[] {
  if (/manifest for \S+ not found|manifest unknown|not found: not found/i.test(output)) {
    return [`The registry has no tag ${ref.slice(ref.lastIndexOf(':') + 1)} for this image: check the version and the architecture suffix (e.g. v0.10.0-amd64) in the mirror.`];
  }
  if (/pull access denied|requested access to the resource is denied|unauthorized|authentication required/i.test(output)) {
    return ['The registry refused: the repository does not exist there, or it needs a login (docker login on the host).'];
  }
  if (/no such host|i\/o timeout|connection refused|request canceled|TLS handshake timeout|network is unreachable/i.test(output)) {
    return ['The host could not reach the registry: check its DNS, proxy (docker\'s systemd drop-in for HTTP_PROXY) and firewall, or use a mirror it can reach.'];
  }
  if (/http: server gave HTTP response to HTTPS client/.test(output)) {
    return ['The registry speaks plain HTTP: list it under insecure-registries in /etc/docker/daemon.json.'];
  }
  return daemonHints(output);
}

/** Hints when the runtime itself does not answer. */
export function daemonHints(output: string): string[] {
  if (/Cannot connect to the Docker daemon|Is the docker daemon running/i.test(output)) return ['The docker service is not running: start it first (systemd: name=docker state=started).'];
  if (/permission denied while trying to connect to the Docker daemon/i.test(output)) return ['The task needs root (become: true) or a user in the docker group.'];
  if (/containerd\.sock.*(no such file|connection refused)/i.test(output)) return ['containerd is not running: start it first.'];
  return [];
}
