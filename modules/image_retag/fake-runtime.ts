/**
 * For tests: an in-memory docker, podman or ctr with a registry behind it, answering the
 * image_retag module's commands (its probe, image inspect, pull, tag, rmi / ctr images ls,
 * pull, tag, rm) with the real tools' output shapes and messages (see fixtures/).
 */
import { shlexSplit } from '../_shared/shlex.js';
import type { FakeCommand } from '../../test/helpers/fake-context.js';
import { PROBE_MARK } from './probe.js';
import { formatRef, fullyQualified, parseRef, withDefaultTag } from './refs.js';
import type { Runtime } from './runtime.js';

export interface FakeRuntimeOptions {
  /** The runtime installed (default docker); `installed: []` for none. */
  runtime?: Runtime;
  installed?: Runtime[];
  /** The daemon answers (default true). */
  running?: boolean;
  /** docker client before 25 ("Error: No such image") or after ("Error response from daemon: ..."). */
  era?: 'old' | 'current';
  /** The registry: reference -> image id. */
  registry?: Record<string, string>;
  /** Repositories (names without tag) the registry refuses. */
  denied?: string[];
  /** Images on the host: reference -> image id. */
  images?: Record<string, string>;
}

export interface FakeRuntime {
  /** Local images, keyed by fully qualified reference. */
  images: Map<string, string>;
  registry: Map<string, string>;
  /** State-changing calls: 'pull X', 'tag X Y', 'rmi X'. */
  calls: string[];
  commands: FakeCommand[];
}

/** docker's own normalisation: nginx and docker.io/library/nginx:latest are one name. */
export const norm = (ref: string): string => formatRef(fullyQualified(withDefaultTag(parseRef(ref, 'fake'))));

const DAEMON_DOWN = 'Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?';

export function fakeRuntime(o: FakeRuntimeOptions = {}): FakeRuntime {
  const runtime = o.runtime ?? 'docker';
  const installed = new Set(o.installed ?? [runtime]);
  const f: FakeRuntime = {
    images: new Map(Object.entries(o.images ?? {}).map(([k, v]) => [norm(k), v])),
    registry: new Map(Object.entries(o.registry ?? {}).map(([k, v]) => [norm(k), v])),
    calls: [],
    commands: [],
  };
  const down = () => o.running === false;
  const downMessage = (rt: Runtime) => (rt === 'ctr' ? 'ctr: failed to dial "/run/containerd/containerd.sock": connection error: desc = "transport: error while dialing: dial unix /run/containerd/containerd.sock: connect: no such file or directory"' : rt === 'podman' ? 'Error: cannot connect to the Podman socket' : DAEMON_DOWN);
  const missing = (rt: Runtime, ref: string) => (rt === 'podman' ? `Error: ${ref}: image not known` : o.era === 'old' ? `Error: No such image: ${ref}` : `Error response from daemon: No such image: ${ref}`);

  /** One runtime's answer to `image inspect` (docker, podman) / `images ls name==` (ctr), output merged. */
  const inspect = (rt: Runtime, ref: string): { rc: number; out: string } => {
    if (down()) return { rc: 1, out: rt === 'docker' ? `\n${downMessage(rt)}` : downMessage(rt) };
    const id = f.images.get(norm(ref));
    if (rt === 'ctr') {
      const header = 'REF TYPE DIGEST SIZE PLATFORMS LABELS';
      return { rc: 0, out: id ? `${header}\n${ref} application/vnd.docker.distribution.manifest.v2+json ${id} 42.5 MiB linux/amd64 io.cri-containerd.image=managed` : header };
    }
    if (id) return { rc: 0, out: rt === 'podman' ? id.replace(/^sha256:/, '') : id };
    return { rc: rt === 'podman' ? 125 : 1, out: missing(rt, ref) };
  };

  const pull = (rt: Runtime, ref: string): { rc?: number; stdout?: string; stderr?: string } => {
    if (down()) return { rc: rt === 'podman' ? 125 : 1, stderr: `${downMessage(rt)}\n` };
    const key = norm(ref);
    const p = parseRef(ref, 'fake');
    const tag = p.tag ?? 'latest';
    const repo = p.name.split('/').slice(p.name.includes('.') ? 1 : 0).join('/');
    const head = `${p.tag ? '' : 'Using default tag: latest\n'}`;
    if (o.denied?.includes(p.name)) {
      return { rc: 1, stdout: head, stderr: `Error response from daemon: pull access denied for ${p.name}, repository does not exist or may require 'docker login': denied: requested access to the resource is denied\n` };
    }
    const id = f.registry.get(key);
    if (!id) {
      if (rt === 'ctr') return { rc: 1, stderr: `ctr: failed to resolve reference "${ref}": ${ref}: not found\n` };
      if (rt === 'podman') return { rc: 125, stderr: `Trying to pull ${ref}...\nError: initializing source docker://${ref}: reading manifest ${tag} in ${p.name}: manifest unknown\n` };
      return { rc: 1, stdout: head, stderr: `Error response from daemon: manifest for ${formatRef(withDefaultTag(p))} not found: manifest unknown: manifest unknown\n` };
    }
    const had = f.images.get(key) === id;
    f.images.set(key, id);
    f.calls.push(`pull ${ref}`);
    if (rt === 'ctr') return { stdout: `${ref}: resolved\nelapsed: 1.2 s\ttotal: 42.5 M\n` };
    if (rt === 'podman') return { stdout: `${had ? '' : 'Copying blob ff3a5c916c92 done\n'}Writing manifest to image destination\n${id.replace(/^sha256:/, '')}\n`, stderr: `Trying to pull ${ref}...\n` };
    const status = had ? `Status: Image is up to date for ${formatRef(withDefaultTag(p))}` : `Status: Downloaded newer image for ${formatRef(withDefaultTag(p))}`;
    const layers = had ? '' : 'ff3a5c916c92: Pull complete\n';
    return { stdout: `${head}${tag}: Pulling from ${repo}\n${layers}Digest: sha256:${'a'.repeat(64)}\n${status}\n${o.era === 'old' ? '' : `${formatRef(withDefaultTag(p))}\n`}` };
  };

  const tag = (rt: Runtime, src: string, tgt: string) => {
    if (down()) return { rc: 1, stderr: `${downMessage(rt)}\n` };
    const id = f.images.get(norm(src));
    if (!id) return { rc: rt === 'podman' ? 125 : 1, stderr: `${rt === 'ctr' ? `ctr: image "${src}": not found` : rt === 'podman' ? `Error: ${src}: image not known` : `Error response from daemon: No such image: ${src}`}\n` };
    if (rt === 'ctr' && f.images.has(norm(tgt))) return { rc: 1, stderr: `ctr: image "${tgt}": already exists\n` };
    f.images.set(norm(tgt), id);
    f.calls.push(`tag ${src} ${tgt}`);
    return { stdout: rt === 'ctr' ? `${tgt}\n` : '' };
  };

  const rmi = (rt: Runtime, ref: string) => {
    if (down()) return { rc: 1, stderr: `${downMessage(rt)}\n` };
    const id = f.images.get(norm(ref));
    if (!id) return { rc: rt === 'podman' ? 1 : 1, stderr: `${rt === 'podman' ? `Error: ${ref}: image not known` : rt === 'ctr' ? `ctr: image "${ref}": not found` : `Error response from daemon: No such image: ${ref}`}\n` };
    f.images.delete(norm(ref));
    f.calls.push(`rmi ${ref}`);
    if (rt === 'ctr') return { stdout: `${ref}\n` };
    const last = ![...f.images.values()].includes(id);
    return { stdout: `Untagged: ${ref}\n${last ? `Deleted: ${id}\n` : ''}` };
  };

  f.commands.push({
    // The module's probe.
    match: /^\( set -- /,
    respond: (cmd) => {
      const [source, target, sourceFull, targetFull] = shlexSplit(cmd.slice('( set -- '.length, cmd.indexOf('\n')));
      const candidates = /for c in ([a-z ]+); do/.exec(cmd)![1]!.split(' ') as Runtime[];
      const rt = candidates.find((c) => installed.has(c));
      let out = `${PROBE_MARK} runtime ${rt ?? 'none'}\n`;
      if (!rt) return { stdout: out };
      for (const ref of rt === 'ctr' ? [sourceFull!, targetFull!] : [source!, target!]) {
        const r = inspect(rt, ref);
        out += `${PROBE_MARK} image ${r.rc}\n${r.out}\n`;
      }
      return { stdout: out };
    },
  });
  f.commands.push({
    match: /^(docker|podman) image inspect --format '\{\{\.Id\}\}' /,
    respond: (cmd) => {
      const w = shlexSplit(cmd.replace(/ 2>&1$/, ''));
      const r = inspect(w[0] as Runtime, w[5]!);
      return { rc: r.rc, stdout: `${r.out}\n` };
    },
  });
  f.commands.push({
    match: /^ctr -n \S+ images (ls|pull|tag|rm) /,
    respond: (cmd) => {
      const w = shlexSplit(cmd.replace(/ 2>&1$/, ''));
      const verb = w[4]!;
      if (verb === 'ls') { const r = inspect('ctr', w[5]!.replace(/^name==/, '')); return { rc: r.rc, stdout: `${r.out}\n` }; }
      if (verb === 'pull') return pull('ctr', w[5]!);
      if (verb === 'tag') return tag('ctr', w[5]!, w[6]!);
      return rmi('ctr', w[5]!);
    },
  });
  f.commands.push({
    match: /^(docker|podman) (pull|tag|rmi) /,
    respond: (cmd) => {
      const w = shlexSplit(cmd);
      const rt = w[0] as Runtime;
      if (w[1] === 'pull') return pull(rt, w[2]!);
      if (w[1] === 'tag') return tag(rt, w[2]!, w[3]!);
      return rmi(rt, w[2]!);
    },
  });
  return f;
}
