/**
 * Read-ahead (src/executor/lookahead.ts): the gathers of the next tasks are sent while a task
 * runs. It must change when reads happen, never what a run does or reports: runs here are
 * made with read-ahead on and off, on two copies of the same project, and compared.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { run, defineModule } from '../../src/index.js';
import { RunEventBus } from '../../src/events/bus.js';
import type { RunOptions, RunResult } from '../../src/executor/types.js';
import { projectsForThisFile, localInventory, localWith } from '../helpers/playbook-fixture.js';

const project = projectsForThisFile();

interface Logged {
  result: RunResult;
  /** Task starts, and commands and file reads sent to hosts, in the order they happened. */
  log: string[];
}

/** How many commands and file reads a run sent to its hosts. */
const sentCount = (log: string[]): number => log.filter((l) => l.startsWith('exec ') || l.startsWith('get ')).length;

/** Run `dir`'s site.yml with read-ahead at `window` (0: off). */
async function runLogged(dir: string, window: number, opts: Partial<RunOptions> = {}, delay?: (host: string, cmd: string) => number, resumed?: boolean): Promise<Logged> {
  const log: string[] = [];
  const local = localWith({ sent: (host, kind, what) => log.push(`${kind} ${host} ${what}`), delay, ...(resumed ? { resumed: () => true } : {}) });
  const events = new RunEventBus();
  events.on('task:start', (p) => log.push(`start ${p.task.name}`));
  const before = process.env.K8SPLAY_READ_AHEAD;
  process.env.K8SPLAY_READ_AHEAD = String(window);
  try {
    const result = await run({
      playbook: join(dir, 'site.yml'), inventory: [join(dir, 'hosts.ini')], cwd: dir, events, connections: { local }, ...opts,
    });
    return { result, log };
  } finally {
    if (before === undefined) delete process.env.K8SPLAY_READ_AHEAD;
    else process.env.K8SPLAY_READ_AHEAD = before;
  }
}

/** What a run reports: each task's per-host status, changed flag and message, items too. */
function shown(r: RunResult): string {
  return JSON.stringify(r.tasks.map((t) => [t.task.name, t.results.map((x) => [x.host, x.status, x.changed, x.msg, x.warnings, x.items?.map((i) => [i.status, i.changed, i.msg])])]));
}

/**
 * Run the copy `on` with read-ahead and the copy `off` without, and check both report the
 * same (directory names aside). Returns the read-ahead run, with the other one as `off`.
 */
async function runBoth(on: string, off: string, label: string, opts: Partial<RunOptions> = {}, delay?: (host: string, cmd: string) => number): Promise<Logged & { off: Logged }> {
  const a = await runLogged(on, 6, opts, delay);
  const b = await runLogged(off, 0, opts, delay);
  assert.equal(shown(a.result).replaceAll(on, 'DIR'), shown(b.result).replaceAll(off, 'DIR'), label);
  assert.deepEqual(a.result.stats, b.result.stats, label);
  return { ...a, off: b };
}

/**
 * Read-ahead sent no more commands than the run without it: every read it sent was used.
 * Only where every host does the same: an apply on one host makes every host's reads stale
 * on purpose (lookahead.ts), so there reads ahead may be sent again.
 */
function assertNoExtraReads(r: Logged & { off: Logged }, label: string): void {
  assert.ok(sentCount(r.log) <= sentCount(r.off.log), `${label}: ${sentCount(r.log)} sent with read-ahead, ${sentCount(r.off.log)} without\n${r.log.join('\n')}`);
}

/** The same project in a new directory. */
function projectOf(files: (dir: string) => Record<string, string>): string {
  const dir = project({});
  for (const [name, text] of Object.entries(files(dir))) writeFileSync(join(dir, name), text);
  return dir;
}

const PREPARE = (dir: string): Record<string, string> => ({
  'hosts.ini': localInventory(['h1', 'h2']),
  'site.yml': `
- hosts: all
  gather_facts: false
  vars:
    d: "${dir}/{{ inventory_hostname }}"
  tasks:
    - name: dir
      file: { path: "{{ d }}", state: directory }
    - name: first line
      lineinfile: { path: "{{ d }}/f", line: "alpha=1", create: true }
    - name: after it
      lineinfile: { path: "{{ d }}/f", line: "beta=2", insertafter: "^alpha=" }
    - name: lines
      lineinfile: { path: "{{ d }}/g", line: "{{ item }}", create: true }
      loop: [one, two, three]
    - name: copy
      copy: { dest: "{{ d }}/c", content: "hello\\n" }
    - name: mode
      file: { path: "{{ d }}/c", mode: "0600" }
`,
});

test('read-ahead: a first run, a re-run and check mode report and do the same as without it', async () => {
  const on = projectOf(PREPARE);
  const off = projectOf(PREPARE);
  for (const step of ['first', 'again', 'check'] as const) {
    const opts = step === 'check' ? { check: true } : {};
    const both = await runBoth(on, off, step, opts);
    const a = both.result;
    // Both hosts do the same: nothing read ahead goes unused (a first run, where every task
    // changes something, reads nothing ahead).
    assertNoExtraReads(both, step);
    for (const h of ['h1', 'h2']) {
      for (const f of ['f', 'g', 'c']) {
        assert.equal(readFileSync(join(on, h, f), 'utf8'), readFileSync(join(off, h, f), 'utf8'), `${step} ${h}/${f}`);
      }
    }
    // The second line's task saw the file the first one made (a stale read fails: no file).
    assert.equal(readFileSync(join(on, 'h1', 'f'), 'utf8'), 'alpha=1\nbeta=2\n');
    assert.equal(readFileSync(join(on, 'h2', 'g'), 'utf8'), 'one\ntwo\nthree\n');
    assert.equal(a.stats.h1!.changed, step === 'first' ? 6 : 0, step);
  }
});

test('read-ahead: on an unchanged run, later tasks are read while earlier ones run, each read once', async () => {
  const dir = projectOf(PREPARE);
  await runLogged(dir, 0);
  const withRa = await runLogged(dir, 6);
  const without = await runLogged(dir, 0);
  for (const r of [withRa, without]) assert.equal(r.result.stats.h1!.changed, 0);
  // The copy task's read (of .../h1/c) is sent before the task two before it starts.
  const readEarly = (log: string[]): boolean => {
    const read = log.findIndex((l) => l.startsWith('exec h1 ') && l.includes(`${dir}/h1/c`));
    return read !== -1 && read < log.indexOf('start lines');
  };
  assert.equal(readEarly(withRa.log), true, withRa.log.join('\n'));
  assert.equal(readEarly(without.log), false);
  // No more commands than without read-ahead: every read was used.
  assert.equal(sentCount(withRa.log), sentCount(without.log));
});

test('read-ahead: an unchanged re-run with registered results sends no more commands than without it', async () => {
  // The registered results change the hosts' variables: reads made before them would be stale.
  const make = (d: string): Record<string, string> => ({
    'hosts.ini': localInventory(['h1', 'h2']),
    'site.yml': `
- hosts: all
  gather_facts: false
  vars:
    d: "${d}/{{ inventory_hostname }}"
  tasks:
    - name: dir
      file: { path: "{{ d }}", state: directory }
    - name: read
      command: cat {{ d }}/v
      register: v
      changed_when: false
      failed_when: false
    - name: a
      file: { path: "{{ d }}/a", state: touch, modification_time: preserve, access_time: preserve }
    - name: b
      lineinfile: { path: "{{ d }}/b", line: "x=1", create: true }
    - name: look
      stat: { path: "{{ d }}/a" }
      register: st
    - name: c
      file: { path: "{{ d }}", state: directory }
    - name: e
      lineinfile: { path: "{{ d }}/b", line: "v={{ v.rc }} a={{ st.stat.exists }}" }
`,
  });
  const on = projectOf(make);
  const off = projectOf(make);
  await runBoth(on, off, 'first');
  const again = await runBoth(on, off, 'again');
  assert.equal(again.result.stats.h1!.changed, 0);
  assertNoExtraReads(again, 'again');
  assert.equal(readFileSync(join(on, 'h1', 'b'), 'utf8'), 'x=1\nv=1 a=True\n');
});

test('read-ahead: facts a module returns as they were keep what was read ahead', async () => {
  // `probe` returns a file's text as a fact: the second time, the very facts the host has.
  const probe = defineModule<{ path: string }, string | null>({
    name: 'probe', description: 'a file as a fact',
    schema: { type: 'object', properties: { path: { type: 'string' } }, required: ['path'], additionalProperties: false },
    gather: (ctx, args) => ctx.readFile(args.path),
    diff: (_args, text) => ({ changes: [], result: { ansible_facts: { ansible_probe: { text } } } }),
  });
  const make = (d: string): Record<string, string> => ({
    'hosts.ini': localInventory(['h1', 'h2']),
    'probe.txt': 'p1\n',
    'site.yml': `
- hosts: all
  gather_facts: false
  vars:
    d: "${d}/{{ inventory_hostname }}"
  tasks:
    - name: probe
      probe: { path: "${d}/probe.txt" }
    - name: dir
      file: { path: "{{ d }}", state: directory }
    - name: probe again
      probe: { path: "${d}/probe.txt" }
    - name: a
      lineinfile: { path: "{{ d }}/f", line: "probe={{ ansible_probe.text | trim }}", create: true }
    - name: b
      file: { path: "{{ d }}/f", state: file }
    - name: c
      file: { path: "{{ d }}", state: directory }
`,
  });
  const on = projectOf(make);
  const off = projectOf(make);
  await runBoth(on, off, 'first', { modules: [probe] });
  const again = await runBoth(on, off, 'again', { modules: [probe] });
  assert.equal(again.result.stats.h2!.changed, 0);
  assertNoExtraReads(again, 'again');
  assert.equal(readFileSync(join(on, 'h2', 'f'), 'utf8'), 'probe=p1\n');
});

test('read-ahead: a template that changes a value is rendered once, at its turn', async () => {
  const dir = projectOf((d) => ({
    'hosts.ini': localInventory(['h1']),
    'site.yml': `
- hosts: all
  gather_facts: false
  vars:
    seen: []
  tasks:
    - name: before
      file: { path: "${d}/x", state: directory }
    - name: counts
      lineinfile: { path: "${d}/x/f", line: "{{ seen.append(1) or seen | length }}", create: true }
    - name: after
      lineinfile: { path: "${d}/x/f", line: "n={{ seen | length }}" }
`,
  }));
  const { result } = await runLogged(dir, 6);
  assert.equal(result.exitCode, 0);
  assert.equal(readFileSync(join(dir, 'x', 'f'), 'utf8'), '1\nn=1\n');
});

test('read-ahead: a value changed in place by a template is seen by the tasks read before it', async () => {
  const make = (d: string): Record<string, string> => ({
    'hosts.ini': localInventory(['h1']),
    'site.yml': `
- hosts: all
  gather_facts: false
  vars:
    seen: []
  tasks:
    - name: dir
      file: { path: "${d}/z", state: directory }
    - name: grow
      debug: { msg: "{{ seen.append(1) }}" }
    - name: count
      lineinfile: { path: "${d}/z/f", line: "n={{ seen | length }}", create: true }
`,
  });
  const on = projectOf(make);
  const off = projectOf(make);
  for (const step of [1, 2]) {
    await runBoth(on, off, `run ${step}`);
    assert.equal(readFileSync(join(on, 'z', 'f'), 'utf8'), readFileSync(join(off, 'z', 'f'), 'utf8'), `run ${step}`);
  }
  assert.equal(readFileSync(join(on, 'z', 'f'), 'utf8'), 'n=1\n');
});

test('read-ahead: where the shell was kept from a run that changed nothing, the tasks after facts are read at once', async () => {
  const withFacts = (d: string): Record<string, string> => {
    const files = PREPARE(d);
    return { ...files, 'site.yml': files['site.yml']!.replace('gather_facts: false', 'gather_facts: true') };
  };
  const on = projectOf(withFacts);
  const off = projectOf(withFacts);
  // A first run where the hint is wrong (every task changes something): the same run, the same files.
  const first = await runLogged(on, 6, {}, undefined, true);
  const firstOff = await runLogged(off, 0);
  assert.equal(shown(first.result).replaceAll(on, 'DIR'), shown(firstOff.result).replaceAll(off, 'DIR'));
  assert.equal(first.result.stats.h1!.changed, 6);
  assert.equal(readFileSync(join(on, 'h1', 'f'), 'utf8'), 'alpha=1\nbeta=2\n');
  // Re-runs: the copy task's read (the fifth task) goes out before the first task starts only
  // where the shell was kept; every read is used either way.
  const kept = await runLogged(on, 6, {}, undefined, true);
  const fresh = await runLogged(on, 6);
  for (const r of [kept, fresh]) assert.equal(r.result.stats.h1!.changed, 0);
  const readBeforeFirstTask = (log: string[]): boolean => {
    const read = log.findIndex((l) => l.startsWith('exec h1 ') && l.includes(`${on}/h1/c`));
    return read !== -1 && read < log.indexOf('start dir');
  };
  assert.equal(readBeforeFirstTask(kept.log), true, kept.log.join('\n'));
  assert.equal(readBeforeFirstTask(fresh.log), false, fresh.log.join('\n'));
  assert.equal(sentCount(kept.log), sentCount(fresh.log));
});

test('read-ahead: a host read ahead before another host\'s facts are in sees them at its turn', async () => {
  // h1's first task is read ahead as soon as h1's facts are in; h2's come 300 ms later.
  const make = (d: string): Record<string, string> => ({
    'hosts.ini': localInventory(['h1', 'h2']),
    'site.yml': `
- hosts: all
  gather_facts: true
  tasks:
    - name: peer
      lineinfile: { path: "${d}/{{ inventory_hostname }}-peer", line: "peer={{ hostvars['h2'].ansible_facts.get('system', 'none') }}", create: true }
`,
  });
  const dir = projectOf(make);
  const slowFacts = (host: string, cmd: string): number => (host === 'h2' && cmd.startsWith('set -- ') ? 300 : 0);
  const { result } = await runLogged(dir, 6, {}, slowFacts);
  assert.equal(result.exitCode, 0);
  assert.equal(readFileSync(join(dir, 'h1-peer'), 'utf8'), 'peer=Linux\n');
});

test('read-ahead: a registered result and set_fact are seen by the tasks after them', async () => {
  const make = (d: string): Record<string, string> => ({
    'hosts.ini': localInventory(['h1']),
    'site.yml': `
- hosts: all
  gather_facts: false
  tasks:
    - name: dir
      file: { path: "${d}/y", state: directory }
    - name: read
      command: cat ${d}/y/v
      register: v
      failed_when: false
      changed_when: false
    - name: write from the registered result
      lineinfile: { path: "${d}/y/out", line: "v={{ v.stdout | default('none') }}", create: true }
    - name: count
      set_fact: { n: "{{ (n | default(0) | int) + 1 }}" }
    - name: write from set_fact
      lineinfile: { path: "${d}/y/out", line: "n={{ n }}" }
    - name: change v
      copy: { dest: "${d}/y/v", content: "second" }
`,
  });
  const on = projectOf(make);
  const off = projectOf(make);
  for (const step of [1, 2]) {
    await runBoth(on, off, `run ${step}`);
    assert.equal(readFileSync(join(on, 'y', 'out'), 'utf8'), readFileSync(join(off, 'y', 'out'), 'utf8'));
  }
  assert.equal(readFileSync(join(on, 'y', 'out'), 'utf8'), 'v=\nn=1\nv=second\n');
});

test('read-ahead: a throttled task is read at its turn only (throttle bounds the hosts working at once)', async () => {
  const make = (d: string): Record<string, string> => ({
    'hosts.ini': localInventory(['h1', 'h2']),
    'site.yml': `
- hosts: all
  gather_facts: false
  tasks:
    - name: dir
      file: { path: "${d}/{{ inventory_hostname }}", state: directory }
    - name: throttled
      lineinfile: { path: "${d}/{{ inventory_hostname }}/t", line: "x=1", create: true }
      throttle: 1
    - name: free
      lineinfile: { path: "${d}/{{ inventory_hostname }}/u", line: "y=1", create: true }
`,
  });
  const dir = projectOf(make);
  await runLogged(dir, 0);
  const { result, log } = await runLogged(dir, 6);
  assert.equal(result.stats.h1!.changed, 0);
  const firstRead = (file: string): number => log.findIndex((l) => l.startsWith('exec ') && l.includes(`${dir}/h1/${file}`));
  assert.ok(firstRead('t') > log.indexOf('start throttled'), log.join('\n'));
  // Reads stop at the throttled task: the task after it is not read before its own turn either.
  assert.ok(firstRead('u') > log.indexOf('start throttled'), log.join('\n'));
});

test('read-ahead: a host failing makes what was read ahead with ansible_play_hosts stale', async () => {
  // On a re-run "peers" is read ahead on h1 while "check" runs; h2 fails in "check" (its file
  // is a directory), later than h1 is done: the line written on h1 must not name h2.
  const make = (d: string): Record<string, string> => ({
    'hosts.ini': localInventory(['h1', 'h2']),
    'site.yml': `
- hosts: all
  gather_facts: false
  tasks:
    - name: check
      lineinfile: { path: "${d}/{{ inventory_hostname }}-t", line: "x=1", create: true }
    - name: peers
      lineinfile: { path: "${d}/{{ inventory_hostname }}-peers", line: "peers={{ ansible_play_hosts | join(',') }}", create: true, regexp: "^peers=" }
`,
  });
  const on = projectOf(make);
  const off = projectOf(make);
  for (const dir of [on, off]) mkdirSync(join(dir, 'h2-t'));
  const slowH2 = (host: string, cmd: string): number => (host === 'h2' && cmd.includes('h2-t') ? 300 : 0);
  for (const step of ['first', 'again']) {
    const a = await runBoth(on, off, step, {}, slowH2);
    assert.equal(readFileSync(join(on, 'h1-peers'), 'utf8'), 'peers=h1\n', step);
    if (step === 'again') {
      // The read-ahead did run: h1's peers file was read before "peers" started.
      const read = a.log.findIndex((l) => l.startsWith('exec h1 ') && l.includes(`${on}/h1-peers`));
      assert.ok(read !== -1 && read < a.log.indexOf('start peers'), a.log.join('\n'));
    }
  }
});
