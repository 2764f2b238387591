/**
 * The console reporter: Ansible's default callback output (banners, `ok:`/`changed:` lines,
 * PLAY RECAP) with readable multi-line failures instead of one-line JSON. Subscribes to a
 * RunEventBus; a failure inside the reporter is reported once and never stops the run.
 */
import type { Writable } from 'node:stream';
import { basename } from 'node:path';
import type { RunEventBus } from '../events/bus.js';
import type { HostStats, PlayInfo, RunEvents, TaskInfo, TaskResult } from '../events/types.js';
import type { FileDiff } from '../module-api/types.js';
import { displayColumns, shouldColor, stringc, THEME, type ColorName } from './colors.js';
import { pyJson } from './python-json.js';
import { banner, wrap } from './text.js';
import { unifiedDiffLines } from './unified-diff.js';
import {
  debugDict, failureDetails, failureMessage, hostLabel, isDebugAction, isVerboseAlways, itemLabel, resultDict,
} from './result-format.js';

export interface ConsoleReporterOptions {
  /** Where results go. Default process.stdout. */
  out?: Writable;
  /** Where warnings go (Ansible prints them on stderr). Default process.stderr. */
  err?: Writable;
  /** -v count: 1 shows result dicts, 2 task paths, 3 indented dicts and invocations. */
  verbosity?: number;
  /** Force colour on or off; default: on for a TTY unless NO_COLOR / ANSIBLE_NOCOLOR. */
  color?: boolean;
  /** Environment read for the colour rule. Default process.env. */
  env?: NodeJS.ProcessEnv;
  /** Display width; default Ansible's (terminal width - 1, at least 79). */
  columns?: number;
  /** Show `skipping:` lines (Ansible's display_skipped_hosts). Default true. */
  displaySkippedHosts?: boolean;
  /** Show `ok:` lines (Ansible's display_ok_hosts). Default true. */
  displayOkHosts?: boolean;
}

type Listener<K extends keyof RunEvents> = (p: RunEvents[K]) => void;

export class ConsoleReporter {
  private readonly out: Writable;
  private readonly err: Writable;
  private readonly verbosity: number;
  private readonly color: boolean;
  private readonly errColor: boolean;
  private readonly columns: number;
  private readonly showSkipped: boolean;
  private readonly showOk: boolean;

  private bannerTask: TaskInfo | undefined;
  private itemsShown = new Set<string>();
  private playHadNoHosts = false;
  /** include_tasks results of the running task: file -> hosts, printed at task end. */
  private includes = new Map<string, string[]>();
  private readonly warned = new Set<string>();
  private failedOnce = false;

  constructor(opts: ConsoleReporterOptions = {}) {
    this.out = opts.out ?? process.stdout;
    this.err = opts.err ?? process.stderr;
    this.verbosity = opts.verbosity ?? 0;
    const env = opts.env ?? process.env;
    this.color = opts.color ?? shouldColor(this.out, env);
    this.errColor = opts.color ?? shouldColor(this.err, env);
    this.columns = opts.columns ?? displayColumns(this.out);
    this.showSkipped = opts.displaySkippedHosts ?? true;
    this.showOk = opts.displayOkHosts ?? true;
  }

  /** Subscribe to every event of `bus`. Returns a function that unsubscribes. */
  attach(bus: RunEventBus): () => void {
    const subs: Array<[keyof RunEvents, (p: never) => void]> = [];
    const on = <K extends keyof RunEvents>(ev: K, fn: Listener<K>): void => {
      const guarded = (p: RunEvents[K]): void => this.guard(ev, () => fn.call(this, p));
      bus.on(ev, guarded as never);
      subs.push([ev, guarded as never]);
    };
    on('run:start', this.onRunStart);
    on('play:start', this.onPlayStart);
    on('task:start', this.onTaskStart);
    on('item:result', this.onItemResult);
    on('host:result', this.onHostResult);
    on('task:end', this.onTaskEnd);
    on('play:no-hosts', this.onPlayNoHosts);
    on('warning', this.onWarning);
    on('run:end', this.onRunEnd);
    return () => { for (const [ev, fn] of subs) bus.off(ev, fn as never); };
  }

  /** Run a listener; report the first reporter failure on stderr and keep going. */
  private guard(ev: string, fn: () => void): void {
    try {
      fn();
    } catch (e) {
      if (this.failedOnce) return;
      this.failedOnce = true;
      try {
        this.err.write(`[WARNING]: the console reporter failed on '${ev}': ${(e as Error)?.message ?? String(e)}\n`);
      } catch { /* nowhere left to report */ }
    }
  }

  private write(lines: string[]): void {
    if (lines.length) this.out.write(lines.join('\n') + '\n');
  }

  private c(text: string, color: ColorName): string {
    return stringc(text, color, this.color);
  }

  // ---- events -------------------------------------------------------------------------------

  onRunStart(p: RunEvents['run:start']): void {
    if (this.verbosity > 1) this.write([banner(`PLAYBOOK: ${basename(p.playbook)}`, this.columns)]);
  }

  onPlayStart(p: RunEvents['play:start']): void {
    this.flushIncludes();
    const name = playName(p.play);
    this.write([banner(name ? `PLAY [${name}]` : 'PLAY', this.columns)]);
    this.bannerTask = undefined;
    this.playHadNoHosts = p.hosts.length === 0;
    if (this.playHadNoHosts) this.write([this.c('skipping: no hosts matched', THEME.skip)]);
  }

  onPlayNoHosts(_p: RunEvents['play:no-hosts']): void {
    if (!this.playHadNoHosts) this.write([banner('NO MORE HOSTS LEFT', this.columns)]);
  }

  onTaskStart(p: RunEvents['task:start']): void {
    this.flushIncludes();
    this.bannerTask = undefined;
    this.itemsShown.clear();
    // Ansible prints the banner at once unless ok or skipped lines are hidden.
    if (this.showSkipped && this.showOk) this.printBanner(p.task);
  }

  onItemResult(p: RunEvents['item:result']): void {
    this.itemsShown.add(p.result.host);
    this.printItem(p.task, p.result);
  }

  onHostResult(p: RunEvents['host:result']): void {
    const { task, result: r } = p;
    const items = r.items ?? [];
    if (items.length && !this.itemsShown.has(r.host)) for (const it of items) this.printItem(task, it);
    const hasItems = items.length > 0;
    if (isIncludeAction(task.action) && r.status === 'ok') {
      // Ansible prints no ok line for an include, but one `included:` line per file.
      const file = String(r.data?.include ?? r.msg ?? task.name).replace(/^included: /, '');
      const hosts = this.includes.get(file) ?? [];
      hosts.push(r.host);
      this.includes.set(file, hosts);
      return;
    }
    const ignoredFailure = r.ignored === true && r.status !== 'skipped' && r.status !== 'unreachable';

    if (r.status === 'unreachable') {
      this.ensureBanner(task);
      this.warnings(r);
      const head = `fatal: [${hostLabel(r)}]: UNREACHABLE! => ${firstLine(failureMessage(r))}`;
      this.write([this.c([head, ...failureDetails(r, { verbosity: this.verbosity })].join('\n'), THEME.unreachable)]);
      if (r.ignored) this.write([this.c('...ignoring', THEME.skip)]);
      return;
    }
    if (r.status === 'failed' || ignoredFailure) {
      this.ensureBanner(task);
      this.warnings(r);
      if (!hasItems) {
        const head = `fatal: [${hostLabel(r)}]: FAILED! => ${firstLine(failureMessage(r))}`;
        const details = failureDetails(r, { verbosity: this.verbosity, task });
        this.write([this.c([head, ...details].join('\n'), THEME.error)]);
      }
      if (r.ignored) this.write([this.c('...ignoring', THEME.skip)]);
      return;
    }
    if (r.status === 'skipped') {
      if (!this.showSkipped) return;
      this.ensureBanner(task);
      let line = `skipping: [${r.host}]`;
      if (this.verbose(task, r)) line += ` => ${this.dump(task, r)}`;
      // Check mode could not judge this task: say why on the line (k8splay's honest check mode).
      else if (r.data.check_mode_unknown === true && r.skipReason) line += ` (${r.skipReason})`;
      this.write([this.c(line, THEME.skip)]);
      return;
    }
    // ok / changed
    const changed = r.status === 'changed' || r.changed;
    if (!changed && !this.showOk) return;
    this.ensureBanner(task);
    if (changed && !hasItems) this.diffs(r.diff);
    this.warnings(r);
    if (hasItems) return;
    let line = `${changed ? 'changed' : 'ok'}: [${hostLabel(r)}]`;
    if (this.verbose(task, r)) line += ` => ${this.dump(task, r)}`;
    this.write([this.c(line, changed ? THEME.changed : THEME.ok)]);
  }

  onTaskEnd(_p: RunEvents['task:end']): void {
    this.flushIncludes();
  }

  onWarning(p: RunEvents['warning']): void {
    // Retries are progress, shown on stdout as Ansible's v2_runner_retry does.
    if (p.message.startsWith('FAILED - RETRYING: ')) {
      this.write([this.c(p.message, THEME.debug)]);
      return;
    }
    this.warn(p.host ? `${p.host}: ${p.message}` : p.message);
  }

  onRunEnd(p: RunEvents['run:end']): void {
    this.flushIncludes();
    const lines = [banner('PLAY RECAP', this.columns)];
    for (const host of Object.keys(p.stats).sort(byCodePoint)) lines.push(this.recapLine(host, p.stats[host]!));
    lines.push('');
    this.write(lines);
  }

  // ---- pieces -------------------------------------------------------------------------------

  private flushIncludes(): void {
    for (const [file, hosts] of this.includes) this.write([this.c(`included: ${file} for ${hosts.join(', ')}`, THEME.skip)]);
    this.includes.clear();
  }

  private printItem(task: TaskInfo, r: TaskResult): void {
    const label = itemLabel(r);
    if (r.status === 'skipped') {
      if (!this.showSkipped) return;
      this.ensureBanner(task);
      // Ansible's line has a trailing space here, and two spaces before " => " under -v.
      let line = `skipping: [${r.host}] => (item=${label}) `;
      if (this.verbose(task, r)) line += ` => ${this.dump(task, r)}`;
      this.write([this.c(line, THEME.skip)]);
      return;
    }
    if (r.status === 'failed' || r.status === 'unreachable') {
      this.ensureBanner(task);
      this.warnings(r);
      const head = r.status === 'failed'
        ? `failed: [${hostLabel(r)}] (item=${label}) => ${firstLine(failureMessage(r))}`
        : `fatal: [${hostLabel(r)}]: UNREACHABLE! (item=${label}) => ${firstLine(failureMessage(r))}`;
      const details = failureDetails(r, { verbosity: this.verbosity });
      this.write([this.c([head, ...details].join('\n'), r.status === 'failed' ? THEME.error : THEME.unreachable)]);
      return;
    }
    const changed = r.status === 'changed' || r.changed;
    if (!changed && !this.showOk) return;
    this.ensureBanner(task);
    if (changed) this.diffs(r.diff);
    this.warnings(r);
    let line = `${changed ? 'changed' : 'ok'}: [${hostLabel(r)}] => (item=${label})`;
    if (this.verbose(task, r)) line += ` => ${this.dump(task, r)}`;
    this.write([this.c(line, changed ? THEME.changed : THEME.ok)]);
  }

  private ensureBanner(task: TaskInfo): void {
    if (!this.bannerTask || !sameTask(this.bannerTask, task)) this.printBanner(task);
  }

  private printBanner(task: TaskInfo): void {
    const prefix = task.handler ? 'RUNNING HANDLER' : 'TASK';
    const lines = [banner(`${prefix} [${task.name.trim()}]`, this.columns)];
    if (this.verbosity >= 2 && task.location) {
      const loc = task.location;
      lines.push(this.c(`task path: ${loc.file}${loc.line !== undefined ? `:${loc.line}` : ''}`, THEME.debug));
    }
    this.write(lines);
    this.bannerTask = task;
  }

  /** Results of debug that ran are always shown; others from -v (Ansible's _run_is_verbose). */
  private verbose(task: TaskInfo, r: TaskResult): boolean {
    return this.verbosity > 0 || ((isDebugAction(task.action) || isVerboseAlways(task.action)) && r.status !== 'skipped');
  }

  private dump(task: TaskInfo, r: TaskResult): string {
    if (isDebugAction(task.action) && r.status !== 'skipped') return pyJson(debugDict(r), { indent: 4 });
    const indent = this.verbosity > 2 || isDebugAction(task.action) || isVerboseAlways(task.action) ? 4 : undefined;
    return pyJson(resultDict(r, this.verbosity), { indent });
  }

  private diffs(diffs: FileDiff[] | undefined): void {
    for (const d of diffs ?? []) {
      const lines = unifiedDiffLines(d.before ?? '', d.after ?? '', {
        fromFile: `before: ${d.beforeHeader ?? d.path}`,
        toFile: `after: ${d.afterHeader ?? d.path}`,
      });
      if (!lines.length) continue;
      const coloured = lines.map((l) =>
        l.startsWith('+') ? this.c(l, THEME.diffAdd)
          : l.startsWith('-') ? this.c(l, THEME.diffRemove)
            : l.startsWith('@@') ? this.c(l, THEME.diffLines) : l);
      // difflib output is followed by an empty line in Ansible.
      this.write([...coloured, '']);
    }
  }

  private warnings(r: TaskResult): void {
    for (const w of r.warnings ?? []) this.warn(w);
  }

  /** `[WARNING]: ...` wrapped to the display width, each distinct text once (as Ansible). */
  private warn(message: string): void {
    const text = wrap(`[WARNING]: ${message}`, this.columns).join('\n');
    if (this.warned.has(text)) return;
    this.warned.add(text);
    this.err.write(stringc(text, THEME.warn, this.errColor) + '\n');
  }

  private recapLine(host: string, s: HostStats): string {
    const col = (lead: string, n: number, color: ColorName): string => {
      const t = `${lead}=${String(n).padEnd(4)}`;
      return n !== 0 ? this.c(t, color) : t;
    };
    let h: string;
    if (this.color) {
      const hc = s.failed !== 0 || s.unreachable !== 0 ? THEME.error : s.changed !== 0 ? THEME.changed : THEME.ok;
      h = this.c(host, hc).padEnd(37);
    } else h = host.padEnd(26);
    return `${h} : ${[
      col('ok', s.ok, THEME.ok),
      col('changed', s.changed, THEME.changed),
      col('unreachable', s.unreachable, THEME.unreachable),
      col('failed', s.failed, THEME.error),
      col('skipped', s.skipped, THEME.skip),
      col('rescued', s.rescued, THEME.ok),
      col('ignored', s.ignored, THEME.warn),
    ].join(' ')}`;
  }
}

/** Create a console reporter and subscribe it to `bus`. */
export function attachConsoleReporter(bus: RunEventBus, opts: ConsoleReporterOptions = {}): ConsoleReporter {
  const r = new ConsoleReporter(opts);
  r.attach(bus);
  return r;
}

const INCLUDE_ACTIONS = new Set(['include_tasks', 'ansible.builtin.include_tasks', 'include', 'ansible.builtin.include']);

function isIncludeAction(action: string): boolean {
  return INCLUDE_ACTIONS.has(action);
}

/** Ansible shows the play's name, or its host pattern when it has none. */
function playName(play: PlayInfo): string {
  return (play.name || play.pattern || '').trim();
}

function firstLine(s: string): string {
  return s.replace(/\n+$/, '').split('\n')[0]!;
}

function sameTask(a: TaskInfo, b: TaskInfo): boolean {
  if (a === b) return true;
  return a.name === b.name && a.action === b.action && !!a.handler === !!b.handler
    && a.location?.file === b.location?.file && a.location?.line === b.location?.line && a.location?.column === b.location?.column;
}

/** Python's sorted() order for str (by code point). */
function byCodePoint(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
