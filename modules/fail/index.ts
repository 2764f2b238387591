/** fail: fail the task with a message (Ansible: ansible.builtin.fail). */
import { ModuleFailure, defineModule } from '../../src/index.js';

export default defineModule<{ msg?: unknown }, undefined, never>({
  name: 'fail',
  description: 'Fail the task with a message (Ansible: ansible.builtin.fail)',
  target: 'controller',
  schema: {
    type: 'object',
    properties: { msg: { description: "The failure message (default 'Failed as requested from task')." } },
    additionalProperties: false,
  },
  diff(args) {
    const msg = args.msg ?? 'Failed as requested from task';
    throw new ModuleFailure(typeof msg === 'string' ? msg : JSON.stringify(msg), { msg });
  },
});
