/**
 * The one round trip that reads the state: which runtime is there (the one asked for, or the
 * first of docker, podman, ctr) and what the source and the target point at.
 */
import { inspectCommand, parseInspect, RUNTIMES, type ImageState, type Runtime } from './runtime.js';

export const PROBE_MARK = '@@k8sp-retag';

type Quote = (s: string) => string;

export interface ProbeRefs {
  source: string;
  target: string;
  /** The same, fully qualified (for ctr). */
  sourceFull: string;
  targetFull: string;
}

export interface Probe {
  /** The runtime found; undefined when none is installed. */
  runtime?: Runtime;
  source?: ImageState;
  target?: ImageState;
}

/** The probe script. `runtime` 'auto' takes the first of docker, podman, ctr present. */
export function probeCommand(runtime: Runtime | 'auto', refs: ProbeRefs, namespace: string, quote: Quote): string {
  const candidates = runtime === 'auto' ? RUNTIMES : [runtime];
  // Each runtime's inspect, with "$ref" standing for the image (quoted once, in `set --`).
  const inspect = (rt: Runtime) => inspectCommand({ runtime: rt, namespace }, '@REF@', quote).replace(quote('name==@REF@'), '"name==$ref"').replace(quote('@REF@'), '"$ref"');
  return [
    `( set -- ${[refs.source, refs.target, refs.sourceFull, refs.targetFull].map(quote).join(' ')}`,
    'rt=',
    `for c in ${candidates.join(' ')}; do if command -v "$c" >/dev/null 2>&1; then rt=$c; break; fi; done`,
    `printf '%s runtime %s\\n' '${PROBE_MARK}' "\${rt:-none}"`,
    '[ -n "$rt" ] || exit 0',
    'if [ "$rt" = ctr ]; then a=$3; b=$4; else a=$1; b=$2; fi',
    'for ref in "$a" "$b"; do',
    '  case $rt in',
    ...candidates.map((rt) => `    ${rt}) out=$(${inspect(rt)} 2>&1); rc=$? ;;`),
    '  esac',
    `  printf '%s image %s\\n%s\\n' '${PROBE_MARK}' "$rc" "$out"`,
    'done )',
  ].join('\n');
}

/** Parse the probe's output. */
export function parseProbe(stdout: string, refs: ProbeRefs): Probe {
  const sections: Array<{ head: string[]; body: string[] }> = [];
  for (const line of stdout.split('\n')) {
    if (line.startsWith(`${PROBE_MARK} `)) sections.push({ head: line.slice(PROBE_MARK.length + 1).split(' '), body: [] });
    else sections.at(-1)?.body.push(line);
  }
  const rt = sections.find((s) => s.head[0] === 'runtime');
  if (!rt) throw new Error(`unexpected output from the image probe: ${stdout.slice(0, 200)}`);
  const name = rt.head[1];
  if (!name || name === 'none' || !(RUNTIMES as readonly string[]).includes(name)) return {};
  const runtime = name as Runtime;
  const images = sections.filter((s) => s.head[0] === 'image');
  const state = (i: number, ref: string): ImageState | undefined => {
    const s = images[i];
    return s ? parseInspect(runtime, ref, Number(s.head[1]), s.body.join('\n')) : undefined;
  };
  const full = runtime === 'ctr';
  const source = state(0, full ? refs.sourceFull : refs.source);
  const target = state(1, full ? refs.targetFull : refs.target);
  return { runtime, ...(source ? { source } : {}), ...(target ? { target } : {}) };
}
