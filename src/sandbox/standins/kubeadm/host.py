"""What kubeadm asks the host: systemd units, ports, paths, addresses, the kubelet's version."""
import os
import re
import socket
import subprocess


def run(args, timeout=120):
    """(exit code, combined output) of a command; 127 when it does not exist."""
    try:
        p = subprocess.run(args, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=timeout)
        return p.returncode, p.stdout.decode(errors='replace')
    except FileNotFoundError:
        return 127, 'exec: "%s": executable file not found in $PATH' % args[0]
    except subprocess.TimeoutExpired:
        return 124, 'timed out'


def which(name):
    for d in os.environ.get('PATH', '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin').split(':'):
        p = os.path.join(d, name)
        if os.path.isfile(p) and os.access(p, os.X_OK):
            return p
    return None


def service_exists(name):
    code, out = run(['systemctl', 'show', '-p', 'LoadState', '--value', name + '.service'])
    return code == 0 and out.strip() not in ('not-found', '')


def service_enabled(name):
    return run(['systemctl', 'is-enabled', name + '.service'])[0] == 0


def service_active(name):
    return run(['systemctl', 'is-active', name + '.service'])[0] == 0


def systemctl(*args):
    return run(['systemctl'] + list(args))


def port_in_use(port):
    """What Go's net.Listen("tcp", ":port") says (SO_REUSEADDR set, as Go does)."""
    s = socket.socket(socket.AF_INET6 if socket.has_ipv6 else socket.AF_INET, socket.SOCK_STREAM)
    try:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind(('', port))
        return False
    except OSError:
        return True
    finally:
        s.close()


def read(path):
    try:
        with open(path) as f:
            return f.read()
    except OSError:
        return None


def swap_on():
    """Stand-in rule (containers cannot swapon): swap counts as on when /proc/swaps lists a
    device OR /etc/fstab has an active (uncommented) swap entry."""
    swaps = read('/proc/swaps')
    if swaps is not None and len(swaps.rstrip('\n').split('\n')) > 1:
        return True
    for line in (read('/etc/fstab') or '').split('\n'):
        f = line.split()
        if len(f) >= 3 and not f[0].startswith('#') and f[2] == 'swap':
            return True
    return False


def node_name():
    return socket.gethostname().lower()


def local_ipv4s():
    code, out = run(['ip', '-4', '-o', 'addr', 'show', 'scope', 'global'])
    return re.findall(r'inet (\d+\.\d+\.\d+\.\d+)/', out) if code == 0 else []


def default_address():
    """The address kubeadm picks without --apiserver-advertise-address (first global IPv4)."""
    ips = local_ipv4s()
    return ips[0] if ips else None


def kubelet_version():
    code, out = run(['kubelet', '--version'])
    if code != 0:
        return None, out.strip() or 'exit status %d' % code
    m = re.search(r'v(\d+\.\d+\.\d+\S*)', out)
    return (m.group(1) if m else None), out.strip()


def write(path, text, mode=0o644):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    tmp = path + '.tmp'
    with open(tmp, 'w') as f:
        f.write(text)
    os.chmod(tmp, mode)
    os.replace(tmp, path)


def is_root():
    return os.geteuid() == 0
