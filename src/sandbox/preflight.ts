/**
 * Checks that the controller can run sandbox hosts, with a message that says what to install.
 */
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { SandboxError } from './errors.js';

/** The Debian package that provides each tool the sandbox runs. */
export const TOOL_PACKAGES: Record<string, string> = {
  debootstrap: 'debootstrap',
  'systemd-nspawn': 'systemd-container',
  ip: 'iproute2',
  mount: 'mount',
  umount: 'mount',
  chroot: 'coreutils',
  'ssh-keygen': 'openssh-client',
  ssh: 'openssh-client',
  rpmbuild: 'rpm',
  createrepo_c: 'createrepo-c',
  nsenter: 'util-linux',
};

/** Absolute path of an executable found on PATH (plus the sbin dirs root normally has). */
export function which(cmd: string): string | undefined {
  const dirs = [...(process.env.PATH ?? '').split(delimiter), '/usr/local/sbin', '/usr/sbin', '/sbin'];
  for (const d of dirs) {
    if (!d) continue;
    const p = join(d, cmd);
    try { accessSync(p, constants.X_OK); return p; } catch { /* next */ }
  }
  return undefined;
}

/** Why the sandbox cannot run here (root, Linux, tools), or undefined when it can. */
export function sandboxUnsupportedReason(tools: string[]): string | undefined {
  if (process.platform !== 'linux') return `the sandbox needs Linux (this is ${process.platform})`;
  if (typeof process.getuid === 'function' && process.getuid() !== 0) return 'the sandbox needs root (run as root or with sudo)';
  const missing = tools.filter((t) => !which(t));
  if (missing.length) {
    const pkgs = [...new Set(missing.map((t) => TOOL_PACKAGES[t] ?? t))];
    return `missing ${missing.join(', ')}: install with \`apt-get install ${pkgs.join(' ')}\``;
  }
  return undefined;
}

/** Throws SandboxError when the sandbox cannot run here. */
export function assertSandboxSupported(tools: string[]): void {
  const why = sandboxUnsupportedReason(tools);
  if (why) throw new SandboxError(why);
}

/** Tools needed to build the root filesystem. */
export const ROOTFS_TOOLS = ['debootstrap', 'chroot', 'ssh-keygen'];
/** Tools needed to boot and reach hosts. */
export const HOST_TOOLS = ['systemd-nspawn', 'ip', 'mount', 'umount', 'ssh-keygen', 'nsenter'];
/** Tools needed to build the package repository. */
export const REPO_TOOLS = ['rpmbuild', 'createrepo_c'];
