/**
 * slurp: read a file from the host, base64-encoded (Ansible: ansible.builtin.slurp).
 * Read-only; binary-safe (the host encodes with base64).
 */
import { ModuleFailure, defineModule } from '../../src/index.js';

export interface SlurpState {
  /** 'OK', 'ENOENT', 'EISDIR' or 'EACCES'. */
  status: string;
  content: string;
}

/** The shell script behind gather (exported for tests). */
export function slurpScript(src: string, quote: (s: string) => string): string {
  return `( set -- ${quote(src)}; if [ ! -e "$1" ]; then echo ENOENT; elif [ -d "$1" ]; then echo EISDIR; ` +
    `elif [ ! -r "$1" ]; then echo EACCES; else echo OK; base64 < "$1" | tr -d '\\n'; fi )`;
}

export default defineModule<{ src: string }, SlurpState, never>({
  name: 'slurp',
  description: 'Read a file from the host as base64 (Ansible: ansible.builtin.slurp)',
  schema: {
    type: 'object',
    properties: { src: { type: 'string', 'x-aliases': ['path'], description: 'The file to read.' } },
    required: ['src'],
    additionalProperties: false,
  },
  async gather(ctx, args) {
    const r = await ctx.run(slurpScript(args.src, ctx.quote));
    const nl = r.stdout.indexOf('\n');
    const status = (nl < 0 ? r.stdout : r.stdout.slice(0, nl)).trim();
    if (!status) throw new ModuleFailure(`unable to slurp file: ${r.stderr.trim() || `rc=${r.rc}`}`);
    return { status, content: nl < 0 ? '' : r.stdout.slice(nl + 1).trim() };
  },
  diff(args, st) {
    const src = args.src;
    if (st.status === 'ENOENT') throw new ModuleFailure(`file not found: ${src}`);
    if (st.status === 'EACCES') throw new ModuleFailure(`file is not readable: ${src}`);
    if (st.status === 'EISDIR') throw new ModuleFailure(`source is a directory and must be a file: ${src}`);
    return { changes: [], result: { content: st.content, source: src, encoding: 'base64' } };
  },
});
