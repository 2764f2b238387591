/**
 * --list-hosts, --list-tasks, --list-tags and --syntax-check output, identical to
 * ansible-playbook's (cli/playbook.py): per play a header, then the hosts, tasks and tags asked
 * for. Pure functions of the loaded playbook; hosts come from a callback so the inventory's
 * pattern rules (and --limit) stay in one place.
 */
import type { Node, Play, Playbook } from '../playbook/model.js';
import { tagsSelected } from '../executor/tags.js';

export interface ListOptions {
  /** The playbook path as given on the command line (Ansible prints it unchanged). */
  playbookArg: string;
  listHosts?: boolean;
  listTasks?: boolean;
  listTags?: boolean;
  /** --tags / --skip-tags, as given. */
  tags?: string[];
  skipTags?: string[];
  /** Hosts a play pattern selects, --limit applied, in inventory order. */
  hostsFor?: (pattern: string) => string[];
}

/** Python's sorted() for strings. */
const sorted = (xs: Iterable<string>): string[] => [...new Set(xs)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));

function playName(play: Play): string {
  return play.name || play.hosts;
}

interface ListedTask { name: string; tags: string[] }

/** Tasks --list-tasks shows: only the `block:` part of blocks, unnamed ones by action. */
function collectTasks(nodes: Node[], inherited: string[], only: string[], skip: string[], out: ListedTask[]): void {
  for (const n of nodes) {
    const tags = [...new Set([...inherited, ...n.tags])];
    if (n.kind === 'block') {
      collectTasks(n.block, tags, only, skip, out);
      continue;
    }
    if (!tagsSelected(tags, only, skip)) continue;
    const action = n.kind === 'task' ? n.action : n.kind === 'include' ? 'include_tasks' : 'meta';
    out.push({ name: n.name || action, tags });
  }
}

/** The listing text, ending with a newline. Several list flags combine per play, as Ansible. */
export function formatListing(playbook: Playbook, opts: ListOptions): string {
  const out: string[] = ['', `playbook: ${opts.playbookArg}`];
  const only = opts.tags ?? [];
  const skip = opts.skipTags ?? [];
  playbook.plays.forEach((play, idx) => {
    const playTags = sorted(play.tags);
    out.push('', `  play #${idx + 1} (${play.hosts}): ${playName(play)}\tTAGS: [${playTags.join(',')}]`);
    if (opts.listHosts) {
      const hosts = opts.hostsFor ? opts.hostsFor(play.hosts) : [];
      out.push(`    pattern: ['${play.hosts}']`, `    hosts (${hosts.length}):`, ...hosts.map((h) => `      ${h}`));
    }
    if (opts.listTasks || opts.listTags) {
      const tasks: ListedTask[] = [];
      for (const section of [play.preTasks, play.tasks, play.postTasks]) collectTasks(section, play.tags, only, skip, tasks);
      if (opts.listTasks) {
        out.push('    tasks:');
        for (const t of tasks) out.push(`      ${t.name}\tTAGS: [${sorted([...play.tags, ...t.tags]).join(', ')}]`);
      }
      if (opts.listTags) out.push(`      TASK TAGS: [${sorted([...play.tags, ...tasks.flatMap((t) => t.tags)]).join(', ')}]`);
    }
  });
  return out.join('\n') + '\n';
}

/** `--list-hosts` output. */
export function listHosts(playbook: Playbook, opts: ListOptions): string {
  return formatListing(playbook, { ...opts, listHosts: true, listTasks: false, listTags: false });
}

/** `--list-tasks` output. */
export function listTasks(playbook: Playbook, opts: ListOptions): string {
  return formatListing(playbook, { ...opts, listHosts: false, listTasks: true, listTags: false });
}

/** `--list-tags` output. */
export function listTags(playbook: Playbook, opts: ListOptions): string {
  return formatListing(playbook, { ...opts, listHosts: false, listTasks: false, listTags: true });
}

/** `--syntax-check` output once the playbook loaded without error. */
export function syntaxCheckOutput(playbookArg: string): string {
  return `\nplaybook: ${playbookArg}\n`;
}
