/**
 * The warm engine in the keeper (op 'run'): the k8splay command, run here for the executable,
 * which then only relays (src/cli/warm/client.ts). A re-run then skips Node's start-up work
 * for the engine (loading and compiling its code, ~35 ms) and runs JIT-warm code: a 3-host
 * unchanged re-run's engine time falls from ~100 to ~75 ms (issue 6 note).
 *
 * The engine is loaded when the keeper first becomes idle (the run that started it is over),
 * or on the first run asked. A run is declined, and the client runs the command itself, when:
 * another run is going on here; the client is another installation or another Node; or the
 * engine was retired (a run loaded custom modules, whose changed files Node would not load
 * again; the heap grew large; the engine could not load; the bundle's file changed since it
 * was loaded: a rebuild or an upgrade, whose code the client would run).
 */
import type { Socket } from 'node:net';
import { fileStamp } from '../../util/file-stamp.js';
import type { RunHost } from './keeper.js';
import type { EngineState, RunAnswer, RunRequest } from './protocol.js';

/** The CLI bundle's side of a run (src/cli/warm/serve.ts). */
export interface Engine {
  serveRun(sock: Socket, req: RunRequest, rest: Buffer): Promise<{ reusable: boolean; reason?: string }>;
  /**
   * Write the engine's V8 code cache for this process's flags (load-bundle.js), called after
   * the first run: a keeper is often killed rather than exits, and the next keeper then loads
   * the engine compiled.
   */
  saveCodeCache?(): void;
}

export interface EngineHostOptions {
  /** The installation's CLI bundle (absolute): runs from any other are declined. */
  bundle: string;
  /** Loads the engine (once). */
  load: () => Promise<Engine>;
  /** Where the keeper logs (it has no terminal). */
  log?: (text: string) => void;
}

export class EngineHost implements RunHost {
  private engine?: Promise<Engine>;
  private busy = false;
  private retired?: string;
  private served = 0;
  /** The bundle's stamp when the engine was loaded. */
  private loadedStamp?: string;

  constructor(private readonly opts: EngineHostOptions) {}

  /** Load the engine now, if not yet (the keeper is idle: nothing waits on it). */
  preload(): void {
    if (!this.retired) void this.loaded().catch(() => undefined);
  }

  /** What `status` shows. */
  state(): EngineState {
    return { loaded: this.engine !== undefined, busy: this.busy, served: this.served, ...(this.retired ? { retired: this.retired } : {}) };
  }

  serve(sock: Socket, req: RunRequest, rest: Buffer): void {
    const declined = this.declineReason(req);
    if (declined) {
      decline(sock, declined);
      return;
    }
    this.busy = true;
    void this.run(sock, req, rest).finally(() => { this.busy = false; });
  }

  private declineReason(req: RunRequest): string | undefined {
    if (this.retired) return `the warm engine is retired: ${this.retired}`;
    if (this.busy) return 'the warm engine is running another command';
    if (req.bundle !== this.opts.bundle) return `the keeper belongs to another installation (${this.opts.bundle})`;
    if (req.node !== process.version) return `the keeper runs another Node (${process.version})`;
    if (this.engine && this.stamp() !== this.loadedStamp) {
      this.retire('the installation changed since the engine was loaded');
      return `the warm engine is retired: ${this.retired}`;
    }
    return undefined;
  }

  private async run(sock: Socket, req: RunRequest, rest: Buffer): Promise<void> {
    let engine: Engine;
    try {
      engine = await this.loaded();
    } catch (e) {
      decline(sock, this.retired ?? (e as Error).message);
      return;
    }
    if (sock.destroyed) return;
    this.served++;
    let done;
    try {
      done = await engine.serveRun(sock, req, rest);
    } catch (e) {
      // A fault of the serving itself: the client sees its run end without an exit code.
      sock.destroy();
      done = { reusable: false, reason: `a run failed: ${(e as Error)?.message ?? e}` };
    }
    if (this.served === 1) engine.saveCodeCache?.();
    if (!done.reusable) this.retire(done.reason ?? 'retired');
  }

  private retire(why: string): void {
    this.retired = why;
    this.opts.log?.(`warm engine retired: ${why}`);
  }

  /** The bundle file's identity (undefined: unreadable): a rebuild or an upgrade changes it. */
  private stamp(): string | undefined {
    return fileStamp(this.opts.bundle)?.stamp;
  }

  private loaded(): Promise<Engine> {
    // Stamped before loading: a change made while it loads is seen at the next run.
    if (!this.engine) this.loadedStamp = this.stamp();
    this.engine ??= this.opts.load().catch((e: unknown) => {
      this.retired = `cannot load the engine: ${(e as Error)?.message ?? e}`;
      this.opts.log?.(this.retired);
      throw e;
    });
    return this.engine;
  }
}

function decline(sock: Socket, why: string): void {
  const a: RunAnswer = { ok: false, declined: why };
  if (!sock.destroyed) sock.end(JSON.stringify(a) + '\n');
}
