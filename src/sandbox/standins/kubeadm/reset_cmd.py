"""`kubeadm reset [-f]`: 1.13's output; stops the kubelet and the control plane, deletes their state."""
import os
import shutil
import sys

import cli
import files
import host
from shared import (APISERVER_UNIT, STATE_DIR, out)


def cmd_reset(argv):
    try:
        f, _ = cli.parse(argv, {'force': ('bool', False, ['f']), 'ignore-preflight-errors': ('list', []), 'cri-socket': ('str', ''),
                                'kubeconfig': ('str', '/etc/kubernetes/admin.conf'), 'cert-dir': ('str', '/etc/kubernetes/pki'), 'v': ('str', '0')})
    except cli.UsageError as e:
        cli.die('Error: %s' % e)
    if not f['force']:
        sys.stdout.write("[reset] WARNING: changes made to this host by 'kubeadm init' or 'kubeadm join' will be reverted.\n[reset] are you sure you want to proceed? [y/N]: ")
        sys.stdout.flush()
        answer = sys.stdin.readline().strip().lower()
        if answer not in ('y', 'yes'):
            cli.die('Aborted reset operation', 1)
    out('[preflight] running pre-flight checks')
    master = os.path.exists(files.MANIFESTS + '/etcd.yaml')
    if not master:
        out('[reset] no etcd config found. Assuming external etcd')
        out('[reset] please manually reset etcd to prevent further issues')
    out('[reset] stopping the kubelet service')
    host.systemctl('stop', 'kubelet.service')
    host.systemctl('disable', '--now', APISERVER_UNIT)
    out('[reset] unmounting mounted directories in "/var/lib/kubelet"')
    stateful = (['/var/lib/etcd'] if master else []) + ['/var/lib/kubelet', '/etc/cni/net.d', '/var/lib/dockershim', '/var/run/kubernetes']
    out('[reset] deleting contents of stateful directories: [%s]' % ' '.join(stateful))
    for d in stateful + [files.MANIFESTS, files.PKI, STATE_DIR]:
        if os.path.isdir(d):
            for e in os.listdir(d):
                p = os.path.join(d, e)
                shutil.rmtree(p) if os.path.isdir(p) and not os.path.islink(p) else os.remove(p)
    out('[reset] deleting contents of config directories: [%s %s]' % (files.MANIFESTS, files.PKI))
    confs = ['admin.conf', 'kubelet.conf', 'bootstrap-kubelet.conf', 'controller-manager.conf', 'scheduler.conf']
    out('[reset] deleting files: [%s]' % ' '.join(files.K8S + '/' + c for c in confs))
    for c in confs:
        try:
            os.remove(os.path.join(files.K8S, c))
        except OSError:
            pass
    out()
    out('The reset process does not reset or clean up iptables rules or IPVS tables.')
    out('If you wish to reset iptables, you must do so manually.')
    out('For example:')
    out('iptables -F && iptables -t nat -F && iptables -t mangle -F && iptables -X')
    out()
    out('If your cluster was setup to utilize IPVS, run ipvsadm --clear (or similar)')
    out("to reset your system's IPVS tables.")
    out()
    return 0
