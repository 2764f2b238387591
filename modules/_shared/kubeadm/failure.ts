/**
 * Reading a failed `kubeadm init` / `kubeadm join`: its preflight errors and warnings
 * (`[ERROR Swap]: ...`), the error it ended with, the lines that explain it, and the message a
 * user needs (what failed, how to fix it, how to skip a check on purpose).
 */

/** One preflight check's complaint, e.g. { check: 'Swap', message: 'running with swap on ...' }. */
export interface PreflightIssue {
  /** The name --ignore-preflight-errors takes (empty for kubeadm < 1.9, which printed none). */
  check: string;
  message: string;
}

export interface KubeadmOutcome {
  preflightErrors: PreflightIssue[];
  preflightWarnings: PreflightIssue[];
  /** The error kubeadm ended with, e.g. `error execution phase preflight: couldn't validate ...`. */
  error?: string;
  /** Lines that explain it (1.13's last `[discovery] Failed to connect ...`, "timed out waiting ..."). */
  causes: string[];
}

const KLOG = /^[IWEF]\d{4} \d\d:\d\d:\d\d\.\d+\s+\d+ [^\]]+\] /;
const ISSUE = /^\s*\[(ERROR|WARNING) ([^\]]+)\]:\s?(.*)$/;

/** Parse kubeadm's output (stdout and stderr: versions differ on which one gets what). */
export function readKubeadmOutput(stdout: string, stderr: string): KubeadmOutcome {
  const all = `${stdout}\n${stderr}`.split(/\r?\n/).map((l) => l.replace(KLOG, ''));
  const o: KubeadmOutcome = { preflightErrors: [], preflightWarnings: [], causes: [] };
  let inFatal = false;
  let lastDiscovery: string | undefined;
  for (let i = 0; i < all.length; i++) {
    const line = all[i]!;
    const m = ISSUE.exec(line);
    if (m) {
      (m[1] === 'ERROR' ? o.preflightErrors : o.preflightWarnings).push({ check: m[2]!, message: m[3]!.trim() });
      continue;
    }
    if (/Some fatal errors occurred:\s*$/.test(line)) {
      inFatal = true;
      continue;
    }
    // kubeadm < 1.9 listed fatal errors without a check name, indented under the header.
    if (inFatal && /^\s+\S/.test(line)) {
      o.preflightErrors.push({ check: '', message: line.trim() });
      continue;
    }
    inFatal = false;
    if (/^\[discovery\] Failed to (connect to API Server|request cluster.info)/.test(line)) lastDiscovery = line.trim();
    if (/^Unfortunately, an error has occurred:/.test(line)) {
      for (let j = i + 1; j < all.length && all[j]!.trim(); j++) o.causes.push(all[j]!.trim());
    }
  }
  if (lastDiscovery) o.causes.push(lastDiscovery);
  o.error = finalError(all, stderr);
  return o;
}

function finalError(lines: string[], stderr: string): string | undefined {
  const last = (re: RegExp) => [...lines].reverse().find((l) => re.test(l))?.trim();
  const found = last(/^error execution phase /) ?? last(/^Error: /) ?? last(/^(error|failed|couldn't|unable|can ?not) /i);
  if (found) return found;
  // Otherwise the last stderr line that is neither a log line, a warning nor usage text.
  const err = stderr.split(/\r?\n/).map((l) => l.replace(KLOG, '').trim())
    .filter((l) => l && !ISSUE.test(l) && !/^(To see the stack trace|Usage:|Flags:|Global Flags:|-)/.test(l));
  return err[err.length - 1];
}

/** What a failed check usually means, for the checks host preparation exists for. */
const CHECK_HINTS: Array<[RegExp, string]> = [
  [/^Swap$/, 'turn swap off (swapoff -a) and remove it from /etc/fstab'],
  [/^FileContent--proc-sys-net-bridge-bridge-nf-call-ip6?tables$/, 'load br_netfilter (modprobe) and set the sysctl to 1'],
  [/^FileContent--proc-sys-net-ipv4-ip_forward$/, 'set net.ipv4.ip_forward = 1 (sysctl)'],
  [/^Port-\d+$/, 'something already listens there: often a control plane from an earlier kubeadm init (kubeadm reset -f removes it)'],
  [/^(FileAvailable|DirAvailable)--/, 'left by an earlier kubeadm init or join (kubeadm reset -f removes it)'],
  [/^(KubeletVersion|KubernetesVersion|ControlPlaneNodeVersion)$/, 'install kubelet/kubeadm/kubectl of the same version as the control plane'],
];

function hintFor(check: string): string | undefined {
  return CHECK_HINTS.find(([re]) => re.test(check))?.[1];
}

/** Hints for the usual causes of a failed join, from kubeadm's words. */
function joinHints(o: KubeadmOutcome): string[] {
  const text = [o.error ?? '', ...o.causes].join('\n');
  const hints: string[] = [];
  if (/is invalid for this cluster or it has expired|no JWS signed token|could not find a JWS signature/.test(text)) {
    hints.push('The token is wrong or has expired (tokens live 24h): use a fresh join command from the control plane (kubeadm_init returns one on every run).');
  }
  if (/are pinned|not pinned/.test(text)) {
    hints.push("discovery_token_ca_cert_hash does not match the cluster's CA: take it from the control plane's join command.");
  }
  if (/connection refused|no route to host|i\/o timeout|Client\.Timeout exceeded|context deadline exceeded/.test(text)) {
    hints.push('The API server cannot be reached from this node: check the address, that the control plane runs, and the firewall (port 6443).');
  }
  if (!hints.length && /abort connecting to API servers after timeout/.test(text)) {
    hints.push('kubeadm retried discovery until its timeout: usually a wrong or expired token, a CA hash that does not match, or an API server it cannot reach (kubeadm join --v=5 shows which).');
  }
  return hints;
}

/** The message and detail lines of a failure. */
export interface FailureText {
  message: string;
  details: string[];
}

/**
 * A readable failure for `kubeadm <verb>`: each preflight error with what usually fixes it and
 * the ignore_preflight_errors value that would skip it, or the final error with its causes.
 */
export function describeFailure(verb: 'init' | 'join', o: KubeadmOutcome, rc: number): FailureText {
  if (o.preflightErrors.length) {
    const details: string[] = [];
    for (const e of o.preflightErrors) {
      details.push(`  ${e.check ? `[ERROR ${e.check}]: ` : ''}${e.message}`);
      const hint = hintFor(e.check);
      if (hint) details.push(`      (${hint})`);
    }
    const names = o.preflightErrors.map((e) => e.check).filter(Boolean);
    if (names.length) details.push(`To skip a check on purpose (kubeadm's --ignore-preflight-errors): ignore_preflight_errors: [${names.join(', ')}]`);
    const n = o.preflightErrors.length;
    return { message: `kubeadm ${verb} failed ${n} preflight check${n > 1 ? 's' : ''}:`, details };
  }
  const head = o.error ?? `exit status ${rc}`;
  const details = o.causes.filter((c) => c !== head).map((c) => `  ${c}`);
  if (verb === 'join') details.push(...joinHints(o));
  return { message: `kubeadm ${verb} failed: ${head}`, details };
}
