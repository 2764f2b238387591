/**
 * Test double of a Linux host for the sysctl module's unit tests: a /proc/sys map, files in the
 * fake context, and scripted `sysctl -w`, `sysctl -p` and `modprobe` that behave like procps
 * (including "Invalid argument" printed with exit status 0, RHBZ#1264080).
 */
import { fakeContext, type FakeContext, type FakeOptions } from '../../test/helpers/fake-context.js';
import { shlexSplit } from '../_shared/shlex.js';
import { answerSections, sectionCommands } from '../_shared/read-sections.js';
import { parseConf } from './conf.js';
import { bareKey, procPath } from './keys.js';

export interface FakeSysctlHost {
  /** /proc/sys-relative path -> value; null: the entry exists but cannot be read. */
  proc: Map<string, string | null>;
  /** Keys whose writes the kernel refuses. */
  invalid: Set<string>;
  /** Read-only keys (container /proc/sys). */
  readOnly: Set<string>;
  /** Modules modprobe can load, with the entries (path -> default value) they bring. */
  modules: Record<string, Record<string, string>>;
  /** modprobe fails with this stderr. */
  modprobeError?: string;
  /** Exit status the fake sysctl gives for an invalid value (procps bug: 0). */
  invalidRc: number;
}

export interface FakeSysctlOptions extends FakeOptions {
  proc?: Record<string, string | null>;
  invalid?: string[];
  readOnly?: string[];
  modules?: Record<string, Record<string, string>>;
  modprobeError?: string;
  invalidRc?: number;
  /** Directories that exist (default: /etc, /etc/sysctl.d). */
  dirs?: string[];
}

/** The first path word of a `[ -X PATH ]` test in a command. */
function testedPath(command: string, flag: string): string {
  const m = new RegExp(`\\[ -${flag} ((?:'[^']*'|\\\\.|[^\\s\\]])+) \\]`).exec(command);
  if (!m) throw new Error(`fake sysctl host: no [ -${flag} ... ] in ${command}`);
  return shlexSplit(m[1]!)[0]!;
}

/** Answer one section of a sections script. */
function answer(name: string, command: string, ctx: FakeContext, h: FakeSysctlHost, dirs: Set<string>): string {
  switch (name) {
    case 'live': {
      const p = testedPath(command, 'd').replace(/^\/proc\/sys\//, '');
      if ([...h.proc.keys()].some((k) => k.startsWith(`${p}/`))) return 'D';
      if (!h.proc.has(p)) return 'N';
      const v = h.proc.get(p);
      return v === null ? 'U' : `V${v}`;
    }
    case 'file': {
      const p = testedPath(command, 'f');
      const f = ctx.files.get(p);
      if (!f) return 'N';
      if (f.type === 'directory') return 'D';
      return `F${f.content?.toString() ?? ''}`;
    }
    case 'dir': {
      const p = testedPath(command, 'd');
      return dirs.has(p) || ctx.files.get(p)?.type === 'directory' ? 'Y' : 'N';
    }
    case 'bridge':
      return [...h.proc.keys()].some((k) => k.startsWith('net/bridge/')) ? 'Y' : 'N';
    default:
      throw new Error(`fake sysctl host: unknown section ${name}`);
  }
}

function setKey(h: FakeSysctlHost, key: string, value: string, ignore: boolean): { out: string; err: string; rc: number } {
  const p = procPath(key);
  if (!h.proc.has(p)) return ignore ? { out: '', err: '', rc: 0 } : { out: '', err: `sysctl: cannot stat /proc/sys/${p}: No such file or directory\n`, rc: 255 };
  if (h.readOnly.has(p)) return { out: '', err: `sysctl: permission denied on key "${key}"\n`, rc: 255 };
  if (h.invalid.has(p)) return { out: '', err: `sysctl: setting key "${key}": Invalid argument\n`, rc: h.invalidRc };
  h.proc.set(p, value.split(/\s+/).join('\t'));
  return { out: `${key} = ${value}\n`, err: '', rc: 0 };
}

/** A fake context whose commands act on a fake /proc/sys. */
export function fakeSysctlHost(o: FakeSysctlOptions = {}): { ctx: FakeContext; host: FakeSysctlHost } {
  const h: FakeSysctlHost = {
    proc: new Map(Object.entries(o.proc ?? {})),
    invalid: new Set(o.invalid ?? []),
    readOnly: new Set(o.readOnly ?? []),
    modules: o.modules ?? {},
    invalidRc: o.invalidRc ?? 0,
    ...(o.modprobeError ? { modprobeError: o.modprobeError } : {}),
  };
  const dirs = new Set(o.dirs ?? ['/etc', '/etc/sysctl.d']);
  const ctx = fakeContext({
    ...o,
    commands: [
      ...(o.commands ?? []),
      {
        // modules/_shared/read-sections.ts: "printf '%s\n' '@@NONCE name@@'; { COMMAND\n} 2>/dev/null; ..."
        match: /^printf '%s\\n' '@@[0-9a-f]+ /,
        respond: (cmd, _opts, c) => {
          const answers: Record<string, string> = {};
          for (const [name, command] of Object.entries(sectionCommands(cmd))) answers[name] = answer(name, command, c, h, dirs);
          return { stdout: answerSections(cmd, answers) };
        },
      },
      {
        match: /^LC_ALL=C LANG=C LC_MESSAGES=C sysctl /,
        respond: (cmd, _opts, c) => {
          const w = shlexSplit(cmd).slice(4);
          const ignore = w[0] === '-e';
          if (ignore) w.shift();
          if (w[0] === '-w') {
            const [k, ...v] = w[1]!.split('=');
            const r = setKey(h, k!, v.join('='), ignore);
            return { rc: r.rc, stdout: r.out, stderr: r.err };
          }
          if (w[0] === '-p') {
            const text = c.text(w[1]!);
            if (text === undefined) return { rc: 255, stderr: `sysctl: cannot open "${w[1]}": No such file or directory\n` };
            let rc = 0; let out = ''; let err = '';
            for (const e of parseConf(text).entries) {
              const r = setKey(h, bareKey(e.key), e.value, ignore || e.key.startsWith('-'));
              out += r.out; err += r.err;
              if (r.rc !== 0) rc = r.rc;
            }
            return { rc, stdout: out, stderr: err };
          }
          throw new Error(`fake sysctl: unexpected ${cmd}`);
        },
      },
      {
        match: /^modprobe -- /,
        respond: (cmd) => {
          if (h.modprobeError) return { rc: 1, stderr: h.modprobeError };
          const mod = shlexSplit(cmd)[2]!.replace(/;$/, '');
          const entries = h.modules[mod];
          if (!entries) return { rc: 1, stderr: `modprobe: FATAL: Module ${mod} not found in directory /lib/modules/6.1.0\n` };
          for (const [p, v] of Object.entries(entries)) if (!h.proc.has(p)) h.proc.set(p, v);
          // The command goes on to read the key (liveSectionCommand).
          const path = testedPath(cmd, 'd').replace(/^\/proc\/sys\//, '');
          if (!h.proc.has(path)) return { stdout: 'N' };
          const v = h.proc.get(path);
          return { stdout: v === null ? 'U' : `V${v}` };
        },
      },
    ],
  });
  return { ctx, host: h };
}
