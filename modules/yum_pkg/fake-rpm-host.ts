/**
 * Test double of an RPM host for yum_pkg's unit tests: an rpm database answering the
 * module's one query (`rpm -q --qf`, `rpm -qa`), and dnf runs answered from a script of
 * recorded dnf 4 outputs. Every dnf command line is recorded, so tests prove which runs
 * happen (none at all on an unchanged host).
 */
import { fakeContext, type FakeContext, type FakeOptions } from '../../test/helpers/fake-context.js';
import { shlexSplit } from '../_shared/shlex.js';
import type { InstalledPackage } from './installed.js';

export interface DnfAnswer {
  /** Substring or regex of the dnf command line. */
  match: string | RegExp;
  rc?: number;
  stdout?: string;
  stderr?: string;
  /** Packages installed (NEVRA) / removed (name) when this run happens. */
  installs?: string[];
  removes?: string[];
}

export interface FakeRpmHost extends FakeContext {
  rpmdb: InstalledPackage[];
  /** dnf/yum command lines run, in order. */
  dnfRuns: string[];
}

/** Parse name-[e:]v-r.arch. */
export function pkg(nevra: string): InstalledPackage {
  const m = /^(.+)-(?:(\d+):)?([^-]+)-([^-]+)\.([^.]+)$/.exec(nevra);
  if (!m) throw new Error(`bad nevra ${nevra}`);
  return { name: m[1]!, epoch: Number(m[2] ?? 0), version: m[3]!, release: m[4]!, arch: m[5]! };
}

function line(p: InstalledPackage, prefix = 'P'): string {
  return [prefix, p.name, p.epoch, p.version, p.release, p.arch].join('\t');
}

/** A host with these packages installed and these dnf answers. */
export function rpmHost(installed: string[], dnf: DnfAnswer[] = [], o: FakeOptions & { backends?: string[]; files?: Record<string, string>; rpmFiles?: Record<string, string> } = {}): FakeRpmHost {
  const backends = o.backends ?? ['dnf', 'yum'];
  let host!: FakeRpmHost;
  const ctx = fakeContext({
    ...o,
    commands: [
      {
        match: /command -v dnf/,
        respond: (cmd) => {
          const out = [...backends.map((b) => `B:${b}`), 'B:rpm'];
          const q = /rpm(?: --root \S+)? -q --qf '[^']*' (.*?)(?:;|\) 2>&1|$)/.exec(cmd);
          if (/rpm(?: --root \S+)? -qa --qf/.test(cmd)) out.push(...host.rpmdb.map((p) => line(p)));
          else if (q) {
            for (const n of shlexSplit(q[1]!)) {
              const hits = host.rpmdb.filter((p) => p.name === n || `${p.name}-${p.version}` === n || `${p.name}-${p.version}-${p.release}` === n);
              if (hits.length) out.push(...hits.map((p) => line(p)));
              else out.push(`package ${n} is not installed`);
            }
          }
          for (const m of cmd.matchAll(/rpm -qp --qf 'F(\d+)[^']*' ([^\s;]+)/g)) {
            const path = shlexSplit(m[2]!)[0]!;
            const nevra = o.rpmFiles?.[path];
            out.push(nevra ? line(pkg(nevra), `F${m[1]}`) : `error: open of ${path} failed: No such file or directory`);
            // n=$(rpm -qp --qf '%{NAME}' path) && rpm -q "$n"
            if (nevra) out.push(...host.rpmdb.filter((p) => p.name === pkg(nevra).name).map((p) => line(p)));
          }
          return { stdout: out.join('\n') + '\n' };
        },
      },
      {
        match: /^LC_ALL=C rpm -q --qf/,
        respond: (cmd) => {
          const names = shlexSplit(cmd.replace(/^LC_ALL=C rpm -q --qf '[^']*' /, ''));
          return { stdout: names.flatMap((n) => host.rpmdb.filter((p) => p.name === n).map((p) => line(p))).join('\n') + '\n' };
        },
      },
      {
        match: /^LC_ALL=C LANG=C (dnf|yum) /,
        respond: (cmd) => {
          host.dnfRuns.push(cmd);
          const a = dnf.find((x) => (typeof x.match === 'string' ? cmd.includes(x.match) : x.match.test(cmd)));
          if (!a) throw new Error(`fake rpm host: no dnf answer for ${cmd}`);
          if ((a.rc ?? 0) === 0 && !cmd.includes('--assumeno')) {
            for (const r of a.removes ?? []) host.rpmdb = host.rpmdb.filter((p) => p.name !== r);
            for (const n of a.installs ?? []) {
              const p = pkg(n);
              host.rpmdb = [...host.rpmdb.filter((x) => x.name !== p.name), p];
            }
          }
          return { rc: a.rc ?? 0, stdout: a.stdout ?? '', stderr: a.stderr ?? '' };
        },
      },
      {
        match: /^for f in /,
        respond: () => ({
          stdout: Object.entries(o.files ?? {}).map(([f, t]) => `@@FILE ${f}\n${t}\n`).join(''),
        }),
      },
    ],
  }) as FakeRpmHost;
  host = ctx;
  host.rpmdb = installed.map(pkg);
  host.dnfRuns = [];
  return host;
}
