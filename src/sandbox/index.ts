/**
 * Disposable local hosts for tests and rehearsals: systemd-nspawn containers with real systemd
 * and sshd on a project bridge, plus a local dnf repository.
 */
export { ensureRootfs, findRootfs, rootfsVersion, ROOTFS_PACKAGES, type RootfsInfo, type RootfsOptions } from './rootfs.js';
export { sandboxUp, type SandboxUpOptions, type SandboxUpResult } from './up.js';
export { sandboxDown, sandboxDownAll } from './down.js';
export { sandboxStatus, sandboxHealth, type SandboxStatus, type SandboxHealth, type HostHealth } from './status.js';
export { readState, listSandboxNames, type SandboxState, type SandboxHostState, type SandboxRepoState } from './state.js';
export { ensurePackageRepo } from './package-repo.js';
export { sandboxUnsupportedReason, HOST_TOOLS, REPO_TOOLS, ROOTFS_TOOLS } from './preflight.js';
export { SandboxError } from './errors.js';
export { defaultSandboxName } from './names.js';
export { sandboxCommand } from './cli.js';
