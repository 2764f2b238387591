/**
 * hostname: the host's name, running and permanent (Ansible: ansible.builtin.hostname).
 * Strategies as Ansible's (systemd = hostnamectl; debian = systemd; redhat, sles, openrc,
 * alpine = their files) plus `file`: /etc/hostname and `hostname NAME`, for hosts without
 * systemd. Returns ansible_facts (ansible_hostname, ansible_nodename, ansible_fqdn,
 * ansible_domain) and Ansible's "hostname = ..." diff. It does not touch /etc/hosts.
 */
import { ModuleFailure, defineModule, type Plan } from '../../src/index.js';
import { FQDN_COMMAND, gatherHostname, type HostnameState } from './gather.js';
import { PERMANENT_FILE, USE_CHOICES, readPermanent, tracksKernelName, writePermanent, type UseChoice } from './strategies.js';

export interface HostnameArgs {
  name: string;
  use?: UseChoice;
}

export type HostnameChange =
  | { kind: 'write'; path: string; content: string }
  | { kind: 'run'; cmd: string };

function facts(name: string, fqdn: string): Record<string, unknown> {
  return {
    ansible_hostname: name.split('.')[0],
    ansible_nodename: name,
    ansible_fqdn: fqdn,
    ansible_domain: fqdn.split('.').slice(1).join('.'),
  };
}

/** The pure decision (exported for tests). */
export function planHostname(args: HostnameArgs, st: HostnameState, quote: (s: string) => string): Plan<HostnameChange> {
  const { name } = args;
  const s = st.strategy;
  if (s === 'systemd' && !st.hasHostnamectl) throw new ModuleFailure('Failed to find required executable "hostnamectl" in paths');
  const permanent = readPermanent(s, st.permanentText);
  const current = tracksKernelName(s) ? st.kernelName : permanent;
  const changes: HostnameChange[] = [];
  const tooLong = () => {
    if (name.length > 64) throw new ModuleFailure('name cannot be longer than 64 characters on systemd servers, try a shorter name');
  };
  // The permanent name first (Ansible's systemd order; for alpine, `hostname -F` must read the new file).
  if (permanent !== name) {
    if (s === 'systemd') {
      tooLong();
      changes.push({ kind: 'run', cmd: `hostnamectl --pretty --static set-hostname ${quote(name)}` });
    } else {
      changes.push({ kind: 'write', path: PERMANENT_FILE[s], content: writePermanent(s, st.permanentText, name) });
    }
  }
  if (current !== name) {
    if (s === 'systemd' || s === 'file') {
      if (s === 'systemd') tooLong();
      // Not `hostnamectl --transient`: with a static name set, systemd ignores it ("Hint: static
      // hostname is already set"), so Ansible never converges when only the running name differs.
      changes.push({ kind: 'run', cmd: st.hasHostnameCmd ? `hostname ${quote(name)}` : `printf '%s' ${quote(name)} > /proc/sys/kernel/hostname` });
    } else if (s === 'alpine') {
      changes.push({ kind: 'run', cmd: 'hostname -F /etc/hostname' });
    }
  }
  const before = name !== current ? current : permanent;
  const plan: Plan<HostnameChange> = { changes, result: { name, ansible_facts: facts(name, st.fqdn) } };
  if (changes.length) plan.diff = [{ path: 'hostname', before: `hostname = ${before}\n`, after: `hostname = ${name}\n`, beforeHeader: 'before', afterHeader: 'after' }];
  return plan;
}

export default defineModule<HostnameArgs, HostnameState, HostnameChange>({
  name: 'hostname',
  description: "Set the host's name, running and permanent (Ansible: ansible.builtin.hostname)",
  schema: {
    type: 'object',
    properties: {
      name: { type: 'string', minLength: 1, description: 'The name of the host.' },
      use: {
        type: 'string', enum: [...USE_CHOICES],
        description: "How to set it: systemd (hostnamectl; 'debian' is the same), file (/etc/hostname + hostname), redhat, sles, openrc, alpine. Default: systemd when it runs the host, else by distribution.",
      },
    },
    required: ['name'],
    additionalProperties: false,
  },
  gather: (ctx, args) => gatherHostname(ctx, args.use),
  diff: (args, st, ctx) => planHostname(args, st, ctx.quote),
  async apply(ctx, args, plan) {
    for (const [i, c] of plan.changes.entries()) {
      if (c.kind === 'write') {
        await ctx.writeFile(c.path, c.content);
        continue;
      }
      const r = await ctx.run(c.cmd);
      if (r.rc !== 0) {
        throw new ModuleFailure(`Command failed rc=${r.rc}, out=${r.stdout}, err=${r.stderr}`, {
          cmd: c.cmd, rc: r.rc, stdout: r.stdout, stderr: r.stderr, changed: i > 0,
        });
      }
    }
    const f = await ctx.run(FQDN_COMMAND);
    const fqdn = f.rc === 0 && f.stdout.trim() ? f.stdout.trim() : args.name;
    return { ansible_facts: facts(args.name, fqdn) };
  },
});
