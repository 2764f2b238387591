/**
 * The ssh command-line arguments an inventory may carry (ansible_ssh_args,
 * ansible_ssh_common_args, ansible_ssh_extra_args), read the way ssh reads them: `-o Key=Value`
 * and the short options that set a config keyword (-i, -p, -l, -J, -F). Options that only
 * matter to the ssh binary (-C, -q, -v, -t, ControlMaster...) are accepted and ignored.
 */
import { ConnectionError } from '../../errors.js';
import { shlexSplit } from '../../inventory/shlex.js';
import type { OptionSet } from './option-set.js';

/** Short options of ssh(1) that take an argument. */
const WITH_ARG = new Set('BbcDEeFIiJLlmOoPpQRSWw'.split(''));
/** Short options mapped onto config keywords. */
const KEYWORD_OF: Record<string, string> = { i: 'identityfile', p: 'port', l: 'user', J: 'proxyjump' };

export interface ParsedSshArgs {
  /** `-F file`: replaces ~/.ssh/config and the system config, as in ssh. */
  configFile?: string;
}

/**
 * Split an `-o` value: `Key=Value`, `Key Value` or `Key = Value`.
 */
function splitOption(text: string): [string, string] | undefined {
  const m = /^\s*([A-Za-z][A-Za-z0-9]*)\s*(?:=\s*|\s+)(.*?)\s*$/.exec(text);
  return m ? [m[1]!, m[2]!] : undefined;
}

/** Arguments of a keyword's value: whitespace separated (UserKnownHostsFile takes several). */
function valueWords(value: string): string[] {
  return value.split(/\s+/).filter(Boolean);
}

/**
 * Add the options in `text` (one of the ansible_ssh_*_args strings) to `options`.
 * @param label the variable name, for messages and option sources
 * @throws ConnectionError for text that cannot be split or an option missing its value
 */
export function applySshArgs(text: string, label: string, host: string, options: OptionSet): ParsedSshArgs {
  let argv: string[];
  try {
    argv = shlexSplit(text, false);
  } catch (e) {
    throw new ConnectionError(host, `cannot parse ${label} '${text}': ${(e as Error).message}`);
  }
  const out: ParsedSshArgs = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (!a.startsWith('-') || a.length < 2) continue; // a stray word: ssh would take it as the host
    for (let j = 1; j < a.length; j++) {
      const flag = a[j]!;
      if (!WITH_ARG.has(flag)) continue;
      let value = a.slice(j + 1);
      if (value === '') {
        const next = argv[++i];
        if (next === undefined) throw new ConnectionError(host, `${label}: option -${flag} needs a value`);
        value = next;
      }
      if (flag === 'o') {
        const kv = splitOption(value);
        if (!kv) throw new ConnectionError(host, `${label}: cannot read option '-o ${value}' (expected Key=Value)`);
        // ProxyCommand's value is a whole shell command; other keywords take words.
        options.add(kv[0], kv[0].toLowerCase() === 'proxycommand' ? [kv[1]] : valueWords(kv[1]), label);
      } else if (flag === 'F') {
        out.configFile ??= value;
      } else if (KEYWORD_OF[flag]) {
        options.add(KEYWORD_OF[flag]!, [value], label);
      }
      break; // the rest of this word was the value
    }
  }
  return out;
}
