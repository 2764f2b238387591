/**
 * kubeadm_init's pure decisions. Initialised means: /etc/kubernetes/admin.conf exists AND the
 * API answers through it (`kubeadm token list` succeeds). Only then is init skipped; admin.conf
 * without an answering API is a half-done or stopped control plane, reported (kubeadm init
 * would only fail its preflight checks on the files it left).
 */
import { ModuleFailure, shellQuote, type FileDiff, type Plan } from '../../src/index.js';
import { dictDiff } from '../_shared/diffs.js';
import { caCertHashes } from '../_shared/kubeadm/ca-hash.js';
import { endpointFromServer, formatJoinCommand } from '../_shared/kubeadm/join-command.js';
import { ADMIN_CONF, KUBELET_CONF } from '../_shared/kubeadm/kubeconfig.js';
import { bestJoinToken, parseTokenList } from '../_shared/kubeadm/token-list.js';
import { checkConfigConflicts, commandLine, initArgv, type InitArgs } from './args.js';
import type { InitState } from './probe.js';

/** 'init': run kubeadm init; 'kubeconfig': write the user's ~/.kube/config. */
export type InitChange = 'init' | 'kubeconfig';

/** The values a join needs; null where not known yet. */
export interface JoinResult {
  join_command: string | null;
  token: string | null;
  discovery_token_ca_cert_hash: string | null;
  api_server_endpoint: string | null;
}

/** Result keys that stay unknown until apply (Terraform's "known after apply"). */
export const JOIN_KEYS = ['join_command', 'token', 'discovery_token_ca_cert_hash', 'api_server_endpoint'] as const;

const KUBECONFIG_MODE = '0600';

/** The endpoint kubeadm will print, when the arguments tell it (no config file). */
function predictedEndpoint(a: InitArgs): string | null {
  if (a.config !== undefined || !a.apiserver_advertise_address) return null;
  const host = a.apiserver_advertise_address.includes(':') ? `[${a.apiserver_advertise_address}]` : a.apiserver_advertise_address;
  return `${host}:${a.apiserver_bind_port ?? 6443}`;
}

/** Which results are unknown, as the `known_after_apply` list (absent when all are known). */
export function withUnknowns(values: JoinResult): Record<string, unknown> {
  const unknown = JOIN_KEYS.filter((k) => values[k] === null);
  return { ...values, ...(unknown.length ? { known_after_apply: unknown } : {}) };
}

/** Does the user's copy of admin.conf need writing (content, owner, group or mode)? */
function kubeconfigChange(a: InitArgs, st: InitState, initialised: boolean): { change: boolean; diff?: FileDiff } {
  if (a.kubeconfig_user === undefined) return { change: false };
  const user = st.user;
  if (!user) throw new ModuleFailure(`kubeconfig_user: there is no user '${a.kubeconfig_user}' on this host`);
  const copy = st.kubeconfig;
  const path = copy?.path ?? `${user.home}/.kube/config`;
  const secret = { path, before: '', after: '', skipReason: 'the kubeconfig holds the cluster admin credentials' };
  if (!initialised || !copy?.exists) return { change: true, diff: secret };
  if (copy.sha !== copy.adminSha) return { change: true, diff: secret };
  const now = { owner: copy.owner, group: copy.group, mode: copy.mode };
  const want = { owner: user.name, group: user.group, mode: KUBECONFIG_MODE };
  if (now.owner === want.owner && now.group === want.group && now.mode === want.mode) return { change: false };
  return { change: true, diff: dictDiff(path, now, want) };
}

/** Fails with a message for a control plane whose admin.conf exists but whose API does not answer. */
function notAnswering(a: InitArgs, st: InitState): ModuleFailure {
  const said = (st.api?.out ?? '').trim().split('\n').filter(Boolean).pop() ?? `exit status ${st.api?.rc}`;
  return new ModuleFailure(`the control plane on this host does not answer: ${ADMIN_CONF} exists but kubeadm token list failed after ${a.api_timeout}s: ${said}`, { rc: st.api?.rc, stdout: st.api?.out ?? '' }, {
    details: [
      'A previous kubeadm init did not finish, or kubelet/docker are stopped. Start them (systemctl start docker kubelet),',
      'or undo the half-done init with `kubeadm reset -f` and run again.',
    ],
  });
}

/**
 * Decide. `checkMode` matters: a token is created only outside check mode (it is a change on
 * the cluster), so check mode reports an existing valid token or unknown join values.
 */
export function planInit(a: InitArgs, st: InitState, checkMode: boolean): Plan<InitChange> {
  checkConfigConflicts(a);
  // Outside check mode apply runs and fills the values in: nothing stays unknown.
  const values = (v: JoinResult) => (checkMode ? withUnknowns(v) : { ...v });
  const warnings: string[] = [];
  if (!st.kubeadmFound || st.api?.rc === 127) {
    if (!checkMode) throw new ModuleFailure('kubeadm is not installed on this host: install the kubeadm package first');
    warnings.push('kubeadm is not installed yet: assuming an earlier task installs it');
  }
  const initialised = st.adminConf && st.api?.rc === 0;
  if (st.adminConf && !initialised && st.kubeadmFound) throw notAnswering(a, st);

  if (!initialised) {
    if (!a.init) {
      if (!checkMode) throw new ModuleFailure('the control plane is not initialised on this host (init: false: kubeadm init is not run here)');
      warnings.push('the control plane is not initialised yet: its join values are unknown in check mode');
      return { changes: [], warnings, result: values({ join_command: null, token: null, discovery_token_ca_cert_hash: null, api_server_endpoint: null }) };
    }
    if (st.kubeletConf) {
      throw new ModuleFailure(`this host already joined a cluster as a node (${KUBELET_CONF} exists, ${ADMIN_CONF} does not): kubeadm init would fail its preflight checks`, {}, {
        details: ['Run `kubeadm reset -f` on it first if it must become the control plane.'],
      });
    }
    const kc = kubeconfigChange(a, st, false);
    const command = commandLine(initArgv(a), shellQuote);
    return {
      changes: kc.change ? ['init', 'kubeconfig'] : ['init'],
      diff: [dictDiff('control plane', { initialized: false }, { command, initialized: true }), ...(kc.diff ? [kc.diff] : [])],
      warnings,
      result: values({ join_command: null, token: null, discovery_token_ca_cert_hash: null, api_server_endpoint: predictedEndpoint(a) }),
    };
  }

  // Initialised: what can be known without creating anything.
  const endpoint = st.server ? endpointFromServer(st.server) : null;
  let hashes: string[] = [];
  if (st.caPem) {
    try {
      hashes = caCertHashes(st.caPem);
    } catch (e) {
      warnings.push(`cannot read the CA certificate: ${(e as Error).message}`);
    }
  }
  const existing = endpoint && hashes.length ? bestJoinToken(parseTokenList(st.api!.out)) : undefined;
  const kc = kubeconfigChange(a, st, true);
  const changes: InitChange[] = kc.change ? ['kubeconfig'] : [];
  const reuse = existing && (checkMode || !a.new_token);
  const known: JoinResult = reuse
    ? { join_command: formatJoinCommand({ apiServerEndpoint: endpoint!, token: existing.token, caCertHashes: hashes }), token: existing.token, discovery_token_ca_cert_hash: hashes[0]!, api_server_endpoint: endpoint }
    : { join_command: null, token: null, discovery_token_ca_cert_hash: hashes[0] ?? null, api_server_endpoint: endpoint };
  return {
    changes,
    ...(kc.diff ? { diff: [kc.diff] } : {}),
    // A token to create is no change, but needs apply: run it outside check mode.
    ...(!reuse && !checkMode ? { check: 'run' as const } : {}),
    warnings,
    result: values(known),
    msg: 'the control plane is already initialised',
  };
}
