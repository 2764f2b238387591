/**
 * NODE_EXTRA_CA_CERTS without its start-up cost. Node 20 reads and parses the named file as it
 * starts, before any code runs: with Debian's bundle (~140 certificates) that is ~60 ms of every
 * start here (`node -e 0`: 90 ms with it set, 30 ms without; issue 6 note), more than the warm
 * engine's client does in all. k8splay itself does no TLS (SSH is not TLS), so its executable
 * and its keeper start without the variable (the shell line of build/bin-loader.mjs and
 * spawn.ts's keeperEnv move it aside, extra-ca-env.ts puts it back in process.env for all they
 * start), and trust its certificates here for TLS in this process (a custom module's fetch()
 * on the controller): the file is read for the first TLS context made without its own `ca`.
 */
import { readFileSync } from 'node:fs';
import tls from 'node:tls';

/** The PEM certificates of `text` (as Node reads NODE_EXTRA_CA_CERTS: every CERTIFICATE block). */
export function pemCertificates(text: string): string[] {
  return text.match(/-----BEGIN CERTIFICATE-----[^-]+-----END CERTIFICATE-----/g) ?? [];
}

let installed = false;

/**
 * Trust the certificates of `file` besides Node's own roots in this process's TLS, read when
 * first needed. A file that cannot be read: a warning, as Node gives, and Node's roots only.
 */
export function trustExtraCaCertificates(file: string): void {
  if (installed) return;
  installed = true;
  const original = tls.createSecureContext;
  let ca: string[] | undefined;
  const withExtra = (): string[] => {
    if (ca) return ca;
    try {
      ca = [...tls.rootCertificates, ...pemCertificates(readFileSync(file, 'utf8'))];
    } catch (e) {
      process.emitWarning(`Ignoring extra certs from \`${file}\`, load failed: ${(e as Error).message}`);
      ca = [...tls.rootCertificates];
    }
    return ca;
  };
  // tls.connect (https, fetch) makes its context through this export.
  tls.createSecureContext = function createSecureContext(options?: tls.SecureContextOptions) {
    if (options?.ca !== undefined) return original(options);
    return original({ ...options, ca: withExtra() });
  };
}
