/**
 * What `command` and `shell` share (Ansible's command.py serves both): creates/removes guards,
 * check-mode behaviour, running the command line and shaping rc/stdout/stderr/start/end/delta.
 */
import { ModuleFailure, type ApplyContext, type GatherContext, type JsonSchema, type Plan } from '../../src/index.js';
import { globExistsCommand } from '../_shared/glob.js';
import { splitLines } from '../_shared/lines.js';

export interface ExecArgs {
  cmd?: string;
  argv?: string[];
  chdir?: string;
  creates?: string;
  removes?: string;
  stdin?: string;
  stdin_add_newline?: boolean;
  strip_empty_ends?: boolean;
  executable?: string;
}

/** What gather saw of the creates/removes guards (undefined = not asked). */
export interface ExecState {
  createsExists?: boolean;
  removesExists?: boolean;
}

/** The one change: run this command line. */
export interface ExecChange {
  commandLine: string;
}

/** How a module turns its arguments into a shell command line and the `cmd` it reports. */
export interface CommandForm {
  /** The shell command line to run. Throws ModuleFailure for unusable arguments. */
  commandLine(args: ExecArgs, quote: (s: string) => string): string;
  /** The `cmd` return value (a word list for command, the string for shell). */
  reportedCmd(args: ExecArgs): unknown;
}

/** Parameters common to command and shell. */
export const execSchemaProperties: Record<string, JsonSchema> = {
  cmd: { type: 'string', description: 'The command to run.' },
  chdir: { type: 'string', description: 'Change into this directory before running the command.' },
  creates: { type: 'string', description: 'A path or glob: if it matches, the command is not run.' },
  removes: { type: 'string', description: 'A path or glob: if it does not match, the command is not run.' },
  stdin: { type: 'string', description: 'Text written to the command\'s standard input.' },
  stdin_add_newline: { type: 'boolean', default: true, description: 'Append a newline to stdin.' },
  strip_empty_ends: { type: 'boolean', default: true, description: 'Strip trailing newlines from stdout/stderr.' },
};

/** Fail like Ansible when there is nothing, or too much, to run. */
export function checkCommandGiven(args: ExecArgs): void {
  const hasCmd = typeof args.cmd === 'string' && args.cmd.trim() !== '';
  const hasArgv = Array.isArray(args.argv) && args.argv.length > 0;
  const base = { rc: 256, cmd: null, stdout: '', stderr: '', start: null, end: null, delta: null };
  if (!hasCmd && !hasArgv) throw new ModuleFailure('no command given', { ...base, msg: 'no command given' });
  if (hasCmd && hasArgv) {
    const msg = 'only command or argv can be given, not both';
    throw new ModuleFailure(msg, { ...base, msg });
  }
}

/** Check the creates/removes guards on the host (relative patterns are relative to chdir). */
export async function gatherGuards(ctx: GatherContext, args: ExecArgs): Promise<ExecState> {
  const opts = args.chdir ? { cwd: args.chdir } : {};
  const state: ExecState = {};
  if (args.creates) state.createsExists = (await ctx.run(globExistsCommand(args.creates, ctx.quote), opts)).rc === 0;
  // Ansible checks removes only when creates did not already decide.
  if (args.removes && !state.createsExists) {
    state.removesExists = (await ctx.run(globExistsCommand(args.removes, ctx.quote), opts)).rc === 0;
  }
  return state;
}

/** Decide whether to run: the pure part of command/shell. */
export function planExec(form: CommandForm, args: ExecArgs, state: ExecState, ctx: Pick<GatherContext, 'checkMode' | 'quote'>): Plan<ExecChange> {
  checkCommandGiven(args);
  const cmd = form.reportedCmd(args);
  const commandLine = form.commandLine(args, ctx.quote);
  const shoulda = ctx.checkMode ? 'Would' : 'Did';
  const notRun = (msg: string, stdout: string): Plan<ExecChange> => ({
    changes: [],
    msg,
    result: {
      cmd, rc: 0, stdout, stderr: '', stdout_lines: [stdout], stderr_lines: [],
      start: null, end: null, delta: null, msg,
    },
  });
  if (args.creates && state.createsExists) {
    return notRun(`${shoulda} not run command since '${args.creates}' exists`, `skipped, since ${args.creates} exists`);
  }
  if (args.removes && state.removesExists === false) {
    return notRun(`${shoulda} not run command since '${args.removes}' does not exist`, `skipped, since ${args.removes} does not exist`);
  }
  const guarded = Boolean(args.creates || args.removes);
  const plan: Plan<ExecChange> = { changes: [{ commandLine }], check: guarded ? 'predict' : 'skip' };
  if (ctx.checkMode) {
    plan.msg = 'Command would have run if not in check mode';
    plan.result = { cmd, rc: 0, msg: plan.msg };
  }
  return plan;
}

function pad(n: number, w = 2): string {
  return String(n).padStart(w, '0');
}

/** Python's str(datetime.now()): '2017-09-29 22:03:48.083128' (local time). */
export function formatTimestamp(d: Date, micros = d.getMilliseconds() * 1000): string {
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ` +
    `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(micros, 6)}`;
}

/** Python's str(timedelta): '0:00:00.001529', or '0:00:02' when there are no microseconds. */
export function formatDelta(micros: number): string {
  const totalSec = Math.floor(micros / 1e6);
  const us = Math.round(micros - totalSec * 1e6);
  const h = Math.floor(totalSec / 3600);
  const m = Math.floor((totalSec % 3600) / 60);
  const s = totalSec % 60;
  const base = `${h}:${pad(m)}:${pad(s)}`;
  return us ? `${base}.${pad(us, 6)}` : base;
}

/** Run the planned command and shape Ansible's return values; non-zero rc fails the task. */
export async function applyExec(form: CommandForm, ctx: ApplyContext, args: ExecArgs, change: ExecChange): Promise<Record<string, unknown>> {
  let stdin: string | undefined;
  if (args.stdin != null) stdin = args.stdin_add_newline === false ? args.stdin : `${args.stdin}\n`;
  const startWall = new Date();
  const t0 = process.hrtime.bigint();
  const r = await ctx.run(change.commandLine, {
    ...(args.chdir ? { cwd: args.chdir } : {}),
    ...(stdin !== undefined ? { stdin } : {}),
  });
  const elapsedUs = Number((process.hrtime.bigint() - t0) / 1000n);
  const startTotalUs = startWall.getTime() * 1000;
  const endTotalUs = startTotalUs + elapsedUs;
  const strip = args.strip_empty_ends !== false;
  const stdout = strip ? r.stdout.replace(/[\r\n]+$/, '') : r.stdout;
  const stderr = strip ? r.stderr.replace(/[\r\n]+$/, '') : r.stderr;
  const result: Record<string, unknown> = {
    cmd: form.reportedCmd(args),
    rc: r.rc,
    stdout,
    stderr,
    stdout_lines: splitLines(stdout),
    stderr_lines: splitLines(stderr),
    start: formatTimestamp(startWall, startTotalUs % 1000000),
    end: formatTimestamp(new Date(Math.floor(endTotalUs / 1000)), endTotalUs % 1000000),
    delta: formatDelta(elapsedUs),
    msg: '',
  };
  if (r.rc !== 0) {
    result.msg = 'non-zero return code';
    // Ansible's command reports changed=true even when the command fails.
    throw new ModuleFailure('non-zero return code', { ...result, changed: true });
  }
  return result;
}
