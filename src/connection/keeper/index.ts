/**
 * The connection keeper: SSH connections kept open between runs (Ansible's ControlPersist).
 * Client side only; the keeper process itself is daemon-main.ts.
 */
export { controlDir, controlSettings, parseSshTime, persistFromSsh, type ControlSettings } from './control-settings.js';
export { keeperStatus, stopKeepers } from './control.js';
export { KeeperUnavailable } from './spawn.js';
export type { KeeperStatus } from './protocol.js';
