/**
 * selinux: the SELinux mode and policy (Ansible: ansible.posix.selinux). Sets SELINUX= and
 * SELINUXTYPE= in the config file (other lines kept byte for byte), switches a running SELinux
 * with `setenforce` (or its enforce file when the tool is missing), and returns reboot_required.
 * On a host whose kernel runs without SELinux, or without the SELinux tools, only the config
 * file is set: no failure. The decision is plan.ts; the reads are gather.ts.
 */
import { posix } from 'node:path';
import { ModuleFailure, defineModule } from '../../src/index.js';
import { gatherSelinux, type SelinuxState } from './gather.js';
import { planSelinux, type SelinuxArgs, type SelinuxChange } from './plan.js';

export default defineModule<SelinuxArgs, SelinuxState, SelinuxChange>({
  name: 'selinux',
  description: 'Set the SELinux mode and policy in the config file and on the running system (Ansible: ansible.posix.selinux)',
  schema: {
    type: 'object',
    properties: {
      state: { type: 'string', enum: ['disabled', 'enforcing', 'permissive'], description: 'The SELinux mode.' },
      policy: { type: 'string', description: "The policy (e.g. 'targeted'); required unless state is disabled." },
      configfile: {
        type: 'string', default: '/etc/selinux/config', 'x-aliases': ['conf', 'file'],
        description: 'The SELinux config file (created when missing).',
      },
      update_kernel_param: {
        type: 'boolean', default: false,
        description: 'Also add or remove selinux=0 on every kernel command line (needs grubby).',
      },
    },
    required: ['state'],
    additionalProperties: false,
  },
  gather: (ctx, args) => gatherSelinux(ctx, args),
  diff: (args, state) => planSelinux(args, state),
  async apply(ctx, args, plan, st) {
    const q = ctx.quote;
    // A failure after an earlier step still reports the host as changed, as Ansible does.
    let done = 0;
    for (const c of plan.changes) {
      if (c.kind === 'config') {
        if (c.mkdir) await ctx.run(`mkdir -p -- ${q(posix.dirname(args.configfile))}`, { check: true });
        await ctx.writeFile(args.configfile, c.content);
      } else if (c.kind === 'setenforce') {
        // libselinux's security_setenforce writes the same switch the tool uses.
        const cmd = st.hasSetenforce ? `setenforce ${c.value}` : `printf %s ${c.value} > ${q(st.enforceFile ?? '/sys/fs/selinux/enforce')}`;
        const r = await ctx.run(cmd);
        if (r.rc !== 0) {
          throw new ModuleFailure(`could not set the running SELinux mode: ${(r.stderr || r.stdout).trim()}`, {
            cmd, rc: r.rc, stdout: r.stdout, stderr: r.stderr, changed: done > 0,
          });
        }
      } else {
        const cmd = `grubby --update-kernel=ALL ${c.enable ? '--remove-args' : '--args'} selinux=0`;
        const r = await ctx.run(cmd);
        if (r.rc !== 0) {
          throw new ModuleFailure(c.enable ? 'unable to remove selinux=0 from kernel config' : 'unable to add selinux=0 to kernel config', {
            cmd, rc: r.rc, stdout: r.stdout, stderr: r.stderr, changed: done > 0,
          });
        }
      }
      done++;
    }
  },
});
