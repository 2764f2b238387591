/** Waiting for a host's sshd: a TCP connection to port 22 that answers with an SSH banner. */
import { connect } from 'node:net';

/** One attempt: resolves with the banner line, or undefined when nothing SSH-like answered. */
export function sshBanner(address: string, port = 22, timeoutMs = 2_000): Promise<string | undefined> {
  return new Promise((resolve) => {
    const sock = connect({ host: address, port });
    let buf = '';
    const done = (v: string | undefined): void => { sock.destroy(); clearTimeout(timer); resolve(v); };
    const timer = setTimeout(() => done(undefined), timeoutMs);
    sock.setEncoding('latin1');
    sock.on('data', (d: string) => {
      buf += d;
      const nl = buf.indexOf('\n');
      if (nl >= 0) done(buf.startsWith('SSH-') ? buf.slice(0, nl).trim() : undefined);
    });
    sock.on('error', () => done(undefined));
    sock.on('close', () => done(undefined));
  });
}

/**
 * Polls until sshd answers; resolves with the milliseconds waited. Gives up (undefined) at the
 * deadline or as soon as `stillBooting()` says the host died.
 */
export async function waitForSsh(address: string, opts: { deadline: number; stillBooting: () => boolean; port?: number }): Promise<number | undefined> {
  const start = Date.now();
  while (Date.now() < opts.deadline) {
    if (!opts.stillBooting()) return undefined;
    if (await sshBanner(address, opts.port ?? 22, Math.max(200, Math.min(1_000, opts.deadline - Date.now())))) return Date.now() - start;
    await new Promise((r) => setTimeout(r, 100));
  }
  return undefined;
}
