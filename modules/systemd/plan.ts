/**
 * The pure decisions of the systemd module, in Ansible's order (systemd_service.py): after
 * daemon-reload/daemon-reexec, mask/unmask, then enable/disable, then the state. Given the
 * probe of a unit, says which systemctl verbs to run and what the task returns.
 */
import { ModuleFailure, type FileDiff } from '../../src/index.js';
import { dictDiff } from '../_shared/diffs.js';
import { parseSystemctlShow, requestWasIgnored } from './show.js';
import { unitSearch, type Answer, type Scope, type UnitProbe } from './systemctl.js';

export type UnitState = 'reloaded' | 'restarted' | 'started' | 'stopped';

/** The task arguments that shape the decisions. */
export interface UnitWish {
  name: string;
  state?: UnitState;
  enabled?: boolean;
  masked?: boolean;
  scope: Scope;
}

export type MaskVerb = 'mask' | 'unmask';
export type EnableVerb = 'enable' | 'disable';
export type StateVerb = 'start' | 'stop' | 'restart' | 'reload';
export type UnitVerb = MaskVerb | EnableVerb | StateVerb;

/** What the probe says about a unit, Ansible's way. */
export interface UnitFacts {
  status: Record<string, string>;
  /** systemd knows the unit (LoadState other than not-found, or a fallback found it). */
  isSystemd: boolean;
  /** An init script exists for the name. */
  isInitd: boolean;
  /** Ansible's `found`: a unit or an init script. */
  found: boolean;
}

/** Where enable/disable stands, from `is-enabled` (Ansible's rules). */
export interface EnableDecision {
  /** Enabled now, as Ansible counts it. */
  enabled: boolean;
  verb?: EnableVerb;
  warning?: string;
}

export interface UnitPlan {
  /** The verbs to run, in order. */
  verbs: UnitVerb[];
  facts: UnitFacts;
  /** Return values: name, status, and enabled/state when asked for. */
  result: Record<string, unknown>;
  warnings: string[];
  diff?: FileDiff;
}

/** is-enabled outputs that prove systemd knows the unit (man systemctl, systemd 244). */
const VALID_ENABLED_STATES = new Set([
  'enabled', 'enabled-runtime', 'linked', 'linked-runtime', 'masked', 'masked-runtime',
  'static', 'indirect', 'disabled', 'generated', 'transient',
]);

const GLOB_CHARS = ['*', '?', '['];

/**
 * The state word of `is-enabled -l` (its first line): with -l, systemctl lists the unit's
 * links on the following lines, where Ansible's own `is-enabled` call (without -l) has one line.
 */
export function enabledWord(a: Answer | undefined): string {
  return (a?.out.split('\n')[0] ?? '').trim();
}

/** Ansible refuses glob patterns in the unit name. */
export function checkUnitName(name: string | undefined): void {
  if (name == null) return;
  for (const g of GLOB_CHARS) {
    if (name.includes(g)) {
      throw new ModuleFailure(`This module does not currently support using glob patterns, found '${g}' in service name: ${name}`);
    }
  }
}

/** Ansible's fail_if_missing(..., msg='host'). */
export function missingUnit(name: string): ModuleFailure {
  return new ModuleFailure(`Could not find the requested service ${name}: host`);
}

/** Read the probe the way Ansible reads its commands' answers; fails where Ansible fails. */
export function unitFacts(name: string, p: UnitProbe, scope: Scope = 'system'): UnitFacts {
  let status: Record<string, string> = {};
  let isSystemd = false;
  const { show } = p;
  if (show.rc === 0 && !requestWasIgnored(show.out) && !requestWasIgnored(show.err)) {
    if (show.out) {
      status = parseSystemctlShow(show.out);
      isSystemd = 'LoadState' in status && status.LoadState !== 'not-found';
      const isMasked = status.LoadState === 'masked';
      if (isSystemd && !isMasked && 'LoadError' in status) {
        throw new ModuleFailure(`Error loading unit file '${name}': ${status.LoadError}`, { status });
      }
    }
  } else if (show.err && show.rc === 1 && show.err.includes('Failed to parse bus message')) {
    // ansible/ansible#71528: old systemd cannot `show` some units; ask list-unit-files and is-active.
    status = parseSystemctlShow(show.out);
    isSystemd = (p.listUnitFilesSearch?.out ?? '').includes(unitSearch(name));
    status.ActiveState = (p.isActive?.out ?? '').replace(/\n+$/, '');
  } else if (VALID_ENABLED_STATES.has(enabledWord(p.isEnabled))) {
    isSystemd = true;
  } else if (p.listUnitFiles?.rc === 0) {
    // `show` does not work everywhere (chroot); list-unit-files does for real units.
    isSystemd = true;
  } else if (p.systemctl && p.systemctl.rc !== 0) {
    // systemctl itself cannot work (no systemd as PID 1, no bus): its own words, like Ansible's check_rc.
    const stderr = p.systemctl.out;
    const details = scope !== 'system'
      ? [`scope: ${scope} needs that user's systemd instance and bus: a login session, or \`loginctl enable-linger <user>\` and XDG_RUNTIME_DIR=/run/user/<uid>`]
      : [];
    throw new ModuleFailure(stderr.trim() || `systemctl failed (rc=${p.systemctl.rc})`, { rc: p.systemctl.rc, stderr, cmd: 'systemctl' }, { details });
  }
  const isInitd = p.initScript;
  return { status, isSystemd, isInitd, found: isSystemd || isInitd };
}

/**
 * Ansible's enabled test on `is-enabled -l`: rc 0 is enabled unless the only line is
 * `indirect` or `alias`; rc 1 is disabled, unless (system scope) an init script is linked
 * into a runlevel and systemd did not say `disabled`.
 *
 * One deliberate difference: a `static` unit (no [Install] section) asked to be disabled is
 * left alone with a warning. `systemctl disable` does nothing to it, so Ansible reports
 * "changed" on every run for a change that never happens.
 */
export function enableDecision(want: boolean, isEnabled: Answer, wish: Pick<UnitWish, 'name' | 'scope'>, initScript: boolean, sysvEnabled: boolean): EnableDecision {
  let enabled = false;
  const lines = isEnabled.out.split(/\r?\n/);
  if (lines[lines.length - 1] === '') lines.pop();
  if (isEnabled.rc === 0) {
    enabled = true;
    if (lines.length === 1 && (lines[0] === 'indirect' || lines[0] === 'alias')) enabled = false;
  } else if (isEnabled.rc === 1) {
    if (wish.scope === 'system' && initScript && !isEnabled.out.trim().endsWith('disabled') && sysvEnabled) enabled = true;
  }
  if (enabled === want) return { enabled };
  if (!want && enabledWord(isEnabled) === 'static') {
    return {
      enabled,
      warning: `unit ${wish.name} is static (it has no [Install] section): there is nothing to disable, enabled: false changes nothing`,
    };
  }
  return { enabled, verb: want ? 'enable' : 'disable' };
}

const isRunning = (s: Record<string, string>) => s.ActiveState === 'active' || s.ActiveState === 'activating';

/**
 * Plan a unit's changes from its probe: Ansible's semantics, failing before any change where
 * Ansible would fail half-way (a missing unit, starting a unit that is or becomes masked).
 */
export function planUnit(wish: UnitWish, p: UnitProbe): UnitPlan {
  const name = wish.name;
  checkUnitName(name);
  const facts = unitFacts(name, p, wish.scope);
  const { status, found } = facts;
  const verbs: UnitVerb[] = [];
  const warnings: string[] = [];
  const result: Record<string, unknown> = { name, status };
  const before: Record<string, unknown> = {};
  const after: Record<string, unknown> = {};

  if (facts.isInitd && !facts.isSystemd) {
    warnings.push(`The service (${name}) is actually an init script but the system is managed by systemd`);
  }

  // Masked: systemd's word is is-enabled saying "masked" (a unit can be masked before it exists).
  const maskedNow = enabledWord(p.isEnabled) === 'masked';
  let maskedAtStart = maskedNow || status.LoadState === 'masked';
  if (wish.masked != null) {
    maskedAtStart = wish.masked;
    if (maskedNow !== wish.masked) {
      verbs.push(wish.masked ? 'mask' : 'unmask');
      before.masked = maskedNow;
      after.masked = wish.masked;
    }
  }

  if (wish.enabled != null) {
    if (!found) throw missingUnit(name);
    if (wish.enabled && wish.masked === true) {
      // Ansible masks, then `systemctl enable` fails on the masked unit: say so before changing anything.
      throw new ModuleFailure(`Unable to enable service ${name}: a masked unit cannot be enabled (masked: true with enabled: true)`);
    }
    // Once masked, is-enabled answers "masked" (rc 1), whatever links the unit had.
    if (!p.isEnabled && !verbs.includes('mask')) throw new Error(`the probe of ${name} did not ask is-enabled`);
    const answer = verbs.includes('mask') ? { rc: 1, out: 'masked' } : p.isEnabled!;
    const d = enableDecision(wish.enabled, answer, wish, p.initScript, p.sysvEnabled);
    if (d.warning) warnings.push(d.warning);
    result.enabled = d.verb ? !d.enabled : d.enabled;
    if (d.verb) {
      verbs.push(d.verb);
      before.enabled = d.enabled;
      after.enabled = wish.enabled;
    }
  }

  if (wish.state != null) {
    if (!found) throw missingUnit(name);
    result.state = wish.state;
    if ('ActiveState' in status) {
      let verb: StateVerb | undefined;
      if (wish.state === 'started') {
        if (!isRunning(status)) verb = 'start';
      } else if (wish.state === 'stopped') {
        if (isRunning(status) || status.ActiveState === 'deactivating') verb = 'stop';
      } else {
        verb = !isRunning(status) ? 'start' : wish.state === 'restarted' ? 'restart' : 'reload';
        result.state = 'started';
      }
      if (verb && verb !== 'stop' && maskedAtStart) {
        // What `systemctl start` answers, said before anything was changed (Ansible masks, enables, then fails).
        const id = status.Id || name;
        throw new ModuleFailure(`Unable to ${verb} service ${name}: Failed to ${verb} ${id}: Unit ${id} is masked.`, { name, status });
      }
      if (verb) {
        verbs.push(verb);
        before.state = status.ActiveState;
        after.state = verb === 'stop' ? 'inactive' : verb === 'start' ? 'active' : `active (${wish.state})`;
      }
    } else if (p.chroot || p.offline) {
      warnings.push('Target is a chroot or systemd is offline. This can lead to false positives or prevent the init system tools from working.');
    } else {
      throw new ModuleFailure('Service is in unknown state', { status });
    }
  }

  const plan: UnitPlan = { verbs, facts, result, warnings };
  if (verbs.length) plan.diff = dictDiff(status.Id || name, before, after);
  return plan;
}
