/** For tests: the recorded docker, podman and ctr outputs under fixtures/ (format: ../kubectl_apply/fixtures.ts). */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fixtureSet } from '../kubectl_apply/fixtures.js';

export const { fixture, fixtures } = fixtureSet(join(dirname(fileURLToPath(import.meta.url)), 'fixtures'));
