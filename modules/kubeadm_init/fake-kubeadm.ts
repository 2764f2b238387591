/**
 * For tests: an in-memory kubeadm cluster. A master host answers kubeadm_init's probe, `kubeadm
 * init` and `kubeadm token create` with the fixtures' real outputs (1.13.3 or 1.29.2); node
 * hosts answer kubeadm_join's probe and `kubeadm join`, which checks the token and CA hash
 * against the cluster the way the API server's discovery does.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fakeContext, fileCommands, type FakeContext, type FakeFile, type FakeOptions } from '../../test/helpers/fake-context.js';
import { answerSections, sectionNames, type SectionOutput } from '../_shared/read-sections.js';
import { shlexSplit } from '../_shared/shlex.js';
import { caCertHashes } from '../_shared/kubeadm/ca-hash.js';
import { parseJoinCommand, tokenId } from '../_shared/kubeadm/join-command.js';
import { ADMIN_CONF, CA_CRT, KUBELET_CONF } from '../_shared/kubeadm/kubeconfig.js';

/** A fixture's text. */
export const fixture = (name: string): string => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');

export interface FakeToken {
  token: string;
  /** As `kubeadm token list` prints it: '23h', '<invalid>', '<forever>'. */
  ttl: string;
  groups?: string[];
  usages?: string[];
}

export interface FakeCluster {
  version: '1.13.3' | '1.29.2';
  endpoint: string;
  /** The control plane's API answers (false: stopped, or still coming up). */
  apiUp: boolean;
  tokens: FakeToken[];
  /** `kubeadm init` fails its preflight checks with these (e.g. [['Swap', 'running with swap on ...']]). */
  preflightErrors: Array<[string, string]>;
  /** Nodes that joined. */
  nodes: string[];
  /** Every kubeadm call that changes something: 'init ...', 'token create ...', 'join <host>'. */
  calls: string[];
}

const INIT_TOKEN = { '1.13.3': '7x9b3k.q2w8e4r6t1y5u3i0', '1.29.2': '9vr73a.a8uxyaju799qwdjv' } as const;
const DEFAULT_GROUP = 'system:bootstrappers:kubeadm:default-node-token';

export function fakeCluster(over: Partial<FakeCluster> = {}): FakeCluster {
  return { version: '1.13.3', endpoint: '192.168.2.100:6443', apiUp: true, tokens: [], preflightErrors: [], nodes: [], calls: [], ...over };
}

let counter = 0;
/** A fresh token of kubeadm's form (deterministic in a run). */
function newToken(): string {
  counter++;
  const id = `t${counter.toString(36).padStart(5, '0')}`;
  return `${id}.${createHash('sha256').update(id).digest('hex').slice(0, 16)}`;
}

function tokenListOutput(c: FakeCluster): string {
  const rows = c.tokens.map((t) => [t.token, t.ttl, t.ttl === '<forever>' ? '<never>' : '2019-02-14T09:02:11+08:00', (t.usages ?? ['authentication', 'signing']).join(','), '<none>', (t.groups ?? [DEFAULT_GROUP]).join(',') || '<none>']);
  const all = [['TOKEN', 'TTL', 'EXPIRES', 'USAGES', 'DESCRIPTION', 'EXTRA GROUPS'], ...rows];
  const widths = all[0]!.map((_, i) => Math.max(10, ...all.map((r) => r[i]!.length + 3)));
  return all.map((r) => r.map((cell, i) => (i < r.length - 1 ? cell.padEnd(widths[i]!) : cell)).join('')).join('\n') + '\n';
}

const sha = (c: string | Buffer | undefined) => createHash('sha256').update(c ?? '').digest('hex');

export interface FakeMasterOptions extends FakeOptions {
  /** Start initialised (admin.conf, ca.crt and kubelet.conf present). */
  initialised?: boolean;
  /** getent passwd lines by user name. */
  users?: Record<string, { uid: number; gid: number; home: string; group: string }>;
  kubeadmInstalled?: boolean;
}

/** Files kubeadm init writes on the master. */
function writeControlPlaneFiles(files: Map<string, FakeFile>, c: FakeCluster): void {
  const admin = fixture('admin.conf').replace('https://192.168.2.100:6443', `https://${c.endpoint}`);
  files.set(ADMIN_CONF, { type: 'file', content: admin, mode: '0600', owner: 'root', group: 'root' });
  files.set(KUBELET_CONF, { type: 'file', content: 'kubelet', mode: '0600' });
  files.set(CA_CRT, { type: 'file', content: fixture('ca.crt'), mode: '0644' });
}

/** A master host of `cluster`. */
export function fakeMaster(cluster: FakeCluster, opts: FakeMasterOptions = {}): FakeContext {
  const users = { root: { uid: 0, gid: 0, home: '/root', group: 'root' }, ...(opts.users ?? {}) };
  const installed = opts.kubeadmInstalled ?? true;
  const ctx = fakeContext({
    ...opts,
    commands: [
      {
        match: /^printf '%s\\n' '@@/,
        respond: (script, _o, host) => {
          const a: Record<string, string | SectionOutput> = {};
          const has = (p: string) => host.files.has(p);
          for (const name of sectionNames(script)) {
            if (name === 'files') a.files = [ADMIN_CONF, KUBELET_CONF].filter(has).join('\n');
            if (name === 'kubeadm') a.kubeadm = installed ? '/usr/bin/kubeadm' : { out: '', rc: 1 };
            if (name === 'api') {
              if (!has(ADMIN_CONF)) a.api = { out: '', rc: 3 };
              else if (!installed) a.api = { out: 'sh: kubeadm: command not found', rc: 127 };
              else if (!cluster.apiUp) a.api = { out: fixture('token-list-down-1.13.3.stderr').trim(), rc: 1 };
              else a.api = tokenListOutput(cluster);
            }
            if (name === 'server') a.server = has(ADMIN_CONF) ? /^\s*server:.*$/m.exec(host.text(ADMIN_CONF)!)![0] : { out: '', rc: 3 };
            if (name === 'ca') a.ca = has(CA_CRT) ? host.text(CA_CRT)! : { out: '', rc: 1 };
            const user = /getent passwd '?([a-z0-9_-]+)'?/.exec(script)?.[1];
            const u = user ? users[user as keyof typeof users] : undefined;
            if (name === 'user') a.user = u ? `${user}:x:${u.uid}:${u.gid}::${u.home}:/bin/bash\n${u.group}` : { out: '', rc: 2 };
            if (name === 'kubeconfig') {
              if (!u) a.kubeconfig = { out: '', rc: 2 };
              else {
                const p = `${u.home}/.kube/config`;
                const f = host.files.get(p);
                if (!host.files.has(`${u.home}/.kube`)) a.kubeconfig = { out: p, rc: 4 };
                else if (!f) a.kubeconfig = { out: p, rc: 5 };
                else {
                  const adminSha = has(ADMIN_CONF) ? `\n${sha(host.files.get(ADMIN_CONF)!.content)}` : '';
                  a.kubeconfig = `${p}\n${f.owner ?? 'root'}|${f.group ?? 'root'}|${parseInt(f.mode ?? '0644', 8).toString(8)}\n${sha(f.content)}${adminSha}`;
                }
              }
            }
          }
          return { stdout: answerSections(script, a) };
        },
      },
      {
        match: /^kubeadm init( |$)/,
        respond: (cmd, _o, host) => {
          const ignored = (/--ignore-preflight-errors=(\S+)/.exec(cmd)?.[1] ?? '').split(',');
          const errors = cluster.preflightErrors.filter(([check]) => !ignored.includes(check) && !ignored.includes('all'));
          if (host.files.has(ADMIN_CONF)) errors.push(['FileAvailable--etc-kubernetes-admin.conf', '/etc/kubernetes/admin.conf already exists']);
          if (errors.length) {
            return {
              rc: 1,
              stdout: `[init] Using Kubernetes version: v${cluster.version}\n[preflight] Running pre-flight checks\n`,
              stderr: `error execution phase preflight: [preflight] Some fatal errors occurred:\n${errors.map(([c, m]) => `\t[ERROR ${c}]: ${m}\n`).join('')}[preflight] If you know what you are doing, you can make a check non-fatal with \`--ignore-preflight-errors=...\`\n`,
            };
          }
          cluster.calls.push(`init ${shlexSplit(cmd).slice(2).join(' ')}`.trim());
          writeControlPlaneFiles(host.files, cluster);
          const token = newToken();
          cluster.tokens.push({ token, ttl: '23h' });
          const out = fixture(`init-${cluster.version}.stdout`).replaceAll(INIT_TOKEN[cluster.version], token).replaceAll('192.168.2.100:6443', cluster.endpoint);
          return { stdout: out, stderr: cluster.version === '1.13.3' ? fixture('init-1.13.3.stderr') : '' };
        },
      },
      {
        match: /^kubeadm token create /,
        respond: (cmd) => {
          if (!cluster.apiUp) return { rc: 1, stderr: fixture('token-list-down-1.13.3.stderr').replace('list', 'create') };
          const token = newToken();
          cluster.tokens.push({ token, ttl: '23h' });
          cluster.calls.push(`token create ${shlexSplit(cmd).slice(3).join(' ')}`.trim());
          const hash = caCertHashes(fixture('ca.crt'))[0]!;
          const out = cluster.version === '1.13.3'
            ? `kubeadm join ${cluster.endpoint} --token ${token} --discovery-token-ca-cert-hash ${hash}\n`
            : `kubeadm join ${cluster.endpoint} --token ${token}     --discovery-token-ca-cert-hash ${hash} \n`;
          return { stdout: out, ...(cluster.version === '1.29.2' ? { stderr: fixture('token-create-1.29.2.stderr') } : {}) };
        },
      },
      ...fileCommands(),
    ],
  });
  if (opts.initialised) {
    writeControlPlaneFiles(ctx.files, cluster);
    if (!cluster.tokens.length) cluster.tokens.push({ token: INIT_TOKEN[cluster.version], ttl: '<invalid>' });
  }
  for (const u of Object.values(users)) if (!ctx.files.has(u.home)) ctx.files.set(u.home, { type: 'directory', mode: '0700' });
  return ctx;
}

/** A node host that can join `cluster` (reached at its endpoint). */
export function fakeNode(cluster: FakeCluster, name: string, opts: FakeOptions & { kubeadmInstalled?: boolean; preflightErrors?: Array<[string, string]> } = {}): FakeContext {
  const ctx = fakeContext({
    ...opts,
    commands: [
      {
        match: /^printf '%s\\n' '@@/,
        respond: (script, _o, host) => {
          const a: Record<string, string | SectionOutput> = {};
          if (sectionNames(script).includes('kubelet')) a.kubelet = host.files.has(KUBELET_CONF) ? /^\s*server:.*$/m.exec(host.text(KUBELET_CONF)!)![0] : { out: '', rc: 3 };
          a.kubeadm = opts.kubeadmInstalled === false ? { out: '', rc: 1 } : '/usr/bin/kubeadm';
          return { stdout: answerSections(script, a) };
        },
      },
      {
        match: /^kubeadm join /,
        respond: (cmd, _o, host) => {
          const v = parseJoinCommand(cmd);
          const ignored = (/--ignore-preflight-errors=(\S+)/.exec(cmd)?.[1] ?? '').split(',');
          const errors = (opts.preflightErrors ?? []).filter(([check]) => !ignored.includes(check));
          const dir = cluster.version === '1.13.3' ? '' : 'error execution phase preflight: ';
          if (errors.length) {
            return { rc: 1, stdout: '[preflight] Running pre-flight checks\n', stderr: `${dir}[preflight] Some fatal errors occurred:\n${errors.map(([c, m]) => `\t[ERROR ${c}]: ${m}\n`).join('')}[preflight] If you know what you are doing, you can make a check non-fatal with \`--ignore-preflight-errors=...\`\n` };
          }
          if (v.apiServerEndpoint !== cluster.endpoint || !cluster.apiUp) {
            return { rc: 1, stdout: '[preflight] Running pre-flight checks\n', stderr: fixture('../../kubeadm_join/fixtures/join-unreachable-1.29.2.stderr').replaceAll('192.168.2.100:6443', v.apiServerEndpoint) };
          }
          const known = cluster.tokens.find((t) => t.token === v.token && t.ttl !== '<invalid>');
          if (!known) {
            const id = tokenId(v.token);
            if (cluster.version === '1.13.3') {
              return {
                rc: 1,
                stdout: fixture('../../kubeadm_join/fixtures/join-wrong-token-1.13.3.stdout').replaceAll('"wr0ngt"', `"${id}"`).replaceAll('192.168.2.100:6443', cluster.endpoint),
                stderr: fixture('../../kubeadm_join/fixtures/join-wrong-token-1.13.3.stderr'),
              };
            }
            return { rc: 1, stdout: '[preflight] Running pre-flight checks\n', stderr: fixture('../../kubeadm_join/fixtures/join-wrong-token-1.29.2.stderr').replace('"wr0ngt"', `"${id}"`) };
          }
          const real = caCertHashes(fixture('ca.crt'));
          if (!v.unsafeSkipCaVerification && !v.caCertHashes.some((h) => real.includes(h.toLowerCase()))) {
            return { rc: 1, stdout: '[preflight] Running pre-flight checks\n', stderr: fixture('../../kubeadm_join/fixtures/join-wrong-hash-1.29.2.stderr') };
          }
          cluster.calls.push(`join ${name}`);
          cluster.nodes.push(name);
          host.files.set(KUBELET_CONF, { type: 'file', content: fixture('../../kubeadm_join/fixtures/kubelet.conf').replace('192.168.2.100:6443', cluster.endpoint), mode: '0600' });
          const out = fixture(`../../kubeadm_join/fixtures/join-${cluster.version}.stdout`).replaceAll('k8s-node1', name);
          return { stdout: out, ...(cluster.version === '1.13.3' ? { stderr: fixture('../../kubeadm_join/fixtures/join-1.13.3.stderr') } : {}) };
        },
      },
    ],
  });
  return ctx;
}
