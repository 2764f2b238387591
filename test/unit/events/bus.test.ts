import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RunEventBus } from '../../../src/events/bus.js';

test('a throwing listener does not stop the others, and once/off still work', () => {
  const bus = new RunEventBus();
  const seen: string[] = [];
  const origWrite = process.stderr.write;
  let warned = '';
  process.stderr.write = ((s: string) => { warned += s; return true; }) as typeof process.stderr.write;
  try {
    bus.on('warning', () => { throw new Error('boom'); });
    bus.on('warning', (p) => seen.push(`on:${p.message}`));
    bus.once('warning', (p) => seen.push(`once:${p.message}`));
    const off = (p: { message: string }): void => { seen.push(`off:${p.message}`); };
    bus.on('warning', off);
    bus.off('warning', off);
    bus.emit('warning', { message: 'a' });
    bus.emit('warning', { message: 'b' });
  } finally {
    process.stderr.write = origWrite;
  }
  assert.deepEqual(seen, ['on:a', 'once:a', 'on:b']);
  assert.match(warned, /listener for 'warning' failed: boom/);
  assert.equal(bus.emit('run:start', { playbook: 'x', check: false, diff: false }), false);
});
