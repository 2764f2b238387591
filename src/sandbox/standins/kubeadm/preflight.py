"""kubeadm 1.13's preflight checks (cmd/kubeadm/app/preflight/checks.go), run on the host.

Names, messages, order and severities are 1.13's. Stand-in departures, each because a sandbox
host is a Debian container and not a CentOS 7 machine:
- Swap: on when /proc/swaps lists a device OR /etc/fstab has an active swap line (a container
  cannot swapon, so the fstab line stands for the swap a reboot would enable).
- FileExisting-iptables/ebtables/ethtool/socat: the real kubelet RPM Requires these, so on the
  machines the walkthrough targets they are always there; they are not checked here.
- SystemVerification (kernel configuration, cgroups): skipped, the container cannot see them.
"""
import os
import socket
import sys

import host

BRIDGE_NF = '/proc/sys/net/bridge/bridge-nf-call-iptables'
IP_FORWARD = '/proc/sys/net/ipv4/ip_forward'


class Check:
    def __init__(self, name, fn):
        self.name = name
        self.fn = fn  # () -> (warnings, errors)


def _file_content(path):
    def fn():
        text = host.read(path)
        if text is None:
            return [], ['%s does not exist' % path]
        if text[:1] != '1':
            return [], ['%s contents are not set to 1' % path]
        return [], []
    return Check('FileContent-' + path.replace('/', '-'), fn)


def _file_available(path):
    return Check('FileAvailable-' + path.replace('/', '-'), lambda: ([], ['%s already exists' % path] if os.path.exists(path) else []))


def _dir_available(path):
    def fn():
        if not os.path.exists(path):
            return [], []
        try:
            empty = not os.listdir(path)
        except OSError as e:
            return [], ['unable to check if %s is empty: %s' % (path, e)]
        return [], ([] if empty else ['%s is not empty' % path])
    return Check('DirAvailable-' + path.replace('/', '-'), fn)


def _port(port):
    return Check('Port-%d' % port, lambda: ([], ['Port %d is in use' % port] if host.port_in_use(port) else []))


def _service(name, check_active):
    def fn():
        if not host.service_exists(name):
            return ['%s service does not exist' % name], []
        warnings, errors = [], []
        if not host.service_enabled(name):
            warnings.append("%s service is not enabled, please run 'systemctl enable %s.service'" % (name, name))
        if check_active and not host.service_active(name):
            errors.append("%s service is not active, please run 'systemctl start %s.service'" % (name, name))
        return warnings, errors
    return Check('Service-' + name.title(), fn)


def _in_path(exe, mandatory):
    def fn():
        if host.which(exe):
            return [], []
        msg = '%s not found in system path' % exe
        return ([], [msg]) if mandatory else ([msg], [])
    return Check('FileExisting-' + exe, fn)


def _swap():
    return Check('Swap', lambda: ([], ['running with swap on is not supported. Please disable swap'] if host.swap_on() else []))


def _hostname(node):
    def fn():
        try:
            socket.gethostbyname(node)
            return [], []
        except OSError:
            return ['hostname "%s" could not be reached' % node, 'hostname "%s": lookup %s on 127.0.0.53:53: no such host' % (node, node)], []
    return Check('Hostname', fn)


def _kubelet_version(k8s_version):
    def fn():
        v, out = host.kubelet_version()
        if v is None:
            return [], ["couldn't get kubelet version: %s" % out]
        major, minor = (int(x) for x in v.split('.')[:2])
        if (major, minor) < (1, 12):
            return [], ['Kubelet version "%s" is lower than kubadm can support. Please upgrade kubelet' % v]
        if k8s_version:
            kmaj, kmin = (int(x) for x in k8s_version.lstrip('v').split('.')[:2])
            if major > kmaj or minor > kmin:
                return [], ['the kubelet version is higher than the control plane version. This is not a supported version skew and may lead to a malfunctional cluster. Kubelet version: "%s" Control plane version: "%s"' % (v, k8s_version.lstrip('v'))]
        return [], []
    return Check('KubeletVersion', fn)


def _cri():
    def fn():
        code, output = host.run(['docker', 'info'])
        if code == 0:
            return [], []
        return [], ['container runtime is not running: output: %s, error: exit status %d' % (output, code)]
    return Check('CRI', fn)


def _num_cpu():
    n = os.cpu_count() or 1
    return Check('NumCPU', lambda: ([], ['the number of available CPUs %d is less than the required 2' % n] if n < 2 else []))


def _k8s_version(k8s_version):
    def fn():
        maj, mi = (int(x) for x in k8s_version.lstrip('v').split('.')[:2])
        if (maj, mi) >= (1, 14):
            return ['Kubernetes version is greater than kubeadm version. Please consider to upgrade kubeadm. Kubernetes version: %s. Kubeadm version: 1.13.x' % k8s_version.lstrip('v')], []
        return [], []
    return Check('KubernetesVersion', fn)


def _firewalld(ports):
    def fn():
        if not host.service_exists('firewalld'):
            return [], []
        if host.service_active('firewalld'):
            return ['firewalld is active, please ensure ports [%s] are open or your cluster may not function correctly' % ' '.join(str(p) for p in ports)], []
        return [], []
    return Check('Firewalld', fn)


def _http_proxy(address):
    def fn():
        proxy = os.environ.get('https_proxy') or os.environ.get('HTTPS_PROXY')
        no = (os.environ.get('no_proxy') or os.environ.get('NO_PROXY') or '').split(',')
        if proxy and address and address not in no:
            return ['Connection to "https://%s" uses proxy "%s". If that is not intended, adjust your proxy settings' % (address, proxy)], []
        return [], []
    return Check('HTTPProxy', fn)


def _common(checks, node, k8s_version):
    docker = host.which('docker') is not None
    if docker:
        checks += [_cri(), _service('docker', True)]
    else:
        sys.stdout.write('[preflight] WARNING: Couldn\'t create the interface used for talking to the container runtime: docker is required for container runtime: exec: "docker": executable file not found in $PATH\n')
        checks.append(_in_path('crictl', True))
    checks += [_file_content(BRIDGE_NF), _file_content(IP_FORWARD), _swap(),
               _in_path('ip', True), _in_path('mount', True), _in_path('nsenter', True), _in_path('tc', False), _in_path('touch', False),
               _hostname(node), _kubelet_version(k8s_version), _service('kubelet', False), _port(10250)]
    return checks


def init_checks(cfg):
    manifests = '/etc/kubernetes/manifests'
    checks = [_num_cpu(), _k8s_version(cfg['kubernetesVersion']), _firewalld([cfg['bindPort'], 10250]),
              _port(cfg['bindPort']), _port(10251), _port(10252)]
    checks += [_file_available('%s/%s.yaml' % (manifests, c)) for c in ('kube-apiserver', 'kube-controller-manager', 'kube-scheduler', 'etcd')]
    checks.append(_http_proxy(cfg['advertiseAddress']))
    _common(checks, cfg['nodeName'], cfg['kubernetesVersion'])
    checks += [_port(2379), _port(2380), _dir_available('/var/lib/etcd')]
    return checks


def join_checks(node, api_host):
    checks = [_dir_available('/etc/kubernetes/manifests'), _file_available('/etc/kubernetes/kubelet.conf'),
              _file_available('/etc/kubernetes/bootstrap-kubelet.conf')]
    _common(checks, node, '')
    checks += [_file_available('/etc/kubernetes/pki/ca.crt'), _http_proxy(api_host)]
    return checks


def run_checks(checks, ignored):
    """Prints warnings to stderr as they come; returns the error block text or None."""
    found = []
    for c in checks:
        warnings, errors = c.fn()
        if 'all' in ignored or c.name.lower() in ignored:
            warnings, errors = warnings + errors, []
        for w in warnings:
            sys.stderr.write('\t[WARNING %s]: %s\n' % (c.name, w))
        sys.stderr.flush()
        for e in errors:
            found.append('\t[ERROR %s]: %s\n' % (c.name, e))
    if not found:
        return None
    return ('[preflight] Some fatal errors occurred:\n' + ''.join(found) +
            '[preflight] If you know what you are doing, you can make a check non-fatal with `--ignore-preflight-errors=...`')


def root_check(ignored):
    if host.is_root():
        return None
    return run_checks([Check('IsPrivilegedUser', lambda: ([], ['user is not running as root']))], ignored)
