/** Assertion shared by transport tests: a promise rejects with a ConnectionError saying `re`. */
import assert from 'node:assert/strict';
import { ConnectionError } from '../../src/errors.js';

export async function rejectsWithConnectionError(p: Promise<unknown>, re: RegExp): Promise<ConnectionError> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof ConnectionError, `not a ConnectionError: ${String(e)}`);
    assert.match(e.describe(), re);
    return e;
  }
  assert.fail('expected a rejection');
}
