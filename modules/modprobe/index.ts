/**
 * modprobe: load or unload a kernel module, and keep it loaded (or not) across reboots
 * (Ansible: community.general.modprobe). Decision in plan.ts, persistence edits in persist.ts.
 * One command reads the state; an unchanged run costs one round trip.
 */
import { ModuleFailure, defineModule, type ApplyContext } from '../../src/index.js';
import { readSections } from '../_shared/read-sections.js';
import { isPresent, kernelSectionCommand, modprobeHints, parseKernelSection } from './detect.js';
import { baseResult, checkModprobeArgs, planModprobe, type ModprobeArgs, type ModprobeChange } from './plan.js';
import { gatherModprobe, loadWords, type ModprobeState } from './state.js';

async function load(ctx: ApplyContext, a: ModprobeArgs, st: ModprobeState): Promise<boolean> {
  const words = loadWords(a.name, a.params ?? '').map(ctx.quote).join(' ');
  const r = await ctx.run(`modprobe -- ${words}`);
  if (r.rc !== 0) {
    throw new ModuleFailure(r.stderr.trim() || `modprobe failed (rc=${r.rc})`, { ...baseResult(a), rc: r.rc, stdout: r.stdout, stderr: r.stderr }, {
      details: modprobeHints(a.name, r.stderr, st.kernel),
    });
  }
  // As Ansible: modprobe may succeed without loading anything (blacklisted, install /bin/true).
  const after = await readSections(ctx, { kernel: kernelSectionCommand(a.name) });
  if (after.kernel && isPresent(parseKernelSection(a.name, after.kernel.out))) return true;
  const first = await ctx.run(`modprobe -n --first-time -- ${words}`);
  if (first.rc !== 0 && first.stderr.trim()) ctx.warn(first.stderr.trim());
  return false;
}

export default defineModule<ModprobeArgs, ModprobeState, ModprobeChange>({
  name: 'modprobe',
  description: 'Load or unload a kernel module, optionally across reboots (Ansible: community.general.modprobe)',
  schema: {
    type: 'object',
    properties: {
      name: { type: 'string', description: 'Name of the kernel module, e.g. br_netfilter.' },
      state: { type: 'string', enum: ['absent', 'present'], default: 'present', description: 'Loaded (present) or not (absent).' },
      params: { type: 'string', default: '', description: "Module parameters, e.g. 'numdummies=2'." },
      persistent: {
        type: 'string', enum: ['disabled', 'absent', 'present'], default: 'disabled',
        description: 'present: load at boot (/etc/modules-load.d/<name>.conf) with params (/etc/modprobe.d/<name>.conf); absent: comment those out; disabled: leave them.',
      },
      backup: { type: 'boolean', default: false, description: 'k8splay: keep a timestamped copy of a config file before changing it.' },
    },
    required: ['name'],
    additionalProperties: false,
  },
  gather(ctx, a) {
    checkModprobeArgs(a);
    return gatherModprobe(ctx, { name: a.name, params: a.params ?? '', present: (a.state ?? 'present') === 'present', persistent: a.persistent ?? 'disabled' });
  },
  diff: (a, st) => planModprobe(a, st),
  async apply(ctx, a, plan, st) {
    let changed = false;
    const out: Record<string, unknown> = {};
    const backups: string[] = [];
    for (const c of plan.changes) {
      if (c.kind === 'load') {
        if (await load(ctx, a, st)) changed = true;
      } else if (c.kind === 'unload') {
        const r = await ctx.run(`modprobe -r -- ${ctx.quote(a.name)}`);
        if (r.rc !== 0) {
          throw new ModuleFailure(r.stderr.trim() || `modprobe -r failed (rc=${r.rc})`, { ...baseResult(a), rc: r.rc, stdout: r.stdout, stderr: r.stderr, ...(changed ? { changed } : {}) });
        }
        changed = true;
      } else if (c.kind === 'mkdir') {
        await ctx.run(`mkdir -p -- ${ctx.quote(c.path)}`, { check: true });
      } else {
        const r = await ctx.writeFile(c.edit.path, c.edit.after, { backup: !!a.backup && c.edit.before !== undefined });
        if (r.backupFile) backups.push(r.backupFile);
        changed = true;
      }
    }
    if (backups.length) out.backup_files = backups;
    return { ...out, changed };
  },
});
