/**
 * kubeadm_init's arguments and the `kubeadm init` / `kubeadm token create` command lines
 * built from them. kubeadm refuses to mix --config with most flags; that is caught here,
 * before anything runs, with the argument names the user wrote.
 */
import { ModuleFailure, type JsonSchema } from '../../src/index.js';
import { extraArgs } from '../_shared/kubeadm/extra-args.js';

export interface InitArgs {
  apiserver_advertise_address?: string;
  apiserver_bind_port?: number;
  image_repository?: string;
  kubernetes_version?: string;
  service_cidr?: string;
  pod_network_cidr?: string;
  config?: string;
  ignore_preflight_errors: string[];
  extra_args?: string[] | string;
  token_ttl?: string | number;
  kubeconfig_user?: string;
  new_token: boolean;
  init: boolean;
  api_timeout: number;
}

export const INIT_SCHEMA: JsonSchema = {
  type: 'object',
  properties: {
    apiserver_advertise_address: { type: 'string', description: 'The address the API server advertises (--apiserver-advertise-address).' },
    apiserver_bind_port: { type: 'integer', minimum: 1, maximum: 65535, description: "The API server's port (--apiserver-bind-port); kubeadm's default is 6443." },
    image_repository: { type: 'string', description: 'Where the control plane images are pulled from, e.g. a mirror (--image-repository).' },
    kubernetes_version: { type: 'string', description: "The control plane's version (--kubernetes-version), e.g. 1.13.3 or v1.13.3." },
    service_cidr: { type: 'string', description: 'The services\' address range (--service-cidr).' },
    pod_network_cidr: { type: 'string', description: "The pods' address range (--pod-network-cidr); flannel expects 10.244.0.0/16." },
    config: { type: 'string', description: 'A kubeadm configuration file on the host (--config). kubeadm refuses it together with the flag arguments above.' },
    ignore_preflight_errors: { type: 'array', items: { type: 'string' }, default: [], description: 'Preflight checks to make non-fatal, e.g. [Swap] or [all] (--ignore-preflight-errors).' },
    extra_args: { type: ['array', 'string'], items: { type: 'string' }, description: 'More kubeadm init arguments, as a list or a command-line string.' },
    token_ttl: { type: ['string', 'integer'], description: "Lifetime of the tokens kubeadm creates (--token-ttl / --ttl): '24h0m0s' by default, 0 for never; an integer is seconds." },
    kubeconfig_user: { type: 'string', description: "Copy /etc/kubernetes/admin.conf to this user's ~/.kube/config (owned by the user, mode 0600)." },
    new_token: { type: 'boolean', default: true, description: 'Create a fresh join token on every run (tokens expire after 24h); never reported as a change. false: reuse a valid token when there is one.' },
    init: { type: 'boolean', default: true, description: 'Run kubeadm init where the control plane is not initialised. false: only read the join values (fails where there is no control plane).' },
    api_timeout: { type: 'integer', minimum: 0, default: 60, description: 'Seconds to wait for the API of an initialised control plane to answer (it takes a while after a reboot).' },
  },
  additionalProperties: false,
};

/** Arguments that become flags kubeadm refuses next to --config. */
const FLAG_ARGS = [
  ['apiserver_advertise_address', 'apiserver-advertise-address'],
  ['apiserver_bind_port', 'apiserver-bind-port'],
  ['image_repository', 'image-repository'],
  ['kubernetes_version', 'kubernetes-version'],
  ['service_cidr', 'service-cidr'],
  ['pod_network_cidr', 'pod-network-cidr'],
] as const;

/** `1.13.3` -> `v1.13.3` (what kubeadm prints); labels such as `stable-1.13` are kept. */
export function kubernetesVersion(v: string): string {
  return /^\d+\.\d+\.\d+/.test(v) ? `v${v}` : v;
}

/** A TTL for kubeadm: integers are seconds. */
export function ttlFlag(ttl: string | number): string {
  return typeof ttl === 'number' ? `${ttl}s` : ttl;
}

/** kubeadm's own refusal, said before running: --config cannot come with these flags. */
export function checkConfigConflicts(a: InitArgs): void {
  if (a.config === undefined) return;
  const clash = FLAG_ARGS.filter(([k]) => a[k] !== undefined).map(([k]) => k);
  if (clash.length) {
    throw new ModuleFailure(`config cannot be combined with ${clash.join(', ')}: kubeadm refuses to mix --config with these flags; set them in the configuration file`);
  }
}

/** The `kubeadm init` argv (without `kubeadm`), flags in `--name=value` form. */
export function initArgv(a: InitArgs): string[] {
  const argv = ['init'];
  if (a.config !== undefined) argv.push(`--config=${a.config}`);
  for (const [k, flag] of FLAG_ARGS) {
    const v = a[k];
    if (v === undefined) continue;
    argv.push(`--${flag}=${k === 'kubernetes_version' ? kubernetesVersion(String(v)) : v}`);
  }
  // With --config the file says how long the first token lives.
  if (a.token_ttl !== undefined && a.config === undefined) argv.push(`--token-ttl=${ttlFlag(a.token_ttl)}`);
  if (a.ignore_preflight_errors.length) argv.push(`--ignore-preflight-errors=${a.ignore_preflight_errors.join(',')}`);
  argv.push(...extraArgs(a));
  return argv;
}

/** `kubeadm token create --print-join-command [--ttl T]` argv (without `kubeadm`). */
export function tokenCreateArgv(a: Pick<InitArgs, 'token_ttl'>): string[] {
  return ['token', 'create', '--print-join-command', ...(a.token_ttl !== undefined ? [`--ttl=${ttlFlag(a.token_ttl)}`] : [])];
}

/** A command line from argv words. */
export function commandLine(argv: string[], quote: (s: string) => string): string {
  return ['kubeadm', ...argv].map(quote).join(' ');
}
