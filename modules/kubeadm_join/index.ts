/**
 * kubeadm_join: join a worker node to a cluster with `kubeadm join`, once (nothing to do where
 * /etc/kubernetes/kubelet.conf exists). The values come from the control plane's kubeadm_init
 * result: its whole `join_command`, or api_server_endpoint + token + discovery_token_ca_cert_hash
 * (single arguments override the command's). A failure shows kubeadm's own error: a wrong or
 * expired token, a CA hash that does not match, an unreachable API server, preflight errors.
 */
import { ModuleFailure, defineModule } from '../../src/index.js';
import { readSections } from '../_shared/read-sections.js';
import { describeFailure, readKubeadmOutput } from '../_shared/kubeadm/failure.js';
import { maskToken } from '../_shared/kubeadm/join-command.js';
import { KUBELET_CONF, kubeconfigServer, serverLineCommand } from '../_shared/kubeadm/kubeconfig.js';
import { extraArgs } from '../_shared/kubeadm/extra-args.js';
import { planJoin, resolveJoin, type JoinArgs, type JoinPlanValues, type JoinState } from './plan.js';

export type { JoinArgs } from './plan.js';

const SKIP_CA = '--discovery-token-unsafe-skip-ca-verification';

/** The `kubeadm join` argv (without `kubeadm`). */
export function joinArgv(a: JoinArgs, v: JoinPlanValues, extra: string[]): string[] {
  const argv = ['join', v.apiServerEndpoint, '--token', v.token];
  for (const h of v.caCertHashes) argv.push('--discovery-token-ca-cert-hash', h);
  argv.push(...v.otherArgs);
  if (a.node_name !== undefined) argv.push(`--node-name=${a.node_name}`);
  if (a.ignore_preflight_errors.length) argv.push(`--ignore-preflight-errors=${a.ignore_preflight_errors.join(',')}`);
  argv.push(...extra);
  // From the join command (parsed out of otherArgs), unless extra_args has it already.
  if (v.unsafeSkipCaVerification && !argv.includes(SKIP_CA)) argv.push(SKIP_CA);
  return argv;
}

const nullable = (t: string) => ({ type: [t, 'null'] });

export default defineModule<JoinArgs, JoinState, 'join'>({
  name: 'kubeadm_join',
  description: 'Join a worker node to a Kubernetes cluster with kubeadm join (once)',
  secretArgs: ['token', 'join_command'],
  schema: {
    type: 'object',
    properties: {
      // null is accepted: in check mode the control plane's values are not known yet.
      join_command: { ...nullable('string'), description: 'The whole `kubeadm join ...` line from kubeadm init or kubeadm_init\'s join_command.' },
      api_server_endpoint: { ...nullable('string'), description: 'host:port of the API server (overrides the join command\'s).' },
      token: { ...nullable('string'), description: 'The bootstrap token, abcdef.0123456789abcdef (overrides the join command\'s).' },
      discovery_token_ca_cert_hash: { type: ['string', 'array', 'null'], items: { type: 'string' }, description: 'sha256:<hex> of the CA\'s public key, or a list (overrides the join command\'s).' },
      ignore_preflight_errors: { type: 'array', items: { type: 'string' }, default: [], description: 'Preflight checks to make non-fatal (--ignore-preflight-errors).' },
      node_name: { type: 'string', description: 'The node\'s name in the cluster (--node-name).' },
      extra_args: { type: ['array', 'string'], items: { type: 'string' }, description: 'More kubeadm join arguments, as a list or a command-line string.' },
    },
    additionalProperties: false,
  },

  async gather(ctx) {
    const s = await readSections(ctx, { kubelet: serverLineCommand(KUBELET_CONF, ctx.quote), kubeadm: 'command -v kubeadm' });
    const st: JoinState = { joined: s.kubelet?.rc === 0, kubeadmFound: s.kubeadm?.rc === 0 && !!s.kubeadm.out.trim() };
    const server = st.joined ? kubeconfigServer(s.kubelet!.out) : undefined;
    if (server) st.server = server;
    return st;
  },

  diff: (args, state, ctx) => planJoin(args, state, extraArgs(args), ctx.checkMode),

  async apply(ctx, args) {
    const extra = extraArgs(args);
    const v = resolveJoin(args, extra).values as JoinPlanValues;
    const argv = joinArgv(args, v, extra);
    const r = await ctx.run(['kubeadm', ...argv].map(ctx.quote).join(' '));
    // The command as shown: the token's secret half hidden.
    const cmd = ['kubeadm', ...argv].map((w) => (w === v.token ? maskToken(w) : ctx.quote(w))).join(' ');
    const o = readKubeadmOutput(r.stdout, r.stderr);
    const data = { cmd, rc: r.rc, stdout: r.stdout, stderr: r.stderr, preflight_errors: o.preflightErrors, preflight_warnings: o.preflightWarnings };
    if (r.rc !== 0) {
      const f = describeFailure('join', o, r.rc);
      throw new ModuleFailure(f.message, data, { details: f.details });
    }
    return { ...data, api_server_endpoint: v.apiServerEndpoint, changed: true };
  },
});
