// The framing alone: bodies come out byte-exact however the stream is cut into chunks.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { MarkerScanner, type ShellMarker } from '../../../src/connection/marker-scanner.js';

const TOKEN = 'K8SPfeedface';

/** What the shell prints for commands with these bodies (with noise between commands). */
function stream(bodies: Buffer[], noise: Buffer[]): Buffer {
  const parts: Buffer[] = [Buffer.from(`\n${TOKEN} r 12 34\n`)];
  bodies.forEach((b, i) => {
    parts.push(noise[i] ?? Buffer.alloc(0));
    parts.push(Buffer.from(`\n${TOKEN} b ${i + 1}\n`), b, Buffer.from(`\n${TOKEN} e ${i + 1} ${i % 256}\n`));
  });
  return Buffer.concat(parts);
}

/** Cut a buffer at the given fractions. */
function cut(buf: Buffer, cuts: number[]): Buffer[] {
  const points = [...new Set(cuts.map((c) => Math.floor(c * buf.length)))].sort((a, b) => a - b);
  const out: Buffer[] = [];
  let prev = 0;
  for (const p of points) {
    out.push(buf.subarray(prev, p));
    prev = p;
  }
  out.push(buf.subarray(prev));
  return out;
}

// Bodies that look like markers: our token's prefixes, near-misses, other tokens, newlines.
// (Never the whole token after a newline: no command can know it.)
const tricky = fc.constantFrom('\n', `\n${TOKEN.slice(0, 6)}`, `\n${TOKEN.slice(0, -1)}`, `${TOKEN}x e 1 0\n`,
  `\n${TOKEN}e 1 0\n`, `\n${TOKEN.slice(0, -1)}X e 1 0\n`, '\nK8SPother e 1 0\n', '\r\n', 'x');
const body = fc.oneof(
  fc.uint8Array({ maxLength: 300 }).map((a) => Buffer.from(a)),
  fc.array(tricky, { maxLength: 10 }).map((a) => Buffer.from(a.join(''))),
);

test('MarkerScanner returns every body exactly, whatever the chunking', () => {
  fc.assert(
    fc.property(
      fc.array(body, { maxLength: 12 }),
      fc.array(body, { maxLength: 12 }),
      fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 30 }),
      (bodies, noise, cuts) => {
        const got: ShellMarker[] = [];
        const s = new MarkerScanner(TOKEN, (m) => got.push(m), (e) => assert.fail(e));
        for (const c of cut(stream(bodies, noise), cuts)) s.push(c);
        assert.deepEqual(got[0], { kind: 'ready', pid: 12, pgid: 34 });
        const ends = got.filter((m) => m.kind === 'end');
        assert.equal(ends.length, bodies.length);
        ends.forEach((m, i) => {
          assert.equal(m.kind === 'end' && m.seq, i + 1);
          assert.equal(m.kind === 'end' && m.rc, i % 256);
          assert.deepEqual(m.kind === 'end' && m.body, bodies[i]);
        });
      },
    ),
    { numRuns: 300 },
  );
});

test('MarkerScanner reports a corrupt marker line once', () => {
  const errors: string[] = [];
  const s = new MarkerScanner(TOKEN, () => undefined, (e) => errors.push(e));
  s.push(Buffer.from(`\n${TOKEN} z 1\n\n${TOKEN} y\n`));
  assert.equal(errors.length, 1);
  assert.match(errors[0]!, /unexpected marker/);
});

test('MarkerScanner refuses an end marker without a begin', () => {
  const errors: string[] = [];
  const s = new MarkerScanner(TOKEN, () => undefined, (e) => errors.push(e));
  s.push(Buffer.from(`\n${TOKEN} e 1 0\n`));
  assert.equal(errors.length, 1);
});
