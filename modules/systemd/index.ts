/**
 * systemd: manage a systemd unit (Ansible: ansible.builtin.systemd_service, also reached as
 * `systemd` and `service`). Ansible's order and semantics: daemon-reload and daemon-reexec
 * first (never "changed", skipped in check mode), then mask/unmask, enable/disable, and the
 * state; `restarted`/`reloaded` always change. The unit is read in one round trip.
 */
import { ModuleFailure, defineModule, type ApplyContext, type GatherContext } from '../../src/index.js';
import { checkUnitName, enableDecision, missingUnit, planUnit, type UnitPlan, type UnitState, type UnitVerb, type UnitWish } from './plan.js';
import { managerCommand, parseProbe, probeCommand, unitCommand, type Scope, type UnitProbe } from './systemctl.js';

export interface SystemdArgs {
  name?: string;
  state?: UnitState;
  enabled?: boolean;
  force?: boolean;
  masked?: boolean;
  daemon_reload: boolean;
  daemon_reexec: boolean;
  scope: Scope;
  no_block: boolean;
  /** Arguments of Ansible's `service` module, which its action drops on systemd hosts. */
  pattern?: string;
  runlevel?: string;
  sleep?: number;
  arguments?: string;
  use?: string;
}

export interface SystemdState {
  /** The unit as read before any change (absent without a name, or when deferred). */
  probe?: UnitProbe;
  /**
   * daemon-reload/daemon-reexec come first and change what systemd reports (a new unit file
   * becomes known): the unit is read and planned in apply, after them.
   */
  deferred?: boolean;
}

/** 'daemon-reload', 'daemon-reexec', 'inspect' (read and plan the unit after them), or a verb. */
export type SystemdChange = 'daemon-reload' | 'daemon-reexec' | 'inspect' | UnitVerb;

/** Parameters Ansible's service action removes before calling systemd (UNUSED_PARAMS). */
const SERVICE_ONLY = ['pattern', 'runlevel', 'sleep', 'arguments'] as const;

const wishOf = (a: SystemdArgs): UnitWish => ({
  name: a.name!, scope: a.scope,
  ...(a.state != null ? { state: a.state } : {}),
  ...(a.enabled != null ? { enabled: a.enabled } : {}),
  ...(a.masked != null ? { masked: a.masked } : {}),
});

function compatWarnings(a: SystemdArgs): string[] {
  const out = SERVICE_ONLY.filter((k) => a[k] != null).map((k) => `Ignoring "${k}" as it is not used in "systemd"`);
  if (a.use != null && !['auto', 'systemd'].includes(a.use.toLowerCase())) {
    out.push(`Ignoring use: ${a.use}: k8splay manages services with systemctl only`);
  }
  return out;
}

/** Read a unit's state (one round trip). */
async function readUnit(ctx: GatherContext, a: SystemdArgs): Promise<UnitProbe> {
  const r = await ctx.run(probeCommand(a.name!, a, ctx.quote, a.enabled != null || a.masked != null));
  return parseProbe(r.stdout, r.stderr);
}

async function managerVerb(ctx: ApplyContext, a: SystemdArgs, verb: 'daemon-reload' | 'daemon-reexec'): Promise<void> {
  const r = await ctx.run(managerCommand(a, verb));
  if (r.rc !== 0) throw new ModuleFailure(`failure ${r.rc} during ${verb}: ${r.stderr.trim()}`, { rc: r.rc, stdout: r.stdout, stderr: r.stderr });
}

/**
 * Run the unit's verbs in order. After mask/unmask, is-enabled is asked again (as Ansible
 * does) since unmasking brings back the unit's own enablement. Returns whether anything ran.
 */
async function runVerbs(ctx: ApplyContext, a: SystemdArgs, unit: UnitPlan, probe: UnitProbe, result: Record<string, unknown>): Promise<boolean> {
  const name = a.name!;
  let changed = false;
  const fail = (msg: string, r: { rc: number; stdout: string; stderr: string }) =>
    new ModuleFailure(msg, { name, rc: r.rc, stdout: r.stdout, stderr: r.stderr, ...(changed ? { changed: true } : {}) });
  const run = (verb: string) => ctx.run(unitCommand(a, verb, name, ctx.quote));
  const { verbs } = unit;

  const mask = verbs.find((v) => v === 'mask' || v === 'unmask');
  let enable = verbs.find((v) => v === 'enable' || v === 'disable');
  const state = verbs.find((v) => v === 'start' || v === 'stop' || v === 'restart' || v === 'reload');

  if (mask) {
    const r = await run(mask);
    if (r.rc !== 0) {
      if (!unit.facts.found) throw missingUnit(name);
      throw fail(`Unable to ${mask} service ${name}: ${(r.stdout + r.stderr).trim()}`, r);
    }
    changed = true;
    if (a.enabled != null) {
      const e = await ctx.run(`${unitCommand(a, 'is-enabled -l', name, ctx.quote)} 2>/dev/null`);
      const d = enableDecision(a.enabled, { rc: e.rc, out: e.stdout.replace(/\n+$/, '') }, wishOf(a), probe.initScript, probe.sysvEnabled);
      enable = d.verb;
      result.enabled = d.verb ? !d.enabled : d.enabled;
    }
  }
  if (enable) {
    const r = await run(enable);
    if (r.rc !== 0) throw fail(`Unable to ${enable} service ${name}: ${(r.stdout + r.stderr).trim()}`, r);
    changed = true;
  }
  if (state) {
    const r = await run(state);
    if (r.rc !== 0) throw fail(`Unable to ${state} service ${name}: ${r.stderr.trim()}`, r);
    changed = true;
  }
  return changed;
}

export default defineModule<SystemdArgs, SystemdState, SystemdChange>({
  name: 'systemd',
  description: 'Manage a systemd unit: start/stop/restart/reload, enable, mask, daemon-reload (Ansible: ansible.builtin.systemd_service)',
  schema: {
    type: 'object',
    properties: {
      name: { type: 'string', 'x-aliases': ['service', 'unit'], description: 'The unit; without an extension systemctl implies .service.' },
      state: { type: 'string', enum: ['reloaded', 'restarted', 'started', 'stopped'], description: 'started/stopped act only when needed; restarted/reloaded always act.' },
      enabled: { type: 'boolean', description: 'Whether the unit starts on boot.' },
      force: { type: 'boolean', description: 'Pass --force to systemctl (override existing symlinks).' },
      masked: { type: 'boolean', description: 'Whether the unit is masked (cannot be started).' },
      daemon_reload: { type: 'boolean', default: false, 'x-aliases': ['daemon-reload'], description: 'Run daemon-reload first (never reported as a change; not in check mode).' },
      daemon_reexec: { type: 'boolean', default: false, 'x-aliases': ['daemon-reexec'], description: 'Run daemon-reexec first.' },
      scope: { type: 'string', enum: ['system', 'user', 'global'], default: 'system', description: 'The service manager: the system one, the user\'s, or all users\'.' },
      no_block: { type: 'boolean', default: false, description: 'Do not wait for the job to finish (--no-block).' },
      pattern: { type: 'string', description: 'Accepted from Ansible\'s service module; ignored with a warning, as Ansible does on systemd.' },
      runlevel: { type: 'string', description: 'Accepted from Ansible\'s service module; ignored with a warning.' },
      sleep: { type: 'integer', description: 'Accepted from Ansible\'s service module; ignored with a warning.' },
      arguments: { type: 'string', 'x-aliases': ['args'], description: 'Accepted from Ansible\'s service module; ignored with a warning.' },
      use: { type: 'string', description: 'Accepted from Ansible\'s service module (auto/systemd).' },
    },
    // Ansible's required_by: these act on a unit.
    dependencies: { state: ['name'], enabled: ['name'], masked: ['name'] },
    additionalProperties: false,
  },

  async gather(ctx, args) {
    checkUnitName(args.name);
    if ((args.daemon_reload || args.daemon_reexec) && !ctx.checkMode) return { deferred: true };
    return args.name ? { probe: await readUnit(ctx, args) } : {};
  },

  diff(args, state) {
    checkUnitName(args.name);
    const warnings = compatWarnings(args);
    const base = { name: args.name ?? null, status: {} };
    if (state.deferred) {
      const changes: SystemdChange[] = [];
      if (args.daemon_reload) changes.push('daemon-reload');
      if (args.daemon_reexec) changes.push('daemon-reexec');
      if (args.name) changes.push('inspect');
      return { changes, result: base, warnings };
    }
    if (!args.name || !state.probe) return { changes: [], result: base, warnings };
    const plan = planUnit(wishOf(args), state.probe);
    return {
      changes: plan.verbs,
      result: plan.result,
      warnings: [...warnings, ...plan.warnings],
      ...(plan.diff ? { diff: [plan.diff] } : {}),
    };
  },

  async apply(ctx, args, plan, state) {
    if (plan.changes.includes('daemon-reload')) await managerVerb(ctx, args, 'daemon-reload');
    if (plan.changes.includes('daemon-reexec')) await managerVerb(ctx, args, 'daemon-reexec');
    // daemon-reload alone is not a change, as in Ansible.
    if (!args.name) return { ...(plan.result ?? {}), changed: false };
    const deferred = plan.changes.includes('inspect');
    const probe = deferred ? await readUnit(ctx, args) : state.probe!;
    // Pure and cheap: the same plan diff() made, or the first one made after the reload.
    const unit = planUnit(wishOf(args), probe);
    if (deferred) for (const w of unit.warnings) ctx.warn(w);
    const result = { ...unit.result };
    const changed = await runVerbs(ctx, args, unit, probe, result);
    return { ...result, changed };
  },
});
