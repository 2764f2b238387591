/**
 * `--help` text, generated from the option tables and grouped like ansible-playbook's.
 */
import { INVENTORY_OPTIONS, PLAYBOOK_OPTIONS, type OptionGroup, type OptionSpec } from './options-spec.js';
import { PROGRAM } from './args.js';

const GROUP_TITLES: Record<OptionGroup, [string, string | undefined]> = {
  options: ['options:', undefined],
  connection: ['Connection Options:', 'control as whom and how to connect to hosts'],
  become: ['Privilege Escalation Options:', 'control how and which user you become as on target hosts'],
  k8splay: ['k8splay Options:', 'not in ansible-playbook'],
};

function names(spec: OptionSpec): string {
  const v = spec.metavar ? ` ${spec.metavar}` : '';
  return [...(spec.short ? [`-${spec.short}${v}`] : []), ...spec.long.map((l) => `${l}${v}`)].join(', ');
}

function optionLines(specs: OptionSpec[]): string[] {
  const lines: string[] = [];
  for (const s of specs) {
    const n = `  ${names(s)}`;
    if (n.length <= 22) lines.push(`${n.padEnd(24)}${s.help}`);
    else lines.push(n, `${' '.repeat(24)}${s.help}`);
  }
  return lines;
}

function grouped(specs: OptionSpec[]): string[] {
  const out: string[] = [];
  for (const group of Object.keys(GROUP_TITLES) as OptionGroup[]) {
    const inGroup = specs.filter((s) => s.group === group);
    if (!inGroup.length) continue;
    const [title, sub] = GROUP_TITLES[group];
    out.push('', title);
    if (sub) out.push(`  ${sub}`, '');
    out.push(...optionLines(inGroup));
  }
  return out;
}

/** Help of `k8splay PLAYBOOK`, listing every option with one line each. */
export function playbookHelp(): string {
  return [
    `usage: ${PROGRAM} PLAYBOOK [options]`,
    `       ${PROGRAM} inventory -i INVENTORY (--list | --host HOST | --graph [GROUP])`,
    `       ${PROGRAM} sandbox up|down|status [options]`,
    `       ${PROGRAM} keeper status|stop`,
    '',
    'Runs an Ansible-style playbook, executing the defined tasks on the targeted hosts.',
    '',
    'positional arguments:',
    '  PLAYBOOK              the playbook to run',
    '',
    'commands:',
    '  inventory             show the inventory as ansible-inventory does (see inventory --help)',
    '  sandbox               manage disposable local hosts to rehearse on',
    '  keeper                the ssh connections kept open between runs (see keeper --help)',
    ...grouped(PLAYBOOK_OPTIONS),
    '',
    'Exit codes: 0 ok, 1 error in the input, 2 a host failed, 4 a host was unreachable,',
    '5 bad options, 99 interrupted, 250 internal error.',
    '',
  ].join('\n');
}

/** Help of `k8splay inventory`. */
export function inventoryHelp(): string {
  return [
    `usage: ${PROGRAM} inventory -i INVENTORY [--playbook-dir BASEDIR] (--list | --host HOST | --graph [GROUP])`,
    '',
    'Show the inventory the way ansible-inventory does (same JSON for --list).',
    '',
    'positional arguments:',
    '  GROUP                 with --graph: the group to start from (default all)',
    ...grouped(INVENTORY_OPTIONS),
    '',
  ].join('\n');
}
