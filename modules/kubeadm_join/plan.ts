/**
 * kubeadm_join's pure decisions: nothing to do where /etc/kubernetes/kubelet.conf exists (the
 * node has joined a cluster); otherwise the join values, from a join command and/or the single
 * arguments (which win), checked for kubeadm's forms before anything runs.
 */
import { ModuleFailure, type Plan } from '../../src/index.js';
import { dictDiff } from '../_shared/diffs.js';
import { caHashProblem, endpointFromServer, maskToken, parseJoinCommand, tokenProblem } from '../_shared/kubeadm/join-command.js';
import { KUBELET_CONF } from '../_shared/kubeadm/kubeconfig.js';

export interface JoinArgs {
  api_server_endpoint?: string | null;
  token?: string | null;
  discovery_token_ca_cert_hash?: string | string[] | null;
  join_command?: string | null;
  ignore_preflight_errors: string[];
  node_name?: string;
  extra_args?: string[] | string;
}

export interface JoinState {
  /** kubelet.conf exists: the node has joined. */
  joined: boolean;
  /** The API server kubelet.conf points at. */
  server?: string;
  kubeadmFound: boolean;
}

/** What the join will use. */
export interface JoinPlanValues {
  apiServerEndpoint: string;
  token: string;
  caCertHashes: string[];
  /** Flags of the join command other than the discovery ones (kept). */
  otherArgs: string[];
  unsafeSkipCaVerification: boolean;
}

const SKIP_CA = '--discovery-token-unsafe-skip-ca-verification';

/** Join values from the arguments (null where missing); explicit arguments override join_command's. */
export function resolveJoin(a: JoinArgs, extra: string[]): { values: Partial<JoinPlanValues>; missing: string[] } {
  const fromCommand = a.join_command ? parseJoinCommand(a.join_command) : undefined;
  if (fromCommand?.controlPlane) {
    throw new ModuleFailure('join_command is a control-plane join (--control-plane): kubeadm_join joins worker nodes; use the worker join command');
  }
  const hashArg = a.discovery_token_ca_cert_hash;
  // kubeadm takes several pins comma-separated, as one flag value.
  const hashes = hashArg == null ? fromCommand?.caCertHashes ?? [] : (Array.isArray(hashArg) ? hashArg : hashArg.split(',')).map((h) => h.trim()).filter(Boolean);
  const values: Partial<JoinPlanValues> = {
    ...((a.api_server_endpoint || fromCommand?.apiServerEndpoint) ? { apiServerEndpoint: endpointFromServer(a.api_server_endpoint || fromCommand!.apiServerEndpoint) } : {}),
    ...((a.token || fromCommand?.token) ? { token: a.token || fromCommand!.token } : {}),
    caCertHashes: hashes,
    otherArgs: fromCommand?.otherArgs ?? [],
    unsafeSkipCaVerification: !!fromCommand?.unsafeSkipCaVerification || extra.includes(SKIP_CA),
  };
  const missing: string[] = [];
  if (!values.apiServerEndpoint) missing.push('api_server_endpoint');
  if (!values.token) missing.push('token');
  if (!hashes.length && !values.unsafeSkipCaVerification) missing.push('discovery_token_ca_cert_hash');
  return { values, missing };
}

/** Decide: no change where the node has joined; otherwise one 'join'. */
export function planJoin(a: JoinArgs, st: JoinState, extra: string[], checkMode: boolean): Plan<'join'> {
  const warnings: string[] = [];
  if (st.joined) {
    const current = st.server ? endpointFromServer(st.server) : null;
    let wanted: string | undefined;
    try {
      wanted = resolveJoin(a, extra).values.apiServerEndpoint;
    } catch {
      // A join command that does not parse does not matter on a node that has joined.
    }
    if (current && wanted && current !== wanted) {
      warnings.push(`this node has joined the cluster at ${current}, not ${wanted}: run kubeadm reset -f on it first to join another one`);
    }
    return { changes: [], warnings, msg: `the node has joined a cluster (${KUBELET_CONF} exists)`, result: { api_server_endpoint: current } };
  }
  const { values, missing } = resolveJoin(a, extra);
  if (missing.length) {
    if (!checkMode) {
      throw new ModuleFailure(`kubeadm_join needs join_command, or api_server_endpoint, token and discovery_token_ca_cert_hash: ${missing.join(', ')} ${missing.length > 1 ? 'are' : 'is'} missing`, {}, {
        details: ["From the control plane's kubeadm_init result, e.g. join_command: \"{{ hostvars[groups['masters'][0]].kubeadm.join_command }}\""],
      });
    }
    // In check mode the control plane may not exist yet: its values are "known after apply".
    warnings.push(`the join values are not known yet (${missing.join(', ')}): they come from the control plane once it is initialised`);
    return { changes: ['join'], warnings, diff: [dictDiff('node', { joined: false }, { joined: true })], result: { api_server_endpoint: values.apiServerEndpoint ?? null } };
  }
  const problem = tokenProblem(values.token!) ?? values.caCertHashes!.map(caHashProblem).find(Boolean);
  if (problem) throw new ModuleFailure(`kubeadm_join: ${problem}`);
  if (!st.kubeadmFound) {
    if (!checkMode) throw new ModuleFailure('kubeadm is not installed on this host: install the kubeadm package first');
    warnings.push('kubeadm is not installed yet: assuming an earlier task installs it');
  }
  return {
    changes: ['join'],
    warnings,
    diff: [dictDiff('node', { joined: false }, { api_server_endpoint: values.apiServerEndpoint, joined: true, token: maskToken(values.token!) })],
    result: { api_server_endpoint: values.apiServerEndpoint },
  };
}
