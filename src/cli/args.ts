/**
 * The k8splay command line, parsed into what main() runs:
 *   k8splay PLAYBOOK [options]               run a playbook (ansible-playbook's flags)
 *   k8splay inventory -i FILE --list|--host H|--graph [GROUP]   (ansible-inventory)
 *   k8splay sandbox up|down|status ...        handed to the sandbox command as is
 *   k8splay keeper status|stop                the connection keepers (kept ssh connections)
 */
import { OptionsError } from '../errors.js';
import type { RunOptions } from '../executor/types.js';
import { didYouMean } from '../util/suggest.js';
import { loadExtraVars } from './extra-vars.js';
import { INVENTORY_OPTIONS, PLAYBOOK_OPTIONS } from './options-spec.js';
import { hasOption, parseOptions, type OptionValue } from './parse-options.js';

export const PROGRAM = 'k8splay';

/** `k8splay PLAYBOOK [options]`. */
export interface PlaybookInvocation {
  command: 'playbook';
  /** Ready for run(), except the passwords that are still to be asked or read. */
  options: RunOptions;
  listHosts: boolean;
  listTasks: boolean;
  listTags: boolean;
  syntaxCheck: boolean;
  /** --json: one JSON document on stdout instead of the console output. */
  json: boolean;
  /** -k: ask for the connection password. */
  askPass: boolean;
  /** -K: ask for the become password. */
  askBecomePass: boolean;
  connectionPasswordFile?: string;
  becomePasswordFile?: string;
  /** --sandbox / --keep: handled by the sandbox wiring. */
  sandbox: boolean;
  keep: boolean;
}

/** `k8splay inventory ...`. */
export interface InventoryInvocation {
  command: 'inventory';
  inventory: string[];
  action: 'list' | 'host' | 'graph';
  /** --host HOST. */
  host?: string;
  /** --graph GROUP (default 'all'). */
  group: string;
  playbookDir?: string;
  verbosity: number;
}

/** `k8splay sandbox ...`: the arguments after `sandbox`. */
export interface SandboxInvocation {
  command: 'sandbox';
  argv: string[];
}

/** `k8splay keeper ...`: the arguments after `keeper`. */
export interface KeeperInvocation {
  command: 'keeper';
  argv: string[];
}

export interface HelpInvocation {
  command: 'help';
  topic: 'playbook' | 'inventory';
}

export interface VersionInvocation {
  command: 'version';
}

export type Invocation = PlaybookInvocation | InventoryInvocation | SandboxInvocation | KeeperInvocation | HelpInvocation | VersionInvocation;

export interface ParseArgsOptions {
  /** Directory `@file` extra vars are read relative to. Default process.cwd(). */
  cwd?: string;
}

const SUBCOMMANDS = ['inventory', 'sandbox', 'keeper'];

/** Parse the arguments after the program name. Throws OptionsError (exit 5) on bad input. */
export function parseArgs(argv: readonly string[], opts: ParseArgsOptions = {}): Invocation {
  const cwd = opts.cwd ?? process.cwd();
  if (argv[0] === 'sandbox') return { command: 'sandbox', argv: argv.slice(1) };
  if (argv[0] === 'keeper') return { command: 'keeper', argv: argv.slice(1) };
  if (argv[0] === 'inventory') return parseInventory(argv.slice(1));
  return parsePlaybook(argv, cwd);
}

/** Split comma lists, trim, drop empties and duplicates, keep first-seen order (as Ansible's tag sets). */
export function splitCommaList(values: string[] | undefined): string[] {
  const out: string[] = [];
  for (const v of values ?? []) {
    for (const part of v.split(',')) {
      const t = part.trim();
      if (t && !out.includes(t)) out.push(t);
    }
  }
  return out;
}

function positiveInt(name: string, raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  if (!/^\s*\d+\s*$/.test(raw) || Number(raw) < 1) {
    throw new OptionsError(`option ${name}: '${raw}' is not a positive whole number`);
  }
  return Number(raw);
}

const BECOME_METHODS = ['sudo', 'su'] as const;
const HOST_KEY_CHECKING = ['strict', 'accept-new', 'off'] as const;

function parsePlaybook(argv: readonly string[], cwd: string): Invocation {
  // --help and --version answer whatever else is on the line.
  if (hasOption(argv, PLAYBOOK_OPTIONS, 'help')) return { command: 'help', topic: 'playbook' };
  if (hasOption(argv, PLAYBOOK_OPTIONS, 'version')) return { command: 'version' };

  const { values, positionals } = parseOptions(argv, PLAYBOOK_OPTIONS, PROGRAM);
  const str = (k: string): string | undefined => values[k] as string | undefined;
  const list = (k: string): string[] => (values[k] as string[] | undefined) ?? [];
  const flag = (k: string): boolean => values[k] === true;

  if (positionals.length === 0) {
    throw new OptionsError('no playbook given', { details: [`usage: ${PROGRAM} PLAYBOOK [options]   (see '${PROGRAM} --help')`] });
  }
  if (positionals.length > 1) {
    const first = positionals[0]!;
    const sub = SUBCOMMANDS.includes(first) ? '' : didYouMean(first, SUBCOMMANDS);
    throw new OptionsError(`one playbook at a time: got ${positionals.map((p) => `'${p}'`).join(', ')}${sub}`, {
      details: ['use import_playbook in one playbook to run several'],
    });
  }

  const becomeMethod = str('becomeMethod');
  if (becomeMethod !== undefined && !(BECOME_METHODS as readonly string[]).includes(becomeMethod)) {
    throw new OptionsError(`become method '${becomeMethod}' is not supported: use sudo or su${didYouMean(becomeMethod, BECOME_METHODS)}`);
  }
  if (flag('askPass') && str('connectionPasswordFile') !== undefined) {
    throw new OptionsError('options -k/--ask-pass and --connection-password-file cannot be used together');
  }
  if (flag('askBecomePass') && str('becomePasswordFile') !== undefined) {
    throw new OptionsError('options -K/--ask-become-pass and --become-password-file cannot be used together');
  }
  if (flag('keep') && !flag('sandbox')) throw new OptionsError('option --keep only makes sense with --sandbox');

  const options: RunOptions = { playbook: positionals[0]!, cwd };
  const inventory = list('inventory');
  if (inventory.length) options.inventory = inventory;
  const limit = str('limit');
  if (limit !== undefined) options.limit = limit;
  const tags = splitCommaList(list('tags'));
  if (tags.length) options.tags = tags;
  const skipTags = splitCommaList(list('skipTags'));
  if (skipTags.length) options.skipTags = skipTags;
  if (flag('check')) options.check = true;
  if (flag('diff')) options.diff = true;
  const extraVars = list('extraVars');
  if (extraVars.length) options.extraVars = loadExtraVars(extraVars, cwd);
  const forks = positiveInt('-f/--forks', str('forks'));
  if (forks !== undefined) options.forks = forks;
  const user = str('user');
  if (user !== undefined) options.user = user;
  const key = str('privateKey');
  if (key !== undefined) options.privateKeyFile = key;
  if (flag('become')) options.become = true;
  const becomeUser = str('becomeUser');
  if (becomeUser !== undefined) options.becomeUser = becomeUser;
  if (becomeMethod !== undefined) options.becomeMethod = becomeMethod as RunOptions['becomeMethod'];
  const connection = str('connection');
  if (connection !== undefined) options.connection = connection;
  const timeout = positiveInt('-T/--timeout', str('timeout'));
  if (timeout !== undefined) options.timeout = timeout;
  const taskTimeout = str('taskTimeout');
  if (taskTimeout !== undefined) {
    const n = Number(taskTimeout);
    if (!Number.isInteger(n) || n < 0) throw new OptionsError(`--task-timeout must be a whole number of seconds, got '${taskTimeout}'`);
    options.taskTimeout = n;
  }
  const hostKeyChecking = str('hostKeyChecking');
  if (hostKeyChecking !== undefined) {
    if (!(HOST_KEY_CHECKING as readonly string[]).includes(hostKeyChecking)) {
      throw new OptionsError(`--host-key-checking '${hostKeyChecking}' is not one of ${HOST_KEY_CHECKING.join(', ')}${didYouMean(hostKeyChecking, HOST_KEY_CHECKING)}`);
    }
    options.hostKeyChecking = hostKeyChecking as RunOptions['hostKeyChecking'];
  }
  const startAt = str('startAtTask');
  if (startAt !== undefined) options.startAtTask = startAt;
  const verbosity = (values.verbose as number | undefined) ?? 0;
  if (verbosity) options.verbosity = verbosity;
  const plugins = list('plugin');
  if (plugins.length) options.plugins = plugins;

  const inv: PlaybookInvocation = {
    command: 'playbook',
    options,
    listHosts: flag('listHosts'),
    listTasks: flag('listTasks'),
    listTags: flag('listTags'),
    syntaxCheck: flag('syntaxCheck'),
    json: flag('json'),
    askPass: flag('askPass'),
    askBecomePass: flag('askBecomePass'),
    sandbox: flag('sandbox'),
    keep: flag('keep'),
  };
  const cpf = str('connectionPasswordFile');
  if (cpf !== undefined) inv.connectionPasswordFile = cpf;
  const bpf = str('becomePasswordFile');
  if (bpf !== undefined) inv.becomePasswordFile = bpf;
  return inv;
}

function parseInventory(argv: readonly string[]): Invocation {
  if (hasOption(argv, INVENTORY_OPTIONS, 'help')) return { command: 'help', topic: 'inventory' };
  const { values, positionals } = parseOptions(argv, INVENTORY_OPTIONS, `${PROGRAM} inventory`);
  const actions = (['list', 'host', 'graph'] as const).filter((a) => values[a] !== undefined);
  if (actions.length === 0) {
    throw new OptionsError('No action selected, at least one of --host, --graph or --list needs to be specified.');
  }
  if (actions.length > 1) {
    throw new OptionsError('Conflicting options used, only one of --host, --graph or --list can be used at the same time.');
  }
  const action = actions[0]!;
  if (positionals.length > 1 || (positionals.length === 1 && action !== 'graph')) {
    throw new OptionsError(`unexpected argument '${positionals[action === 'graph' ? 1 : 0]}'`, {
      details: ['only --graph takes a group name'],
    });
  }
  const inventory = (values.inventory as string[] | undefined) ?? [];
  if (inventory.length === 0) throw new OptionsError('no inventory given: use -i FILE');
  const out: InventoryInvocation = {
    command: 'inventory',
    inventory,
    action,
    group: positionals[0] ?? 'all',
    verbosity: (values.verbose as number | undefined) ?? 0,
  };
  if (action === 'host') out.host = values.host as string;
  const pd = values.playbookDir as OptionValue | undefined;
  if (typeof pd === 'string') out.playbookDir = pd;
  return out;
}
