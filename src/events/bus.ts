import { EventEmitter } from 'eventemitter3';
import type { RunEvents } from './types.js';

interface Listener {
  fn: (...a: unknown[]) => void;
  context: unknown;
  once: boolean;
}

type EventArgs = { [K in keyof RunEvents]: [payload: RunEvents[K]] };

/**
 * Typed event bus. A listener that throws never stops a run: the error is reported as a
 * warning on stderr and the run goes on (Ansible's callback plugins behave the same way).
 *
 * @example
 * ```ts
 * const bus = new RunEventBus();
 * bus.on('host:result', ({ task, result }) => console.log(task.name, result.host, result.status));
 * ```
 */
export class RunEventBus extends EventEmitter<EventArgs> {
  override emit<K extends keyof RunEvents>(event: K, ...args: EventArgs[K]): boolean {
    // eventemitter3 keeps {fn, context, once} records; reading them keeps `once` and `context` working.
    const stored = (this as unknown as { _events?: Record<string, Listener | Listener[] | undefined> })._events?.[event];
    if (!stored) return false;
    const records = Array.isArray(stored) ? [...stored] : [stored];
    for (const r of records) {
      if (r.once) this.removeListener(event, r.fn as never, r.context, true);
      try {
        r.fn.call(r.context, args[0]);
      } catch (e) {
        process.stderr.write(`[WARNING]: an event listener for '${event}' failed: ${(e as Error)?.message ?? e}\n`);
      }
    }
    return true;
  }
}
