/**
 * kubectl's error output, read for two things: a short message with a hint for the failures
 * people meet in the walkthrough (no cluster yet, an old manifest on a new cluster, a missing
 * file), and whether the failure only means "the cluster is not there yet" — which check mode
 * on a fresh host expects, since the tasks that install kubectl and run kubeadm init did not run.
 */

export interface KubectlProblem {
  /** kubectl's own error lines (without its `error: ` prefix), as the task's message. */
  message: string;
  /** What to do about it, shown under the message. */
  hints: string[];
  /**
   * Check mode cannot preview, but nothing says the apply would fail: what is missing may come
   * from an earlier task that check mode did not run (kubectl, its kubeconfig, the API server,
   * the manifest file on the host, a namespace), or kubectl diff itself cannot run here (no
   * diff program, no server-side dry run).
   */
  notReadyYet: boolean;
}

export interface ProblemContext {
  kubeconfig?: string;
  /** The -f argument as the user wrote it (a path on the host, a URL). */
  src?: string;
}

/** The lines that say what failed: `error: ...`, `Error from server ...`, `The connection ...`, and the rest. */
function errorLines(output: string): string[] {
  const lines = output.split('\n').map((l) => l.trim()).filter((l) => l && !/^Warning:/.test(l));
  const errors = lines.filter((l) => /^(error:|Error from server|Error:|The connection to the server|Unable to connect to the server|resource mapping not found|unable to recognize)/.test(l));
  const picked = errors.length ? errors : lines;
  // kubectl repeats one error per object (one per document of the manifest): once is enough.
  return [...new Set(picked.map((l) => l.replace(/^error: /, '')))];
}

/** Read kubectl's failure output (stderr, with stdout as a fallback). */
export function kubectlProblem(rc: number, stderr: string, stdout: string, pc: ProblemContext = {}): KubectlProblem {
  const out = `${stderr}\n${stdout}`;
  const hints: string[] = [];
  let notReadyYet = false;
  let message = errorLines(stderr).join('\n') || errorLines(stdout).join('\n') || `kubectl exited with status ${rc}`;

  if (rc === 127 || /(^|\s)kubectl: (command )?not found|No such file or directory.*kubectl|kubectl: No such file/.test(out)) {
    message = 'kubectl is not installed on the host (or not in PATH)';
    hints.push('Install it first (the kubectl package), or set the module\'s kubectl argument to its path.');
    notReadyYet = true;
  } else if (/(stat|open) (\S+): no such file or directory/.test(out) && pc.kubeconfig && out.includes(pc.kubeconfig)) {
    hints.push(`The kubeconfig ${pc.kubeconfig} does not exist: kubeadm init writes /etc/kubernetes/admin.conf on the control plane. Run this task there (delegate_to), or set kubeconfig.`);
    notReadyYet = true;
  } else if (/The connection to the server \S+ was refused|Unable to connect to the server|connect: connection refused/.test(out)) {
    hints.push('The API server does not answer: has kubeadm init run, and is the kubelet running on the control plane?');
    if (/localhost:8080/.test(out)) hints.push('localhost:8080 means kubectl found no kubeconfig: set kubeconfig (default /etc/kubernetes/admin.conf).');
    notReadyYet = true;
  } else if (/no matches for kind "([^"]+)" in version "([^"]+)"/.test(out)) {
    const m = /no matches for kind "([^"]+)" in version "([^"]+)"/.exec(out)!;
    hints.push(`The cluster does not serve ${m[1]} in ${m[2]}: the manifest was written for an older Kubernetes (extensions/v1beta1 workloads were removed in 1.16, rbac v1beta1 in 1.22). Use a manifest made for this cluster's version.`);
  } else if (/the path "([^"]+)" does not exist/.test(out)) {
    hints.push('src is read on the host (src_on: host). For a file next to the playbook, set src_on: controller.');
    // In check mode, the task that puts the file there (copy, get_url) did not run.
    notReadyYet = true;
  } else if (/unable to read URL "([^"]+)"/.test(out)) {
    hints.push('kubectl on the host fetches the URL itself: the host needs to reach it.');
  } else if (/failed to run "diff"|"diff": executable file not found/.test(out)) {
    hints.push('kubectl diff runs the diff program: install diffutils on the host.');
    // Only the preview is impossible; nothing says the apply would fail.
    notReadyYet = true;
  } else if (/dry.?run/i.test(out) && /not support|doesn't support|unsupported|not enabled/i.test(out)) {
    hints.push('kubectl diff needs server-side dry run (Kubernetes >= 1.13 with the DryRun feature): the change cannot be previewed.');
    notReadyYet = true;
  } else if (/namespaces "([^"]+)" not found/.test(out)) {
    const m = /namespaces "([^"]+)" not found/.exec(out)!;
    hints.push(`Namespace ${m[1]} does not exist yet: create it first (or put the Namespace object in the manifest).`);
    // In check mode, an earlier task (or the same manifest) creates it.
    notReadyYet = true;
  }
  return { message, hints, notReadyYet };
}
