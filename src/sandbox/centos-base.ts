/**
 * What a stock CentOS 7 install has that the walkthrough's preparation steps change, written
 * into each host's overlay so a rehearsal starts where a real machine starts:
 * firewalld running and enabled (a named stand-in unit), SELinux enforcing in its config file,
 * a swap line in /etc/fstab, and dnf choosing the best candidate (EL8+ default; makes the
 * kubernetes-cni 0.7.5 conflict real).
 */
import { mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

export const FIREWALLD_STANDIN_UNIT = `[Unit]
Description=firewalld - dynamic firewall daemon (k8splay sandbox stand-in: holds no rules)
Before=network-pre.target
Wants=network-pre.target

[Service]
ExecStart=/bin/sh -c 'exec sleep infinity'

[Install]
WantedBy=multi-user.target
Alias=dbus-org.fedoraproject.FirewallD1.service
`;

/** CentOS 7's /etc/selinux/config as installed. */
export const SELINUX_CONFIG = `
# This file controls the state of SELinux on the system.
# SELINUX= can take one of these three values:
#     enforcing - SELinux security policy is enforced.
#     permissive - SELinux prints warnings instead of enforcing.
#     disabled - No SELinux policy is loaded.
SELINUX=enforcing
# SELINUXTYPE= can take one of three values:
#     targeted - Targeted processes are protected,
#     minimum - Modification of targeted policy. Only selected processes are protected. 
#     mls - Multi Level Security protection.
SELINUXTYPE=targeted 

`;

/** CentOS 7's installer-written fstab (LVM layout), swap line included. */
export const FSTAB = `
#
# /etc/fstab
# Created by anaconda on Mon Feb 11 10:12:43 2019
#
# Accessible filesystems, by reference, are maintained under '/dev/disk'
# See man pages fstab(5), findfs(8), mount(8) and/or blkid(8) for more info
#
/dev/mapper/centos-root /                       xfs     defaults        0 0
UUID=6c2bd0a5-1a3e-4a7e-9f1f-0d1b3e2b4c5d /boot                   xfs     defaults        0 0
/dev/mapper/centos-swap swap                    swap    defaults        0 0
`;

export const DNF_CONF = `[main]
gpgcheck=1
installonly_limit=3
clean_requirements_on_remove=True
best=True
skip_if_unavailable=False
`;

function put(root: string, rel: string, text: string): void {
  const p = join(root, rel);
  mkdirSync(dirname(p), { recursive: true });
  rmSync(p, { force: true });
  writeFileSync(p, text);
}

function link(root: string, rel: string, target: string): void {
  const p = join(root, rel);
  mkdirSync(dirname(p), { recursive: true });
  rmSync(p, { force: true });
  symlinkSync(target, p);
}

export function writeCentosBase(root: string): void {
  put(root, 'etc/systemd/system/firewalld.service', FIREWALLD_STANDIN_UNIT);
  link(root, 'etc/systemd/system/multi-user.target.wants/firewalld.service', '/etc/systemd/system/firewalld.service');
  link(root, 'etc/systemd/system/dbus-org.fedoraproject.FirewallD1.service', '/etc/systemd/system/firewalld.service');
  put(root, 'etc/selinux/config', SELINUX_CONFIG);
  put(root, 'etc/fstab', FSTAB);
  // The fstab above describes disks the container does not have: keep systemd from acting on it
  // (a masked generator), so boot does not wait for /dev/mapper/centos-swap.
  link(root, 'etc/systemd/system-generators/systemd-fstab-generator', '/dev/null');
  put(root, 'etc/dnf/dnf.conf', DNF_CONF);
}
