/**
 * assert: check conditions (Jinja2 expressions, like `when`). The first false one fails the
 * task with fail_msg (or msg), Ansible's `assertion` and `evaluated_to` fields.
 */
import { ModuleFailure, defineModule, errorMessage, type GatherContext } from '../../src/index.js';

export interface AssertArgs {
  that: unknown;
  fail_msg?: string | string[];
  success_msg?: string | string[];
  quiet?: boolean;
}

/** Python/Jinja truthiness of a value. */
export function truthy(v: unknown): boolean {
  if (v === null || v === undefined || v === false || v === 0 || v === '') return false;
  if (Array.isArray(v)) return v.length > 0;
  if (typeof v === 'object') return Object.keys(v as object).length > 0;
  return true;
}

/** Evaluate one condition the way Ansible's Conditional does. */
export function evaluateCondition(ctx: Pick<GatherContext, 'evaluate' | 'host'>, cond: unknown): boolean {
  if (typeof cond === 'boolean') return cond;
  if (typeof cond !== 'string') return truthy(cond);
  const expr = cond.trim();
  // An already-rendered "True"/"False" (e.g. that: "{{ x == 1 }}") is a literal.
  if (/^true$/i.test(expr)) return true;
  if (/^false$/i.test(expr)) return false;
  if (!ctx.evaluate) throw new ModuleFailure('assert needs the template engine (ctx.evaluate), which this context lacks');
  try {
    return truthy(ctx.evaluate(expr));
  } catch (e) {
    throw new ModuleFailure(`The conditional check '${cond}' failed. The error was: ${errorMessage(e)}`);
  }
}

const text = (m: string | string[]) => (Array.isArray(m) ? m.join('\n') : m);

export default defineModule<AssertArgs, undefined, never>({
  name: 'assert',
  description: 'Fail unless conditions hold (Ansible: ansible.builtin.assert)',
  target: 'controller',
  schema: {
    type: 'object',
    properties: {
      that: { type: ['string', 'array', 'boolean'], items: { type: ['string', 'boolean'] }, description: 'Condition(s), like `when`.' },
      fail_msg: { type: ['string', 'array'], items: { type: 'string' }, 'x-aliases': ['msg'], description: "Message when a condition is false (default 'Assertion failed')." },
      success_msg: { type: ['string', 'array'], items: { type: 'string' }, default: 'All assertions passed' },
      quiet: { type: 'boolean', default: false, description: 'Less verbose output.' },
    },
    required: ['that'],
    additionalProperties: false,
  },
  diff(args, _state, ctx) {
    const thats = Array.isArray(args.that) ? args.that : [args.that];
    const failMsg = args.fail_msg ?? 'Assertion failed';
    for (const that of thats) {
      if (!evaluateCondition(ctx, that)) {
        throw new ModuleFailure(text(failMsg), { assertion: that, evaluated_to: false, msg: failMsg });
      }
    }
    const msg = args.success_msg ?? 'All assertions passed';
    return { changes: [], msg: text(msg), result: { msg } };
  },
});
