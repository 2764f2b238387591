/**
 * Building systemctl command lines the way Ansible's systemd module does (scope, --no-block
 * and --force apply to every call), and the one round trip that reads a unit's state.
 */

export type Scope = 'system' | 'user' | 'global';

/** What shapes every systemctl call of a task. */
export interface SystemctlOptions {
  scope: Scope;
  no_block: boolean;
  force?: boolean;
}

type Quote = (s: string) => string;

/**
 * `systemctl [--user|--global] [--no-block] [--force]` with a C locale (messages are matched
 * in English, as Ansible runs modules under LANG=C) and, outside the system scope, Ansible's
 * default XDG_RUNTIME_DIR (/run/user/<euid>) so the user's manager can be reached.
 */
export function systemctlPrefix(o: SystemctlOptions): string {
  let env = 'LC_ALL=C ';
  if (o.scope !== 'system') env += 'XDG_RUNTIME_DIR="${XDG_RUNTIME_DIR:-/run/user/$(id -u)}" ';
  let cmd = 'systemctl';
  if (o.scope !== 'system') cmd += ` --${o.scope}`;
  if (o.no_block) cmd += ' --no-block';
  if (o.force) cmd += ' --force';
  return env + cmd;
}

/** A verb acting on one unit, e.g. `systemctl start -- 'x.service'`. */
export function unitCommand(o: SystemctlOptions, verb: string, unit: string, quote: Quote): string {
  return `${systemctlPrefix(o)} ${verb} -- ${quote(unit)}`;
}

/** A verb acting on the manager itself (daemon-reload, daemon-reexec). */
export function managerCommand(o: SystemctlOptions, verb: string): string {
  return `${systemctlPrefix(o)} ${verb}`;
}

/** Ansible's get_sysv_script: an absolute name is the script itself, else /etc/init.d/<name>. */
export function sysvScript(unit: string): string {
  return unit.startsWith('/') ? unit : `/etc/init.d/${unit}`;
}

/** The text up to and including '@' of a template instance, else the whole name (Ansible's unit_search). */
export function unitSearch(unit: string): string {
  const at = unit.indexOf('@');
  return at < 0 ? unit : unit.slice(0, at + 1);
}

/** One command's answer inside the probe's output. */
export interface Answer {
  rc: number;
  out: string;
}

/** Everything the module needs to know about a unit, read in one round trip. */
export interface UnitProbe {
  /** `systemctl show <unit>`: its stderr is the probe's only stderr. */
  show: Answer & { err: string };
  /** `systemctl is-enabled -l <unit>` (stdout, rc). */
  isEnabled: Answer;
  /** An init script exists for the name (Ansible's sysv_exists). */
  initScript: boolean;
  /** An S??<name> link exists in a runlevel directory (Ansible's sysv_is_enabled). */
  sysvEnabled: boolean;
  /** Only when `show` failed or was ignored: the fallbacks Ansible runs then. */
  listUnitFiles?: Answer;
  listUnitFilesSearch?: Answer;
  isActive?: Answer;
  /** Bare `systemctl` (its stderr): why systemctl cannot work at all. */
  systemctl?: Answer;
  /** Only when show gave no ActiveState: the target looks like a chroot / SYSTEMD_OFFLINE=1. */
  chroot?: boolean;
  offline?: boolean;
}

/** Starts each answer's line in the probe's output (exported for the test fakes). */
export const PROBE_MARK = '@@k8splay-systemd ';
const MARK = PROBE_MARK;

/**
 * The probe: a subshell that runs `show` and `is-enabled`, tests the sysv script and links
 * with shell builtins, and only when `show` could not answer runs Ansible's fallbacks.
 * Each answer is printed after a marker line `@@k8splay-systemd <key> <rc>`.
 */
export function probeCommand(unit: string, o: SystemctlOptions, quote: Quote): string {
  const sc = systemctlPrefix(o);
  const out = (key: string) => `printf '${MARK}${key} %s\\n%s\\n' "$r" "$o"`;
  const script = sysvScript(unit);
  return [
    `( u=${quote(unit)}`,
    `o=$(${sc} show --no-pager -- "$u"); r=$?; sr=$r; so=$o; ${out('show')}`,
    `o=$(${sc} is-enabled -l -- "$u" 2>/dev/null); r=$?; ${out('is-enabled')}`,
    `s=${quote(script)}`,
    `if [ -e "$s" ] || [ -L "$s" ]; then echo '${MARK}init-script 0'`,
    // Ansible's sysv_is_enabled: /etc/rc?.d, or /etc/init.d/rc?.d where /etc/rc0.d is missing.
    `  if [ -d /etc/rc0.d/ ]; then d=/etc; else d=/etc/init.d; fi`,
    `  for f in "$d"/rc?.d/S??"$u"; do if [ -e "$f" ] || [ -L "$f" ]; then echo '${MARK}sysv-enabled 0'; break; fi; done`,
    `fi`,
    // show failed, or answered without a single KEY=VALUE: Ansible's fallbacks.
    `if [ "$sr" -ne 0 ] || [ "\${so#*=}" = "$so" ]; then`,
    `  o=$(${sc} list-unit-files --no-pager -- "$u" 2>/dev/null); r=$?; ${out('list-unit-files')}`,
    `  o=$(${sc} list-unit-files --no-pager -- ${quote(`${unitSearch(unit)}*`)} 2>/dev/null); r=$?; ${out('list-unit-files-search')}`,
    `  o=$(${sc} is-active -- "$u" 2>/dev/null); r=$?; ${out('is-active')}`,
    `  o=$(${sc} 2>&1 >/dev/null); r=$?; ${out('systemctl')}`,
    `fi`,
    `case "$so" in *ActiveState=*) ;; *)`,
    `  [ "\${SYSTEMD_OFFLINE:-}" = 1 ] && echo '${MARK}offline 0'`,
    `  a=$(stat -Lc %d:%i / 2>/dev/null); b=$(stat -Lc %d:%i /proc/1/root/. 2>/dev/null)`,
    `  if [ -n "\${debian_chroot:-}" ] || { [ -n "$b" ] && [ "$a" != "$b" ]; }; then echo '${MARK}chroot 0'; fi ;;`,
    `esac`,
    `true )`,
  ].join('\n');
}

/** Parse probeCommand's stdout (and show's stderr). */
export function parseProbe(stdout: string, stderr: string): UnitProbe {
  const answers = new Map<string, Answer>();
  let key: string | undefined;
  let rc = 0;
  let body: string[] = [];
  const flush = () => {
    if (key !== undefined) {
      // printf added one newline after the command's output (whose own trailing ones $(...) removed).
      if (body.length && body[body.length - 1] === '') body.pop();
      answers.set(key, { rc, out: body.join('\n') });
    }
  };
  for (const line of stdout.split('\n')) {
    if (line.startsWith(MARK)) {
      flush();
      const [k, r] = line.slice(MARK.length).split(' ');
      key = k;
      rc = Number(r ?? 0);
      body = [];
    } else if (key !== undefined) {
      body.push(line);
    }
  }
  flush();
  const show = answers.get('show');
  const isEnabled = answers.get('is-enabled');
  if (!show || !isEnabled) throw new Error(`unexpected output while reading the unit's state: ${stdout.slice(0, 200)}${stderr ? `\n${stderr}` : ''}`);
  const probe: UnitProbe = {
    show: { ...show, err: stderr },
    isEnabled,
    initScript: answers.has('init-script'),
    sysvEnabled: answers.has('sysv-enabled'),
  };
  const optional = [['list-unit-files', 'listUnitFiles'], ['list-unit-files-search', 'listUnitFilesSearch'], ['is-active', 'isActive'], ['systemctl', 'systemctl']] as const;
  for (const [k, field] of optional) {
    const a = answers.get(k);
    if (a) probe[field] = a;
  }
  if (answers.has('chroot')) probe.chroot = true;
  if (answers.has('offline')) probe.offline = true;
  return probe;
}
