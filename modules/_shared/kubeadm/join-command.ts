/**
 * `kubeadm join` command lines: finding them in `kubeadm init` / `kubeadm token create
 * --print-join-command` output (1.13's one line, current versions' backslash-continued lines),
 * parsing them into their values, and writing one back the way kubeadm prints it.
 */
import { ModuleFailure } from '../../../src/index.js';
import { shlexSplit } from '../shlex.js';

/** The values a worker needs to join (kubeadm's token-based discovery). */
export interface JoinValues {
  /** host:port of the API server (kubeadm prints the kubeconfig's server without https://). */
  apiServerEndpoint: string;
  token: string;
  /** One `sha256:<hex>` per CA certificate (kubeadm prints one flag per CA). */
  caCertHashes: string[];
  /** `--control-plane` (`--experimental-control-plane` before 1.15): a control-plane join. */
  controlPlane: boolean;
  certificateKey?: string;
  unsafeSkipCaVerification: boolean;
  /** Other flags of the command line, kept in order (e.g. `--cri-socket /x`). */
  otherArgs: string[];
}

/** kubeadm's bootstrap token form, `[a-z0-9]{6}.[a-z0-9]{16}` (bootstrapapi.BootstrapTokenPattern). */
export const TOKEN_RE = /^[a-z0-9]{6}\.[a-z0-9]{16}$/;
/** A public key pin as kubeadm accepts it: `sha256:` and 32 bytes of hex, any case. */
export const CA_HASH_RE = /^sha256:[0-9a-fA-F]{64}$/;

/** kubeadm join flags that take a value (the others are booleans). */
const VALUE_FLAGS = new Set([
  'token', 'discovery-token', 'tls-bootstrap-token', 'discovery-token-ca-cert-hash', 'certificate-key',
  'node-name', 'cri-socket', 'config', 'ignore-preflight-errors', 'discovery-file', 'apiserver-advertise-address',
  'apiserver-bind-port', 'skip-phases', 'patches', 'experimental-patches', 'v', 'rootfs',
]);

/** The token's id, the part kubeadm prints in its messages (the secret half stays hidden). */
export function tokenId(token: string): string {
  const dot = token.indexOf('.');
  return dot < 0 ? token : token.slice(0, dot);
}

/** A token with its secret half masked, for command lines shown in results. */
export function maskToken(token: string): string {
  const dot = token.indexOf('.');
  return dot < 0 ? '<hidden>' : `${token.slice(0, dot)}.<hidden>`;
}

/** Joins backslash-continued lines, as a shell reading kubeadm's printed command would. */
function unfold(text: string): string {
  return text.replace(/\\\r?\n/g, ' ');
}

/**
 * Every `kubeadm join ...` command printed in `text`, each on one line with single spaces.
 * 1.13 prints `  kubeadm join H:P --token T --discovery-token-ca-cert-hash sha256:X` on one
 * line; current versions continue lines with `\` and add a control-plane variant first.
 */
export function findJoinCommands(text: string): string[] {
  const out: string[] = [];
  for (const line of unfold(text).split(/\r?\n/)) {
    const m = /(?:^|\s)(kubeadm\s+join\s.*)$/.exec(line);
    if (m) out.push(m[1]!.replace(/\s+/g, ' ').trim());
  }
  return out;
}

/**
 * Parse a join command line into its values. Accepts the forms kubeadm has printed: endpoint
 * first (1.8+), `--token T H:P` (1.6-1.7), `--flag=value`, `sudo`/paths before `kubeadm`.
 * @throws ModuleFailure naming what is missing or malformed.
 */
export function parseJoinCommand(command: string): JoinValues {
  let words: string[];
  try {
    words = shlexSplit(unfold(command));
  } catch (e) {
    throw new ModuleFailure(`cannot parse the join command: ${(e as Error).message}`);
  }
  const at = words.findIndex((w, i) => w === 'join' && i > 0 && /(^|\/)kubeadm$/.test(words[i - 1]!));
  if (at < 0) throw new ModuleFailure(`not a kubeadm join command: '${command.trim().slice(0, 80)}'`);
  const v: JoinValues = { apiServerEndpoint: '', token: '', caCertHashes: [], controlPlane: false, unsafeSkipCaVerification: false, otherArgs: [] };
  const positional: string[] = [];
  for (let i = at + 1; i < words.length; i++) {
    const w = words[i]!;
    if (!w.startsWith('-')) {
      positional.push(w);
      continue;
    }
    const body = w.replace(/^--?/, '');
    const eq = body.indexOf('=');
    const name = eq < 0 ? body : body.slice(0, eq);
    let value: string | undefined;
    if (eq >= 0) value = body.slice(eq + 1);
    else if (VALUE_FLAGS.has(name)) value = words[++i];
    if (VALUE_FLAGS.has(name) && value === undefined) throw new ModuleFailure(`the join command's --${name} has no value`);
    switch (name) {
      case 'token':
      case 'discovery-token':
        v.token = value!;
        break;
      case 'discovery-token-ca-cert-hash':
        v.caCertHashes.push(...value!.split(',').filter(Boolean));
        break;
      case 'control-plane':
      case 'experimental-control-plane':
        v.controlPlane = true;
        break;
      case 'certificate-key':
        v.certificateKey = value!;
        break;
      case 'discovery-token-unsafe-skip-ca-verification':
        v.unsafeSkipCaVerification = true;
        break;
      default:
        v.otherArgs.push(...(value !== undefined && eq < 0 ? [w, value] : [w]));
    }
  }
  if (positional.length > 1) throw new ModuleFailure(`the join command has several API server endpoints: ${positional.join(', ')}`);
  v.apiServerEndpoint = positional[0] ?? '';
  return v;
}

/** The worker join command among several (the one without --control-plane), or undefined. */
export function workerJoinCommand(text: string): JoinValues | undefined {
  for (const c of findJoinCommands(text)) {
    let v: JoinValues;
    try {
      v = parseJoinCommand(c);
    } catch {
      continue;
    }
    // `--skip-token-print` prints "<value withheld>": no usable token there.
    if (!v.controlPlane && TOKEN_RE.test(v.token) && v.apiServerEndpoint) return v;
  }
  return undefined;
}

/** A join command as kubeadm 1.13 prints it (one line, one hash flag per CA). */
export function formatJoinCommand(v: Pick<JoinValues, 'apiServerEndpoint' | 'token' | 'caCertHashes'>): string {
  return [`kubeadm join ${v.apiServerEndpoint} --token ${v.token}`, ...v.caCertHashes.map((h) => `--discovery-token-ca-cert-hash ${h}`)].join(' ');
}

/** What is wrong with a token, in kubeadm's words, or undefined when it has the right form. */
export function tokenProblem(token: string): string | undefined {
  if (TOKEN_RE.test(token)) return undefined;
  return `the bootstrap token "${maskToken(token)}" was not of the form "[a-z0-9]{6}.[a-z0-9]{16}"`;
}

/** What is wrong with a CA public key pin, or undefined when it has kubeadm's form. */
export function caHashProblem(hash: string): string | undefined {
  if (CA_HASH_RE.test(hash)) return undefined;
  if (!hash.includes(':')) return `invalid hash "${hash}", expected "format:hex-value" (sha256:<64 hex digits>)`;
  return `invalid hash "${hash}": expected sha256: followed by 64 hex digits`;
}

/** host:port from a kubeconfig's `server:` URL, as kubeadm derives the join endpoint. */
export function endpointFromServer(server: string): string {
  return server.trim().replace(/^https:\/\//, '').replace(/\/+$/, '');
}
