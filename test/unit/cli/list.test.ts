import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { BlockNode, CommonKeywords, Node, Play, Playbook, TaskNode } from '../../../src/playbook/model.js';
import { formatListing, listHosts, listTags, listTasks, syntaxCheckOutput } from '../../../src/cli/list.js';

const loc = { file: '/p/pb4.yml', line: 1, column: 1 };
const common = (tags: string[] = []): CommonKeywords => ({ tags, when: [] });
const t = (name: string | undefined, action: string, tags: string[] = []): TaskNode =>
  ({ kind: 'task', ...(name ? { name } : {}), action, args: {}, location: loc, notify: [], listen: [], ...common(tags) });
const block = (b: Node[], tags: string[] = [], rescue: Node[] = [], imported?: string): BlockNode =>
  ({ kind: 'block', block: b, rescue, always: [], location: loc, ...common(tags), ...(imported ? { imported } : {}) });
const play = (name: string, hosts: string, tags: string[], p: Partial<Play>): Play => ({
  name, hosts, location: loc, gatherFacts: false, varsFiles: [], preTasks: [], tasks: [], postTasks: [], handlers: [],
  baseDir: '/p', ...common(tags), ...p,
});

// The playbook pb4.yml used to record ansible-playbook 2.14's output below.
const playbook: Playbook = {
  path: '/p/pb4.yml',
  baseDir: '/p',
  plays: [
    play('First play', 'web', ['p1'], {
      preTasks: [t('pre', 'debug')],
      tasks: [
        t('say hi', 'debug', ['a', 'b']),
        t(undefined, 'debug'),
        block([t('in block', 'command', ['blk'])], ['outer'], [t('rescuer', 'debug')]),
        { kind: 'include', file: 'inc.yml', baseDir: '/p', location: loc, ...common() },
        block([t('imported', 'debug', ['imptag'])], [], [], 'imp.yml'),
        { kind: 'meta', action: 'flush_handlers', location: loc, ...common() },
      ],
      postTasks: [t('post', 'debug', ['never'])],
      handlers: [t('h', 'debug')],
    }),
    play('', 'db:!bad', [], { tasks: [t(undefined, 'ping')] }),
    play('', 'nomatch', [], {}),
  ],
};
const hostsFor = (p: string): string[] => ({ web: ['h1', 'h2'], 'db:!bad': ['d1'] } as Record<string, string[]>)[p] ?? [];
const opts = { playbookArg: 'pb4.yml', hostsFor };

test('--list-hosts matches ansible-playbook', () => {
  assert.equal(listHosts(playbook, opts), `
playbook: pb4.yml

  play #1 (web): First play\tTAGS: [p1]
    pattern: ['web']
    hosts (2):
      h1
      h2

  play #2 (db:!bad): db:!bad\tTAGS: []
    pattern: ['db:!bad']
    hosts (1):
      d1

  play #3 (nomatch): nomatch\tTAGS: []
    pattern: ['nomatch']
    hosts (0):
`);
});

test('--list-tasks matches ansible-playbook (block part only, never-tagged hidden, inherited tags)', () => {
  assert.equal(listTasks(playbook, opts), `
playbook: pb4.yml

  play #1 (web): First play\tTAGS: [p1]
    tasks:
      pre\tTAGS: [p1]
      say hi\tTAGS: [a, b, p1]
      debug\tTAGS: [p1]
      in block\tTAGS: [blk, outer, p1]
      include_tasks\tTAGS: [p1]
      imported\tTAGS: [imptag, p1]
      meta\tTAGS: [p1]

  play #2 (db:!bad): db:!bad\tTAGS: []
    tasks:
      ping\tTAGS: []

  play #3 (nomatch): nomatch\tTAGS: []
    tasks:
`);
});

test('--list-tags matches ansible-playbook', () => {
  assert.equal(listTags(playbook, opts), `
playbook: pb4.yml

  play #1 (web): First play\tTAGS: [p1]
      TASK TAGS: [a, b, blk, imptag, outer, p1]

  play #2 (db:!bad): db:!bad\tTAGS: []
      TASK TAGS: []

  play #3 (nomatch): nomatch\tTAGS: []
      TASK TAGS: []
`);
});

test('all three with -t a combine per play, as ansible-playbook', () => {
  assert.equal(formatListing(playbook, { ...opts, listHosts: true, listTasks: true, listTags: true, tags: ['a'] }), `
playbook: pb4.yml

  play #1 (web): First play\tTAGS: [p1]
    pattern: ['web']
    hosts (2):
      h1
      h2
    tasks:
      say hi\tTAGS: [a, b, p1]
      TASK TAGS: [a, b, p1]

  play #2 (db:!bad): db:!bad\tTAGS: []
    pattern: ['db:!bad']
    hosts (1):
      d1
    tasks:
      TASK TAGS: []

  play #3 (nomatch): nomatch\tTAGS: []
    pattern: ['nomatch']
    hosts (0):
    tasks:
      TASK TAGS: []
`);
});

test('--skip-tags and never: a never task shows when asked by name', () => {
  const out = listTasks(playbook, { ...opts, tags: ['never', 'b'], skipTags: ['a'] });
  assert.match(out, /\n {6}post\tTAGS: \[never, p1\]\n/);
  assert.doesNotMatch(out, /say hi/);
});

test('--syntax-check prints the playbook line only', () => {
  assert.equal(syntaxCheckOutput('site.yml'), '\nplaybook: site.yml\n');
});
