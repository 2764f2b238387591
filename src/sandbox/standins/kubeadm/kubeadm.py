#!/usr/bin/python3
"""k8splay sandbox stand-in for kubeadm v1.13.3.

Runs the real 1.13 preflight checks on the host and answers with kubeadm's 1.13 wording and exit
codes; `init` writes real files (a real X.509 CA, kubeconfigs, static pod manifests, kubelet
configuration) and starts the control-plane stand-in (k8splay-standin-apiserver.service, plain
HTTP on the advertise address and bind port); `join` discovers the cluster through it with
bootstrap-token JWS signatures and CA public key pins, as the real discovery does. Only ever
installed on k8splay sandbox hosts.
"""
import os
import re
import secrets
import shutil
import signal
import sys
import time

sys.dont_write_bytecode = True  # nothing outside the RPM's files on hosts
HERE = os.path.dirname(os.path.realpath(__file__))  # /usr/bin/X is a symlink to the program
sys.path[:0] = [HERE, os.path.join(HERE, 'common')]
import apiclient  # noqa: E402
import cli  # noqa: E402
import files  # noqa: E402
import host  # noqa: E402
import images as imagelib  # noqa: E402
import jws  # noqa: E402
import k8s_yaml  # noqa: E402
import kubeconfig  # noqa: E402
import kubetime  # noqa: E402
import pki  # noqa: E402
import preflight  # noqa: E402
import tabwriter  # noqa: E402
import version  # noqa: E402

APISERVER_UNIT = 'k8splay-standin-apiserver.service'
STATE_DIR = '/var/lib/k8splay-standin'
TOKEN_RE = re.compile(r'^([a-z0-9]{6})\.([a-z0-9]{16})$')
DEFAULT_GROUPS = ['system:bootstrappers:kubeadm:default-node-token']
# Bounded waits of the stand-in (the real ones are 4m0s and 5m0s): kept short for rehearsals.
CONTROL_PLANE_TIMEOUT = float(os.environ.get('K8SPLAY_STANDIN_CONTROL_PLANE_TIMEOUT', '30'))
DISCOVERY_TIMEOUT = float(os.environ.get('K8SPLAY_STANDIN_DISCOVERY_TIMEOUT', '10'))
DISCOVERY_RETRY = 5.0
KUBELET_TIMEOUT = float(os.environ.get('K8SPLAY_STANDIN_KUBELET_TIMEOUT', '40'))

HELP = """k8splay sandbox stand-in for kubeadm v1.13.3 (answers like kubeadm 1.13; sandbox hosts only)

Usage:
  kubeadm [command]

Available Commands:
  config      Manage configuration for a kubeadm cluster persisted in a ConfigMap in the cluster.
  help        Help about any command
  init        Run this command in order to set up the Kubernetes master.
  join        Run this on any machine you wish to join an existing cluster
  reset       Run this to revert any changes made to this host by 'kubeadm init' or 'kubeadm join'.
  token       Manage bootstrap tokens.
  version     Print the version of kubeadm
"""


def out(s=''):
    sys.stdout.write(s + '\n')
    sys.stdout.flush()


def err(s):
    sys.stderr.write(s + ('' if s.endswith('\n') else '\n'))
    sys.stderr.flush()


def klog(level, where, msg):
    t = time.time()
    err('%s%s %8d %s] %s' % (level, time.strftime('%m%d %H:%M:%S', time.localtime(t)) + ('%.6f' % (t % 1))[1:], os.getpid(), where, msg))


def resolve_version(v):
    """--kubernetes-version: labels like stable-1 need the internet; the sandbox has none."""
    if v in ('stable', 'stable-1', 'stable-1.13', 'latest', 'latest-1') or v.startswith(('stable-', 'latest-', 'ci/', 'release/')):
        url = 'https://dl.k8s.io/release/%s.txt' % v
        klog('I', 'version.go:94', 'could not fetch a Kubernetes version from the internet: unable to get URL "%s": Get %s: dial tcp: lookup dl.k8s.io on 127.0.0.53:53: server misbehaving' % (url, url))
        klog('I', 'version.go:95', 'falling back to the local client version: %s' % version.GIT_VERSION)
        return version.GIT_VERSION
    p = version.parse(v)
    if p is None:
        cli.die('invalid version "%s"' % v)
    return 'v%d.%d.%d' % p


def image_list(repo, k8s_version):
    return ['%s/kube-apiserver:%s' % (repo, k8s_version), '%s/kube-controller-manager:%s' % (repo, k8s_version),
            '%s/kube-scheduler:%s' % (repo, k8s_version), '%s/kube-proxy:%s' % (repo, k8s_version),
            '%s/pause:3.1' % repo, '%s/etcd:3.2.24' % repo, '%s/coredns:1.2.6' % repo]


def pull_images(imgs, ignored):
    """The ImagePull check: images already present are kept, the others pulled with docker."""
    checks = []
    for image in imgs:
        def fn(image=image):
            if imagelib.has_image(image):
                return [], []
            code, output = host.run(['docker', 'pull', image], timeout=600)
            if code == 0:
                return [], []
            return [], ['failed to pull image %s: output: %s, error: exit status %d' % (image, output, code if code != 127 else 1)]
        checks.append(preflight.Check('ImagePull', fn))
    return preflight.run_checks(checks, ignored)


def new_token():
    alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789'
    return ''.join(secrets.choice(alphabet) for _ in range(6)) + '.' + ''.join(secrets.choice(alphabet) for _ in range(16))


def ignored_set(values):
    return {v.strip().lower() for v in values if v.strip()}


def join_command(endpoint, token, ca_cert):
    return 'kubeadm join %s --token %s --discovery-token-ca-cert-hash %s' % (endpoint, token, pki.ca_cert_hash(ca_cert))


# ------------------------------------------------------------------------------------------ init

INIT_FLAGS = {
    'apiserver-advertise-address': ('str', ''), 'apiserver-bind-port': ('int', 6443), 'apiserver-cert-extra-sans': ('list', []),
    'cert-dir': ('str', '/etc/kubernetes/pki'), 'config': ('str', ''), 'cri-socket': ('str', '/var/run/dockershim.sock'),
    'dry-run': ('bool', False), 'feature-gates': ('str', ''), 'ignore-preflight-errors': ('list', []),
    'image-repository': ('str', 'k8s.gcr.io'), 'kubernetes-version': ('str', 'stable-1'), 'node-name': ('str', ''),
    'pod-network-cidr': ('str', ''), 'service-cidr': ('str', '10.96.0.0/12'), 'service-dns-domain': ('str', 'cluster.local'),
    'skip-phases': ('list', []), 'skip-token-print': ('bool', False), 'token': ('str', ''), 'token-ttl': ('str', '24h0m0s'),
    'experimental-upload-certs': ('bool', False), 'v': ('str', '0'), 'help': ('bool', False, ['h']),
}


def config_file_values(path):
    """The subset of an InitConfiguration/ClusterConfiguration file the stand-in honours."""
    try:
        with open(path) as f:
            docs = k8s_yaml.load_all(f.read())
    except OSError as e:
        cli.die('unable to read config from "%s" : open %s: no such file or directory' % (path, path) if not os.path.exists(path) else str(e))
    except k8s_yaml.YAMLError as e:
        cli.die('error converting YAML to JSON: %s' % e)
    v = {}
    for d in docs:
        if not isinstance(d, dict):
            continue
        kind = d.get('kind')
        if kind == 'InitConfiguration':
            ep = d.get('localAPIEndpoint') or d.get('apiEndpoint') or {}
            if ep.get('advertiseAddress'):
                v['apiserver-advertise-address'] = ep['advertiseAddress']
            if ep.get('bindPort'):
                v['apiserver-bind-port'] = int(ep['bindPort'])
            toks = d.get('bootstrapTokens') or []
            if toks:
                if toks[0].get('token'):
                    v['token'] = toks[0]['token']
                if toks[0].get('ttl'):
                    v['token-ttl'] = toks[0]['ttl']
            nr = d.get('nodeRegistration') or {}
            if nr.get('name'):
                v['node-name'] = nr['name']
        elif kind in ('ClusterConfiguration', 'MasterConfiguration'):
            for k, flag in (('kubernetesVersion', 'kubernetes-version'), ('imageRepository', 'image-repository')):
                if d.get(k):
                    v[flag] = str(d[k])
            net = d.get('networking') or {}
            if net.get('podSubnet'):
                v['pod-network-cidr'] = net['podSubnet']
            if net.get('serviceSubnet'):
                v['service-cidr'] = net['serviceSubnet']
    return v


def valid_cidr(c):
    import ipaddress
    try:
        ipaddress.ip_network(c, strict=False)
        return True
    except ValueError:
        return False


def cmd_init(argv):
    try:
        f, pos = cli.parse(argv, INIT_FLAGS)
    except cli.UsageError as e:
        cli.die('Error: %s\n\nUsage:\n  kubeadm init [flags]' % e)
    if f['help']:
        out('Run this command in order to set up the Kubernetes master. (%s)' % version.STANDIN)
        return 0
    if f['config']:
        given = [a.lstrip('-').split('=')[0] for a in argv if a.startswith('--')]
        mixed = [g for g in given if g not in ('config', 'ignore-preflight-errors', 'skip-phases', 'dry-run', 'v', 'experimental-upload-certs')]
        if mixed:
            cli.die("can not mix '--config' with arguments %s" % ('[' + ' '.join(mixed) + ']'))
        f.update(config_file_values(f['config']))
    ignored = ignored_set(f['ignore-preflight-errors'])
    if f['token'] and not TOKEN_RE.match(f['token']):
        cli.die('bootstrapTokens[0].token: Invalid value: "%s": the bootstrap token "%s" was not of the form "^([a-z0-9]{6})\\.([a-z0-9]{16})$"' % (f['token'], f['token']), 3)
    for flag, field in (('service-cidr', 'networking.serviceSubnet'), ('pod-network-cidr', 'networking.podSubnet')):
        if f[flag] and not valid_cidr(f[flag]):
            cli.die('%s: Invalid value: "%s": couldn\'t parse subnet' % (field, f[flag]), 3)
    ttl = kubetime.parse_go_duration(f['token-ttl'])
    if ttl is None:
        cli.die('invalid argument "%s" for "--token-ttl" flag: time: invalid duration %s' % (f['token-ttl'], f['token-ttl']))
    k8s_version = resolve_version(f['kubernetes-version'])
    p = version.parse(k8s_version)
    if p < (1, 12, 0):
        cli.die('this version of kubeadm only supports deploying clusters with the control plane version >= 1.12.0. Current version: %s' % k8s_version, 3)
    addr = f['apiserver-advertise-address'] or host.default_address()
    if not addr:
        cli.die('unable to select an IP from default routes.')
    import ipaddress
    try:
        ipaddress.ip_address(addr)
    except ValueError:
        cli.die('apiEndpoint.advertiseAddress: Invalid value: "%s": couldn\'t use "%s" as "apiserver-advertise-address", must be ipv4 or ipv6 address' % (addr, addr), 3)
    node = (f['node-name'] or host.node_name()).lower()
    repo = f['image-repository'].rstrip('/')
    cfg = {'advertiseAddress': addr, 'bindPort': f['apiserver-bind-port'], 'serviceSubnet': f['service-cidr'], 'podSubnet': f['pod-network-cidr'],
           'imageRepository': repo, 'kubernetesVersion': k8s_version, 'nodeName': node, 'clusterName': 'kubernetes'}

    out('[init] Using Kubernetes version: %s' % k8s_version)
    out('[preflight] Running pre-flight checks')
    failure = preflight.root_check(ignored) or preflight.run_checks(preflight.init_checks(cfg), ignored)
    if failure:
        cli.die('error execution phase preflight: ' + failure, 1)
    out('[preflight] Pulling images required for setting up a Kubernetes cluster')
    out('[preflight] This might take a minute or two, depending on the speed of your internet connection')
    out("[preflight] You can also perform this action in beforehand using 'kubeadm config images pull'")
    failure = pull_images(image_list(repo, k8s_version), ignored)
    if failure:
        cli.die('error execution phase preflight: ' + failure, 1)

    import ipaddress as ipa
    svc_net = ipa.ip_network(cfg['serviceSubnet'], strict=False)
    host.systemctl('stop', 'kubelet.service')
    out('[kubelet-start] Writing kubelet environment file with flags to file "/var/lib/kubelet/kubeadm-flags.env"')
    out('[kubelet-start] Writing kubelet configuration to file "/var/lib/kubelet/config.yaml"')
    files.write_kubelet_files(str(svc_net[10]), repo)
    out('[kubelet-start] Activating the kubelet service')
    out('[certs] Using certificateDir folder "/etc/kubernetes/pki"')
    for line in ('etcd/ca', 'etcd/server', 'etcd/peer', 'etcd/healthcheck-client', 'apiserver-etcd-client', 'ca'):
        out('[certs] Generating "%s" certificate and key' % line)
        if line == 'etcd/server' or line == 'etcd/peer':
            out('[certs] %s serving cert is signed for DNS names [%s localhost] and IPs [%s 127.0.0.1 ::1]' % (line, node, addr))
    ca_key, ca_cert = files.write_ca()
    for line in ('apiserver-kubelet-client', 'apiserver'):
        out('[certs] Generating "%s" certificate and key' % line)
    out('[certs] apiserver serving cert is signed for DNS names [%s kubernetes kubernetes.default kubernetes.default.svc kubernetes.default.svc.cluster.local] and IPs [%s %s]' % (node, svc_net[1], addr))
    out('[certs] Generating "front-proxy-ca" certificate and key')
    out('[certs] Generating "front-proxy-client" certificate and key')
    out('[certs] Generating "sa" key and public key')
    out('[kubeconfig] Using kubeconfig folder "/etc/kubernetes"')
    server = 'https://%s:%d' % (addr, cfg['bindPort'])
    files.write_kubeconfigs(ca_key, ca_cert, server, node)
    out('[control-plane] Using manifest folder "/etc/kubernetes/manifests"')
    for comp in ('kube-apiserver', 'kube-controller-manager', 'kube-scheduler'):
        out('[control-plane] Creating static Pod manifest for "%s"' % comp)
    out('[etcd] Creating static Pod manifest for local etcd in "/etc/kubernetes/manifests"')
    files.write_manifests(cfg)
    os.makedirs('/var/lib/etcd/member', exist_ok=True)
    host.systemctl('daemon-reload')
    host.systemctl('enable', APISERVER_UNIT)
    host.systemctl('restart', APISERVER_UNIT)
    host.systemctl('restart', 'kubelet.service')
    out('[wait-control-plane] Waiting for the kubelet to boot up the control plane as static Pods from directory "/etc/kubernetes/manifests". This can take up to 4m0s')
    t0 = time.time()
    # etcd and the API server listen on the advertise address: one this host does not have never
    # comes up (the real init waits 4m0s). Health is asked on loopback, so nothing leaves the host.
    local = addr in host.local_ipv4s() or addr.startswith('127.')
    while True:
        try:
            code, _ = apiclient.request('https://127.0.0.1:%d' % cfg['bindPort'], 'GET', '/healthz', timeout=2) if local else (0, None)
            if code == 200:
                break
        except apiclient.Unreachable:
            pass
        if time.time() - t0 > CONTROL_PLANE_TIMEOUT:
            control_plane_failed()
        time.sleep(0.3)
    out('[apiclient] All control plane components are healthy after %f seconds' % (time.time() - t0))
    cfg['caData'] = __import__('base64').b64encode(ca_cert.encode()).decode()
    cfg['clusterConfigurationYAML'] = k8s_yaml.dump({
        'apiServer': {'extraArgs': {'authorization-mode': 'Node,RBAC'}, 'timeoutForControlPlane': '4m0s'}, 'apiVersion': 'kubeadm.k8s.io/v1beta1',
        'certificatesDir': '/etc/kubernetes/pki', 'clusterName': 'kubernetes', 'controlPlaneEndpoint': '', 'controllerManager': {},
        'dns': {'type': 'CoreDNS'}, 'etcd': {'local': {'dataDir': '/var/lib/etcd'}}, 'imageRepository': repo, 'kind': 'ClusterConfiguration',
        'kubernetesVersion': k8s_version, 'networking': {'dnsDomain': 'cluster.local', 'podSubnet': cfg['podSubnet'], 'serviceSubnet': cfg['serviceSubnet']},
        'scheduler': {}})
    cfg['kubeletConfigYAML'] = files.kubelet_config(str(svc_net[10]))
    apiclient.request(server, 'POST', '/k8splay/bootstrap', cfg)
    out('[uploadconfig] storing the configuration used in ConfigMap "kubeadm-config" in the "kube-system" Namespace')
    out('[kubelet] Creating a ConfigMap "kubelet-config-1.13" in namespace kube-system with the configuration for the kubelets in the cluster')
    if not wait_node(server, node):
        kubelet_failed('error execution phase upload-config/kubelet: Error writing Crisocket information for the control-plane node: timed out waiting for the condition')
    out('[patchnode] Uploading the CRI Socket information "/var/run/dockershim.sock" to the Node API object "%s" as an annotation' % node)
    apiclient.request(server, 'POST', '/k8splay/nodes/%s/mark-master' % node)
    out('[mark-control-plane] Marking the node %s as control-plane by adding the label "node-role.kubernetes.io/master=\'\'"' % node)
    out('[mark-control-plane] Marking the node %s as control-plane by adding the taints [node-role.kubernetes.io/master:NoSchedule]' % node)
    token = f['token'] or new_token()
    out('[bootstrap-token] Using token: %s' % token)
    code, body = apiclient.request(server, 'POST', '/k8splay/tokens', {'token': token, 'ttl': ttl, 'description': "The default bootstrap token generated by 'kubeadm init'.",
                                                                       'usages': ['authentication', 'signing'], 'groups': DEFAULT_GROUPS})
    if code >= 300 and code != 409:
        cli.die('error execution phase bootstrap-token: %s' % (body or {}).get('message', body))
    out('[bootstrap-token] Configuring bootstrap tokens, cluster-info ConfigMap, RBAC Roles')
    out('[bootstraptoken] configured RBAC rules to allow Node Bootstrap tokens to post CSRs in order for nodes to get long term certificate credentials')
    out('[bootstraptoken] configured RBAC rules to allow the csrapprover controller automatically approve CSRs from a Node Bootstrap Token')
    out('[bootstraptoken] configured RBAC rules to allow certificate rotation for all node client certificates in the cluster')
    out('[bootstraptoken] creating the "cluster-info" ConfigMap in the "kube-public" namespace')
    out('[addons] Applied essential addon: CoreDNS')
    out('[addons] Applied essential addon: kube-proxy')
    out()
    out('Your Kubernetes master has initialized successfully!')
    out()
    out('To start using your cluster, you need to run the following as a regular user:')
    out()
    out('  mkdir -p $HOME/.kube')
    out('  sudo cp -i /etc/kubernetes/admin.conf $HOME/.kube/config')
    out('  sudo chown $(id -u):$(id -g) $HOME/.kube/config')
    out()
    out('You should now deploy a pod network to the cluster.')
    out('Run "kubectl apply -f [podnetwork].yaml" with one of the options listed at:')
    out('  https://kubernetes.io/docs/concepts/cluster-administration/addons/')
    out()
    out('You can now join any number of machines by running the following on each node')
    out('as root:')
    out()
    out('  ' + join_command('%s:%d' % (addr, cfg['bindPort']), token if not f['skip-token-print'] else '<value withheld>', ca_cert))
    out()
    return 0


def control_plane_failed():
    out('[kubelet-check] Initial timeout of 40s passed.')
    out()
    out('Unfortunately, an error has occurred:')
    out('\ttimed out waiting for the condition')
    out()
    out('This error is likely caused by:')
    out('\t- The kubelet is not running')
    out('\t- The kubelet is unhealthy due to a misconfiguration of the node in some way (required cgroups disabled)')
    out()
    out('If you are on a systemd-powered system, you can try to troubleshoot the error with the following commands:')
    out("\t- 'systemctl status kubelet'")
    out("\t- 'journalctl -xeu kubelet'")
    out()
    out('(k8splay sandbox stand-in: the control plane is %s; see \'systemctl status %s\')' % (APISERVER_UNIT, APISERVER_UNIT))
    cli.die('error execution phase wait-control-plane: couldn\'t initialize a Kubernetes cluster', 1)


def kubelet_failed(msg):
    out('[kubelet-check] Initial timeout of 40s passed.')
    cli.die(msg, 1)


def wait_node(server, node, timeout=KUBELET_TIMEOUT):
    t0 = time.time()
    while time.time() - t0 < timeout:
        try:
            code, _ = apiclient.request(server, 'GET', '/k8splay/objects/Node/-/%s' % node, timeout=3)
            if code == 200:
                return True
        except apiclient.Unreachable:
            pass
        time.sleep(0.5)
    return False


# ------------------------------------------------------------------------------------------ join

JOIN_FLAGS = {
    'token': ('str', ''), 'discovery-token': ('str', ''), 'tls-bootstrap-token': ('str', ''), 'discovery-token-ca-cert-hash': ('list', []),
    'discovery-token-unsafe-skip-ca-verification': ('bool', False), 'discovery-file': ('str', ''), 'ignore-preflight-errors': ('list', []),
    'node-name': ('str', ''), 'cri-socket': ('str', '/var/run/dockershim.sock'), 'config': ('str', ''), 'experimental-control-plane': ('bool', False),
    'apiserver-advertise-address': ('str', ''), 'apiserver-bind-port': ('int', 6443), 'feature-gates': ('str', ''), 'v': ('str', '0'),
    'help': ('bool', False, ['h']),
}


def check_pins(hashes):
    for h in hashes:
        if ':' not in h:
            cli.die('invalid hash, expected "format:hex-value"')
        kind, hexv = h.split(':', 1)
        if kind.lower() != 'sha256':
            cli.die('unknown hash type %s' % kind)
        try:
            raw = bytes.fromhex(hexv)
        except ValueError:
            cli.die('invalid hash "%s": encoding/hex: invalid byte' % h)
        if len(raw) != 32:
            cli.die('expected a 32 byte SHA-256 hash, found %d bytes' % len(raw))


def discover(endpoint, token, pins, skip_ca):
    """The 1.13 token discovery loop; returns the cluster CA PEM and server, or dies on timeout."""
    tid, secret = token.split('.', 1)
    server = 'https://' + endpoint
    url = server + '/api/v1/namespaces/kube-public/configmaps/cluster-info'
    t0 = time.time()
    while True:
        out('[discovery] Trying to connect to API Server "%s"' % endpoint)
        out('[discovery] Created cluster-info discovery client, requesting info from "%s"' % server)
        problem = None
        info = None
        while info is None:
            try:
                code, body = apiclient.request(server, 'GET', '/api/v1/namespaces/kube-public/configmaps/cluster-info', timeout=5)
                if code == 200:
                    info = body
                else:
                    out('[discovery] Failed to request cluster info, will try again: [configmaps "cluster-info" is forbidden: User "system:anonymous" cannot get resource "configmaps" in API group "" in the namespace "kube-public"]')
            except apiclient.Unreachable as e:
                out('[discovery] Failed to request cluster info, will try again: [%s]' % e.go_message(url))
            if info is None:
                retry_or_abort(t0)
        data = info.get('data') or {}
        kc = data.get('kubeconfig')
        sig = data.get('jws-kubeconfig-' + tid)
        if not kc:
            problem = "there is no kubeconfig key in the cluster-info ConfigMap. This API Server isn't set up for token bootstrapping, can't connect"
        elif not sig:
            problem = 'token id "%s" is invalid for this cluster or it has expired. Use "kubeadm token create" on the master node to creating a new valid token' % tid
        elif not jws.valid(sig, kc, tid, secret):
            problem = "failed to verify JWS signature of received cluster info object, can't trust this API Server"
        else:
            doc = k8s_yaml.load(kc)
            cluster = doc['clusters'][0]['cluster']
            ca = kubeconfig.ca_pem(cluster)
            if skip_ca:
                out('[discovery] Cluster info signature and contents are valid and no TLS pinning was specified, will use API Server "%s"' % endpoint)
            else:
                actual = pki.ca_cert_hash(ca)
                if actual.lower() not in [p.lower() for p in pins]:
                    problem = 'cluster CA found in cluster-info configmap is invalid: public key %s not pinned' % actual
                else:
                    out('[discovery] Requesting info from "%s" again to validate TLS against the pinned public key' % server)
                    out('[discovery] Cluster info signature and contents are valid and TLS certificate validates against pinned roots, will use API Server "%s"' % endpoint)
            if problem is None:
                out('[discovery] Successfully established connection with API Server "%s"' % endpoint)
                return ca, cluster.get('server') or server
        out('[discovery] Failed to connect to API Server "%s": %s' % (endpoint, problem))
        retry_or_abort(t0)


def retry_or_abort(t0):
    """Waits for the next try (every 5 s), or to the discovery timeout and gives up."""
    remaining = DISCOVERY_TIMEOUT - (time.time() - t0)
    if remaining <= DISCOVERY_RETRY:
        time.sleep(max(0.0, remaining))
        abort_discovery()
    time.sleep(DISCOVERY_RETRY)


def abort_discovery():
    d = kubetime.go_duration(DISCOVERY_TIMEOUT)
    out('[discovery] abort connecting to API servers after timeout of %s' % d)
    cli.die("couldn't validate the identity of the API Server: abort connecting to API servers after timeout of %s" % d, 1)


def cmd_join(argv):
    try:
        f, pos = cli.parse(argv, JOIN_FLAGS)
    except cli.UsageError as e:
        cli.die('Error: %s\n\nUsage:\n  kubeadm join [flags]' % e)
    if f['help']:
        out('Run this on any machine you wish to join an existing cluster (%s)' % version.STANDIN)
        return 0
    ignored = ignored_set(f['ignore-preflight-errors'])
    token = f['discovery-token'] or f['token']
    if not pos and not f['discovery-file']:
        cli.die('discovery: Invalid value: "": bootstrapToken or file must be set', 3)
    if not token:
        cli.die('discovery.bootstrapToken.token: Invalid value: "": the bootstrap token is invalid', 3)
    if not TOKEN_RE.match(token):
        cli.die('discovery.bootstrapToken.token: Invalid value: "%s": the bootstrap token is invalid' % token, 3)
    if not f['discovery-token-ca-cert-hash'] and not f['discovery-token-unsafe-skip-ca-verification']:
        cli.die('discovery.bootstrapToken: Invalid value: "": using token-based discovery without caCertHashes can be unsafe. Set unsafeSkipCAVerification to continue', 3)
    check_pins(f['discovery-token-ca-cert-hash'])
    endpoint = pos[0]
    node = (f['node-name'] or host.node_name()).lower()
    out('[preflight] Running pre-flight checks')
    failure = preflight.root_check(ignored) or preflight.run_checks(preflight.join_checks(node, endpoint.rsplit(':', 1)[0]), ignored)
    if failure:
        cli.die(failure, 2)  # 1.13's join reports preflight errors unwrapped, exit code 2
    ca, server = discover(endpoint, token, f['discovery-token-ca-cert-hash'], f['discovery-token-unsafe-skip-ca-verification'])
    out('[join] Reading configuration from the cluster...')
    out("[join] FYI: You can look at this config file with 'kubectl -n kube-system get cm kubeadm-config -oyaml'")
    code, cfg = apiclient.request(server, 'GET', '/k8splay/config')
    import ipaddress
    dns = str(ipaddress.ip_network(cfg['serviceSubnet'], strict=False)[10])
    out('[kubelet] Downloading configuration for the kubelet from the "kubelet-config-1.13" ConfigMap in the kube-system namespace')
    host.systemctl('stop', 'kubelet.service')
    out('[kubelet-start] Writing kubelet configuration to file "/var/lib/kubelet/config.yaml"')
    out('[kubelet-start] Writing kubelet environment file with flags to file "/var/lib/kubelet/kubeadm-flags.env"')
    files.write_kubelet_files(dns, cfg['imageRepository'])
    host.write(files.PKI + '/ca.crt', ca)
    kubeconfig.write(files.K8S + '/kubelet.conf', files.bootstrap_kubelet_conf(server, ca))
    out('[kubelet-start] Activating the kubelet service')
    host.systemctl('restart', 'kubelet.service')
    out('[tlsbootstrap] Waiting for the kubelet to perform the TLS Bootstrap...')
    if not wait_node(server, node):
        kubelet_failed('error uploading crisocket: timed out waiting for the condition')
    out('[patchnode] Uploading the CRI Socket information "/var/run/dockershim.sock" to the Node API object "%s" as an annotation' % node)
    out()
    out('This node has joined the cluster:')
    out('* Certificate signing request was sent to apiserver and a response was received.')
    out('* The Kubelet was informed of the new secure connection details.')
    out()
    out("Run 'kubectl get nodes' on the master to see this node join the cluster.")
    out()
    return 0


# ------------------------------------------------------------------------------------------ token

TOKEN_FLAGS = {
    'kubeconfig': ('str', '/etc/kubernetes/admin.conf'), 'ttl': ('str', '24h0m0s'), 'print-join-command': ('bool', False),
    'description': ('str', ''), 'usages': ('list', []), 'groups': ('list', []), 'config': ('str', ''), 'dry-run': ('bool', False),
    'v': ('str', '0'), 'help': ('bool', False, ['h']),
}


def admin_server(path):
    try:
        doc = kubeconfig.load(path)
    except OSError:
        cli.die('failed to load admin kubeconfig: open %s: no such file or directory' % path)
    server, _, cluster = kubeconfig.current(doc)
    return server, kubeconfig.ca_pem(cluster)


def cmd_token(argv):
    try:
        f, pos = cli.parse(argv, TOKEN_FLAGS)
    except cli.UsageError as e:
        cli.die('Error: %s' % e)
    sub = pos[0] if pos else ''
    if sub not in ('create', 'list', 'delete', 'generate'):
        out('This command manages bootstrap tokens. (%s)\n\nUsage:\n  kubeadm token [command]\n\nAvailable Commands:\n  create      Create bootstrap tokens on the server.\n  delete      Delete bootstrap tokens on the server.\n  generate    Generate and print a bootstrap token, but do not create it on the server.\n  list        List bootstrap tokens on the server.' % version.STANDIN)
        return 0 if not sub else 1
    if sub == 'generate':
        out(new_token())
        return 0
    server, ca = admin_server(f['kubeconfig'])
    try:
        if sub == 'create':
            # 1.13 loads default InitConfiguration values, which asks the internet for a version.
            resolve_version('stable-1')
            token = pos[1] if len(pos) > 1 else new_token()
            if not TOKEN_RE.match(token):
                cli.die('the bootstrap token "%s" was not of the form "^([a-z0-9]{6})\\.([a-z0-9]{16})$"' % token)
            ttl = kubetime.parse_go_duration(f['ttl'])
            if ttl is None:
                cli.die('invalid argument "%s" for "--ttl" flag: time: invalid duration %s' % (f['ttl'], f['ttl']))
            code, body = apiclient.request(server, 'POST', '/k8splay/tokens', {
                'token': token, 'ttl': ttl, 'description': f['description'], 'usages': f['usages'] or ['signing', 'authentication'],
                'groups': f['groups'] or DEFAULT_GROUPS})
            if code >= 300:
                cli.die('failed to create or update bootstrap token with name bootstrap-token-%s: %s' % (token.split('.')[0], (body or {}).get('message', body)))
            out(join_command(kubeconfig.host_port(server), token, ca) if f['print-join-command'] else token)
            return 0
        if sub == 'list':
            code, toks = apiclient.request(server, 'GET', '/k8splay/tokens')
            rows = [['TOKEN', 'TTL', 'EXPIRES', 'USAGES', 'DESCRIPTION', 'EXTRA GROUPS']]
            now = time.time()
            for tid, t in sorted(toks.items(), key=lambda kv: kv[1]['created']):
                exp = t.get('expires')
                rows.append(['%s.%s' % (tid, t['secret']), '<forever>' if exp is None else kubetime.short_human_duration(exp - now),
                             '<never>' if exp is None else kubetime.rfc3339(exp, local=True), ','.join(sorted(t.get('usages') or [])),
                             t.get('description') or '<none>', ','.join(t.get('groups') or [])])
            sys.stdout.write(tabwriter.render(rows, minwidth=10, padding=3))
            return 0
        if sub == 'delete':
            if len(pos) < 2:
                cli.die('missing subcommand; \'token delete\' is missing token of form ["^([a-z0-9]{6})$"]')
            for t in pos[1:]:
                tid = t.split('.')[0]
                code, body = apiclient.request(server, 'DELETE', '/k8splay/tokens/%s' % tid)
                if code >= 300:
                    cli.die('failed to delete bootstrap token with name "bootstrap-token-%s": %s' % (tid, (body or {}).get('message')))
                out('bootstrap token with id "%s" deleted' % tid)
            return 0
    except apiclient.Unreachable as e:
        cli.die('failed to list bootstrap tokens: %s' % e.go_message(server + '/api/v1/namespaces/kube-system/secrets') if sub == 'list'
                else 'failed to create or update bootstrap token: %s' % e.go_message(server + '/api/v1/namespaces/kube-system/secrets'))
    return 0


# ------------------------------------------------------------------------------------------ reset

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


# ------------------------------------------------------------------------------------------ main

def cmd_config(argv):
    try:
        f, pos = cli.parse(argv, {'image-repository': ('str', 'k8s.gcr.io'), 'kubernetes-version': ('str', 'stable-1'), 'config': ('str', ''),
                                  'kubeconfig': ('str', '/etc/kubernetes/admin.conf'), 'v': ('str', '0')})
    except cli.UsageError as e:
        cli.die('Error: %s' % e)
    if pos[:2] == ['images', 'list'] or pos[:2] == ['images', 'pull']:
        if f['config']:
            f.update(config_file_values(f['config']))
        imgs = image_list(f['image-repository'].rstrip('/'), resolve_version(f['kubernetes-version']))
        if pos[1] == 'list':
            for i in imgs:
                out(i)
            return 0
        for i in imgs:
            code, output = host.run(['docker', 'pull', i], timeout=600)
            if code != 0:
                cli.die('failed to pull image "%s": output: %s, error: exit status %d' % (i, output, code))
            out('[config/images] Pulled %s' % i)
        return 0
    cli.die('k8splay sandbox stand-in: `kubeadm config %s` is not implemented' % ' '.join(pos))


def main(argv):
    if not argv or argv[0] in ('-h', '--help', 'help'):
        out(HELP)
        return 0
    cmd, rest = argv[0], argv[1:]
    if cmd == 'version':
        o = ''
        if '-o' in rest or any(a.startswith('--output') for a in rest):
            o = rest[rest.index('-o') + 1] if '-o' in rest else rest[0].split('=', 1)[1]
        if o == 'short':
            out(version.GIT_VERSION)
        else:
            out('kubeadm version: &%s' % version.info(version.KUBEADM_BUILD))
        return 0
    handlers = {'init': cmd_init, 'join': cmd_join, 'token': cmd_token, 'reset': cmd_reset, 'config': cmd_config}
    if cmd not in handlers:
        cli.die('Error: unknown command "%s" for "kubeadm"\nRun \'kubeadm --help\' for usage.' % cmd)
    return handlers[cmd](rest)


if __name__ == '__main__':
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)  # `| head` ends us quietly, as Go programs end
    sys.exit(main(sys.argv[1:]) or 0)
