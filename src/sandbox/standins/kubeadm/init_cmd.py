"""`kubeadm init` (1.13): flags or --config, preflight, image pulls, files, the control plane, the join line."""
import os
import time

import apiclient
import cli
import files
import host
import k8s_yaml
import kubetime
import preflight
import version
from shared import (APISERVER_UNIT, TOKEN_RE, DEFAULT_GROUPS, CONTROL_PLANE_TIMEOUT, out, resolve_version,
                    image_list, pull_images, new_token, ignored_set, join_command, wait_node, kubelet_failed)


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
