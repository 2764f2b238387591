import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { isIpAddress, isIpAddressSlow, parseAddress, parseAddressSlow } from '../../../src/inventory/address.js';

/** What a call does: its result, or the message it throws. */
function outcome(f: () => unknown): unknown {
  try {
    return { ok: f() };
  } catch (e) {
    return { error: (e as Error).constructor.name, message: (e as Error).message };
  }
}

// Strings made of the characters that matter to the address grammar, so that valid names,
// IPv4/IPv6 addresses, host:port and ranges come up often, plus some non-ASCII letters/digits.
const piece = fc.oneof(
  fc.constantFrom('a', 'Z', 'k', 'f', 'e', '0', '1', '2', '5', '9', '25', '255', '256', '300', '.', '-', '_', ':', '::', '[', ']', '[1:3]', '[a:c]', 'ffff', ' ', '\n', 'é', 'ß', '٣', 'ſ', 'K', '*', '!'),
  fc.string({ minLength: 1, maxLength: 3 }),
);
const addressLike = fc.array(piece, { maxLength: 12 }).map((xs) => xs.join(''));
// Numbers around the limits of an IPv4 component (255, 3 digits, leading zeros).
const ipv4Component = fc.oneof(
  fc.nat(400).map(String),
  fc.constantFrom('0', '00', '000', '0000', '010', '099', '199', '200', '249', '250', '255', '256', '260', '299', '300', '999'),
  fc.stringMatching(/^[0-9]{1,4}$/),
);
const ipv4Like = fc.tuple(fc.array(ipv4Component, { minLength: 3, maxLength: 5 }), fc.option(fc.nat(70000))).map(
  ([parts, port]) => `${parts.join('.')}${port === null ? '' : `:${port}`}`,
);
const hostLike = fc.array(fc.stringMatching(/^[A-Za-z0-9_-]{0,6}$/), { minLength: 1, maxLength: 4 }).chain((labels) =>
  fc.option(fc.nat(70000)).map((port) => `${labels.join('.')}${port === null ? '' : `:${port}`}`),
);

for (const allowRanges of [true, false]) {
  test(`parseAddress: the ASCII fast path agrees with the full grammar (allowRanges=${allowRanges})`, () => {
    fc.assert(fc.property(fc.oneof(addressLike, ipv4Like, hostLike, fc.string()), (s) => {
      assert.deepEqual(outcome(() => parseAddress(s, allowRanges)), outcome(() => parseAddressSlow(s, allowRanges)), JSON.stringify(s));
    }), { numRuns: 3000 });
  });
}

test('isIpAddress: the ASCII fast path agrees with the full grammar', () => {
  fc.assert(fc.property(fc.oneof(addressLike, ipv4Like, hostLike, fc.string()), (s) => {
    assert.equal(isIpAddress(s), isIpAddressSlow(s), JSON.stringify(s));
  }), { numRuns: 3000 });
});

test('parseAddress: the cases the fast path decides', () => {
  assert.deepEqual(parseAddress('h01'), { host: 'h01' });
  assert.deepEqual(parseAddress('web-1.example.com:2222'), { host: 'web-1.example.com', port: 2222 });
  assert.deepEqual(parseAddress('10.0.0.1:22'), { host: '10.0.0.1', port: 22 });
  assert.deepEqual(parseAddress('_a'), { host: '_a' });
  for (const bad of ['a_', '-a', 'a..b', '', 'web*', 'a b', '_']) {
    assert.throws(() => parseAddress(bad), /Not a valid network hostname/, bad);
  }
  assert.equal(isIpAddress('10.0.0.255'), true);
  assert.equal(isIpAddress('10.0.0.256'), false);
  assert.equal(isIpAddress('host1'), false);
  assert.equal(isIpAddress('fe80::1'), true);
});
