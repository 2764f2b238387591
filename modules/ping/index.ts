/**
 * ping: prove the host can be reached and runs commands; returns `ping: pong`
 * (Ansible: ansible.builtin.ping). `data: crash` fails, for testing error paths.
 */
import { defineModule } from '../../src/index.js';

export default defineModule<{ data?: string }, undefined, never>({
  name: 'ping',
  description: 'Check that the host answers (Ansible: ansible.builtin.ping)',
  schema: {
    type: 'object',
    properties: { data: { type: 'string', default: 'pong', description: "Returned as `ping`; 'crash' raises an error." } },
    additionalProperties: false,
  },
  async gather(ctx, args) {
    if (args.data === 'crash') throw new Error('boom');
    await ctx.run('true', { check: true });
    return undefined;
  },
  diff: (args) => ({ changes: [], result: { ping: args.data ?? 'pong' } }),
});
