/**
 * Builds gathering-script output from a few files, for parser tests that need one detail.
 */
export interface FakeHost {
  files?: Record<string, string>;
  exists?: string[];
  commands?: string[];
  /** The uname section's line; null: no uname section (the script read /proc/sys/kernel). */
  uname?: string | null;
  sections?: Record<string, string>;
}

export function fakeOutput(h: FakeHost): string {
  const out: string[] = ['@@k8splay:begin 1', '@@k8splay:flags'];
  for (const c of h.commands ?? []) out.push(`c ${c}`);
  for (const e of h.exists ?? []) out.push(`e ${e}`);
  if (h.uname !== null) out.push('@@k8splay:uname', h.uname ?? 'Linux host 5.14.0 #1 SMP x86_64');
  out.push('@@k8splay:files');
  for (const [p, c] of Object.entries(h.files ?? {})) out.push(`==> ${p} <==`, c.replace(/\n$/, ''), '');
  for (const [name, body] of Object.entries(h.sections ?? {})) out.push(`@@k8splay:${name}`, body);
  out.push('@@k8splay:end', '');
  return out.join('\n');
}
