/**
 * kubeadm_init: initialise a Kubernetes control plane with `kubeadm init`, once, and return
 * what nodes need to join it (join command, token, CA cert hash, API server endpoint). There is
 * no Ansible module for this; the behaviour follows kubespray's tasks (init guarded, a fresh
 * token every run with changed: false) with the guard made stricter: init is skipped where
 * admin.conf exists and the API answers. `changed` means init ran or the kubeconfig copy was
 * (re)written; creating a token never counts. Under check mode nothing is created: the join
 * values are an existing valid token's, or null and listed in `known_after_apply`.
 */
import { ModuleFailure, defineModule, type ApplyContext } from '../../src/index.js';
import { describeFailure, readKubeadmOutput } from '../_shared/kubeadm/failure.js';
import { formatJoinCommand, workerJoinCommand, type JoinValues } from '../_shared/kubeadm/join-command.js';
import { ADMIN_CONF } from '../_shared/kubeadm/kubeconfig.js';
import { INIT_SCHEMA, commandLine, initArgv, tokenCreateArgv, type InitArgs } from './args.js';
import { JOIN_KEYS, planInit, type InitChange, type JoinResult } from './plan.js';
import { probeInit, type InitState } from './probe.js';

export type { InitArgs } from './args.js';

const joinResult = (v: JoinValues): JoinResult => ({
  join_command: formatJoinCommand(v),
  token: v.token,
  discovery_token_ca_cert_hash: v.caCertHashes[0] ?? null,
  api_server_endpoint: v.apiServerEndpoint,
});

/** Run kubeadm init; a failure reports the preflight errors one per line. */
async function runInit(ctx: ApplyContext, a: InitArgs): Promise<{ join?: JoinValues; out: Record<string, unknown> }> {
  const cmd = commandLine(initArgv(a), ctx.quote);
  const r = await ctx.run(cmd);
  const o = readKubeadmOutput(r.stdout, r.stderr);
  const issues = { preflight_errors: o.preflightErrors, preflight_warnings: o.preflightWarnings };
  if (r.rc !== 0) {
    const f = describeFailure('init', o, r.rc);
    throw new ModuleFailure(f.message, { cmd, rc: r.rc, stdout: r.stdout, stderr: r.stderr, ...issues }, { details: f.details });
  }
  const join = workerJoinCommand(`${r.stdout}\n${r.stderr}`);
  return { ...(join ? { join } : {}), out: { cmd, rc: r.rc, stdout: r.stdout, stderr: r.stderr, preflight_warnings: o.preflightWarnings } };
}

/** `kubeadm token create --print-join-command`: a fresh 24h token and the join command around it. */
async function createToken(ctx: ApplyContext, a: InitArgs): Promise<JoinValues> {
  const cmd = commandLine(tokenCreateArgv(a), ctx.quote);
  const r = await ctx.run(cmd);
  const join = r.rc === 0 ? workerJoinCommand(r.stdout) : undefined;
  if (!join) {
    const why = r.rc !== 0 ? (r.stderr || r.stdout).trim() : `no join command in its output: ${r.stdout.trim().slice(0, 200)}`;
    throw new ModuleFailure(`kubeadm token create failed: ${why}`, { cmd, rc: r.rc, stdout: r.stdout, stderr: r.stderr });
  }
  return join;
}

/** Copy admin.conf to the user's ~/.kube/config: the user's own, mode 0600. */
async function writeKubeconfig(ctx: ApplyContext, st: InitState): Promise<string> {
  const user = st.user!;
  const path = st.kubeconfig?.path ?? `${user.home}/.kube/config`;
  const content = await ctx.readFile(ADMIN_CONF);
  if (content === null) throw new ModuleFailure(`${ADMIN_CONF} is missing: cannot write ${path}`);
  if (!st.kubeconfig?.dirExists) {
    const dir = path.slice(0, path.lastIndexOf('/'));
    for (const cmd of [`mkdir -p -m 0755 -- ${ctx.quote(dir)}`, `chown ${ctx.quote(`${user.name}:${user.group}`)} -- ${ctx.quote(dir)}`]) {
      const r = await ctx.run(cmd);
      if (r.rc !== 0) throw new ModuleFailure(`cannot create ${dir}: ${r.stderr.trim()}`, { cmd, rc: r.rc, stderr: r.stderr });
    }
  }
  await ctx.writeFile(path, content, { mode: '0600', owner: user.name, group: user.group });
  return path;
}

export default defineModule<InitArgs, InitState, InitChange>({
  name: 'kubeadm_init',
  description: 'Initialise a Kubernetes control plane with kubeadm init (once) and return the join command, token and CA cert hash',
  schema: INIT_SCHEMA,

  gather: (ctx, args) => probeInit(ctx, args),

  diff(args, state, ctx) {
    const plan = planInit(args, state, ctx.checkMode);
    if (args.kubeconfig_user !== undefined && state.user) {
      plan.result = { ...plan.result, kubeconfig: state.kubeconfig?.path ?? `${state.user.home}/.kube/config` };
    }
    return plan;
  },

  async apply(ctx, args, plan, state) {
    const result: Record<string, unknown> = { ...(plan.result ?? {}) };
    let join: JoinValues | undefined;
    let initRan = false;
    try {
      if (plan.changes.includes('init')) {
        const init = await runInit(ctx, args);
        Object.assign(result, init.out);
        join = init.join;
        initRan = true;
      }
      // No join command yet (an initialised control plane, or init printed none): make a token.
      if (!join && result.join_command == null) join = await createToken(ctx, args);
      if (join) Object.assign(result, joinResult(join));
      if (plan.changes.includes('kubeconfig')) result.kubeconfig = await writeKubeconfig(ctx, state);
    } catch (e) {
      // A later step failing after init ran: the host did change; keep what is known.
      if (initRan && e instanceof ModuleFailure) {
        const own = { ...e.data };
        Object.assign(e.data, result, own, { changed: true });
      }
      throw e;
    }
    for (const k of JOIN_KEYS) if (result[k] === undefined) result[k] = null;
    return { ...result, changed: plan.changes.length > 0 };
  },
});
