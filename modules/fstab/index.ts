/**
 * fstab: mount points in /etc/fstab and on the live system (Ansible: ansible.posix.mount, also
 * answered to as `mount`), plus `swap: off`, which comments out (or removes) every swap line,
 * runs `swapoff -a` when swap is active and can mask swap.target.
 *
 * Line edits are entries.ts, the mount states plan-mount.ts, swap plan-swap.ts, reads gather.ts.
 */
import { posix } from 'node:path';
import { ModuleFailure, defineModule, type ApplyContext, type Plan } from '../../src/index.js';
import { isSwapTask } from './entries.js';
import { gatherFstab, type FstabProbeWants, type FstabState } from './gather.js';
import { DEFAULT_FSTAB, planMount, resolveEntry, type MountArgs, type MountChange } from './plan-mount.js';
import { planSwapOff, type SwapChange, type SwapOffArgs } from './plan-swap.js';

export interface FstabArgs extends Partial<MountArgs>, SwapOffArgs {
  /** `swap: off` (YAML reads `off` as false). */
  swap?: false;
}

type FstabChange = MountChange | SwapChange;

const MOUNT_ONLY = ['path', 'state', 'src', 'fstype', 'opts', 'dump', 'passno', 'boot'] as const;
const SWAP_ONLY = ['swap_lines', 'mask_swap_target'] as const;

/** Arguments that do not go together (the schema already makes path/state required without swap). */
function checkCombination(a: FstabArgs): void {
  if (a.swap !== undefined) {
    const extra = MOUNT_ONLY.filter((k) => a[k] !== undefined);
    if (extra.length) {
      throw new ModuleFailure(`'swap: off' handles every swap line and takes no ${extra.join(', ')} (only fstab, backup, swap_lines, mask_swap_target)`);
    }
  } else {
    const extra = SWAP_ONLY.filter((k) => a[k] !== undefined);
    if (extra.length) throw new ModuleFailure(`${extra.join(', ')} only apply with 'swap: off'`);
  }
}

function probeWants(a: FstabArgs): FstabProbeWants {
  const fstab = a.fstab ?? DEFAULT_FSTAB;
  if (a.swap !== undefined) return { fstab, swap: true, swapTarget: !!a.mask_swap_target };
  const w: FstabProbeWants = { fstab };
  const state = a.state!;
  if (isSwapTask({ name: a.path!, fstype: a.fstype })) return w;
  if (state === 'mounted' || state === 'unmounted' || state === 'absent' || state === 'ephemeral') w.mounts = true;
  if (state === 'mounted' || state === 'absent' || state === 'ephemeral') w.path = a.path!;
  return w;
}

/** `mount` options that point it at another fstab (Ansible's -T). */
function fstabOpt(fstab: string, q: (s: string) => string): string {
  return fstab !== DEFAULT_FSTAB ? ` -T ${q(fstab)}` : '';
}

/** mkdir each missing component of `path`; returns the directories created, outermost first. */
async function makeDirs(ctx: ApplyContext, path: string): Promise<string[]> {
  const parts = path.split('/').filter(Boolean);
  const prefixes = parts.map((_p, i) => (path.startsWith('/') ? '/' : '') + parts.slice(0, i + 1).join('/'));
  const script = `for d in ${prefixes.map(ctx.quote).join(' ')}; do if [ ! -e "$d" ]; then mkdir -- "$d" || exit 1; printf '%s\\n' "$d"; fi; done`;
  const r = await ctx.run(script);
  const created = r.stdout.split('\n').filter((l) => prefixes.includes(l));
  if (r.rc !== 0) {
    await removeDirs(ctx, created);
    throw new ModuleFailure(`Error making dir ${path}: ${r.stderr.trim()}`);
  }
  return created;
}

async function removeDirs(ctx: ApplyContext, dirs: string[]): Promise<void> {
  if (dirs.length) await ctx.run(`rmdir -- ${[...dirs].reverse().map(ctx.quote).join(' ')}`);
}

/** `mount -o remount`, falling back to umount + mount as Ansible does. Returns [rc, output]. */
async function remount(ctx: ApplyContext, args: MountArgs, opts: string, fstab: string): Promise<[number, string]> {
  const q = ctx.quote;
  const o = args.state === 'remounted' && opts !== 'defaults' ? `remount,${opts}` : 'remount';
  let cmd = `mount -o ${q(o)}${fstabOpt(fstab, q)} -- ${q(args.path)}`;
  if (args.state === 'ephemeral') cmd = `mount -o remount -t ${q(args.fstype!)}${opts !== 'defaults' ? ` -o ${q(opts)}` : ''} -- ${q(args.src!)} ${q(args.path)}`;
  const r = await ctx.run(cmd);
  if (r.rc === 0) return [0, ''];
  if (args.state === 'remounted' && opts !== 'defaults') {
    throw new ModuleFailure(
      'Options were specified with remounted, but the remount command failed. Failing in order to prevent an unexpected mount result. Try replacing this command with a "state: unmounted" followed by a "state: mounted" using the full desired mount options instead.',
      { cmd, rc: r.rc, stdout: r.stdout, stderr: r.stderr },
    );
  }
  const u = await ctx.run(`umount -- ${q(args.path)}`);
  if (u.rc !== 0) return [u.rc, u.stdout + u.stderr];
  return mount(ctx, args, opts, fstab);
}

async function mount(ctx: ApplyContext, args: MountArgs, opts: string, fstab: string): Promise<[number, string]> {
  const q = ctx.quote;
  const cmd = args.state === 'ephemeral'
    ? `mount -t ${q(args.fstype!)}${opts !== 'defaults' ? ` -o ${q(opts)}` : ''} -- ${q(args.src!)} ${q(args.path)}`
    : `mount${fstabOpt(fstab, q)} -- ${q(args.path)}`;
  const r = await ctx.run(cmd);
  return r.rc === 0 ? [0, ''] : [r.rc, r.stdout + r.stderr];
}

async function applyMount(ctx: ApplyContext, args: MountArgs, plan: Plan<MountChange>, st: FstabState): Promise<Record<string, unknown>> {
  const q = ctx.quote;
  const r = resolveEntry(args);
  const out: Record<string, unknown> = {};
  let created: string[] = [];
  let wrote = false;
  // Ansible #59183: a failed mount puts the old fstab back (a bad line can break the next boot).
  const rollback = async () => {
    if (wrote) {
      if (st.fstab === null) await ctx.run(`rm -f -- ${q(r.fstab)}`);
      else await ctx.writeFile(r.fstab, st.fstab);
    }
    await removeDirs(ctx, created);
  };
  for (const c of plan.changes) {
    if (c.kind === 'mkdir') {
      created = await makeDirs(ctx, args.path);
    } else if (c.kind === 'write') {
      if (c.mkdir) await ctx.run(`mkdir -p -- ${q(posix.dirname(r.fstab))}`, { check: true });
      const w = await ctx.writeFile(r.fstab, c.content, { backup: !!args.backup && !c.create });
      if (w.backupFile) out.backup_file = w.backupFile;
      wrote = true;
    } else if (c.kind === 'umount') {
      const u = await ctx.run(`umount -- ${q(args.path)}`);
      if (u.rc !== 0) throw new ModuleFailure(`Error unmounting ${args.path}: ${(u.stdout + u.stderr).trim()}`, { changed: wrote });
    } else if (c.kind === 'rmdir') {
      const u = await ctx.run(`rmdir -- ${q(args.path)}`);
      if (u.rc !== 0) throw new ModuleFailure(`Error rmdir ${args.path}: ${u.stderr.trim()}`, { changed: wrote });
    } else {
      const [rc, msg] = c.kind === 'mount' ? await mount(ctx, args, r.entry.opts, r.fstab) : await remount(ctx, args, r.entry.opts, r.fstab);
      if (rc !== 0) {
        if (args.state === 'remounted') throw new ModuleFailure(`Error remounting ${args.path}: ${msg.trim()}`);
        await rollback();
        throw new ModuleFailure(`Error mounting ${args.path}: ${msg.trim()}`);
      }
    }
  }
  return out;
}

async function applySwapOff(ctx: ApplyContext, args: SwapOffArgs, plan: Plan<SwapChange>): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  let done = 0;
  for (const c of plan.changes) {
    if (c.kind === 'write') {
      const w = await ctx.writeFile(args.fstab ?? DEFAULT_FSTAB, c.content, { backup: !!args.backup });
      if (w.backupFile) out.backup_file = w.backupFile;
    } else {
      const cmd = c.kind === 'swapoff' ? 'swapoff -a' : 'systemctl mask swap.target';
      const r = await ctx.run(cmd);
      if (r.rc !== 0) {
        throw new ModuleFailure(`${cmd} failed: ${(r.stderr || r.stdout).trim()}`, { cmd, rc: r.rc, stdout: r.stdout, stderr: r.stderr, changed: done > 0 });
      }
    }
    done++;
  }
  return out;
}

export default defineModule<FstabArgs, FstabState, FstabChange>({
  name: 'fstab',
  description: 'Mount points in fstab and on the system, and turning swap off (Ansible: ansible.posix.mount)',
  schema: {
    type: 'object',
    properties: {
      path: { type: 'string', 'x-aliases': ['name'], description: "Mount point (e.g. /mnt/files); 'none' or 'swap' for a swap entry." },
      state: {
        type: 'string', enum: ['absent', 'absent_from_fstab', 'mounted', 'present', 'unmounted', 'remounted', 'ephemeral'],
        description: 'mounted: fstab + mount; present: fstab only; unmounted: umount only; absent: remove line, umount, rmdir; absent_from_fstab: line only; remounted: remount; ephemeral: mount without fstab.',
      },
      src: { type: 'string', description: 'Device (or NFS volume, UUID=, LABEL=...). Required for mounted, present, ephemeral. Swap entries are keyed by it.' },
      fstype: { type: 'string', description: 'Filesystem type. Required for mounted, present, ephemeral.' },
      opts: { type: 'string', description: "Mount options (default 'defaults')." },
      dump: { type: 'string', description: "fstab dump field (default '0')." },
      passno: { type: 'string', description: "fstab passno field (default '0')." },
      fstab: { type: 'string', description: 'File to use instead of /etc/fstab.' },
      boot: { type: 'boolean', description: "Mount at boot (default true); false adds 'noauto' to opts." },
      backup: { type: 'boolean', default: false, description: 'Keep a timestamped copy of the old fstab.' },
      swap: {
        type: 'boolean', enum: [false],
        description: "'swap: off': comment out (or remove) every swap line of the fstab, run swapoff -a when swap is active. Takes no path/state.",
      },
      swap_lines: { type: 'string', enum: ['comment', 'remove'], description: "With 'swap: off': comment out (default) or remove the swap lines." },
      mask_swap_target: { type: 'boolean', description: "With 'swap: off': also mask swap.target so systemd activates no swap." },
    },
    if: { required: ['swap'] },
    then: {},
    else: { required: ['path', 'state'] },
    additionalProperties: false,
  },
  async gather(ctx, args) {
    checkCombination(args);
    return gatherFstab(ctx, probeWants(args));
  },
  diff(args, st): Plan<FstabChange> {
    checkCombination(args);
    if (args.swap !== undefined) return planSwapOff(args, st);
    return planMount(args as MountArgs, st);
  },
  async apply(ctx, args, plan, st) {
    if (args.swap !== undefined) return applySwapOff(ctx, args, plan as Plan<SwapChange>);
    return applyMount(ctx, args as MountArgs, plan as Plan<MountChange>, st);
  },
});
