"""What the kubeadm stand-in's commands share: output helpers, versions, images, tokens, waits."""
import os
import re
import secrets
import sys
import time

import apiclient
import cli
import host
import pki
import preflight
import version
import images as imagelib


APISERVER_UNIT = 'k8splay-standin-apiserver.service'


STATE_DIR = '/var/lib/k8splay-standin'


TOKEN_RE = re.compile(r'^([a-z0-9]{6})\.([a-z0-9]{16})$')


DEFAULT_GROUPS = ['system:bootstrappers:kubeadm:default-node-token']


# Bounded waits of the stand-in (the real ones are 4m0s and 5m0s): kept short for rehearsals.
CONTROL_PLANE_TIMEOUT = float(os.environ.get('K8SPLAY_STANDIN_CONTROL_PLANE_TIMEOUT', '30'))


DISCOVERY_TIMEOUT = float(os.environ.get('K8SPLAY_STANDIN_DISCOVERY_TIMEOUT', '10'))


DISCOVERY_RETRY = 5.0


KUBELET_TIMEOUT = float(os.environ.get('K8SPLAY_STANDIN_KUBELET_TIMEOUT', '40'))


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


def kubelet_failed(msg):
    out('[kubelet-check] Initial timeout of 40s passed.')
    cli.die(msg, 1)
