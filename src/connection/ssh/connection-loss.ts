/**
 * Noticing that an open SSH connection dropped, and saying why the way every channel on it
 * reports it ("connection to HOST lost: no answer to 3 keepalives in 8s"). Used by the direct
 * connection and by the connection keeper, so both word a loss alike.
 */
import type { OpenedClient } from './open-client.js';

/**
 * Call `onLost(reason)` once when the connection closes unexpectedly.
 * @param expected true when the close was asked for (then only an error counts as a loss)
 */
export function watchConnectionLoss(opened: OpenedClient, onLost: (reason: string) => void, expected: () => boolean): void {
  let lastError = '';
  const t = opened.target;
  opened.client.on('error', (err: Error & { level?: string }) => {
    lastError = err.message === 'Keepalive timeout'
      ? `no answer to ${t.keepaliveCountMax} keepalives in ${(t.keepaliveIntervalMs * (t.keepaliveCountMax + 1)) / 1000}s`
      : err.message;
  });
  opened.client.on('close', () => {
    if (expected() && !lastError) return;
    onLost(`connection to ${t.hostName} lost: ${lastError || 'connection closed by the remote host'}`);
  });
}
