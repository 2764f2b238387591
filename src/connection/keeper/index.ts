/**
 * The connection keeper: SSH connections kept open between runs (Ansible's ControlPersist).
 * Client side only; the keeper process itself is daemon-main.ts.
 */
export { controlDir } from './control-settings.js';
export { keeperStatus, stopKeepers } from './control.js';
