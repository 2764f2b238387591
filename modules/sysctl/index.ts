/**
 * sysctl: a kernel parameter in a sysctl file and, with reload/sysctl_set, in the running
 * kernel (Ansible: ansible.posix.sysctl). The decision is plan.ts, the file edit conf.ts.
 * One command reads the state; an unchanged run costs one round trip.
 */
import { ModuleFailure, defineModule, type ApplyContext } from '../../src/index.js';
import { liveSectionCommand, parseLive, gatherSysctl, type SysctlState } from './state.js';
import { planSysctl, wanted, DEFAULT_SYSCTL_FILE, type SysctlArgs, type SysctlChange, type SysctlWanted } from './plan.js';
import { valuesEqual } from './keys.js';

/**
 * Ansible's _stderr_failed: sysctl can print these and still exit 0
 * (https://bugzilla.redhat.com/show_bug.cgi?id=1264080).
 */
export function stderrFailed(stderr: string): boolean {
  return /^sysctl: setting key "[^"]+": (Invalid argument|Read-only file system)$/m.test(stderr);
}

/** A hint under a sysctl failure, when its cause is recognisable. */
export function failureHints(output: string): string[] {
  if (/permission denied on key|Read-only file system/.test(output)) {
    return ['The key is read-only on this host: in a container /proc/sys is mounted read-only except net.* (per network namespace).'];
  }
  if (/cannot stat \/proc\/sys\/net\/bridge\//.test(output)) {
    return ['net.bridge.* keys need the br_netfilter kernel module: load it first (modprobe) or set load_module: br_netfilter.'];
  }
  return [];
}

/** The modprobe hint when loading a module fails: why, in words. */
function modprobeHint(stderr: string): string[] {
  if (/not found in directory \/lib\/modules/.test(stderr)) {
    return ['The host has no modules for its running kernel (/lib/modules/<release> is missing, as in a container): load the module on the machine that runs the kernel.'];
  }
  if (/Operation not permitted/.test(stderr)) return ['Loading kernel modules needs root with CAP_SYS_MODULE (containers usually lack it).'];
  return [];
}

const C_LOCALE = 'LC_ALL=C LANG=C LC_MESSAGES=C';

async function runSysctl(ctx: ApplyContext, words: string, what: (out: string) => string, changedBefore: boolean): Promise<void> {
  const r = await ctx.run(`${C_LOCALE} sysctl ${words}`);
  if (r.rc !== 0 || stderrFailed(r.stderr)) {
    const out = `${r.stdout}${r.stderr}`;
    throw new ModuleFailure(what(out.trim()), { rc: r.rc, stdout: r.stdout, stderr: r.stderr, ...(changedBefore ? { changed: true } : {}) }, { details: failureHints(out) });
  }
}

/** Load the module, then read the key again: the module may bring the value already wanted. */
async function loadAndRead(ctx: ApplyContext, w: SysctlWanted, module: string): Promise<string | undefined> {
  const r = await ctx.run(`modprobe -- ${ctx.quote(module)} || exit; ${liveSectionCommand(w.name, ctx.quote)}`);
  if (r.rc !== 0) {
    throw new ModuleFailure(`loading kernel module ${module} for ${w.name} failed: ${r.stderr.trim()}`, { rc: r.rc, stdout: r.stdout, stderr: r.stderr }, { details: modprobeHint(r.stderr) });
  }
  const live = parseLive(r.stdout);
  if (live.kind === 'missing' || live.kind === 'directory') {
    throw new ModuleFailure(`kernel module ${module} is loaded but sysctl key ${w.name} still does not exist: is it the module that provides it?`, { changed: true });
  }
  return live.kind === 'value' ? live.value : undefined;
}

export default defineModule<SysctlArgs, SysctlState, SysctlChange>({
  name: 'sysctl',
  description: 'Set a kernel parameter in a sysctl file and in the running kernel (Ansible: ansible.posix.sysctl)',
  schema: {
    type: 'object',
    properties: {
      name: { type: 'string', 'x-aliases': ['key'], description: 'The dot-separated key, e.g. net.ipv4.ip_forward.' },
      value: { type: ['string', 'number', 'boolean'], 'x-aliases': ['val'], description: 'Wanted value; yes/no/true/false become 1/0.' },
      state: { type: 'string', enum: ['present', 'absent'], default: 'present', description: 'Whether the key is in the sysctl file.' },
      reload: { type: 'boolean', default: true, description: 'After a change, run sysctl -p on the file (the live value is compared too).' },
      sysctl_set: { type: 'boolean', default: false, description: 'Compare the live value and set it with sysctl -w when it differs.' },
      ignoreerrors: { type: 'boolean', default: false, description: 'Ignore unknown keys (sysctl -e): a missing key only warns.' },
      sysctl_file: { type: 'string', default: DEFAULT_SYSCTL_FILE, description: 'The sysctl file to edit.' },
      load_module: {
        type: 'string',
        description: 'k8splay: kernel module to load (modprobe) when the key does not exist yet, e.g. br_netfilter for net.bridge.* keys. Not persistent: for boots, use the modprobe module with persistent: present.',
      },
      backup: { type: 'boolean', default: false, description: 'k8splay: keep a timestamped copy of the file before changing it.' },
    },
    required: ['name'],
    additionalProperties: false,
    // Ansible's required_if: state=present needs value (state defaults to present).
    if: { properties: { state: { const: 'present' } } },
    then: { required: ['value'] },
  },
  gather(ctx, args) {
    const w = wanted(args);
    return gatherSysctl(ctx, w.name, w.file);
  },
  diff: (args, state) => planSysctl(args, state),
  async apply(ctx, args, plan) {
    const w = wanted(args);
    const e = w.ignoreErrors ? '-e ' : '';
    let changed = false;
    let liveNow: string | undefined;
    let loaded = false;
    const out: Record<string, unknown> = {};
    for (const c of plan.changes) {
      if (c.kind === 'modprobe') {
        liveNow = await loadAndRead(ctx, w, c.module);
        loaded = true;
        changed = true;
      } else if (c.kind === 'set') {
        if (loaded && valuesEqual(liveNow, c.value)) continue;
        await runSysctl(ctx, `${e}-w ${ctx.quote(`${w.name}=${c.value}`)}`, (o) => `setting ${w.name} failed: ${o}`, changed);
        changed = true;
      } else if (c.kind === 'write') {
        const r = await ctx.writeFile(w.file, c.content, { backup: w.backup && !c.create });
        if (r.backupFile) out.backup_file = r.backupFile;
        changed = true;
      } else {
        await runSysctl(ctx, `${e}-p ${ctx.quote(w.file)}`, (o) => `Failed to reload sysctl: ${o}`, changed);
      }
    }
    return out;
  },
});
