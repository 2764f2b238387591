/**
 * The discovery-token-ca-cert-hash of a CA: SHA-256 over the certificate's DER
 * SubjectPublicKeyInfo (RFC 7469 pinning, kubeadm's pubkeypin.Hash). The same value as the
 * documented `openssl x509 -pubkey -in ca.crt | openssl rsa -pubin -outform der | openssl dgst
 * -sha256`, computed on the controller, so the host needs no openssl and ECDSA CAs work too.
 */
import { X509Certificate, createHash } from 'node:crypto';

const PEM_CERT = /-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g;

/**
 * One `sha256:<hex>` per certificate in a PEM bundle (kubeadm pins every CA of the kubeconfig).
 * @throws Error when the text holds no certificate or one cannot be parsed.
 */
export function caCertHashes(pem: string): string[] {
  const blocks = pem.match(PEM_CERT) ?? [];
  if (blocks.length === 0) throw new Error('no PEM certificate found');
  return blocks.map((b) => {
    const spki = new X509Certificate(b).publicKey.export({ type: 'spki', format: 'der' });
    return `sha256:${createHash('sha256').update(spki).digest('hex')}`;
  });
}
