/**
 * What a stock CentOS 7 install has that the walkthrough's preparation steps change, written
 * into each host's overlay so a rehearsal starts where a real machine starts:
 * firewalld running and enabled (a named stand-in unit), SELinux enforcing in its config file,
 * a swap line in /etc/fstab, bridge netfilter and IPv4 forwarding off (systemd-sysctl applies
 * them at boot, in the host's own network namespace), and dnf choosing the best candidate (EL8+
 * default; makes the kubernetes-cni 0.7.5 conflict real).
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

/** CentOS 7's /usr/lib/sysctl.d/00-system.conf (from the systemd package), as installed. */
export const SYSCTL_00_SYSTEM = `# Kernel sysctl configuration file
#
# For binary values, 0 is disabled, 1 is enabled.  See sysctl(8) and
# sysctl.conf(5) for more details.

# Disable netfilter on bridges.
net.bridge.bridge-nf-call-ip6tables = 0
net.bridge.bridge-nf-call-iptables = 0
net.bridge.bridge-nf-call-arptables = 0
`;

/**
 * IPv4 forwarding is off on a fresh CentOS 7 machine (the kernel's default). A new network
 * namespace copies its controller's value instead, so the sandbox states it; the name sorts
 * first, so any file of the user's (e.g. /etc/sysctl.d/k8s.conf) still overrides it.
 */
export const SYSCTL_KERNEL_DEFAULTS_FILE = 'usr/lib/sysctl.d/00-k8splay-kernel-defaults.conf';
export const SYSCTL_KERNEL_DEFAULTS = `# k8splay sandbox: the kernel's default on a fresh CentOS 7 machine, stated because a
# container's network namespace would otherwise start with its controller's value.
net.ipv4.ip_forward = 0
`;

export const DNF_CONF = `[main]
gpgcheck=1
installonly_limit=3
clean_requirements_on_remove=True
best=True
skip_if_unavailable=False
`;

/**
 * Debian's rpm finds its database with `%(bash -c 'echo ~/.rpmdb')`: two processes on every rpm
 * call, which a CentOS host (fixed /var/lib/rpm) does not spend. Fix the same path in the macro.
 */
export const RPM_DBPATH_MACRO = `%_dbpath /root/.rpmdb
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
  put(root, 'etc/rpm/macros', RPM_DBPATH_MACRO);
  put(root, 'usr/lib/sysctl.d/00-system.conf', SYSCTL_00_SYSTEM);
  put(root, SYSCTL_KERNEL_DEFAULTS_FILE, SYSCTL_KERNEL_DEFAULTS);
}
