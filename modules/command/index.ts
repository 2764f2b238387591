/**
 * command: run a program with arguments on the host, without a shell. Words are split like
 * Python's shlex (or given as `argv`) and each is quoted, so `|`, `>`, `$HOME` and `*` reach
 * the program literally, as in Ansible.
 */
import { ModuleFailure, defineModule } from '../../src/index.js';
import { shlexSplit, ShlexError } from '../_shared/shlex.js';
import {
  applyExec, execSchemaProperties, gatherGuards, planExec,
  type CommandForm, type ExecArgs, type ExecChange, type ExecState,
} from './exec-core.js';

/** The argument words of a command task. */
export function commandWords(args: ExecArgs): string[] {
  if (Array.isArray(args.argv) && args.argv.length > 0) return args.argv.map(String);
  try {
    return shlexSplit(args.cmd ?? '');
  } catch (e) {
    if (e instanceof ShlexError) throw new ModuleFailure(`cannot split the command: ${e.message}`, { cmd: args.cmd, rc: 256 });
    throw e;
  }
}

export const commandForm: CommandForm = {
  commandLine: (args, quote) => commandWords(args).map(quote).join(' '),
  reportedCmd: (args) => commandWords(args),
};

export default defineModule<ExecArgs, ExecState, ExecChange>({
  name: 'command',
  description: 'Run a command on the host without a shell (Ansible: ansible.builtin.command)',
  freeForm: 'cmd',
  schema: {
    type: 'object',
    properties: {
      ...execSchemaProperties,
      argv: { type: 'array', items: { type: 'string' }, description: 'The command as a list of words (instead of cmd).' },
    },
    additionalProperties: false,
  },
  gather: (ctx, args) => gatherGuards(ctx, args),
  diff: (args, state, ctx) => planExec(commandForm, args, state, ctx),
  apply: (ctx, args, plan) => applyExec(commandForm, ctx, args, plan.changes[0]!),
});
