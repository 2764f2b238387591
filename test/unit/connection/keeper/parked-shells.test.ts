// The keeper's parked shells: one per key, handed out once, and dropped (never handed out)
// when they print, exit, close or outlive their time. Channels are stand-ins with the events
// and fields of ssh2's ClientChannel.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { ParkedShells, type DropReason, type ParkableChannel } from '../../../../src/connection/keeper/parked-shells.js';

/** A channel stand-in: a duplex stream with an stderr stream, counting end() and close(). */
class FakeChannel extends PassThrough {
  readonly stderr = new PassThrough();
  ends = 0;
  closes = 0;
  override end(...a: unknown[]): this {
    this.ends++;
    return super.end(...(a as []));
  }
  close(): void {
    this.closes++;
  }
  /** True once the keeper ended and closed it (a dropped shell). */
  get dropped(): boolean {
    return this.ends > 0 && this.closes > 0;
  }
}

function shells(): { parked: ParkedShells; drops: Array<[string, DropReason]> } {
  const drops: Array<[string, DropReason]> = [];
  return { parked: new ParkedShells((k, why) => drops.push([k, why])), drops };
}

function tick(): Promise<void> {
  return new Promise((r) => setImmediate(r));
}

test('one shell per key, handed out once, to the key it was parked under', () => {
  const { parked } = shells();
  const a = new FakeChannel();
  const b = new FakeChannel();
  assert.equal(parked.park('k1', a, null), true);
  assert.equal(parked.park('k1', b, null), false, 'a second shell under the same key is refused');
  assert.equal(parked.size, 1);
  assert.equal(parked.take('k2'), undefined, 'another key gets nothing');
  assert.equal(parked.take('k1'), a);
  assert.equal(parked.take('k1'), undefined, 'handed out once');
  assert.equal(parked.resumed, 1);
  assert.equal(a.dropped, false, 'the shell handed out is left open');
  assert.equal(b.ends + b.closes, 0, 'a refused shell is the caller\'s to end');
  // The key is free again once its shell was taken.
  assert.equal(parked.park('k1', b, null), true);
});

test('a handed-out shell no longer listens for stray output (its new reader does)', async () => {
  const { parked, drops } = shells();
  const a = new FakeChannel();
  parked.park('k', a, null);
  assert.equal(parked.take('k'), a);
  assert.equal(a.listenerCount('data'), 0);
  assert.equal(a.stderr.listenerCount('data'), 0);
  a.write('output for the new reader');
  await tick();
  assert.deepEqual(drops, []);
});

for (const [what, why, act] of [
  ['prints on stdout', 'output', (c: FakeChannel) => c.write('late output\n')],
  ['prints on stderr', 'output', (c: FakeChannel) => c.stderr.write('late error\n')],
  ['exits', 'exit', (c: FakeChannel) => c.emit('exit', 0)],
  ['reaches end of output', 'closed', (c: FakeChannel) => c.push(null)],
  ['closes', 'closed', (c: FakeChannel) => c.emit('close')],
  ['errors', 'closed', (c: FakeChannel) => c.emit('error', new Error('boom'))],
] as const) {
  test(`a parked shell that ${what} is dropped, never handed out`, async () => {
    const { parked, drops } = shells();
    const c = new FakeChannel();
    assert.equal(parked.park('k', c, null), true);
    act(c);
    await tick();
    assert.deepEqual(drops, [['k', why]]);
    assert.equal(parked.size, 0);
    assert.equal(parked.take('k'), undefined);
    assert.ok(c.dropped, 'its stdin ended and its channel closed');
  });
}

test('a parked shell outliving its time is dropped', async () => {
  const { parked, drops } = shells();
  const c = new FakeChannel();
  parked.park('k', c, 30);
  await new Promise((r) => setTimeout(r, 80));
  assert.deepEqual(drops, [['k', 'expired']]);
  assert.equal(parked.take('k'), undefined);
  assert.ok(c.dropped);
  // Taken in time: its timer does not drop it later.
  const d = new FakeChannel();
  parked.park('k', d, 30);
  assert.equal(parked.take('k'), d);
  await new Promise((r) => setTimeout(r, 80));
  assert.equal(d.dropped, false);
  assert.deepEqual(drops, [['k', 'expired']]);
});

test('only idle channels are parked: unread output, ended or destroyed ones are refused', () => {
  const { parked } = shells();
  const unread = new FakeChannel();
  unread.pause();
  unread.write('not read yet');
  assert.equal(parked.park('a', unread, null), false);
  const unreadErr = new FakeChannel();
  unreadErr.stderr.pause();
  unreadErr.stderr.write('not read yet');
  assert.equal(parked.park('b', unreadErr, null), false);
  const ended = new FakeChannel();
  ended.end();
  assert.equal(parked.park('c', ended, null), false);
  const destroyed = new FakeChannel();
  destroyed.destroy();
  assert.equal(parked.park('d', destroyed, null), false);
  assert.equal(parked.size, 0);
});

test('a shell that died unnoticed is not handed out; dropAll ends every parked shell', () => {
  const { parked, drops } = shells();
  const dead = new FakeChannel();
  parked.park('k', dead, null);
  // Gone, and its close event not delivered yet: take() checks the channel itself.
  dead.destroy();
  assert.equal(parked.take('k'), undefined);
  assert.deepEqual(drops, [['k', 'closed']]);

  const cs = [new FakeChannel(), new FakeChannel(), new FakeChannel()];
  cs.forEach((c, i) => parked.park(`k${i}`, c as ParkableChannel, 60_000));
  assert.equal(parked.size, 3);
  parked.dropAll();
  assert.equal(parked.size, 0);
  assert.ok(cs.every((c) => c.dropped));
  assert.deepEqual(drops.slice(1).map(([, why]) => why), ['dropped', 'dropped', 'dropped']);
});
