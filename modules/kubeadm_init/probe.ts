/**
 * Everything kubeadm_init needs to decide, read in one round trip: which kubeadm files exist,
 * whether the API answers (`kubeadm token list` through admin.conf, retried while it comes up),
 * the tokens it lists, the API server's URL, the CA certificate, and the kubeconfig user's
 * account and copy. Nothing here changes the host.
 */
import type { GatherContext } from '../../src/index.js';
import { readSections, type SectionOutput } from '../_shared/read-sections.js';
import { ADMIN_CONF, CA_CRT, KUBELET_CONF, kubeconfigServer, serverLineCommand } from '../_shared/kubeadm/kubeconfig.js';

type Quote = (s: string) => string;

/** The kubeconfig user's account. */
export interface UserInfo {
  name: string;
  uid: number;
  gid: number;
  home: string;
  /** Name of the user's primary group (its gid when the group has no name). */
  group: string;
}

/** The user's ~/.kube/config as found. */
export interface KubeconfigCopy {
  path: string;
  dirExists: boolean;
  exists: boolean;
  owner?: string;
  group?: string;
  /** Octal, e.g. '0600'. */
  mode?: string;
  /** sha256 of the copy and of admin.conf (when both exist). */
  sha?: string;
  adminSha?: string;
}

export interface InitState {
  adminConf: boolean;
  kubeletConf: boolean;
  kubeadmFound: boolean;
  /** `kubeadm token list` (stdout and stderr) and its status: only when admin.conf exists. */
  api?: { rc: number; out: string };
  /** admin.conf's API server URL. */
  server?: string;
  caPem?: string;
  /** The kubeconfig user: undefined when not asked for, null when there is no such user. */
  user?: UserInfo | null;
  kubeconfig?: KubeconfigCopy;
}

/** Seconds between two `kubeadm token list` attempts while the API comes up. */
const RETRY_SECONDS = 2;

/** The section commands (name -> shell), built for the fakes and for one ctx.run. */
export function probeCommands(a: { kubeconfig_user?: string; api_timeout: number }, quote: Quote): Record<string, string> {
  const admin = quote(ADMIN_CONF);
  const cmds: Record<string, string> = {
    files: `for f in ${admin} ${quote(KUBELET_CONF)}; do [ -e "$f" ] && echo "$f"; done; true`,
    kubeadm: 'command -v kubeadm',
    // Retried until the deadline: after a reboot the API takes a minute to answer. 127: no kubeadm.
    api: [
      `a=${admin}; [ -e "$a" ] || exit 3; end=$(( $(date +%s) + ${Math.floor(a.api_timeout)} ))`,
      `while :; do out=$(kubeadm token list --kubeconfig "$a" 2>&1); rc=$?`,
      `if [ "$rc" -eq 0 ] || [ "$rc" -eq 127 ] || [ "$(date +%s)" -ge "$end" ]; then break; fi; sleep ${RETRY_SECONDS}; done`,
      `printf '%s\\n' "$out"; exit "$rc"`,
    ].join('\n'),
    server: serverLineCommand(ADMIN_CONF, quote),
    ca: `cat ${quote(CA_CRT)}`,
  };
  if (a.kubeconfig_user !== undefined) {
    const u = quote(a.kubeconfig_user);
    cmds.user = `p=$(getent passwd ${u}) || exit 2; printf '%s\\n' "$p"; getent group "$(printf '%s' "$p" | cut -d: -f4)" | cut -d: -f1`;
    cmds.kubeconfig = [
      `h=$(getent passwd ${u} | cut -d: -f6); [ -n "$h" ] || exit 2; printf '%s\\n' "$h/.kube/config"`,
      `[ -d "$h/.kube" ] || exit 4; f="$h/.kube/config"; [ -e "$f" ] || exit 5`,
      `stat -c '%U|%G|%a' -- "$f"; sha256sum < "$f" | cut -d' ' -f1`,
      `if [ -e ${admin} ]; then sha256sum < ${admin} | cut -d' ' -f1; fi`,
    ].join('\n');
  }
  return cmds;
}

function parseUser(s: SectionOutput | undefined): UserInfo | null {
  if (!s || s.rc !== 0) return null;
  const [passwd = '', groupName = ''] = s.out.split('\n');
  const f = passwd.split(':');
  if (f.length < 7) return null;
  return { name: f[0]!, uid: Number(f[2]), gid: Number(f[3]), home: f[5]!, group: groupName.trim() || f[3]! };
}

function parseKubeconfig(s: SectionOutput | undefined): KubeconfigCopy | undefined {
  if (!s || s.rc === 2) return undefined;
  const lines = s.out.split('\n');
  const copy: KubeconfigCopy = { path: lines[0]!, dirExists: s.rc !== 4, exists: s.rc === 0 };
  if (copy.exists) {
    const [owner, group, mode] = (lines[1] ?? '').split('|');
    Object.assign(copy, { owner, group, mode: (mode ?? '').padStart(4, '0'), sha: lines[2]?.trim() });
    if (lines[3]?.trim()) copy.adminSha = lines[3].trim();
  }
  return copy;
}

/** Turn the sections into the state (pure; exported for tests). */
export function parseProbe(s: Record<string, SectionOutput>, askedUser: boolean): InitState {
  const files = (s.files?.out ?? '').split('\n').map((l) => l.trim());
  const st: InitState = {
    adminConf: files.includes(ADMIN_CONF),
    kubeletConf: files.includes(KUBELET_CONF),
    kubeadmFound: s.kubeadm?.rc === 0 && !!s.kubeadm.out.trim(),
  };
  if (st.adminConf && s.api && s.api.rc !== 3) st.api = { rc: s.api.rc, out: s.api.out };
  const server = s.server?.rc === 0 ? kubeconfigServer(s.server.out) : undefined;
  if (server) st.server = server;
  if (s.ca?.rc === 0 && s.ca.out.includes('BEGIN CERTIFICATE')) st.caPem = s.ca.out;
  if (askedUser) {
    st.user = parseUser(s.user);
    const copy = parseKubeconfig(s.kubeconfig);
    if (copy) st.kubeconfig = copy;
  }
  return st;
}

/** Read the state in one round trip. */
export async function probeInit(ctx: GatherContext, a: { kubeconfig_user?: string; api_timeout: number }): Promise<InitState> {
  return parseProbe(await readSections(ctx, probeCommands(a, ctx.quote)), a.kubeconfig_user !== undefined);
}
