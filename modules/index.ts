/**
 * The built-in modules, registered by the engine exactly like custom ones.
 * Helpers shared between modules live in modules/_shared/ (not modules themselves).
 */
import type { ModuleDefinition } from '../src/index.js';
import assertModule from './assert/index.js';
import command from './command/index.js';
import copy from './copy/index.js';
import debug from './debug/index.js';
import fail from './fail/index.js';
import file from './file/index.js';
import fstab from './fstab/index.js';
import hostname from './hostname/index.js';
import imageRetag from './image_retag/index.js';
import kubeadmInit from './kubeadm_init/index.js';
import kubeadmJoin from './kubeadm_join/index.js';
import kubectlApply from './kubectl_apply/index.js';
import lineinfile from './lineinfile/index.js';
import modprobe from './modprobe/index.js';
import ping from './ping/index.js';
import selinux from './selinux/index.js';
import setFact from './set_fact/index.js';
import shell from './shell/index.js';
import slurp from './slurp/index.js';
import stat from './stat/index.js';
import sysctl from './sysctl/index.js';
import systemd from './systemd/index.js';
import yumPkg from './yum_pkg/index.js';
import yumRepo from './yum_repo/index.js';

export const builtinModules: ModuleDefinition[] = [
  assertModule, command, copy, debug, fail, file, lineinfile, ping, setFact, shell, slurp, stat,
  systemd,
  sysctl,
  modprobe,
  yumRepo, yumPkg,
  fstab, hostname, selinux,
  kubectlApply, imageRetag,
  kubeadmInit, kubeadmJoin,
];
