/**
 * The command-line options of `k8splay PLAYBOOK` and `k8splay inventory`: one table used by the
 * parser, the help text and the did-you-mean suggestions. Names and meanings follow
 * ansible-playbook and ansible-inventory.
 */

/** How an option's occurrences combine. */
export type OptionKind =
  | 'flag'   // present or not
  | 'count'  // -v -vv: number of times
  | 'value'  // takes a value; the last one wins
  | 'list';  // takes a value; every one is kept, in order

/** Help sections, in ansible-playbook's order. */
export type OptionGroup = 'options' | 'connection' | 'become' | 'k8splay';

export interface OptionSpec {
  /** Field name in the parsed values. */
  key: string;
  /** Long names, the preferred one first (e.g. ['--inventory', '--inventory-file']). */
  long: string[];
  /** One-letter name without the dash. */
  short?: string;
  kind: OptionKind;
  /** Placeholder shown in help for options that take a value. */
  metavar?: string;
  help: string;
  group: OptionGroup;
}

export const PLAYBOOK_OPTIONS: OptionSpec[] = [
  // options
  { key: 'help', long: ['--help'], short: 'h', kind: 'flag', help: 'show this help message and exit', group: 'options' },
  { key: 'version', long: ['--version'], kind: 'flag', help: "show k8splay's version and exit", group: 'options' },
  { key: 'verbose', long: ['--verbose'], short: 'v', kind: 'count', help: 'print more: -v result data, -vv task paths, -vvv indented results and stack traces of errors', group: 'options' },
  { key: 'inventory', long: ['--inventory', '--inventory-file'], short: 'i', kind: 'list', metavar: 'INVENTORY', help: 'inventory file or directory, or a comma separated host list; repeatable', group: 'options' },
  { key: 'limit', long: ['--limit'], short: 'l', kind: 'value', metavar: 'SUBSET', help: 'further limit selected hosts to an additional pattern', group: 'options' },
  { key: 'tags', long: ['--tags'], short: 't', kind: 'list', metavar: 'TAGS', help: 'only run plays and tasks tagged with these values (comma separated; repeatable)', group: 'options' },
  { key: 'skipTags', long: ['--skip-tags'], kind: 'list', metavar: 'SKIP_TAGS', help: 'only run plays and tasks whose tags do not match these values', group: 'options' },
  { key: 'check', long: ['--check'], short: 'C', kind: 'flag', help: "don't make any changes; instead, try to predict some of the changes that may occur", group: 'options' },
  { key: 'diff', long: ['--diff'], short: 'D', kind: 'flag', help: 'when changing files and templates, show the differences in those files; works great with --check', group: 'options' },
  { key: 'extraVars', long: ['--extra-vars'], short: 'e', kind: 'list', metavar: 'EXTRA_VARS', help: 'set additional variables as key=value or YAML/JSON, if filename prepend with @; repeatable, later wins', group: 'options' },
  { key: 'forks', long: ['--forks'], short: 'f', kind: 'value', metavar: 'FORKS', help: 'how many hosts run a task at the same time (default=50)', group: 'options' },
  { key: 'taskTimeout', long: ['--task-timeout'], kind: 'value', metavar: 'TASK_TIMEOUT', help: 'time limit of each task in seconds (0: none); a task keyword `timeout:` overrides it', group: 'options' },
  { key: 'startAtTask', long: ['--start-at-task'], kind: 'value', metavar: 'START_AT_TASK', help: 'start the playbook at the task matching this name', group: 'options' },
  { key: 'listHosts', long: ['--list-hosts'], kind: 'flag', help: 'outputs a list of matching hosts; does not execute anything else', group: 'options' },
  { key: 'listTasks', long: ['--list-tasks'], kind: 'flag', help: 'list all tasks that would be executed', group: 'options' },
  { key: 'listTags', long: ['--list-tags'], kind: 'flag', help: 'list all available tags', group: 'options' },
  { key: 'syntaxCheck', long: ['--syntax-check'], kind: 'flag', help: 'perform a syntax check on the playbook, but do not execute it', group: 'options' },
  // connection
  { key: 'privateKey', long: ['--private-key', '--key-file'], kind: 'value', metavar: 'PRIVATE_KEY_FILE', help: 'use this file to authenticate the connection', group: 'connection' },
  { key: 'user', long: ['--user'], short: 'u', kind: 'value', metavar: 'REMOTE_USER', help: 'connect as this user (default=None)', group: 'connection' },
  { key: 'connection', long: ['--connection'], short: 'c', kind: 'value', metavar: 'CONNECTION', help: 'connection type to use (default=ssh)', group: 'connection' },
  { key: 'timeout', long: ['--timeout'], short: 'T', kind: 'value', metavar: 'TIMEOUT', help: 'override the connection timeout in seconds (default=10)', group: 'connection' },
  { key: 'hostKeyChecking', long: ['--host-key-checking'], kind: 'value', metavar: 'MODE', help: 'ssh host key checking: strict (default: unknown keys are refused), accept-new (record unknown keys in known_hosts) or off; a changed key is always refused unless off', group: 'connection' },
  { key: 'askPass', long: ['--ask-pass'], short: 'k', kind: 'flag', help: 'ask for connection password', group: 'connection' },
  { key: 'connectionPasswordFile', long: ['--connection-password-file', '--conn-pass-file'], kind: 'value', metavar: 'CONNECTION_PASSWORD_FILE', help: "read the connection password from this file ('-' for stdin)", group: 'connection' },
  // become
  { key: 'become', long: ['--become'], short: 'b', kind: 'flag', help: 'run operations with become (does not imply password prompting)', group: 'become' },
  { key: 'becomeMethod', long: ['--become-method'], kind: 'value', metavar: 'BECOME_METHOD', help: 'privilege escalation method to use (default=sudo): sudo or su', group: 'become' },
  { key: 'becomeUser', long: ['--become-user'], kind: 'value', metavar: 'BECOME_USER', help: 'run operations as this user (default=root)', group: 'become' },
  { key: 'askBecomePass', long: ['--ask-become-pass'], short: 'K', kind: 'flag', help: 'ask for privilege escalation password', group: 'become' },
  { key: 'becomePasswordFile', long: ['--become-password-file', '--become-pass-file'], kind: 'value', metavar: 'BECOME_PASSWORD_FILE', help: "read the become password from this file ('-' for stdin)", group: 'become' },
  // k8splay
  { key: 'json', long: ['--json'], kind: 'flag', help: 'print one JSON document with every result at the end, and nothing else on stdout', group: 'k8splay' },
  { key: 'plugin', long: ['--plugin'], kind: 'list', metavar: 'PACKAGE', help: 'load modules from this npm package; repeatable', group: 'k8splay' },
  { key: 'sandbox', long: ['--sandbox'], kind: 'flag', help: 'run against disposable local sandbox hosts instead of the inventory', group: 'k8splay' },
  { key: 'keep', long: ['--keep'], kind: 'flag', help: 'with --sandbox: keep the sandbox hosts after the run', group: 'k8splay' },
];

export const INVENTORY_OPTIONS: OptionSpec[] = [
  { key: 'help', long: ['--help'], short: 'h', kind: 'flag', help: 'show this help message and exit', group: 'options' },
  { key: 'verbose', long: ['--verbose'], short: 'v', kind: 'count', help: 'print more (stack traces of errors with -vvv)', group: 'options' },
  { key: 'inventory', long: ['--inventory', '--inventory-file'], short: 'i', kind: 'list', metavar: 'INVENTORY', help: 'inventory file or directory, or a comma separated host list; repeatable', group: 'options' },
  { key: 'playbookDir', long: ['--playbook-dir'], kind: 'value', metavar: 'BASEDIR', help: 'directory whose group_vars/ and host_vars/ apply, as next to a playbook', group: 'options' },
  { key: 'list', long: ['--list'], kind: 'flag', help: 'output all hosts info, works as inventory script', group: 'options' },
  { key: 'host', long: ['--host'], kind: 'value', metavar: 'HOST', help: 'output specific host info, works as inventory script', group: 'options' },
  { key: 'graph', long: ['--graph'], kind: 'flag', help: 'create inventory graph, if supplying pattern it must be a valid group name', group: 'options' },
];

/** ansible-playbook / ansible-inventory options that k8splay recognises but does not support. */
export const UNSUPPORTED_OPTIONS: ReadonlySet<string> = new Set([
  '--ssh-common-args', '--ssh-extra-args', '--sftp-extra-args', '--scp-extra-args',
  '--force-handlers', '--flush-cache', '--step',
  '--vault-id', '--vault-password-file', '--vault-pass-file', '--ask-vault-password', '--ask-vault-pass',
  '--module-path', '-M',
  '--yaml', '-y', '--toml', '--export', '--output', '--vars',
]);
