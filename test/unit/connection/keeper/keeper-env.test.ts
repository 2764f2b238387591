// What a keeper inherits from the run that starts it. It outlives that run and loads the warm
// engine, which then serves other runs: nothing that is the starting run's alone may stay.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { keeperEnv } from '../../../../src/connection/keeper/spawn.js';

const RUN: NodeJS.ProcessEnv = {
  PATH: '/usr/bin:/bin', HOME: '/home/me', SSH_AUTH_SOCK: '/run/agent',
  K8SPLAY_TRACE: '1', NODE_OPTIONS: '--inspect', K8SPLAY_KEEPER_CLOSE_FDS: '7', K8SPLAY_KEEPER_PRELOAD_ENGINE: '1',
};

test("a traced run's keeper does not trace the runs its warm engine serves later", () => {
  const env = keeperEnv(RUN, true, []);
  assert.ok(!('K8SPLAY_TRACE' in env), 'K8SPLAY_TRACE is read once when the engine loads');
  assert.ok(!('NODE_OPTIONS' in env));
  assert.equal(env['PATH'], RUN['PATH']);
  assert.equal(env['SSH_AUTH_SOCK'], RUN['SSH_AUTH_SOCK']);
  assert.equal(RUN['K8SPLAY_TRACE'], '1', "the run's own environment is left as it was");
});

test('preload and descriptors to close are this start\'s, never inherited', () => {
  assert.ok(!('K8SPLAY_KEEPER_PRELOAD_ENGINE' in keeperEnv(RUN, false, [])));
  assert.ok(!('K8SPLAY_KEEPER_CLOSE_FDS' in keeperEnv(RUN, false, [])));
  const env = keeperEnv({ PATH: '/bin' }, true, [5, 9]);
  assert.equal(env['K8SPLAY_KEEPER_PRELOAD_ENGINE'], '1');
  assert.equal(env['K8SPLAY_KEEPER_CLOSE_FDS'], '5,9');
  assert.equal(env['MALLOC_ARENA_MAX'], '1');
  assert.equal(keeperEnv({ MALLOC_ARENA_MAX: '4' }, false, [])['MALLOC_ARENA_MAX'], '4', "the user's setting wins");
});

test("NODE_EXTRA_CA_CERTS is moved aside for the keeper's start (Node would parse it first), to be put back", () => {
  const env = keeperEnv({ PATH: '/bin', NODE_EXTRA_CA_CERTS: '/etc/corp-ca.pem' }, false, []);
  assert.ok(!('NODE_EXTRA_CA_CERTS' in env));
  assert.equal(env['K8SPLAY_EXTRA_CA_CERTS'], '/etc/corp-ca.pem');
  assert.ok(!('K8SPLAY_EXTRA_CA_CERTS' in keeperEnv({ PATH: '/bin' }, false, [])));
});
