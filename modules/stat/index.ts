/**
 * stat: facts about a path on the host, read-only (Ansible: ansible.builtin.stat). One shell
 * round trip (GNU stat, test -r/-w/-x, readlink, a checksum, `file` for the MIME type).
 * Times are whole seconds; `attributes` (lsattr) is not reported.
 */
import { defineModule, ModuleFailure } from '../../src/index.js';

export interface StatArgs {
  path: string;
  follow?: boolean;
  get_checksum?: boolean;
  checksum_algorithm?: 'md5' | 'sha1' | 'sha224' | 'sha256' | 'sha384' | 'sha512';
  get_mime?: boolean;
  get_attributes?: boolean;
}

/** key=value lines printed by the probe script. */
export type StatOutput = Record<string, string>;

const FIELDS = '%f|%h|%i|%d|%u|%g|%U|%G|%s|%X|%Y|%Z|%a|%t|%T';

/** The shell script behind gather (exported for tests). */
export function statScript(args: StatArgs, quote: (s: string) => string): string {
  const L = args.follow ? '-L ' : '';
  const alg = args.checksum_algorithm ?? 'sha1';
  const parts = [
    `set -- ${quote(args.path)}`,
    `if [ ! -e "$1" ] && [ ! -L "$1" ]; then echo exists=0; exit 0; fi`,
    `echo exists=1`,
    `printf 'stat=%s\\n' "$(LC_ALL=C stat ${L}-c '${FIELDS}' -- "$1")"`,
    `if [ -r "$1" ]; then echo readable=1; else echo readable=0; fi`,
    `if [ -w "$1" ]; then echo writeable=1; else echo writeable=0; fi`,
    `if [ -x "$1" ]; then echo executable=1; else echo executable=0; fi`,
    `if [ -L "$1" ]; then printf 'lnk_target=%s\\n' "$(readlink -- "$1")"; printf 'lnk_source=%s\\n' "$(readlink -f -- "$1")"; fi`,
  ];
  if (args.get_checksum !== false) {
    parts.push(`if [ -f "$1" ] && [ -r "$1" ]; then printf 'checksum=%s\\n' "$(${alg}sum < "$1" | cut -d' ' -f1)"; fi`);
  }
  if (args.get_mime !== false) {
    parts.push(`if command -v file >/dev/null 2>&1; then printf 'mimetype=%s\\n' "$(file -b ${args.follow ? '-L ' : ''}--mime-type -- "$1")"; printf 'charset=%s\\n' "$(file -b ${args.follow ? '-L ' : ''}--mime-encoding -- "$1")"; fi`);
  }
  return `( ${parts.join('; ')} )`;
}

/** Parse the probe output into Ansible's `stat` dictionary. */
export function statResult(path: string, out: StatOutput): Record<string, unknown> {
  if (out.exists !== '1') return { exists: false };
  const f = (out.stat ?? '').split('|');
  if (f.length < 15) throw new ModuleFailure(`cannot stat ${path}`, { path });
  const raw = parseInt(f[0]!, 16);
  const fmt = raw & 0o170000;
  const mode = raw & 0o7777;
  const st: Record<string, unknown> = {
    exists: true,
    path,
    mode: '0' + mode.toString(8).padStart(3, '0'),
    isdir: fmt === 0o040000,
    ischr: fmt === 0o020000,
    isblk: fmt === 0o060000,
    isreg: fmt === 0o100000,
    isfifo: fmt === 0o010000,
    islnk: fmt === 0o120000,
    issock: fmt === 0o140000,
    uid: Number(f[4]),
    gid: Number(f[5]),
    size: Number(f[8]),
    inode: Number(f[2]),
    dev: Number(f[3]),
    nlink: Number(f[1]),
    atime: Number(f[9]),
    mtime: Number(f[10]),
    ctime: Number(f[11]),
    wusr: !!(mode & 0o200), rusr: !!(mode & 0o400), xusr: !!(mode & 0o100),
    wgrp: !!(mode & 0o020), rgrp: !!(mode & 0o040), xgrp: !!(mode & 0o010),
    woth: !!(mode & 0o002), roth: !!(mode & 0o004), xoth: !!(mode & 0o001),
    isuid: !!(mode & 0o4000), isgid: !!(mode & 0o2000),
    pw_name: f[6],
    gr_name: f[7],
    readable: out.readable === '1',
    writeable: out.writeable === '1',
    executable: out.executable === '1',
  };
  if (st.ischr || st.isblk) st.device_type = parseInt(f[13]!, 16) * 256 + parseInt(f[14]!, 16);
  if (st.islnk) {
    st.lnk_source = out.lnk_source;
    st.lnk_target = out.lnk_target;
  }
  if (out.checksum) st.checksum = out.checksum;
  if (out.mimetype !== undefined) {
    st.mimetype = out.mimetype;
    st.charset = out.charset;
  }
  return st;
}

export default defineModule<StatArgs, StatOutput, never>({
  name: 'stat',
  description: 'Retrieve facts about a path (Ansible: ansible.builtin.stat)',
  schema: {
    type: 'object',
    properties: {
      path: { type: 'string', 'x-aliases': ['dest', 'name'], description: 'The path to examine.' },
      follow: { type: 'boolean', default: false, description: 'Follow symlinks.' },
      get_checksum: { type: 'boolean', default: true },
      checksum_algorithm: {
        type: 'string', enum: ['md5', 'sha1', 'sha224', 'sha256', 'sha384', 'sha512'], default: 'sha1',
        'x-aliases': ['checksum', 'checksum_algo'],
      },
      get_mime: { type: 'boolean', default: true, 'x-aliases': ['mime', 'mime_type', 'mime-type'] },
      get_attributes: { type: 'boolean', default: true, 'x-aliases': ['attr', 'attributes'], description: 'Accepted; attributes are not reported.' },
    },
    required: ['path'],
    additionalProperties: false,
  },
  async gather(ctx, args) {
    const r = await ctx.run(statScript(args, ctx.quote));
    const out: StatOutput = {};
    for (const line of r.stdout.split('\n')) {
      const i = line.indexOf('=');
      if (i > 0) out[line.slice(0, i)] = line.slice(i + 1);
    }
    return out;
  },
  diff: (args, out) => ({ changes: [], result: { stat: statResult(args.path, out) } }),
});
