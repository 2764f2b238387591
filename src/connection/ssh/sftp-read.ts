/** Reading a whole file over SFTP (binary-safe, no base64), null when it does not exist. */
import type { Client as Ssh2Client, SFTPWrapper } from 'ssh2';
import { ModuleFailure } from '../../errors.js';

/** SFTP status codes (RFC draft-ietf-secsh-filexfer-02). */
const NO_SUCH_FILE = 2;
const PERMISSION_DENIED = 3;

interface SftpError extends Error {
  code?: number | string;
}

function describe(e: SftpError): string {
  if (e.code === PERMISSION_DENIED) return 'Permission denied';
  if (e.code === NO_SUCH_FILE) return 'No such file or directory';
  return e.message;
}

/**
 * Read `path` with SFTP as the connection user.
 * @throws ModuleFailure when it exists but cannot be read (directory, permission)
 * @throws the raw error when the channel itself failed (the caller maps it)
 */
export async function sftpReadFile(sftp: SFTPWrapper, path: string): Promise<Buffer | null> {
  const stats = await new Promise<{ isDirectory(): boolean } | null>((resolve, reject) => {
    sftp.stat(path, (err, st) => {
      if (!err) return resolve(st);
      const e = err as SftpError;
      if (e.code === NO_SUCH_FILE) return resolve(null);
      if (typeof e.code === 'number') return reject(new ModuleFailure(`could not read ${path}: ${describe(e)}`, { path }));
      reject(err);
    });
  });
  if (!stats) return null;
  if (stats.isDirectory()) throw new ModuleFailure(`could not read ${path}: ${path}: is a directory`, { path });
  return new Promise((resolve, reject) => {
    sftp.readFile(path, (err, data) => {
      if (!err) return resolve(data);
      const e = err as SftpError;
      if (e.code === NO_SUCH_FILE) return resolve(null);
      if (typeof e.code === 'number') return reject(new ModuleFailure(`could not read ${path}: ${describe(e)}`, { path }));
      reject(err);
    });
  });
}

/** Open the connection's SFTP session; undefined when the host has no SFTP server. */
export function openSftp(client: Ssh2Client): Promise<SFTPWrapper | undefined> {
  return new Promise((resolve) => {
    try {
      client.sftp((err, sftp) => resolve(err ? undefined : sftp));
    } catch {
      resolve(undefined);
    }
  });
}
