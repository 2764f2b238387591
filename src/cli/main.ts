/**
 * The k8splay command: parse the arguments, run the playbook (or a subcommand) with a reporter,
 * and turn the outcome into ansible-playbook's exit codes:
 *   0 ok, 1 error in the input (`ERROR! ...` with its location, no stack trace),
 *   2 a host failed, 4 a host was unreachable (wins over 2), 5 bad options,
 *   99 interrupted (Ctrl-C: the run stops cleanly and the recap is printed),
 *   250 unexpected exception: a k8splay bug, so the stack trace is always printed.
 * A stack trace is printed for user errors too from -vvv.
 * Heavy parts (executor, inventory, playbook loader) are imported only when needed, so
 * `--help` and option errors answer at once.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { InputError, InterruptedError, isK8splayError, OptionsError } from '../errors.js';
import { envBool } from '../util/env-bool.js';
import { RunEventBus } from '../events/bus.js';
import type { RunOptions, RunResult } from '../executor/types.js';
import { ConsoleReporter } from '../reporters/console.js';
import { JsonReporter } from '../reporters/json.js';
import { shouldColor, stringc, THEME } from '../reporters/colors.js';
import { suggest } from '../util/suggest.js';
import { parseArgs, PROGRAM, type PlaybookInvocation } from './args.js';
import { inventoryHelp, playbookHelp } from './help.js';
import { collectPasswords, type PromptIO } from './passwords.js';
import { LARGE_PLAY_HOSTS, limitYoungGeneration } from './young-generation.js';
import { formatListing, syntaxCheckOutput } from './list.js';

export const EXIT = {
  OK: 0,
  INPUT_ERROR: 1,
  HOST_FAILED: 2,
  HOST_UNREACHABLE: 4,
  BAD_OPTIONS: 5,
  INTERRUPTED: 99,
  INTERNAL_ERROR: 250,
} as const;

export interface MainIO {
  stdout: Writable;
  stderr: Writable;
  stdin: PromptIO['stdin'];
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** Registers a Ctrl-C handler and returns its remover. Default: process SIGINT. */
  onInterrupt: (handler: () => void) => () => void;
  /** Ends the process at once (second Ctrl-C). Default process.exit. */
  exit: (code: number) => void;
  /** The playbook runner. Default run() of src/executor/run.ts. */
  run?: (opts: RunOptions) => Promise<RunResult>;
  /**
   * Called when a play starts with its host count. Default (the k8splay process only): keeps
   * the young generation from growing on large plays (young-generation.ts).
   */
  onPlayHosts?: (count: number) => void;
}

/**
 * The process's own for what `given` leaves out (only those are touched: the warm engine's
 * process has no terminal, and process.stdin opens one).
 */
function withDefaults(given: Partial<MainIO>): MainIO {
  return {
    stdout: given.stdout ?? process.stdout,
    stderr: given.stderr ?? process.stderr,
    stdin: given.stdin ?? process.stdin,
    env: given.env ?? process.env,
    cwd: given.cwd ?? process.cwd(),
    onInterrupt: given.onInterrupt ?? ((handler) => {
      process.on('SIGINT', handler);
      return () => { process.off('SIGINT', handler); };
    }),
    exit: given.exit ?? ((code) => process.exit(code)),
    onPlayHosts: 'onPlayHosts' in given ? given.onPlayHosts : (count) => {
      if (count >= LARGE_PLAY_HOSTS) limitYoungGeneration();
    },
    ...(given.run ? { run: given.run } : {}),
  };
}

/** k8splay's version, from the package.json above this file (source or dist). */
export function packageVersion(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++) {
    const p = join(dir, 'package.json');
    if (existsSync(p)) {
      try {
        const pkg = JSON.parse(readFileSync(p, 'utf8')) as { name?: string; version?: string };
        if (pkg.name === 'k8splay' && pkg.version) return pkg.version;
      } catch { /* keep looking */ }
    }
    dir = dirname(dir);
  }
  return 'unknown';
}

/** Print an error as ansible-playbook does and return its exit code. */
export function reportError(e: unknown, stderr: Writable, env: NodeJS.ProcessEnv, verbosity = 0): number {
  const red = (s: string): string => stringc(s, THEME.error, shouldColor(stderr, env));
  if (e instanceof InterruptedError) {
    stderr.write(red('[ERROR]: User interrupted execution') + '\n');
    return EXIT.INTERRUPTED;
  }
  if (isK8splayError(e) && e.userError) {
    stderr.write(red(`ERROR! ${e.describe()}`) + '\n');
    if (verbosity >= 3) stderr.write(`\nthe full traceback was:\n\n${traceback(e)}\n`);
    return e instanceof OptionsError ? EXIT.BAD_OPTIONS : EXIT.INPUT_ERROR;
  }
  const msg = e instanceof Error ? e.message : String(e);
  stderr.write(red(`ERROR! Unexpected Exception, this is probably a bug: ${msg}`) + '\n');
  stderr.write(`the full traceback was:\n\n${traceback(e)}\n`);
  return EXIT.INTERNAL_ERROR;
}

/** The stack with its chain of causes. */
function traceback(e: unknown): string {
  const parts: string[] = [];
  let cur: unknown = e;
  for (let depth = 0; cur !== undefined && depth < 5; depth++) {
    parts.push(cur instanceof Error ? cur.stack ?? `${cur.name}: ${cur.message}` : String(cur));
    cur = cur instanceof Error ? cur.cause : undefined;
  }
  return parts.join('\n\ncaused by:\n');
}

/** Run the k8splay command line `argv` (without node and the script). Returns the exit code. */
export async function main(argv: string[], ioIn: Partial<MainIO> = {}): Promise<number> {
  const io = withDefaults(ioIn);
  let verbosity = 0;
  try {
    const inv = parseArgs(argv, { cwd: io.cwd });
    switch (inv.command) {
      case 'help':
        io.stdout.write(inv.topic === 'inventory' ? inventoryHelp() : playbookHelp());
        return EXIT.OK;
      case 'version':
        io.stdout.write(`${PROGRAM} ${packageVersion()}\n`);
        return EXIT.OK;
      case 'sandbox': {
        const { sandboxCommand } = await import('../sandbox/cli.js');
        return await sandboxCommand(inv.argv);
      }
      case 'keeper': {
        const { keeperCommand } = await import('./keeper-command.js');
        return await keeperCommand(inv.argv, io.stdout, io.env);
      }
      case 'inventory': {
        verbosity = inv.verbosity;
        const { inventoryCommand } = await import('./inventory-command.js');
        return await inventoryCommand(inv, io.stdout, io.cwd);
      }
      case 'playbook':
        verbosity = inv.options.verbosity ?? 0;
        return await playbookCommand(inv, io);
    }
  } catch (e) {
    return reportError(e, io.stderr, io.env, verbosity);
  }
}

function checkPlaybookFile(path: string, cwd: string): void {
  const full = resolve(cwd, path);
  let st;
  try {
    st = statSync(full);
  } catch {
    const sub = suggest(path, ['inventory', 'sandbox']);
    throw new InputError(`the playbook: ${path} could not be found`, sub ? { details: [`did you mean the '${sub}' command?`] } : {});
  }
  if (!st.isFile() && !st.isFIFO()) throw new InputError(`the playbook: ${path} does not appear to be a file`);
}

async function playbookCommand(inv: PlaybookInvocation, io: MainIO): Promise<number> {
  const opts = inv.options;
  checkPlaybookFile(opts.playbook, io.cwd);
  if (inv.syntaxCheck || inv.listHosts || inv.listTasks || inv.listTags) {
    const { loadForListing } = await import('./load-for-listing.js');
    const loaded = await loadForListing(opts);
    io.stdout.write(inv.syntaxCheck
      ? syntaxCheckOutput(opts.playbook)
      : formatListing(loaded.playbook, {
        playbookArg: opts.playbook,
        listHosts: inv.listHosts, listTasks: inv.listTasks, listTags: inv.listTags,
        tags: opts.tags, skipTags: opts.skipTags, hostsFor: loaded.hostsFor,
      }));
    return EXIT.OK;
  }

  // --sandbox: the same run, on local containers standing in for the inventory's hosts.
  let rehearsal: import('../sandbox/rehearse.js').Rehearsal | undefined;
  if (inv.sandbox) {
    const { prepareRehearsal } = await import('../sandbox/rehearse.js');
    rehearsal = await prepareRehearsal(opts, (line) => io.stderr.write(`sandbox: ${line}\n`));
    Object.assign(opts, rehearsal.options);
  }
  try {
    return await runPlaybook(inv, io, opts);
  } finally {
    if (rehearsal) await rehearsal.finish(inv.keep);
  }
}

async function runPlaybook(inv: PlaybookInvocation, io: MainIO, opts: PlaybookInvocation['options']): Promise<number> {
  const passwords = await collectPasswords({
    askPass: inv.askPass, askBecomePass: inv.askBecomePass,
    connectionPasswordFile: inv.connectionPasswordFile, becomePasswordFile: inv.becomePasswordFile, cwd: io.cwd,
  }, { stdin: io.stdin, stderr: io.stderr });
  if (passwords.connectionPassword !== undefined) opts.connectionPassword = passwords.connectionPassword;
  if (passwords.becomePassword !== undefined) opts.becomePassword = passwords.becomePassword;

  const events = opts.events ?? new RunEventBus();
  opts.events = events;
  const onPlayHosts = io.onPlayHosts;
  if (onPlayHosts) events.on('play:start', ({ hosts }) => onPlayHosts(hosts.length));
  if (inv.json) new JsonReporter({ out: io.stdout }).attach(events);
  else {
    new ConsoleReporter({
      out: io.stdout, err: io.stderr, env: io.env, verbosity: opts.verbosity ?? 0,
      displaySkippedHosts: envBool(io.env.ANSIBLE_DISPLAY_SKIPPED_HOSTS) ?? true,
      displayOkHosts: envBool(io.env.ANSIBLE_DISPLAY_OK_HOSTS) ?? true,
    }).attach(events);
  }

  const ac = new AbortController();
  opts.signal = ac.signal;
  let interrupts = 0;
  const removeHandler = io.onInterrupt(() => {
    interrupts++;
    if (interrupts === 1) {
      io.stderr.write('\n[WARNING]: interrupted: stopping after the commands that are running (press Ctrl-C again to stop at once)\n');
      ac.abort(new InterruptedError());
    } else {
      io.stderr.write('[ERROR]: User interrupted execution\n');
      io.exit(EXIT.INTERRUPTED);
    }
  });
  try {
    const runFn = io.run ?? (await import('../executor/run.js')).run;
    const result = await runFn(opts);
    if (result.interrupted || ac.signal.aborted) {
      io.stderr.write(stringc('[ERROR]: User interrupted execution', THEME.error, shouldColor(io.stderr, io.env)) + '\n');
      return EXIT.INTERRUPTED;
    }
    if (result.unreachableHosts.length) return EXIT.HOST_UNREACHABLE;
    if (result.failedHosts.length) return EXIT.HOST_FAILED;
    return result.exitCode;
  } finally {
    removeHandler();
  }
}
