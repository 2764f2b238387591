/**
 * debug: show a message or a variable's value. Runs on the controller; `var` is evaluated as
 * a Jinja2 expression (`var: result.stdout_lines`), undefined prints Ansible's
 * "VARIABLE IS NOT DEFINED!", and `verbosity` skips the task below that -v level.
 */
import { ModuleFailure, TemplateError, defineModule } from '../../src/index.js';

export interface DebugArgs {
  msg?: unknown;
  var?: string;
  verbosity?: number;
}

const NOT_DEFINED = 'VARIABLE IS NOT DEFINED!';

export default defineModule<DebugArgs, undefined, never>({
  name: 'debug',
  description: 'Print a message or a variable (Ansible: ansible.builtin.debug)',
  target: 'controller',
  schema: {
    type: 'object',
    properties: {
      msg: { description: "The message to print (any value). Default 'Hello world!'." },
      var: { type: 'string', description: 'A variable name or expression whose value to print.' },
      verbosity: { type: 'integer', minimum: 0, default: 0, description: 'Only print at this -v level or above.' },
    },
    additionalProperties: false,
  },
  diff(args, _state, ctx) {
    if (args.msg !== undefined && args.var !== undefined) throw new ModuleFailure("'msg' and 'var' are incompatible options");
    const level = ctx.verbosity ?? 0;
    if ((args.verbosity ?? 0) > level) {
      return { changes: [], skip: 'Verbosity threshold not met.', result: { skipped_reason: 'Verbosity threshold not met.' } };
    }
    if (args.var === undefined) return { changes: [], result: { msg: args.msg ?? 'Hello world!' } };
    let value: unknown;
    try {
      if (ctx.evaluate) value = ctx.evaluate(args.var);
      else if (Object.prototype.hasOwnProperty.call(ctx.host.vars, args.var)) value = ctx.host.vars[args.var];
      else throw new TemplateError(`'${args.var}' is undefined`);
    } catch (e) {
      if (!(e instanceof TemplateError) || !/undefined|not defined|has no attribute/i.test(e.message)) throw e;
      value = level > 0 ? `${NOT_DEFINED}: ${e.message}` : NOT_DEFINED;
    }
    // Ansible templates `var` as "{{ var }}": a computed number comes out as text ('1' for r.rc),
    // a bare variable keeps its type.
    if (typeof value === 'number' && !/^\w+$/.test(args.var.trim())) value = String(value);
    return { changes: [], result: { [args.var]: value } };
  },
});
