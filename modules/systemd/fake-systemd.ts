/**
 * For tests: an in-memory systemd answering the commands of the systemd module (the probe,
 * unit verbs, daemon-reload) the way systemctl 252 does, so unit tests can run a task twice
 * and see the second run change nothing.
 */
import { shlexSplit } from '../_shared/shlex.js';
import { PROBE_MARK } from './systemctl.js';

export interface FakeUnit {
  /** systemd's name for it (default: the key, with .service added when it has no suffix). */
  id?: string;
  active?: 'active' | 'inactive' | 'activating' | 'deactivating' | 'failed';
  /** is-enabled's word when not masked (enabled, disabled, static, indirect, alias...); absent: no unit file. */
  enabled?: string;
  masked?: boolean;
  /** Lines `is-enabled -l` prints under the word (the unit's links). */
  links?: string[];
  /** An init script /etc/init.d/<name> exists; linked into a runlevel. */
  initScript?: boolean;
  sysvEnabled?: boolean;
  /** `systemctl reload` works (default true). */
  reloadable?: boolean;
  /** LoadState=bad-setting with this LoadError. */
  loadError?: string;
  /** The unit file was just written: systemd sees it only after daemon-reload. */
  pending?: boolean;
  /** The unit file is in /etc/systemd/system: `systemctl mask` refuses to replace it. */
  inEtc?: boolean;
  /** `systemctl start` fails with this stderr. */
  startError?: string;
  /** Other `systemctl show` lines. */
  show?: Record<string, string>;
  /** `systemctl show` prints no ActiveState (systemd offline, chroot). */
  noActiveState?: boolean;
}

export interface FakeSystemdCommand {
  match: RegExp;
  respond: (command: string) => { rc?: number; stdout?: string; stderr?: string };
}

export interface FakeSystemd {
  units: Map<string, FakeUnit>;
  /** Every state-changing systemctl call, e.g. 'start k8sp-demo', 'daemon-reload'. */
  calls: string[];
  /** Options seen on systemctl command lines (--user, --no-block, --force). */
  flags: Set<string>;
  /** Commands for fakeContext({ commands }). */
  commands: FakeSystemdCommand[];
  /** Answer for a bare `systemctl` / a failing `show`, to simulate a host without systemd. */
  broken?: string;
  /** The probe finds / is not the root of PID 1 (a chroot). */
  chroot?: boolean;
}

const withSuffix = (n: string) => (/\.[a-z]+$/.test(n) ? n : `${n}.service`);
const RC0_WORDS = new Set(['enabled', 'enabled-runtime', 'static', 'indirect', 'alias', 'generated', 'transient']);

/** An in-memory systemd holding `units` (keyed by the name tasks use). */
export function fakeSystemd(units: Record<string, FakeUnit>): FakeSystemd {
  const sd: FakeSystemd = { units: new Map(Object.entries(units)), calls: [], flags: new Set(), commands: [] };
  const find = (name: string): FakeUnit | undefined => sd.units.get(name) ?? sd.units.get(withSuffix(name)) ?? [...sd.units.entries()].find(([k]) => withSuffix(k) === withSuffix(name))?.[1];
  const idOf = (name: string, u?: FakeUnit) => u?.id ?? withSuffix(name);
  const known = (u: FakeUnit | undefined): boolean => !!u && !u.pending && (u.enabled !== undefined || !!u.masked || u.loadError !== undefined);
  const loadState = (u: FakeUnit | undefined) => (u?.masked ? 'masked' : !known(u) ? 'not-found' : u!.loadError !== undefined ? 'bad-setting' : 'loaded');

  const isEnabled = (name: string): { rc: number; out: string } => {
    const u = find(name);
    if (u?.masked) return { rc: 1, out: 'masked' };
    if (!u || !known(u) || u.enabled === undefined) return { rc: 1, out: '' };
    return { rc: RC0_WORDS.has(u.enabled) ? 0 : 1, out: [u.enabled, ...(u.links ?? []).map((l) => `  ${l}`)].join('\n') };
  };

  const show = (name: string): string => {
    const u = find(name);
    const id = idOf(name, u);
    const ls = loadState(u);
    const lines: Record<string, string> = {
      Type: 'simple', Id: id, Names: id, Description: known(u) ? `${id} (fake)` : id, LoadState: ls,
      ActiveState: u && (known(u) || u.masked) ? (u.active ?? 'inactive') : 'inactive', SubState: 'dead',
      UnitFileState: u?.masked ? 'masked' : known(u) ? (u!.enabled ?? '') : '',
      ...(u?.show ?? {}),
    };
    if (ls === 'not-found') lines.LoadError = `org.freedesktop.systemd1.NoSuchUnit "Unit ${id} not found."`;
    if (ls === 'masked') lines.LoadError = `org.freedesktop.systemd1.UnitMasked "Unit ${id} is masked."`;
    if (ls === 'bad-setting') lines.LoadError = u!.loadError!;
    if (u?.noActiveState) delete lines.ActiveState;
    return Object.entries(lines).map(([k, v]) => `${k}=${v}`).join('\n');
  };

  const noteFlags = (cmd: string) => {
    for (const f of cmd.match(/ --(user|global|no-block|force)\b/g) ?? []) sd.flags.add(f.trim());
  };

  sd.commands.push({
    // The module's probe: "u=NAME\n...".
    match: /^u=/,
    respond: (cmd) => {
      noteFlags(cmd);
      const name = shlexSplit(cmd.slice('u='.length, cmd.indexOf('\n')))[0]!;
      // is-enabled behind `if [ "$sr" -ne 0 ] ...`: asked only when show fails.
      const askEnabled = !/then o=\$\([^\n]* is-enabled /.test(cmd);
      const u = find(name);
      const ans = (key: string, rc: number, out: string) => `${PROBE_MARK}${key} ${rc}\n${out}\n`;
      if (sd.broken) {
        return {
          stdout: ans('show', 1, '') + ans('is-enabled', 1, '') + ans('list-unit-files', 1, '') + ans('list-unit-files-search', 1, '')
            + ans('is-active', 1, '') + ans('systemctl', 1, sd.broken),
          stderr: `${sd.broken}\n`,
        };
      }
      const e = isEnabled(name);
      let out = ans('show', 0, show(name)) + (askEnabled ? ans('is-enabled', e.rc, e.out) : '');
      if (u?.initScript) out += `${PROBE_MARK}init-script 0\n` + (u.sysvEnabled ? `${PROBE_MARK}sysv-enabled 0\n` : '');
      if (u?.noActiveState && sd.chroot) out += `${PROBE_MARK}chroot 0\n`;
      return { stdout: out };
    },
  });

  sd.commands.push({
    match: /systemctl(?: --[a-z-]+)* is-enabled -l -- /,
    respond: (cmd) => {
      noteFlags(cmd);
      const name = shlexSplit(cmd.slice(cmd.indexOf(' -- ') + 4))[0]!;
      const e = isEnabled(name);
      return { rc: e.rc, stdout: e.out ? `${e.out}\n` : '' };
    },
  });

  sd.commands.push({
    match: /systemctl(?: --[a-z-]+)* (daemon-reload|daemon-reexec)$/,
    respond: (cmd) => {
      noteFlags(cmd);
      const verb = cmd.endsWith('daemon-reload') ? 'daemon-reload' : 'daemon-reexec';
      sd.calls.push(verb);
      for (const u of sd.units.values()) delete u.pending;
      return {};
    },
  });

  sd.commands.push({
    match: /systemctl(?: --[a-z-]+)* (start|stop|restart|reload|enable|disable|mask|unmask) -- /,
    respond: (cmd) => {
      noteFlags(cmd);
      const verb = /(start|stop|restart|reload|enable|disable|mask|unmask) -- /.exec(cmd)![1]!;
      const name = shlexSplit(cmd.slice(cmd.indexOf(' -- ') + 4))[0]!;
      sd.calls.push(`${verb} ${name}`);
      let u = find(name);
      const id = idOf(name, u);
      const fail = (stderr: string, rc = 1) => ({ rc, stderr: `${stderr}\n` });
      switch (verb) {
        case 'mask':
          if (u?.inEtc) return fail(`Failed to mask unit: File /etc/systemd/system/${id} already exists.`);
          if (!u) sd.units.set(name, (u = {}));
          u.masked = true;
          return { stderr: `Created symlink /etc/systemd/system/${id} → /dev/null.\n` };
        case 'unmask':
          if (u) u.masked = false;
          return { stderr: `Removed "/etc/systemd/system/${id}".\n` };
        case 'enable':
        case 'disable':
          if (u?.masked) return fail(`Failed to ${verb} unit: Unit file /lib/systemd/system/${id} is masked.`);
          if (!u || !known(u)) return fail(`Failed to ${verb} unit: Unit file ${id} does not exist.`);
          if (u.enabled === 'static') return { stdout: '' };
          u.enabled = verb === 'enable' ? 'enabled' : 'disabled';
          return {};
        default: {
          if (u?.masked && verb !== 'stop') return fail(`Failed to ${verb} ${id}: Unit ${id} is masked.`);
          if (!u || !known(u)) return fail(`Failed to ${verb} ${id}: Unit ${id} not found.`, 5);
          if (verb === 'start' && u.startError) return fail(u.startError);
          if (verb === 'reload' && u.reloadable === false) return fail(`Failed to reload ${id}: Job type reload is not applicable for unit ${id}.`);
          u.active = verb === 'stop' ? 'inactive' : 'active';
          return {};
        }
      }
    },
  });
  return sd;
}
