/**
 * virtual collector: a port of Ansible's virtual/linux.py, which decides from files only
 * (cgroups, PID 1 environment, DMI, cpuinfo, modules). Not reproduced: its dmidecode probe
 * and the RHEV vdsm process scan.
 */
import type { RawGather } from '../output.js';
import { fileContent, fileLines, pathExists } from '../output.js';

type Facts = Record<string, unknown>;

export function virtualFacts(raw: RawGather): Facts {
  const vf: Facts = {};
  let found = false;
  const host = new Set<string>();
  const guest = new Set<string>();
  const guestIs = (tech: string, type = tech, role = 'guest') => {
    guest.add(tech);
    if (!found) {
      vf['virtualization_type'] = type;
      vf['virtualization_role'] = role;
      found = true;
    }
  };

  for (const line of fileLines(raw, '/proc/1/cgroup')) {
    if (/\/docker(\/|-[0-9a-f]+\.scope)/.test(line)) guestIs('docker');
    if (/\/lxc\//.test(line) || /\/machine\.slice\/machine-lxc/.test(line)) guestIs('lxc');
    if (/\/system\.slice\/containerd\.service/.test(line)) guestIs('containerd');
  }
  const environ = fileContent(raw, '/proc/1/environ');
  if (environ !== undefined) {
    for (const line of environ.replace(/\0+$/, '').split('\0')) {
      if (/container=lxc/.test(line)) guestIs('lxc');
      if (/container=podman/.test(line)) guestIs('podman');
      if (/^container=./.test(line)) guestIs('container');
    }
  }
  if (pathExists(raw, '/proc/vz') && !pathExists(raw, '/proc/lve')) {
    vf['virtualization_type'] = 'openvz';
    if (pathExists(raw, '/proc/bc')) {
      host.add('openvz');
      if (!found) vf['virtualization_role'] = 'host';
    } else {
      guest.add('openvz');
      if (!found) vf['virtualization_role'] = 'guest';
    }
    found = true;
  }
  const systemdContainer = fileContent(raw, '/run/systemd/container');
  if (systemdContainer) guestIs(systemdContainer);
  if (pathExists(raw, '/.dockerenv') || pathExists(raw, '/.dockerinit')) guestIs('docker');
  if (['docker', 'lxc', 'podman', 'openvz', 'containerd'].some((t) => guest.has(t)) || systemdContainer) guest.add('container');

  if (pathExists(raw, '/proc/xen')) {
    const isXenHost = fileLines(raw, '/proc/xen/capabilities').some((l) => l.includes('control_d'));
    if (isXenHost) host.add('xen');
    if (!found) {
      vf['virtualization_type'] = 'xen';
      vf['virtualization_role'] = isXenHost ? 'host' : 'guest';
    }
    found = true;
  }
  if (!found) vf['virtualization_role'] = 'guest';

  const dmi = (f: string) => fileContent(raw, `/sys/devices/virtual/dmi/id/${f}`);
  const productName = dmi('product_name');
  const sysVendor = dmi('sys_vendor');
  const productFamily = dmi('product_family');
  const biosVendor = dmi('bios_vendor');
  const guessType = (tech: string, type = tech) => {
    guest.add(tech);
    if (!found) { vf['virtualization_type'] = type; found = true; }
  };
  if (['KVM', 'KVM Server', 'Bochs', 'AHV'].includes(productName ?? '')) guessType('kvm');
  if (sysVendor === 'oVirt') guessType('oVirt');
  if (sysVendor === 'Red Hat') {
    if (productFamily === 'RHV') guessType('RHV');
    else if (productName === 'RHEV Hypervisor') guessType('RHEV');
  }
  if (['VMware Virtual Platform', 'VMware7,1'].includes(productName ?? '')) guessType('VMware');
  if (['OpenStack Compute', 'OpenStack Nova'].includes(productName ?? '')) guessType('openstack');
  if (biosVendor === 'Xen') guessType('xen');
  if (biosVendor === 'innotek GmbH') guessType('virtualbox');
  if (['Amazon EC2', 'DigitalOcean', 'Hetzner'].includes(biosVendor ?? '')) guessType('kvm');
  if (['QEMU', 'Amazon EC2', 'DigitalOcean', 'Google', 'Scaleway', 'Nutanix'].includes(sysVendor ?? '')) guessType('kvm');
  if (sysVendor === 'KubeVirt') guessType('KubeVirt');
  if (sysVendor === 'Microsoft Corporation') guessType('VirtualPC');
  if (sysVendor === 'Parallels Software International Inc.') guessType('parallels');
  if (sysVendor === 'OpenStack Foundation') guessType('openstack');
  if (!found) delete vf['virtualization_role'];

  for (const line of fileLines(raw, '/proc/self/status')) {
    if (/^VxID:\s+\d+/.test(line)) {
      if (!found) vf['virtualization_type'] = 'linux_vserver';
      if (/^VxID:\s+0/.test(line)) {
        host.add('linux_vserver');
        if (!found) vf['virtualization_role'] = 'host';
      } else {
        guest.add('linux_vserver');
        if (!found) vf['virtualization_role'] = 'guest';
      }
      found = true;
    }
  }

  for (const line of fileLines(raw, '/proc/cpuinfo')) {
    let tech: string | undefined;
    if (/^model name.*QEMU Virtual CPU/.test(line)) tech = 'kvm';
    else if (/^vendor_id.*User Mode Linux/.test(line) || /^model name.*UML/.test(line)) tech = 'uml';
    else if (/^machine.*CHRP IBM pSeries .emulated by qemu./.test(line)) tech = 'kvm';
    else if (/^vendor_id.*PowerVM Lx86/.test(line)) tech = 'powervm_lx86';
    else if (/^vendor_id.*IBM\/S390/.test(line)) tech = 'ibm_systemz';
    if (!tech) continue;
    guest.add(tech);
    if (!found) {
      vf['virtualization_type'] = tech;
      vf['virtualization_role'] = 'guest';
      found = true;
    }
  }

  if (raw.files.has('/proc/modules')) {
    const modules = fileLines(raw, '/proc/modules').map((l) => l.split(' ')[0]);
    if (modules.includes('kvm')) {
      host.add('kvm');
      if (!found) { vf['virtualization_type'] = 'kvm'; vf['virtualization_role'] = 'host'; }
      found = true;
    }
    if (modules.includes('vboxdrv')) {
      host.add('virtualbox');
      if (!found) { vf['virtualization_type'] = 'virtualbox'; vf['virtualization_role'] = 'host'; found = true; }
    }
    if (modules.includes('virtio')) {
      host.add('kvm');
      if (!found) { vf['virtualization_type'] = 'kvm'; vf['virtualization_role'] = 'guest'; found = true; }
    }
  }
  if (pathExists(raw, '/dev/kvm')) {
    host.add('kvm');
    if (!found) { vf['virtualization_type'] = 'kvm'; vf['virtualization_role'] = 'host'; found = true; }
  }
  if (!found) {
    vf['virtualization_type'] = 'NA';
    vf['virtualization_role'] = 'NA';
  }
  vf['virtualization_tech_guest'] = [...guest].sort();
  vf['virtualization_tech_host'] = [...host].sort();
  return vf;
}
