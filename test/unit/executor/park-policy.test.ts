// Which hosts' connections are closed with { park: true } at the end of a run: only those where
// the run changed nothing (no change, no failure even ignored, no command run, no connection
// reset), and none after an interrupted run.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createConnection } from '../../../src/connection/index.js';
import type { CloseOptions, ConnectionFactory } from '../../../src/connection/types.js';
import { projectsForThisFile, runIn, localInventory } from '../../helpers/playbook-fixture.js';

const project = projectsForThisFile();

/** A local connection type that records how each host's connections were closed. */
function recording(): { factory: ConnectionFactory; closes: Map<string, Array<CloseOptions | undefined>> } {
  const closes = new Map<string, Array<CloseOptions | undefined>>();
  const factory: ConnectionFactory = (o) => {
    const c = createConnection('local', o);
    return {
      kind: 'recorded', host: c.host,
      connect: () => c.connect(),
      exec: (cmd, e) => c.exec(cmd, e),
      get: (p, g) => c.get(p, g),
      close: (opts) => {
        closes.set(o.host, [...(closes.get(o.host) ?? []), opts]);
        return c.close(opts);
      },
    };
  };
  return { factory, closes };
}

/** Per host: true when every close of its connections asked to park. */
function parkedHosts(closes: Map<string, Array<CloseOptions | undefined>>): Record<string, boolean> {
  const out: Record<string, boolean> = {};
  for (const [h, list] of [...closes].sort()) out[h] = list.length > 0 && list.every((o) => o?.park === true);
  return out;
}

const HOSTS = ['quiet', 'skipped_cmd', 'cmd', 'changed', 'ignored', 'reset', 'target', 'delegator'];

test('only hosts where the run changed nothing, ran no command and did not fail are parked', async () => {
  const dir = project({
    'hosts.ini': localInventory(HOSTS).replaceAll('ansible_connection=local', 'ansible_connection=recorded'),
    'site.yml': `
- hosts: all
  gather_facts: false
  tasks:
    - name: read-only on every host
      stat: { path: "$DIR" }
    - name: a command that changes nothing it says
      command: "true"
      changed_when: false
      when: inventory_hostname in ['cmd', 'skipped_cmd'] and inventory_hostname != 'skipped_cmd'
    - name: a command not run
      shell: "echo never"
      when: inventory_hostname == 'nobody'
    - name: a change
      file: { path: "$DIR/touched-{{ inventory_hostname }}", state: touch }
      when: inventory_hostname == 'changed'
    - name: an ignored failure
      fail: { msg: expected }
      ignore_errors: true
      when: inventory_hostname == 'ignored'
    - name: a change made on another host
      file: { path: "$DIR/delegated", state: touch }
      delegate_to: target
      when: inventory_hostname == 'delegator'

# reset_connection ignores 'when' (as in Ansible): a play of its own.
- hosts: reset
  gather_facts: false
  tasks:
    - meta: reset_connection
    - name: read-only again (a new connection for the host reset)
      stat: { path: "$DIR" }
`,
  });
  const { factory, closes } = recording();
  const r = await runIn(dir, { connections: { recorded: factory } });
  assert.equal(r.result.exitCode, 0, JSON.stringify(r.lines));
  assert.deepEqual(parkedHosts(closes), {
    changed: false,
    cmd: false,
    delegator: false, // the change was made on 'target'; both count, to be safe
    ignored: false,
    quiet: true,
    reset: false,
    skipped_cmd: true,
    target: false,
  });
});

test('an interrupted run parks nothing', async () => {
  const dir = project({
    'hosts.ini': localInventory(['a', 'b']).replaceAll('ansible_connection=local', 'ansible_connection=recorded'),
    'site.yml': `
- hosts: all
  gather_facts: false
  tasks:
    - stat: { path: "$DIR" }
    - name: long
      stat: { path: "$DIR" }
`,
  });
  const { factory, closes } = recording();
  const ac = new AbortController();
  const events = await import('../../../src/events/bus.js');
  const bus = new events.RunEventBus();
  bus.on('task:end', () => ac.abort());
  await runIn(dir, { connections: { recorded: factory }, signal: ac.signal, events: bus });
  assert.ok(closes.size > 0);
  assert.deepEqual(Object.values(parkedHosts(closes)), Array(closes.size).fill(false));

  const again = recording();
  await runIn(dir, { connections: { recorded: again.factory } });
  assert.deepEqual(parkedHosts(again.closes), { a: true, b: true }, 'the same run, not interrupted, parks');
});
