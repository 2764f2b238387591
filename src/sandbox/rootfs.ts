/**
 * The root filesystem every sandbox host is an overlay on: a minimal Debian with real systemd,
 * sshd, python3 and dnf/rpm, built once with debootstrap and cached by a version stamp.
 */
import { createHash } from 'node:crypto';
import {
  chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, symlinkSync, writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { findAptMirror } from './apt-mirror.js';
import { acquireLock } from './lock.js';
import { pidAlive } from '../util/process.js';
import { cacheRoot } from './paths.js';
import { assertSandboxSupported, ROOTFS_TOOLS } from './preflight.js';
import { stderrProgress, type ProgressFn } from './progress.js';
import { SandboxError } from './errors.js';
import { mountsUnder, unmountAllUnder } from './mounts.js';
import { runCommand } from './run-command.js';
import { allStates } from './state.js';

/**
 * Packages installed on every host (besides what minbase brings). openssl: the kubeadm stand-in
 * makes a real CA with it; curl: the walkthrough's last check curls the nginx NodePort.
 */
export const ROOTFS_PACKAGES = [
  'openssh-server', 'systemd', 'systemd-sysv', 'dbus', 'iproute2', 'procps', 'kmod', 'python3',
  'sudo', 'rpm', 'dnf', 'selinux-utils', 'mount', 'passwd', 'openssl', 'curl',
];

/** Bump when the fix-ups below change, so cached root filesystems are rebuilt. */
const FIXUPS_VERSION = 2;

/** The release dnf reports on hosts (they behave like an EL8 machine). */
export const HOST_RELEASEVER = '8';

export interface RootfsInfo {
  /** The cache directory of this version (holds `root/`, the harness key, stamp.json). */
  dir: string;
  /** The root filesystem itself: the overlays' lower directory. */
  root: string;
  /** The harness's private key (its public half is in root's authorized_keys on every host). */
  privateKey: string;
  publicKey: string;
  /** The version stamp in the directory name. */
  version: string;
}

export interface RootfsOptions {
  progress?: ProgressFn;
  /** Debian release to build (default: the suite of the controller's apt mirror). */
  suite?: string;
}

/** Version stamp: changes when the package list, release or fix-ups change. */
export function rootfsVersion(suite: string, packages: string[] = ROOTFS_PACKAGES): string {
  const h = createHash('sha256').update(JSON.stringify({ suite, packages: [...packages].sort(), FIXUPS_VERSION, arch: process.arch }));
  return `${suite}-${h.digest('hex').slice(0, 12)}`;
}

function info(dir: string, version: string): RootfsInfo {
  return { dir, root: join(dir, 'root'), privateKey: join(dir, 'harness_ed25519'), publicKey: join(dir, 'harness_ed25519.pub'), version };
}

/** The cached root filesystem if it is already built (no building, no network). */
export function findRootfs(opts: { suite?: string } = {}): RootfsInfo | undefined {
  const suite = opts.suite ?? findAptMirror().suite;
  const version = rootfsVersion(suite);
  const dir = join(cacheRoot(), `rootfs-${version}`);
  return existsSync(join(dir, 'stamp.json')) ? info(dir, version) : undefined;
}

/**
 * Builds the root filesystem unless this version is cached; returns where it is. The build
 * happens in a temporary directory renamed into place at the end, so an interrupted build
 * never leaves a half root filesystem behind; concurrent callers wait for one build.
 */
export async function ensureRootfs(opts: RootfsOptions = {}): Promise<RootfsInfo> {
  const progress = opts.progress ?? stderrProgress;
  const mirror = findAptMirror();
  const suite = opts.suite ?? mirror.suite;
  const version = rootfsVersion(suite);
  const base = cacheRoot();
  const dir = join(base, `rootfs-${version}`);
  if (existsSync(join(dir, 'stamp.json'))) return info(dir, version);
  assertSandboxSupported(ROOTFS_TOOLS);
  mkdirSync(base, { recursive: true });
  const release = await acquireLock(`${dir}.lock`, { onWait: () => progress(`waiting for another process building ${dir}`) });
  try {
    if (existsSync(join(dir, 'stamp.json'))) return info(dir, version);
    await removeStaleBuilds(base, `rootfs-${version}`, progress);
    const tmp = `${dir}.tmp-${process.pid}`;
    await removeBuildDir(tmp);
    mkdirSync(tmp);
    try {
      await buildInto(tmp, { suite, mirror: mirror.uri, version, progress });
    } catch (e) {
      await removeBuildDir(tmp).catch(() => { /* reported by the next build */ });
      throw e;
    }
    renameSync(tmp, dir);
    pruneOldVersions(base, dir, progress);
    return info(dir, version);
  } finally {
    release();
  }
}

/** Builds and fixes up the root filesystem in `tmp` (root/, the harness key, stamp.json). */
async function buildInto(tmp: string, o: { suite: string; mirror: string; version: string; progress: ProgressFn }): Promise<void> {
  const { suite, mirror, version, progress } = o;
  const started = Date.now();
  progress(`building root filesystem ${version} from ${mirror} (${suite}; about 2 minutes, once)`);
  const root = join(tmp, 'root');
  let lastPhase = '';
  await runCommand('debootstrap', [
    '--variant=minbase', `--include=${ROOTFS_PACKAGES.join(',')}`, suite, root, mirror,
  ], {
    onOutput: (chunk) => {
      // debootstrap prints a line per package: report only when the phase changes.
      for (const line of chunk.split('\n')) {
        const m = /^I: (Retrieving|Validating|Extracting|Installing|Unpacking|Configuring|Base system)/.exec(line);
        const phase = m?.[1] === 'Validating' ? 'Retrieving' : m?.[1];
        if (phase && phase !== lastPhase) {
          lastPhase = phase;
          progress(`  debootstrap: ${phase === 'Retrieving' ? 'retrieving packages' : phase === 'Extracting' ? 'extracting packages' : line.slice(3).trim()}`);
        }
      }
    },
  });
  progress('  applying fix-ups');
  await applyFixups(root);
  await runCommand('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'k8splay-sandbox-harness', '-f', join(tmp, 'harness_ed25519')]);
  authorizeKey(root, readFileSync(join(tmp, 'harness_ed25519.pub'), 'utf8'));
  writeFileSync(join(tmp, 'stamp.json'), JSON.stringify({
    version, suite, mirror, packages: ROOTFS_PACKAGES, fixups: FIXUPS_VERSION, built: new Date().toISOString(),
  }, null, 2) + '\n');
  progress(`root filesystem built in ${((Date.now() - started) / 1000).toFixed(0)} s`);
}

/** Removes other root filesystem versions that no existing sandbox is built on (about 500 MB each). */
function pruneOldVersions(base: string, keep: string, progress: ProgressFn): void {
  const inUse = new Set(allStates().map((s) => s.rootfs));
  for (const e of readdirSync(base)) {
    const p = join(base, e);
    if (!/^rootfs-[^.]+$/.test(e) || p === keep || inUse.has(join(p, 'root'))) continue;
    if (mountsUnder(p).length) continue;
    progress(`removing old root filesystem ${e}`);
    rmSync(p, { recursive: true, force: true });
  }
}

/**
 * Removes a build directory, after unmounting what debootstrap may have left mounted inside
 * (proc, sys, a bind-mounted /dev: deleting through those would delete the controller's files).
 */
async function removeBuildDir(dir: string): Promise<void> {
  const left = await unmountAllUnder(dir);
  if (left.length) throw new SandboxError(`cannot unmount ${left.join(', ')}; not removing ${dir}`);
  rmSync(dir, { recursive: true, force: true });
}

/** Removes temp build dirs whose builder died (called under the lock). */
async function removeStaleBuilds(base: string, prefix: string, progress: ProgressFn): Promise<void> {
  for (const e of readdirSync(base)) {
    const m = new RegExp(`^${prefix}\\.tmp-(\\d+)$`).exec(e);
    if (m && !pidAlive(Number(m[1]))) {
      progress(`removing interrupted build ${e}`);
      await removeBuildDir(join(base, e));
    }
  }
}

function write(root: string, path: string, text: string, mode = 0o644): void {
  const p = join(root, path);
  mkdirSync(join(p, '..'), { recursive: true });
  writeFileSync(p, text);
  chmodSync(p, mode);
}

/** The changes a debootstrapped Debian needs to act as a test host (see lab-recipe.md). */
async function applyFixups(root: string): Promise<void> {
  // debootstrap leaves no /etc/hosts; `up` writes each host's own, this is the fallback.
  write(root, 'etc/hosts', '127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n');
  // Behave like an EL8 host: yum is dnf, repos in /etc/yum.repos.d, a known $releasever.
  mkdirSync(join(root, 'etc/yum.repos.d'), { recursive: true });
  write(root, 'etc/dnf/vars/releasever', `${HOST_RELEASEVER}\n`);
  if (!existsSync(join(root, 'usr/bin/yum'))) symlinkSync('dnf', join(root, 'usr/bin/yum'));
  // Root logs in with keys only; many parallel sessions (Ansible forks) must not be throttled.
  write(root, 'etc/ssh/sshd_config.d/10-k8splay.conf', [
    '# k8splay sandbox host',
    // Only the per-host key `up` generates (no missing-key errors for the other types).
    'HostKey /etc/ssh/ssh_host_ed25519_key',
    'PermitRootLogin prohibit-password',
    'PasswordAuthentication no',
    'UseDNS no',
    'MaxSessions 100',
    'MaxStartups 200:30:400',
    '',
  ].join('\n'));
  // Host keys are generated per host by `up` (so the harness knows them up front), never shared.
  for (const f of readdirSync(join(root, 'etc/ssh'))) if (f.startsWith('ssh_host_')) rmSync(join(root, 'etc/ssh', f));
  // An empty machine-id gives each container its own transient id instead of a shared one.
  writeFileSync(join(root, 'etc/machine-id'), '');
  await runCommand('chroot', [root, 'systemctl', 'enable', 'systemd-networkd.service']);
  // Nothing to wait for on a static bridge address; avoids a "starting" system for 2 minutes.
  await runCommand('chroot', [root, 'systemctl', 'mask', 'systemd-networkd-wait-online.service']);
  rmSync(join(root, 'var/cache/apt/archives'), { recursive: true, force: true });
  mkdirSync(join(root, 'var/cache/apt/archives/partial'), { recursive: true });
}

/** Adds a public key to root's authorized_keys in the root filesystem. */
function authorizeKey(root: string, pub: string): void {
  const sshDir = join(root, 'root/.ssh');
  mkdirSync(sshDir, { recursive: true });
  chmodSync(sshDir, 0o700);
  write(root, 'root/.ssh/authorized_keys', pub.trim() + '\n', 0o600);
}
