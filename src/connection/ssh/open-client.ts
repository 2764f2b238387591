/**
 * Opening the SSH connection of one host: host key check, authentication, ProxyJump /
 * ProxyCommand, connect timeout, and bounded retries with exponential backoff for transient
 * network failures (refused, reset, timed out). Authentication and host key failures are
 * never retried.
 */
import { spawn } from 'node:child_process';
import { Duplex } from 'node:stream';
import ssh2 from 'ssh2';
import type { Client as Ssh2Client, ConnectConfig } from 'ssh2';
import { ConnectionError } from '../../errors.js';
import { authPlan, loadIdentities, type LoadedIdentities } from './auth.js';
import { HostKeyChecker } from './host-key-check.js';
import { parseJumpHop, resolveTarget, type SshTarget } from './settings.js';
import type { SshConnectionOptions } from './options.js';

export interface OpenedClient {
  client: Ssh2Client;
  target: SshTarget;
  /** Problems that did not stop the connection (a known_hosts file that could not be written). */
  warnings: string[];
  /** The key blob the host presented (the connection keeper re-checks it before reusing). */
  serverKey?: Buffer;
  /** Close what the connection goes through (jump hosts, proxy command). Idempotent. */
  closeTransport(): void;
}

/** An error worth another attempt: the network, not the host's answer. */
class TransientError extends ConnectionError {}

const TRANSIENT_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'EPIPE', 'ECONNABORTED']);

const DESCRIBE_CODE: Record<string, string> = {
  ECONNREFUSED: 'Connection refused',
  ECONNRESET: 'Connection reset by peer',
  ETIMEDOUT: 'Connection timed out',
  EHOSTUNREACH: 'No route to host',
  ENETUNREACH: 'Network is unreachable',
  EPIPE: 'Broken pipe',
  ECONNABORTED: 'Connection aborted',
};

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/**
 * Connect to the host, retrying transient failures (target.attempts in total).
 * @throws ConnectionError with ssh-like wording
 */
export async function openClient(opts: SshConnectionOptions, target: SshTarget = resolveTarget(opts)): Promise<OpenedClient> {
  const ids = await loadIdentities(target);
  if (authPlan(target, ids).empty && ids.problems.length) {
    // Nothing could authenticate: say why now instead of after a round trip.
    throw new ConnectionError(target.inventoryHost, `${target.user}@${target.hostName}: ${ids.problems[0]}`, {
      details: ids.problems.slice(1),
    });
  }
  let delay = target.retryDelayMs;
  for (let attempt = 1; ; attempt++) {
    try {
      return await connectOnce(opts, target, ids);
    } catch (e) {
      if (!(e instanceof TransientError) || attempt >= target.attempts) {
        if (e instanceof TransientError && attempt > 1) {
          throw new ConnectionError(target.inventoryHost, `${e.message} (after ${attempt} attempts)`, { details: e.details, cause: e });
        }
        throw e instanceof TransientError ? new ConnectionError(target.inventoryHost, e.message, { details: e.details, cause: e }) : e;
      }
      await sleep(delay);
      delay *= 2;
    }
  }
}

/** Turn what ssh2 or the socket reported into a ConnectionError (TransientError when retriable). */
function classify(target: SshTarget, err: Error & { level?: string; code?: string }, extra: string[] = []): ConnectionError {
  const host = target.inventoryHost;
  const where = `connect to host ${target.hostName} port ${target.port}`;
  if (err.level === 'client-timeout') {
    return new TransientError(host, `${where}: timed out after ${target.connectTimeoutMs / 1000}s`, { details: extra, cause: err });
  }
  if (err.code && TRANSIENT_CODES.has(err.code)) {
    return new TransientError(host, `${where}: ${DESCRIBE_CODE[err.code]}`, { details: extra, cause: err });
  }
  if (err.code === 'ENOTFOUND' || err.code === 'EAI_AGAIN') {
    return new ConnectionError(host, `Could not resolve hostname ${target.hostName}: Name or service not known`, { details: extra, cause: err });
  }
  if (err.code && DESCRIBE_CODE[err.code]) {
    return new ConnectionError(host, `${where}: ${DESCRIBE_CODE[err.code]}`, { details: extra, cause: err });
  }
  if (/lost before handshake|ECONNRESET|closed by remote|Connection closed/i.test(err.message)) {
    return new TransientError(host, `${where}: connection closed during the handshake (${err.message})`, { details: extra, cause: err });
  }
  return new ConnectionError(host, `${where}: ${err.message}`, { details: extra, cause: err });
}

/** One connection attempt through the proxies the target names. */
async function connectOnce(opts: SshConnectionOptions, target: SshTarget, ids: LoadedIdentities): Promise<OpenedClient> {
  const cleanups: Array<() => void> = [];
  const closeTransport = (): void => {
    for (const c of cleanups.splice(0).reverse()) {
      try {
        c();
      } catch {
        // already closed
      }
    }
  };
  const extra: string[] = [];
  try {
    let sock: Duplex | undefined;
    if (target.proxyJump) {
      sock = await viaJumpHosts(opts, target, cleanups);
    } else if (target.proxyCommand) {
      sock = proxyCommandSocket(target.proxyCommand, opts, cleanups, extra);
    }
    const { client, warnings, serverKey } = await handshake(opts, target, ids, sock, extra);
    // A hop that dies takes this connection with it.
    client.once('close', closeTransport);
    return { client, target, warnings, closeTransport, ...(serverKey ? { serverKey } : {}) };
  } catch (e) {
    closeTransport();
    throw e;
  }
}

/** Connect through each ProxyJump hop in turn; returns the stream to the target's sshd. */
async function viaJumpHosts(opts: SshConnectionOptions, target: SshTarget, cleanups: Array<() => void>): Promise<Duplex> {
  const hops = target.proxyJump!.split(',').map(parseJumpHop);
  let sock: Duplex | undefined;
  for (const hop of hops) {
    // A hop is reached with its own ssh config (and the target's keys when it names none);
    // its own ProxyJump is not followed: the list says the whole way.
    const hopTarget = resolveTarget(
      { ...opts, host: `${target.inventoryHost} (jump host ${hop.destination})` },
      { destination: hop.destination, ...(hop.user ? { user: hop.user } : {}), ...(hop.port ? { port: hop.port } : {}), ...(target.defaultIdentities ? {} : { inheritIdentities: target.identityFiles }) },
    );
    delete hopTarget.proxyJump;
    delete hopTarget.proxyCommand;
    const hopIds = await loadIdentities(hopTarget);
    let client: Ssh2Client;
    try {
      ({ client } = await handshake(opts, hopTarget, hopIds, sock, []));
    } catch (e) {
      const err = e as ConnectionError;
      const Cls = e instanceof TransientError ? TransientError : ConnectionError;
      throw new Cls(target.inventoryHost, `via jump host ${hop.destination}: ${err.message}`, { details: err.details, cause: e });
    }
    cleanups.push(() => client.end());
    const next = hops[hops.indexOf(hop) + 1];
    const to = next ? { host: resolveHopHost(opts, target, next), port: next.port ?? 22 } : { host: target.hostName, port: target.port };
    sock = await new Promise<Duplex>((resolve, reject) => {
      client.forwardOut('127.0.0.1', 0, to.host, to.port, (err, stream) => {
        if (err) {
          reject(new TransientError(target.inventoryHost, `jump host ${hop.destination} could not open a connection to ${to.host}:${to.port}: ${err.message}`, { cause: err }));
        } else {
          resolve(stream);
        }
      });
    });
  }
  return sock!;
}

/** The address of a later hop, after its own ssh config (HostName). */
function resolveHopHost(opts: SshConnectionOptions, target: SshTarget, hop: ReturnType<typeof parseJumpHop>): string {
  return resolveTarget({ ...opts, host: target.inventoryHost }, { destination: hop.destination }).hostName;
}

/** A ProxyCommand's stdin/stdout as the socket; its stderr is kept for error messages. */
function proxyCommandSocket(command: string, opts: Pick<SshConnectionOptions, 'cwd' | 'commandEnv'>, cleanups: Array<() => void>, extra: string[]): Duplex {
  const { cwd, commandEnv: env } = opts;
  // `exec`, as OpenSSH does: the proxy replaces the shell, so closing it signals the proxy.
  const child = spawn('/bin/sh', ['-c', `exec ${command}`], { stdio: ['pipe', 'pipe', 'pipe'], ...(cwd ? { cwd } : {}), ...(env ? { env } : {}) });
  let stderr = '';
  child.stderr.on('data', (c: Buffer) => {
    if (stderr.length < 4096) stderr += c.toString('utf8');
  });
  child.once('exit', (code, signal) => {
    const out = stderr.trim();
    extra.push(`ProxyCommand '${command}' ended (${signal ?? `status ${code}`})${out ? `: ${out}` : ''}`);
  });
  child.once('error', (e) => extra.push(`ProxyCommand '${command}' could not start: ${e.message}`));
  cleanups.push(() => child.kill('SIGTERM'));
  return Duplex.from({ readable: child.stdout, writable: child.stdin });
}

/** The SSH handshake and authentication on a fresh ssh2 client. */
function handshake(
  opts: SshConnectionOptions,
  target: SshTarget,
  ids: LoadedIdentities,
  sock: Duplex | undefined,
  extra: string[],
): Promise<{ client: Ssh2Client; warnings: string[]; serverKey?: Buffer }> {
  const checker = new HostKeyChecker(target);
  let serverKey: Buffer | undefined;
  const plan = authPlan(target, ids);
  const client = new ssh2.Client();
  const warnings: string[] = [];
  let hostKeyError: ConnectionError | undefined;
  let recorded: Promise<void> | undefined;
  return new Promise((resolve, reject) => {
    let settled = false;
    const fail = (e: ConnectionError): void => {
      if (settled) return;
      settled = true;
      client.removeAllListeners('ready');
      client.on('error', () => undefined); // late errors of a dead attempt
      client.destroy();
      reject(e);
    };
    client.once('ready', () => {
      void (async () => {
        if (recorded) {
          try {
            await recorded;
          } catch (e) {
            warnings.push(`could not record the host key of ${target.hostName} in ${target.hostKey.writeFile}: ${(e as Error).message}`);
          }
        }
        if (settled) return;
        settled = true;
        // Commands and their answers are small request/response messages: no Nagle delay.
        client.setNoDelay(true);
        resolve({ client, warnings, ...(serverKey ? { serverKey } : {}) });
      })();
    });
    client.on('error', (err: Error & { level?: string; code?: string }) => {
      if (settled) return;
      if (hostKeyError) return fail(hostKeyError);
      if (err.level === 'client-authentication') {
        const f = plan.failure();
        return fail(new ConnectionError(target.inventoryHost, f.message, { details: f.details, cause: err }));
      }
      fail(classify(target, err, extra));
    });
    client.on('close', () => {
      if (!settled) fail(hostKeyError ?? classify(target, Object.assign(new Error('Connection closed during handshake'), {}), extra));
    });
    const config: ConnectConfig = {
      host: target.hostName,
      port: target.port,
      username: target.user,
      readyTimeout: target.connectTimeoutMs,
      keepaliveInterval: target.keepaliveIntervalMs,
      keepaliveCountMax: target.keepaliveCountMax,
      algorithms: { serverHostKey: checker.algorithms() as NonNullable<ConnectConfig['algorithms']>['serverHostKey'] },
      authHandler: plan.handler,
      hostVerifier: (key: Buffer) => {
        serverKey = key;
        const outcome = checker.check(key);
        if (outcome.error) {
          hostKeyError = outcome.error;
          return false;
        }
        recorded = outcome.recorded;
        return true;
      },
      ...(sock ? { sock } : {}),
      ...(opts.debug ? { debug: opts.debug } : {}),
    };
    try {
      client.connect(config);
    } catch (e) {
      fail(new ConnectionError(target.inventoryHost, `cannot connect to ${target.hostName}: ${(e as Error).message}`, { cause: e }));
    }
  });
}
