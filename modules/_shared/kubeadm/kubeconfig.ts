/**
 * The few facts modules read from kubeconfig files (admin.conf, kubelet.conf) without a YAML
 * parser: the first cluster's `server:` URL, which is where kubeadm takes the join endpoint.
 */
import { endpointFromServer } from './join-command.js';

/** Paths kubeadm writes. */
export const ADMIN_CONF = '/etc/kubernetes/admin.conf';
export const KUBELET_CONF = '/etc/kubernetes/kubelet.conf';
export const CA_CRT = '/etc/kubernetes/pki/ca.crt';

/** The shell command printing a kubeconfig's first `server:` line (exit 3 when the file is absent). */
export function serverLineCommand(path: string, quote: (s: string) => string): string {
  return `f=${quote(path)}; [ -e "$f" ] || exit 3; grep -m1 -E '^[[:space:]]*server:' "$f"; true`;
}

/** The first `server:` URL of a kubeconfig (or of a `server:` line), or undefined. */
export function kubeconfigServer(text: string): string | undefined {
  const m = /^\s*server:\s*["']?([^"'\s]+)["']?\s*$/m.exec(text);
  return m?.[1];
}

/** host:port of a kubeconfig's API server, or undefined. */
export function kubeconfigEndpoint(text: string): string | undefined {
  const s = kubeconfigServer(text);
  return s ? endpointFromServer(s) : undefined;
}
