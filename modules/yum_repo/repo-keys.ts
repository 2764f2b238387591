/**
 * The keys of a repository section as ansible.builtin.yum_repository writes them: every
 * given option that is a repo key, sorted by name, booleans as 1/0, `baseurl`/`gpgkey` one
 * URL per line, `exclude`/`includepkgs` space-separated, `description` as `name`.
 */

/** Options written into the section (Ansible's allowed_params). */
export const REPO_KEYS = [
  'async', 'bandwidth', 'baseurl', 'cost', 'deltarpm_metadata_percentage', 'deltarpm_percentage',
  'enabled', 'enablegroups', 'exclude', 'failovermethod', 'gpgcakey', 'gpgcheck', 'gpgkey',
  'module_hotfixes', 'http_caching', 'include', 'includepkgs', 'ip_resolve', 'keepalive', 'keepcache',
  'metadata_expire', 'metadata_expire_filter', 'metalink', 'mirrorlist', 'mirrorlist_expire', 'name',
  'password', 'priority', 'protect', 'proxy', 'proxy_password', 'proxy_username', 'repo_gpgcheck',
  'retries', 's3_enabled', 'skip_if_unavailable', 'sslcacert', 'ssl_check_cert_permissions',
  'sslclientcert', 'sslclientkey', 'sslverify', 'throttle', 'timeout', 'ui_repoid_vars', 'username',
] as const;

/** Keys whose value is a list: dnf splits them on spaces, commas and newlines. */
export const LIST_KEYS = new Set(['baseurl', 'gpgkey', 'exclude', 'includepkgs']);

/** The ordered key/value pairs of the section for these arguments (`description` is `name`). */
export function wantedKeys(args: Record<string, unknown>): Array<[string, string]> {
  const params: Record<string, unknown> = { ...args, name: args.description };
  const out: Array<[string, string]> = [];
  for (const key of [...REPO_KEYS].sort()) {
    let v = params[key];
    if (v === undefined || v === null) continue;
    if (Array.isArray(v)) v = v.map(String).join(key === 'baseurl' || key === 'gpgkey' ? '\n' : ' ');
    else if (typeof v === 'boolean') v = v ? '1' : '0';
    out.push([key, String(v)]);
  }
  return out;
}

/** dnf's reading of a list value: words split on whitespace and commas. */
function listWords(v: string): string[] {
  return v.split(/[\s,]+/).filter(Boolean);
}

/**
 * True when the value in the file already means the wanted value. List keys compare their
 * words (so `gpgkey=a b` written by hand equals a two-item list); others compare as text.
 */
export function sameValue(key: string, current: string, wanted: string): boolean {
  if (LIST_KEYS.has(key)) {
    const a = listWords(current);
    const b = listWords(wanted);
    return a.length === b.length && a.every((w, i) => w === b[i]);
  }
  return current === wanted;
}
