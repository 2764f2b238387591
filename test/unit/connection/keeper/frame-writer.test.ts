// The keeper's frame writer: frames sent in one turn of the event loop leave in one write, in
// order and whole; the last frame ends the socket after everything queued; a backed-up socket
// says so; nothing is written after the end.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Socket } from 'node:net';
import { frameWriter } from '../../../../src/connection/keeper/frame-writer.js';
import { FRAME, FrameDecoder } from '../../../../src/connection/keeper/protocol.js';

/** A socket that records what is written to it. */
function fakeSocket(): { sock: Socket; writes: Buffer[]; ended: () => boolean; full: (v: boolean) => void } {
  const writes: Buffer[] = [];
  let ended = false;
  let needDrain = false;
  const sock = {
    destroyed: false,
    get writableNeedDrain() {
      return needDrain;
    },
    write(b: Buffer) {
      if (ended) throw new Error('write after end');
      writes.push(Buffer.from(b));
      return true;
    },
    end() {
      ended = true;
    },
  } as unknown as Socket;
  return { sock, writes, ended: () => ended, full: (v) => (needDrain = v) };
}

function decode(bufs: Buffer[]): Array<[number, string]> {
  const out: Array<[number, string]> = [];
  const d = new FrameDecoder((type, payload) => out.push([type, payload.toString()]));
  for (const b of bufs) d.push(b);
  return out;
}

test('frames sent in one turn leave in one write, in order', async () => {
  const f = fakeSocket();
  const w = frameWriter(f.sock);
  assert.equal(frameWriter(f.sock), w, 'one writer per socket');
  w.send(FRAME.STDOUT, Buffer.from('out1'));
  w.send(FRAME.STDERR, 'err');
  w.send(FRAME.STDOUT, Buffer.from('out2'));
  assert.equal(f.writes.length, 0, 'nothing before the turn ends');
  await new Promise((r) => process.nextTick(r));
  assert.equal(f.writes.length, 1);
  assert.deepEqual(decode(f.writes), [[FRAME.STDOUT, 'out1'], [FRAME.STDERR, 'err'], [FRAME.STDOUT, 'out2']]);
  w.send(FRAME.STDOUT, Buffer.from('later'));
  await new Promise((r) => setImmediate(r));
  assert.equal(f.writes.length, 2, 'the next turn: a write of its own');
});

test('the last frame goes after everything queued, then the socket ends; later frames are dropped', async () => {
  const f = fakeSocket();
  const w = frameWriter(f.sock);
  w.send(FRAME.STDOUT, Buffer.from('last words'));
  w.end(FRAME.LOST, 'gone');
  assert.ok(f.ended());
  assert.deepEqual(decode(f.writes), [[FRAME.STDOUT, 'last words'], [FRAME.LOST, 'gone']]);
  w.send(FRAME.STDOUT, Buffer.from('too late'));
  w.end(FRAME.CLOSE, '{}');
  await new Promise((r) => setImmediate(r));
  assert.equal(decode(f.writes).length, 2);
});

test('a backed-up socket is reported, so the sender waits for its drain', () => {
  const f = fakeSocket();
  const w = frameWriter(f.sock);
  assert.equal(w.send(FRAME.STDOUT, Buffer.from('a')), true);
  f.full(true);
  assert.equal(w.send(FRAME.STDOUT, Buffer.from('b')), false);
});
