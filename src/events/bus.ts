import { EventEmitter } from 'eventemitter3';
import type { RunEvents } from './types.js';

/**
 * Typed event bus. A listener that throws never stops a run: the error is reported as a
 * warning on stderr and the run goes on (Ansible's callback plugins behave the same way).
 */
export class RunEventBus extends EventEmitter<{ [K in keyof RunEvents]: (payload: RunEvents[K]) => void }> {
  override emit<K extends keyof RunEvents>(event: K, payload: RunEvents[K]): boolean {
    const listeners = this.listeners(event);
    for (const fn of listeners) {
      try {
        (fn as (p: RunEvents[K]) => void)(payload);
      } catch (e) {
        process.stderr.write(`[WARNING]: an event listener for '${event}' failed: ${(e as Error)?.message ?? e}\n`);
      }
    }
    return listeners.length > 0;
  }
}
