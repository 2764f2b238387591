/**
 * One connection per host for the whole run, opened on first use. Connection settings come
 * from the host's variables (ansible_connection, ansible_host, ansible_port, ansible_user,
 * ansible_password, ansible_ssh_private_key_file), then the command line, like Ansible.
 */
import type { Connection, ConnectionFactory, ConnectionOptions } from '../connection/types.js';
import { createConnection } from '../connection/index.js';
import { ConnectionError, OptionsError } from '../errors.js';
import { TRACE, traced } from './run-trace.js';

export interface PoolDefaults {
  connection?: string;
  user?: string;
  privateKeyFile?: string;
  password?: string;
  timeout?: number;
  /** --host-key-checking (host vars win; see src/connection/ssh/host-key-mode.ts). */
  hostKeyChecking?: 'strict' | 'accept-new' | 'off';
  factories?: Record<string, ConnectionFactory>;
  /** Told what a connection reported while opening (Connection.warnings), once per connection. */
  warn?: (host: string, message: string) => void;
}

const LOCAL_NAMES = new Set(['localhost', '127.0.0.1', '::1']);

export class ConnectionPool {
  private readonly open = new Map<string, Promise<Connection>>();
  private readonly made: Connection[] = [];
  /** Hosts whose connection was reset or dropped: a new login next run, never parked shells. */
  private readonly reset = new Set<string>();

  constructor(private readonly defaults: PoolDefaults) {}

  /** The connection type a host uses (localhost without settings is local, as in Ansible). */
  typeFor(host: string, vars: Record<string, unknown>): string {
    const v = vars.ansible_connection;
    if (typeof v === 'string' && v) return v === 'paramiko' || v === 'smart' ? 'ssh' : v;
    if (LOCAL_NAMES.has(host) && vars.ansible_host === undefined) return 'local';
    return this.defaults.connection ?? 'ssh';
  }

  /** The open connection to a host, connecting on first call. Rejects with ConnectionError. */
  get(host: string, vars: Record<string, unknown>): Promise<Connection> {
    // A play may reach the same host another way (connection: local, remote_user): one connection per way.
    const key = `${host}\0${this.typeFor(host, vars)}\0${String(vars.ansible_user ?? vars.ansible_ssh_user ?? '')}`;
    let p = this.open.get(key);
    if (!p) {
      p = this.connect(host, vars);
      this.open.set(key, p);
    }
    return p;
  }

  private async connect(host: string, vars: Record<string, unknown>): Promise<Connection> {
    const type = this.typeFor(host, vars);
    const str = (k: string): string | undefined => (vars[k] === undefined || vars[k] === null ? undefined : String(vars[k]));
    const portRaw = vars.ansible_port ?? vars.ansible_ssh_port;
    const opts: ConnectionOptions = {
      host,
      address: str('ansible_host') ?? str('ansible_ssh_host') ?? host,
      port: portRaw !== undefined ? Number(portRaw) : undefined,
      user: str('ansible_user') ?? str('ansible_ssh_user') ?? this.defaults.user,
      password: str('ansible_password') ?? str('ansible_ssh_pass') ?? this.defaults.password,
      privateKeyFile: str('ansible_ssh_private_key_file') ?? str('ansible_private_key_file') ?? this.defaults.privateKeyFile,
      timeout: this.defaults.timeout,
      ...(this.defaults.hostKeyChecking ? { hostKeyChecking: this.defaults.hostKeyChecking } : {}),
      vars,
    };
    let conn: Connection;
    const factory = this.defaults.factories?.[type];
    try {
      conn = factory ? factory(opts) : createConnection(type, opts);
      if (TRACE) conn = traced(conn);
    } catch (e) {
      if (e instanceof OptionsError) throw e;
      throw new ConnectionError(host, `cannot create a '${type}' connection: ${(e as Error).message}`, { cause: e });
    }
    this.made.push(conn);
    await conn.connect();
    for (const w of conn.warnings?.splice(0) ?? []) this.defaults.warn?.(host, w);
    return conn;
  }

  /** Forget a host's connection (after it dropped), so a later use reconnects. */
  forget(host: string): void {
    this.reset.add(host);
    for (const k of [...this.open.keys()]) if (k.startsWith(`${host}\0`)) this.open.delete(k);
  }

  /**
   * Close every connection. `mayPark(host)`: the run changed nothing there, its idle shells
   * may be kept for the next run (Connection.close({ park })); absent, nothing is parked.
   */
  async closeAll(mayPark?: (host: string) => boolean): Promise<void> {
    await Promise.allSettled(this.made.map((c) => c.close(mayPark?.(c.host) && !this.reset.has(c.host) ? { park: true } : undefined)));
    this.open.clear();
  }
}
