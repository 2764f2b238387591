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
  /**
   * `systemctl is-enabled -l <unit>` (stdout, rc). Asked only when the task needs it
   * (enabled or masked given, as Ansible asks it) or `show` could not answer.
   */
  isEnabled?: Answer;
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

/** Unit types: a name without one of these suffixes means NAME.service (systemd's mangling). */
const UNIT_SUFFIX = /\.(service|socket|device|mount|automount|swap|target|path|timer|slice|scope)$/;

/** The unit's id as `show` reports it (Id=), for plain names; undefined for anything else. */
export function unitId(unit: string): string | undefined {
  if (!/^[A-Za-z0-9:_.@-]+$/.test(unit)) return undefined;
  return UNIT_SUFFIX.test(unit) ? unit : `${unit}.service`;
}

/**
 * Shell text setting k8sp_ie=1 when the links on disk prove what `is-enabled` would answer
 * "enabled" (rc 0), so it need not run: `show` says Id=<the unit itself> (not an alias) and
 * UnitFileState=enabled, and one of the targets of its WantedBy=/RequiredBy= has the unit's
 * link in /etc/systemd/system/<target>.wants (.requires). show's UnitFileState is what
 * systemd cached at its last load (a link removed by hand since then leaves it "enabled"):
 * the link test is what catches that. Nothing else may stand at the unit's own name in
 * /etc or /run/systemd/system (a mask, a linked or runtime unit): then is-enabled answers.
 */
function enabledFromLinks(id: string, quote: Quote): string {
  const q = quote(id);
  return [
    // show's lines, one by one (a `\${so#*...}` over its ~10 kB costs dash quadratic time).
    `k8sp_ie= k8sp_id= k8sp_st= k8sp_wb= k8sp_rb=`,
    `set -f; IFS='`,
    `'`,
    `for k8sp_l in $so; do`,
    `  case $k8sp_l in`,
    `    Id=*) k8sp_id=\${k8sp_l#Id=} ;;`,
    `    UnitFileState=*) k8sp_st=\${k8sp_l#UnitFileState=} ;;`,
    `    WantedBy=*) k8sp_wb=\${k8sp_l#WantedBy=} ;;`,
    `    RequiredBy=*) k8sp_rb=\${k8sp_l#RequiredBy=} ;;`,
    `  esac`,
    `done`,
    `unset IFS`,
    `if [ "$k8sp_id" = ${q} ] && [ "$k8sp_st" = enabled ]; then`,
    `  for k8sp_x in $k8sp_wb; do [ -e "/etc/systemd/system/$k8sp_x.wants/"${q} ] && k8sp_ie=1; done`,
    `  for k8sp_x in $k8sp_rb; do [ -e "/etc/systemd/system/$k8sp_x.requires/"${q} ] && k8sp_ie=1; done`,
    `  for k8sp_x in /etc/systemd/system/${q} /run/systemd/system/${q}; do if [ -e "$k8sp_x" ] || [ -L "$k8sp_x" ]; then k8sp_ie=; fi; done`,
    `fi`,
    `set +f`,
  ].join('\n');
}

/**
 * The probe: runs `show` and, when the task needs it, `is-enabled` (one process each), tests
 * the sysv script and links with shell builtins, and only when `show` could not answer runs
 * Ansible's fallbacks. For a system unit that `show` and the links on disk prove enabled,
 * is-enabled's answer is known without running it (see enabledFromLinks). Each answer is
 * printed after a marker line `@@k8splay-systemd <key> <rc>`. It sets variables in the shell
 * of its ctx.run, which is a subshell of its own on the host, so it needs none of its own.
 */
export function probeCommand(unit: string, o: SystemctlOptions, quote: Quote, needEnabled = true): string {
  const sc = systemctlPrefix(o);
  const out = (key: string) => `printf '${MARK}${key} %s\\n%s\\n' "$r" "$o"`;
  const script = sysvScript(unit);
  const isEnabled = `o=$(${sc} is-enabled -l -- "$u" 2>/dev/null); r=$?; ${out('is-enabled')}`;
  const id = o.scope === 'system' && needEnabled ? unitId(unit) : undefined;
  const askEnabled = needEnabled ? isEnabled : `if [ "$sr" -ne 0 ] || [ "\${so#*=}" = "$so" ]; then ${isEnabled}; fi`;
  return [
    `u=${quote(unit)}`,
    `o=$(${sc} show --no-pager -- "$u"); r=$?; sr=$r; so=$o; ${out('show')}`,
    `s=${quote(script)}; k8sp_is=`,
    `if [ -e "$s" ] || [ -L "$s" ]; then echo '${MARK}init-script 0'; k8sp_is=1`,
    // Ansible's sysv_is_enabled: /etc/rc?.d, or /etc/init.d/rc?.d where /etc/rc0.d is missing.
    `  if [ -d /etc/rc0.d/ ]; then d=/etc; else d=/etc/init.d; fi`,
    `  for f in "$d"/rc?.d/S??"$u"; do if [ -e "$f" ] || [ -L "$f" ]; then echo '${MARK}sysv-enabled 0'; break; fi; done`,
    `fi`,
    ...(id
      ? [
        // An init script brings systemd-sysv-install into is-enabled's answer: ask it then.
        `k8sp_ie=; if [ "$sr" -eq 0 ] && [ -z "$k8sp_is" ]; then`,
        enabledFromLinks(id, quote),
        `fi`,
        `if [ -n "$k8sp_ie" ]; then r=0; o=enabled; ${out('is-enabled')}; else ${askEnabled}; fi`,
      ]
      : [askEnabled]),
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
    `true`,
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
  if (!show) throw new Error(`unexpected output while reading the unit's state: ${stdout.slice(0, 200)}${stderr ? `\n${stderr}` : ''}`);
  const probe: UnitProbe = {
    show: { ...show, err: stderr },
    initScript: answers.has('init-script'),
    sysvEnabled: answers.has('sysv-enabled'),
  };
  if (isEnabled) probe.isEnabled = isEnabled;
  const optional = [['list-unit-files', 'listUnitFiles'], ['list-unit-files-search', 'listUnitFilesSearch'], ['is-active', 'isActive'], ['systemctl', 'systemctl']] as const;
  for (const [k, field] of optional) {
    const a = answers.get(k);
    if (a) probe[field] = a;
  }
  if (answers.has('chroot')) probe.chroot = true;
  if (answers.has('offline')) probe.offline = true;
  return probe;
}
