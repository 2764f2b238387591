// The keeper's framing and request lines: frames survive any chunking, oversize frames and
// lines are refused, errors cross the wire as the same classes and texts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  encodeFrame, errorToWire, FRAME, FrameDecoder, LineReader, MAX_FRAME, MAX_LINE, wireToError,
} from '../../../../src/connection/keeper/protocol.js';
import { BecomeError, ConnectionError, ModuleFailure, TemplateError } from '../../../../src/errors.js';

test('frames come out whole and in order whatever the chunk boundaries', () => {
  fc.assert(
    fc.property(
      fc.array(fc.record({ type: fc.constantFrom(FRAME.STDIN, FRAME.STDOUT, FRAME.STDERR, FRAME.CLOSE), data: fc.uint8Array({ maxLength: 300 }) }), { maxLength: 20 }),
      fc.array(fc.integer({ min: 1, max: 50 }), { minLength: 1, maxLength: 10 }),
      (frames, cuts) => {
        const wire = Buffer.concat(frames.map((f) => encodeFrame(f.type, Buffer.from(f.data))));
        const got: Array<{ type: number; data: number[] }> = [];
        const d = new FrameDecoder((type, payload) => got.push({ type, data: [...payload] }));
        let pos = 0;
        for (let i = 0; pos < wire.length; i++) {
          const n = cuts[i % cuts.length]!;
          d.push(wire.subarray(pos, pos + n));
          pos += n;
        }
        assert.deepEqual(got, frames.map((f) => ({ type: f.type, data: [...f.data] })));
      },
    ),
  );
});

test('a frame spanning many chunks is joined once, when complete (not copied again at every chunk)', () => {
  const big = Buffer.alloc(1024 * 1024, 7);
  const wire = Buffer.concat([encodeFrame(FRAME.STDIN, big), encodeFrame(FRAME.STDIN_EOF)]);
  const got: Array<{ type: number; length: number }> = [];
  const d = new FrameDecoder((type, payload) => got.push({ type, length: payload.length }));
  const concat = Buffer.concat;
  let copied = 0;
  Buffer.concat = ((list: readonly Uint8Array[], total?: number) => {
    const out = concat(list, total);
    copied += out.length;
    return out;
  }) as typeof Buffer.concat;
  try {
    for (let pos = 0; pos < wire.length; pos += 65536) d.push(wire.subarray(pos, pos + 65536));
  } finally {
    Buffer.concat = concat;
  }
  assert.deepEqual(got, [{ type: FRAME.STDIN, length: big.length }, { type: FRAME.STDIN_EOF, length: 0 }]);
  assert.ok(copied <= wire.length, `${copied} bytes copied for a ${wire.length}-byte stream`);
});

test('a frame header announcing more than MAX_FRAME bytes is a protocol error', () => {
  const d = new FrameDecoder(() => assert.fail('no frame expected'));
  const header = Buffer.alloc(5);
  header[0] = FRAME.STDOUT;
  header.writeUInt32BE(MAX_FRAME + 1, 1);
  assert.throws(() => d.push(header), /too large/);
  // A string payload is UTF-8.
  assert.deepEqual([...encodeFrame(FRAME.CLOSE, 'é')], [FRAME.CLOSE, 0, 0, 0, 2, 0xc3, 0xa9]);
});

test('the request line is read up to its newline; what follows is kept', () => {
  const r = new LineReader();
  assert.equal(r.push(Buffer.from('{"op":')), undefined);
  const got = r.push(Buffer.from('"x"}\nAB'));
  assert.deepEqual(got && { line: got.line, rest: got.rest.toString() }, { line: '{"op":"x"}', rest: 'AB' });
  const big = new LineReader();
  assert.throws(() => {
    for (let i = 0; i <= MAX_LINE / 65536 + 1; i++) big.push(Buffer.alloc(65536, 0x61));
  }, /too long/);
});

test('errors cross the wire as the same class, message, details and data', () => {
  const conn = wireToError('h1', errorToWire(new ConnectionError('other', 'tester@10.0.0.1: Permission denied (publickey)', { details: ['tried: x'] })));
  assert.ok(conn instanceof ConnectionError);
  assert.equal(conn.host, 'h1');
  assert.equal(conn.describe(), 'tester@10.0.0.1: Permission denied (publickey)\ntried: x');
  const mf = wireToError('h1', JSON.parse(JSON.stringify(errorToWire(new ModuleFailure('could not read /etc: is a directory', { path: '/etc' })))));
  assert.ok(mf instanceof ModuleFailure);
  assert.deepEqual(mf.data, { path: '/etc' });
  assert.ok(wireToError('h1', errorToWire(new BecomeError('x', 'sudo: a password is required'))) instanceof BecomeError);
  // Anything else: the host could not be used.
  const other = wireToError('h1', errorToWire(new TemplateError('boom')));
  assert.ok(other instanceof ConnectionError);
  assert.equal(other.message, 'boom');
  assert.ok(wireToError('h1', errorToWire(new Error('plain'))) instanceof ConnectionError);
});
