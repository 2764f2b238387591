/**
 * shell: run a command line through a shell on the host (`/bin/sh -c`, or `executable -c`),
 * so pipes, redirections and variables work. The rest is command's behaviour.
 */
import { defineModule } from '../../src/index.js';
import {
  applyExec, execSchemaProperties, gatherGuards, planExec,
  type CommandForm, type ExecArgs, type ExecChange, type ExecState,
} from '../command/exec-core.js';

export const shellForm: CommandForm = {
  // Its own shell process, as Ansible's [executable, '-c', cmd]: `exit`, `cd` or `set -e`
  // in the task cannot touch the connection's shell.
  commandLine: (args, quote) => `${quote(args.executable || '/bin/sh')} -c ${quote(args.cmd ?? '')}`,
  reportedCmd: (args) => args.cmd,
};

export default defineModule<ExecArgs, ExecState, ExecChange>({
  name: 'shell',
  description: 'Run a command line through a shell on the host (Ansible: ansible.builtin.shell)',
  freeForm: 'cmd',
  schema: {
    type: 'object',
    properties: {
      ...execSchemaProperties,
      executable: { type: 'string', description: 'The shell to use (absolute path), default /bin/sh.' },
    },
    additionalProperties: false,
  },
  gather: (ctx, args) => gatherGuards(ctx, args),
  diff: (args, state, ctx) => planExec(shellForm, args, state, ctx),
  apply: (ctx, args, plan) => applyExec(shellForm, ctx, args, plan.changes[0]!),
});
