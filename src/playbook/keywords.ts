/**
 * The playbook keywords k8splay understands, each with the JSON Schema of its value, and the
 * Ansible keywords it knows but does not support (an explicit error, never silently ignored).
 * `x-expected` is what a type error says was expected.
 */
export type KeywordSchema = Record<string, unknown> & { 'x-expected': string };

/** A string holding a Jinja2 expression or statement. */
export const TEMPLATE_PATTERN = '\\{\\{|\\{%';
const templated = { type: 'string', pattern: TEMPLATE_PATTERN };
const BOOL_WORDS = 'yes|no|true|false|on|off|y|n|t|f|1|0|Yes|No|True|False|YES|NO|TRUE|FALSE|On|Off|ON|OFF|Y|N|T|F';
const boolWord = { type: 'string', pattern: `^(${BOOL_WORDS})$` };
const intString = { type: 'string', pattern: '^\\s*[-+]?\\d+\\s*$' };
const numString = { type: 'string', pattern: '^\\s*[-+]?(\\d+\\.?\\d*|\\.\\d+)\\s*$' };

const k = (expected: string, schema: Record<string, unknown>): KeywordSchema => ({ ...schema, 'x-expected': expected });

const str = k('a string', { anyOf: [{ type: 'string' }, { type: 'number' }] });
const bool = k('a boolean', { anyOf: [{ type: 'boolean' }, boolWord] });
const boolOrTemplate = k('a boolean or a template', { anyOf: [{ type: 'boolean' }, boolWord, templated] });
const intOrTemplate = k('integer', { anyOf: [{ type: 'integer' }, intString, templated] });
const numOrTemplate = k('a number', { anyOf: [{ type: 'number' }, numString, templated] });
const strOrList = k('a string or a list of strings', {
  anyOf: [{ type: 'string' }, { type: 'number' }, { type: 'array', items: { type: ['string', 'number'] } }],
});
const conditions = k('a condition or a list of conditions', {
  anyOf: [{ type: ['string', 'boolean', 'number'] }, { type: 'array', items: { type: ['string', 'boolean', 'number'] } }],
});
const mapping = k('a mapping', { type: 'object' });
const mappings = k('a mapping', { anyOf: [{ type: 'object' }, { type: 'array', items: { type: 'object' } }] });
const list = k('a list', { type: 'array' });
const loopValue = k('a list or a template', { anyOf: [{ type: 'array' }, templated] });

const loopControl = k('a mapping', {
  type: 'object',
  properties: {
    loop_var: k('a string', { type: 'string', pattern: '^[A-Za-z_][A-Za-z0-9_]*$' }),
    index_var: k('a string', { type: 'string', pattern: '^[A-Za-z_][A-Za-z0-9_]*$' }),
    label: str,
    pause: k('a number', { anyOf: [{ type: 'number' }, numString] }),
    extended: bool,
    extended_allitems: bool,
  },
  additionalProperties: false,
});

/** Every keyword's value schema, by Ansible name. */
export const KEYWORD_SCHEMAS: Record<string, KeywordSchema> = {
  name: str,
  when: conditions,
  tags: strOrList,
  vars: mappings,
  environment: mappings,
  become: boolOrTemplate,
  become_user: str,
  become_method: str,
  ignore_errors: boolOrTemplate,
  ignore_unreachable: bool,
  no_log: boolOrTemplate,
  check_mode: boolOrTemplate,
  diff: bool,
  run_once: boolOrTemplate,
  delegate_to: str,
  any_errors_fatal: bool,
  throttle: intOrTemplate,
  module_defaults: mapping,
  // tasks
  loop: loopValue,
  loop_control: loopControl,
  register: k('a string', { type: 'string' }),
  notify: strOrList,
  listen: strOrList,
  changed_when: conditions,
  failed_when: conditions,
  until: conditions,
  retries: intOrTemplate,
  delay: numOrTemplate,
  timeout: intOrTemplate,
  args: k('a mapping', { type: 'object' }),
  action: k('a string or a mapping', { type: ['string', 'object'] }),
  local_action: k('a string or a mapping', { type: ['string', 'object'] }),
  // blocks
  block: list,
  rescue: list,
  always: list,
  // task files
  import_tasks: k('a file name', { type: 'string', minLength: 1 }),
  include_tasks: k('a file name', {
    anyOf: [
      { type: 'string', minLength: 1 },
      { type: 'object', required: ['file'], properties: { file: { type: 'string', minLength: 1 } }, additionalProperties: false },
    ],
  }),
  import_playbook: k('a file name', { type: 'string', minLength: 1 }),
  meta: k('a string', { type: 'string' }),
  // plays
  hosts: k('a host pattern or a list of patterns', {
    anyOf: [{ type: 'string', minLength: 1 }, { type: 'array', minItems: 1, items: { type: 'string', minLength: 1 } }],
  }),
  vars_files: k('a file name or a list of file names', {
    anyOf: [{ type: 'string' }, { type: 'array', items: { anyOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }] } }],
  }),
  gather_facts: bool,
  gather_subset: strOrList,
  gather_timeout: k('integer', { anyOf: [{ type: 'integer' }, intString] }),
  serial: k('a number, a percentage or a list of them', {
    anyOf: [{ type: ['integer', 'string'] }, { type: 'array', items: { type: ['integer', 'string'] } }],
  }),
  max_fail_percentage: k('a percentage', { anyOf: [{ type: 'number' }, { type: 'string', pattern: '^\\s*\\d+(\\.\\d+)?\\s*%?\\s*$' }] }),
  force_handlers: bool,
  strategy: k('a string', { type: 'string' }),
  connection: str,
  remote_user: str,
  pre_tasks: list,
  tasks: list,
  post_tasks: list,
  handlers: list,
};

const COMMON = [
  'name', 'when', 'tags', 'vars', 'environment', 'become', 'become_user', 'become_method', 'ignore_errors',
  'ignore_unreachable', 'no_log', 'check_mode', 'diff', 'run_once', 'delegate_to', 'any_errors_fatal', 'throttle',
  'module_defaults',
];

export const TASK_KEYWORDS = [
  ...COMMON, 'loop', 'loop_control', 'register', 'notify', 'changed_when', 'failed_when', 'until', 'retries', 'delay',
  'timeout', 'args', 'action', 'local_action',
];
export const HANDLER_KEYWORDS = [...TASK_KEYWORDS, 'listen'];
export const BLOCK_KEYWORDS = [...COMMON, 'block', 'rescue', 'always', 'notify'];
export const IMPORT_TASKS_KEYWORDS = COMMON.filter((x) => x !== 'module_defaults').concat('import_tasks');
export const INCLUDE_TASKS_KEYWORDS = [...COMMON.filter((x) => x !== 'module_defaults'), 'include_tasks', 'loop', 'loop_control'];
export const META_KEYWORDS = ['name', 'when', 'tags', 'meta'];
export const IMPORT_PLAYBOOK_KEYWORDS = ['import_playbook', 'name', 'vars', 'tags', 'when'];
export const PLAY_KEYWORDS = [
  ...COMMON.filter((x) => x !== 'when' && x !== 'delegate_to'), 'hosts', 'vars_files', 'gather_facts', 'gather_subset',
  'gather_timeout', 'serial', 'max_fail_percentage', 'force_handlers', 'strategy', 'connection', 'remote_user',
  'pre_tasks', 'tasks', 'post_tasks', 'handlers',
];

/** Legacy `with_<lookup>` loops k8splay runs (see loops.ts for what each does to its value). */
export const WITH_LOOKUPS = ['items', 'list', 'dict', 'indexed_items', 'together', 'nested', 'flattened'] as const;
export type WithLookup = (typeof WITH_LOOKUPS)[number];

/** Ansible keywords (and task-level actions) k8splay refuses, with what to do instead. */
export const UNSUPPORTED_KEYWORDS: Record<string, string> = {
  async: 'background tasks are not supported; run the command in the foreground (add a timeout to it)',
  poll: 'background tasks are not supported',
  become_exe: 'only sudo and su are supported as become methods',
  become_flags: 'set ansible_become_flags on the host instead',
  collections: 'collections are not supported; write module names in full or short form',
  debugger: 'the task debugger is not supported',
  delegate_facts: 'delegate_facts is not supported',
  port: 'set ansible_port in the inventory',
  connection: 'set the connection on the play or in the inventory (ansible_connection)',
  remote_user: 'set remote_user on the play or in the inventory (ansible_user)',
  roles: 'roles are not supported; use import_tasks with a task file',
  vars_prompt: 'interactive prompts are not supported; pass values with -e',
  order: 'host order is always the inventory order',
  fact_path: 'local facts are not supported',
  include: "'include' was removed from Ansible; use include_tasks or import_tasks",
  include_role: 'roles are not supported; use include_tasks with a task file',
  import_role: 'roles are not supported; use import_tasks with a task file',
  static: "'static' is not supported; use import_tasks (static) or include_tasks (dynamic)",
  apply: "'apply' is not supported",
};

/** meta actions k8splay runs. */
export const META_ACTIONS = [
  'flush_handlers', 'noop', 'end_play', 'end_host', 'clear_facts', 'refresh_inventory', 'reset_connection',
  'clear_host_errors', 'end_batch',
] as const;

/** Names accepted for the special actions, with their FQCN forms. */
export function specialAction(key: string): 'import_tasks' | 'include_tasks' | 'import_playbook' | 'meta' | undefined {
  const short = key.startsWith('ansible.builtin.') ? key.slice('ansible.builtin.'.length)
    : key.startsWith('ansible.legacy.') ? key.slice('ansible.legacy.'.length) : key;
  if (short === 'import_tasks' || short === 'include_tasks' || short === 'import_playbook' || short === 'meta') return short;
  return undefined;
}
