/**
 * A small getopt for the option tables of options-spec.ts: long options (`--name value`,
 * `--name=value`), short clusters (`-bK`, `-vvv`, `-ihosts`, `-e@vars.yml`), `--` ending
 * options, options mixed with positionals. Errors are OptionsError (exit 5) with a
 * did-you-mean for long names.
 */
import { OptionsError } from '../errors.js';
import { didYouMean } from '../util/suggest.js';
import { UNSUPPORTED_OPTIONS, type OptionSpec } from './options-spec.js';

export type OptionValue = boolean | number | string | string[];

export interface ParsedOptions {
  /** By spec key: true for flags, a count, the last value, or every value in order. */
  values: Record<string, OptionValue>;
  positionals: string[];
}

/** How an option is named in messages: `-i/--inventory`. */
export function optionName(spec: OptionSpec): string {
  return [spec.short ? `-${spec.short}` : undefined, spec.long[0]].filter(Boolean).join('/');
}

/** Does `arg` look like an option rather than a value? (`-` alone and negative numbers do not.) */
function looksLikeOption(arg: string): boolean {
  return arg.length > 1 && arg.startsWith('-') && !/^-\d/.test(arg);
}

function unknown(arg: string, specs: OptionSpec[], program: string): OptionsError {
  const name = arg.split('=')[0]!;
  if (UNSUPPORTED_OPTIONS.has(name)) {
    return new OptionsError(`option '${name}' is not supported by ${program}`, {
      details: [`run '${program} --help' to see the supported options`],
    });
  }
  const longs = specs.flatMap((s) => s.long);
  // '-list-hosts' written with one dash.
  if (!name.startsWith('--') && name.length > 2 && longs.includes(`-${name}`)) {
    return new OptionsError(`unrecognized option '${name}', did you mean '-${name}'?`);
  }
  const hint = name.startsWith('--') ? didYouMean(name, longs) : '';
  return new OptionsError(`unrecognized option '${name}'${hint}`, { details: [`run '${program} --help' to see the options`] });
}

/** Parse `argv` against `specs`. `program` names the command in messages. */
export function parseOptions(argv: readonly string[], specs: OptionSpec[], program: string): ParsedOptions {
  const values: Record<string, OptionValue> = {};
  const positionals: string[] = [];
  const byLong = new Map<string, OptionSpec>();
  const byShort = new Map<string, OptionSpec>();
  for (const s of specs) {
    for (const l of s.long) byLong.set(l, s);
    if (s.short) byShort.set(s.short, s);
  }

  const set = (spec: OptionSpec, value?: string): void => {
    switch (spec.kind) {
      case 'flag': values[spec.key] = true; break;
      case 'count': values[spec.key] = ((values[spec.key] as number | undefined) ?? 0) + 1; break;
      case 'value': values[spec.key] = value!; break;
      case 'list': values[spec.key] = [...((values[spec.key] as string[] | undefined) ?? []), value!]; break;
    }
  };
  const takesValue = (spec: OptionSpec): boolean => spec.kind === 'value' || spec.kind === 'list';
  const missing = (spec: OptionSpec): OptionsError =>
    new OptionsError(`option ${optionName(spec)} needs a value (${spec.metavar ?? 'VALUE'})`);

  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') { positionals.push(...argv.slice(i + 1)); break; }
    if (arg.startsWith('--')) {
      const eq = arg.indexOf('=');
      const name = eq === -1 ? arg : arg.slice(0, eq);
      const spec = byLong.get(name);
      if (!spec) throw unknown(arg, specs, program);
      if (!takesValue(spec)) {
        if (eq !== -1) throw new OptionsError(`option ${name} does not take a value`);
        set(spec);
        continue;
      }
      if (eq !== -1) { set(spec, arg.slice(eq + 1)); continue; }
      const next = argv[i + 1];
      if (next === undefined || looksLikeOption(next)) throw missing(spec);
      set(spec, next);
      i++;
      continue;
    }
    if (looksLikeOption(arg)) {
      // '-check' is more likely a typo of '--check' than '-c heck'.
      if (arg.length > 2 && byLong.has(`-${arg}`)) throw unknown(arg, specs, program);
      for (let j = 1; j < arg.length; j++) {
        const spec = byShort.get(arg[j]!);
        if (!spec) {
          throw unknown(`-${arg[j]}`, specs, program);
        }
        if (!takesValue(spec)) { set(spec); continue; }
        const rest = arg.slice(j + 1);
        if (rest !== '') { set(spec, rest); break; }
        const next = argv[i + 1];
        if (next === undefined || looksLikeOption(next)) throw missing(spec);
        set(spec, next);
        i++;
        break;
      }
      continue;
    }
    positionals.push(arg);
  }
  return { values, positionals };
}

/**
 * Is the option `key` anywhere on the line? Used for --help and --version, which answer
 * whatever else is on the line (as argparse does); values of other options are skipped.
 */
export function hasOption(argv: readonly string[], specs: OptionSpec[], key: string): boolean {
  const target = specs.find((s) => s.key === key);
  if (!target) return false;
  const takesValue = (s: OptionSpec | undefined): boolean => s?.kind === 'value' || s?.kind === 'list';
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--') break;
    if (a.startsWith('--')) {
      const name = a.split('=')[0]!;
      if (target.long.includes(name)) return true;
      if (takesValue(specs.find((s) => s.long.includes(name))) && !a.includes('=')) i++;
      continue;
    }
    if (!looksLikeOption(a)) continue;
    for (let j = 1; j < a.length; j++) {
      if (a[j] === target.short) return true;
      const s = specs.find((x) => x.short === a[j]);
      if (!s) break;
      if (takesValue(s)) { if (j === a.length - 1) i++; break; }
    }
  }
  return false;
}
