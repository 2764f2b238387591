"""docker ps, info and version."""
import hashlib
import json
import os
import socket
import sys

from .common import API_VERSION, DAEMON_CONFIG, GIT_COMMIT, NO_DAEMON, ROOT, VERSION, Fail, daemon_running, need_daemon
from .flags import arg_count, last, parse_flags
from .gotemplate import render
from .output import write_rows
from .store import Store


PS_HEADERS = {'ID': 'CONTAINER ID', 'Image': 'IMAGE', 'Command': 'COMMAND', 'CreatedAt': 'CREATED AT',
              'RunningFor': 'CREATED', 'Status': 'STATUS', 'Ports': 'PORTS', 'Names': 'NAMES'}


def cmd_ps(argv):
    opts, args = parse_flags('ps', argv)
    arg_count('ps', args, 0, 0)
    need_daemon()
    if opts.get('quiet'):
        return 0
    # No container ever runs in the sandbox: the list is empty.
    write_rows([], last(opts, 'format', 'table {{.ID}}\\t{{.Image}}\\t{{.Command}}\\t{{.RunningFor}}\\t{{.Status}}\\t{{.Ports}}\\t{{.Names}}'), PS_HEADERS)
    return 0


def daemon_config():
    try:
        with open(DAEMON_CONFIG) as f:
            return json.load(f)
    except (FileNotFoundError, ValueError):
        return {}


def read_proc(path):
    try:
        with open(ROOT + path) as f:
            return f.read().strip()
    except OSError:
        return None


def os_release():
    try:
        with open(ROOT + '/etc/os-release') as f:
            for line in f:
                if line.startswith('PRETTY_NAME='):
                    return line.split('=', 1)[1].strip().strip('"')
    except OSError:
        pass
    return 'Linux'


def info_data():
    """The fields of docker's types.Info that `docker info` shows (and --format can reach)."""
    conf = daemon_config()
    with Store() as store:
        nimages = len(store.images)
    mem = 0
    for line in (read_proc('/proc/meminfo') or '').splitlines():
        if line.startswith('MemTotal:'):
            mem = int(line.split()[1]) * 1024
    host = socket.gethostname()
    return {
        'ID': 'K8SP:' + hashlib.sha256(host.encode()).hexdigest()[:8].upper() + ':STANDIN',
        'Containers': 0, 'ContainersRunning': 0, 'ContainersPaused': 0, 'ContainersStopped': 0,
        'Images': nimages, 'Driver': 'overlay2', 'LoggingDriver': 'json-file',
        'CgroupDriver': conf.get('CgroupDriver', 'cgroupfs'),
        'IPv4Forwarding': read_proc('/proc/sys/net/ipv4/ip_forward') == '1',
        'BridgeNfIptables': read_proc('/proc/sys/net/bridge/bridge-nf-call-iptables') == '1',
        'BridgeNfIp6tables': read_proc('/proc/sys/net/bridge/bridge-nf-call-ip6tables') == '1',
        'KernelVersion': os.uname().release, 'OperatingSystem': os_release(), 'OSType': 'linux',
        'Architecture': os.uname().machine, 'NCPU': os.cpu_count(), 'MemTotal': mem,
        'DockerRootDir': '/var/lib/docker', 'Name': host, 'ServerVersion': VERSION,
        'RegistryConfig': {'IndexConfigs': {}, 'InsecureRegistryCIDRs': ['127.0.0.0/8'],
                           'Mirrors': conf.get('RegistryMirrors', [])},
        'DefaultRuntime': 'runc', 'LiveRestoreEnabled': False, 'Labels': [], 'ExperimentalBuild': False,
        'SecurityOptions': ['name=seccomp,profile=default'],
    }


def bytes_size(n):
    """go-units BytesSize: binary units, 4 significant digits."""
    units = ['B', 'KiB', 'MiB', 'GiB', 'TiB']
    i, n = 0, float(n)
    while n >= 1024 and i < len(units) - 1:
        n /= 1024
        i += 1
    return '%.4g%s' % (n, units[i])


def cmd_info(argv):
    opts, args = parse_flags('info', argv)
    arg_count('info', args, 0, 0)
    need_daemon()
    d = info_data()
    if 'format' in opts:
        print(render(last(opts, 'format'), d))
        return 0
    lines = [
        'Containers: 0', ' Running: 0', ' Paused: 0', ' Stopped: 0', 'Images: %d' % d['Images'],
        'Server Version: ' + VERSION, 'Storage Driver: overlay2', ' Backing Filesystem: xfs',
        ' Supports d_type: true', ' Native Overlay Diff: true', 'Logging Driver: json-file',
        'Cgroup Driver: ' + d['CgroupDriver'], 'Plugins:', ' Volume: local',
        ' Network: bridge host macvlan null overlay',
        ' Log: awslogs fluentd gcplogs gelf journald json-file logentries splunk syslog',
        'Swarm: inactive', 'Runtimes: runc', 'Default Runtime: runc', 'Init Binary: docker-init',
        'containerd version: 468a545b9edcd5932818eb9de8e72413e616e86e',
        'runc version: 69663f0bd4b60df09991c08812a60108003fa340', 'init version: fec3683',
        'Security Options:', ' seccomp', '  Profile: default',
        'Kernel Version: ' + d['KernelVersion'], 'Operating System: ' + d['OperatingSystem'],
        'OSType: linux', 'Architecture: ' + d['Architecture'], 'CPUs: %d' % d['NCPU'],
        'Total Memory: ' + bytes_size(d['MemTotal']), 'Name: ' + d['Name'], 'ID: ' + d['ID'],
        'Docker Root Dir: /var/lib/docker', 'Debug Mode (client): false', 'Debug Mode (server): false',
        'Registry: https://index.docker.io/v1/', 'Labels:', 'Experimental: false', 'Insecure Registries:',
        ' 127.0.0.0/8',
    ]
    if d['RegistryConfig']['Mirrors']:
        lines += ['Registry Mirrors:'] + [' ' + m for m in d['RegistryConfig']['Mirrors']]
    lines += ['Live Restore Enabled: false', '']
    print('\n'.join(lines))
    # The 18.06 client warns on stderr about what the daemon found disabled.
    if not d['BridgeNfIptables']:
        sys.stderr.write('WARNING: bridge-nf-call-iptables is disabled\n')
    if not d['BridgeNfIp6tables']:
        sys.stderr.write('WARNING: bridge-nf-call-ip6tables is disabled\n')
    return 0


CLIENT = {'Platform': {'Name': ''}, 'Version': VERSION, 'ApiVersion': API_VERSION, 'DefaultAPIVersion': API_VERSION,
          'GitCommit': GIT_COMMIT, 'GoVersion': 'go1.10.3', 'Os': 'linux', 'Arch': 'amd64',
          'BuildTime': 'Tue Aug 21 17:23:03 2018', 'Experimental': False}
SERVER = {'Platform': {'Name': ''}, 'Version': VERSION, 'ApiVersion': API_VERSION, 'MinAPIVersion': '1.12',
          'GitCommit': GIT_COMMIT, 'GoVersion': 'go1.10.3', 'Os': 'linux', 'Arch': 'amd64',
          'KernelVersion': os.uname().release, 'BuildTime': '2018-08-21T17:25:29.000000000+00:00',
          'Experimental': False}


def cmd_version(argv):
    opts, args = parse_flags('version', argv)
    arg_count('version', args, 0, 0)
    up = daemon_running()
    if 'format' in opts:
        if not up:
            raise Fail(NO_DAEMON)
        print(render(last(opts, 'format'), {'Client': CLIENT, 'Server': SERVER}))
        return 0
    print('Client:\n Version:           %s\n API version:       %s\n Go version:        go1.10.3\n'
          ' Git commit:        %s\n Built:             Tue Aug 21 17:23:03 2018\n OS/Arch:           linux/amd64\n'
          ' Experimental:      false' % (VERSION, API_VERSION, GIT_COMMIT))
    if not up:
        raise Fail(NO_DAEMON)
    print('\nServer:\n Engine:\n  Version:          %s\n  API version:      %s (minimum version 1.12)\n'
          '  Go version:       go1.10.3\n  Git commit:       %s\n  Built:            Tue Aug 21 17:25:29 2018\n'
          '  OS/Arch:          linux/amd64\n  Experimental:     false' % (VERSION, API_VERSION, GIT_COMMIT))
    return 0
