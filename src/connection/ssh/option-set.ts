/**
 * OpenSSH's option model: options come from the command line first, then the user's config,
 * then the system config, and the FIRST value obtained for a keyword wins (IdentityFile and a
 * few others accumulate instead). Every source of ssh settings (inventory vars, ssh args,
 * config files) feeds one OptionSet in that order.
 */

/** Keywords whose every occurrence is kept, in order (OpenSSH's "may be given more than once"). */
const ACCUMULATING = new Set(['identityfile', 'certificatefile', 'sendenv', 'setenv']);

export interface OptionValue {
  /** The keyword's arguments, as written (tokens not yet expanded). */
  args: string[];
  /** Where it came from, for messages: "~/.ssh/config:12", "ansible_ssh_common_args". */
  source: string;
  /** Position among all values added (ssh: of ProxyJump and ProxyCommand, the first wins). */
  order: number;
}

export class OptionSet {
  private readonly first = new Map<string, OptionValue>();
  private readonly multi = new Map<string, OptionValue[]>();
  private count = 0;

  /** Record `keyword args` unless the keyword already has a value (accumulating ones append). */
  add(keyword: string, args: string[], source: string): void {
    const k = keyword.toLowerCase();
    const order = this.count++;
    if (ACCUMULATING.has(k)) {
      const list = this.multi.get(k) ?? [];
      list.push({ args, source, order });
      this.multi.set(k, list);
    } else if (!this.first.has(k)) {
      this.first.set(k, { args, source, order });
    }
  }

  /** True when the keyword has a value (from any source). */
  has(keyword: string): boolean {
    const k = keyword.toLowerCase();
    return this.first.has(k) || this.multi.has(k);
  }

  /** The winning value's first argument. */
  get(keyword: string): string | undefined {
    return this.first.get(keyword.toLowerCase())?.args[0];
  }

  /** The winning value with its source. */
  entry(keyword: string): OptionValue | undefined {
    return this.first.get(keyword.toLowerCase());
  }

  /** Every value of an accumulating keyword, in the order obtained. */
  all(keyword: string): OptionValue[] {
    return this.multi.get(keyword.toLowerCase()) ?? [];
  }
}

/** OpenSSH's yes/no values ("yes", "true", "no", "false"); undefined for anything else. */
export function yesNo(v: string | undefined): boolean | undefined {
  if (v === undefined) return undefined;
  const s = v.toLowerCase();
  if (s === 'yes' || s === 'true') return true;
  if (s === 'no' || s === 'false') return false;
  return undefined;
}
