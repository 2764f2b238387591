"""`kubeadm join` (1.13): node preflight, token discovery (JWS and CA pin checks, retries), kubelet start."""
import time

import apiclient
import cli
import files
import host
import jws
import k8s_yaml
import kubeconfig
import kubetime
import pki
import preflight
import version
from shared import (TOKEN_RE, DISCOVERY_TIMEOUT, DISCOVERY_RETRY, out, ignored_set, wait_node, kubelet_failed)


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
