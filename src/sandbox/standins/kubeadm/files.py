"""The files kubeadm 1.13 writes: static pod manifests, kubelet configuration, kubeconfigs, PKI."""
import os

import host
import k8s_yaml
import kubeconfig
import pki

K8S = '/etc/kubernetes'
PKI = K8S + '/pki'
MANIFESTS = K8S + '/manifests'
KUBELET_DIR = '/var/lib/kubelet'


def kubelet_config(cluster_dns):
    """/var/lib/kubelet/config.yaml as 1.13's kubelet-start phase writes it."""
    return k8s_yaml.dump({
        'address': '0.0.0.0', 'apiVersion': 'kubelet.config.k8s.io/v1beta1',
        'authentication': {'anonymous': {'enabled': False}, 'webhook': {'cacheTTL': '2m0s', 'enabled': True}, 'x509': {'clientCAFile': PKI + '/ca.crt'}},
        'authorization': {'mode': 'Webhook', 'webhook': {'cacheAuthorizedTTL': '5m0s', 'cacheUnauthorizedTTL': '30s'}},
        'cgroupDriver': 'cgroupfs', 'cgroupsPerQOS': True, 'clusterDNS': [cluster_dns], 'clusterDomain': 'cluster.local',
        'configMapAndSecretChangeDetectionStrategy': 'Watch', 'containerLogMaxFiles': 5, 'containerLogMaxSize': '10Mi',
        'contentType': 'application/vnd.kubernetes.protobuf', 'cpuCFSQuota': True, 'cpuCFSQuotaPeriod': '100ms', 'cpuManagerPolicy': 'none',
        'cpuManagerReconcilePeriod': '10s', 'enableControllerAttachDetach': True, 'enableDebuggingHandlers': True, 'enforceNodeAllocatable': ['pods'],
        'eventBurst': 10, 'eventRecordQPS': 5,
        'evictionHard': {'imagefs.available': '15%', 'memory.available': '100Mi', 'nodefs.available': '10%', 'nodefs.inodesFree': '5%'},
        'evictionPressureTransitionPeriod': '5m0s', 'failSwapOn': True, 'fileCheckFrequency': '20s', 'hairpinMode': 'promiscuous-bridge',
        'healthzBindAddress': '127.0.0.1', 'healthzPort': 10248, 'httpCheckFrequency': '20s', 'imageGCHighThresholdPercent': 85,
        'imageGCLowThresholdPercent': 80, 'imageMinimumGCAge': '2m0s', 'iptablesDropBit': 15, 'iptablesMasqueradeBit': 14,
        'kind': 'KubeletConfiguration', 'kubeAPIBurst': 10, 'kubeAPIQPS': 5, 'makeIPTablesUtilChains': True, 'maxOpenFiles': 1000000,
        'maxPods': 110, 'nodeLeaseDurationSeconds': 40, 'nodeStatusReportFrequency': '1m0s', 'nodeStatusUpdateFrequency': '10s',
        'oomScoreAdj': -999, 'podPidsLimit': -1, 'port': 10250, 'registryBurst': 10, 'registryPullQPS': 5,
        'resolvConf': '/etc/resolv.conf', 'rotateCertificates': True, 'runtimeRequestTimeout': '2m0s', 'serializeImagePulls': True,
        'staticPodPath': MANIFESTS, 'streamingConnectionIdleTimeout': '4h0m0s', 'syncFrequency': '1m0s', 'volumeStatsAggPeriod': '1m0s',
    })


def kubelet_flags(image_repository):
    args = '--cgroup-driver=cgroupfs --network-plugin=cni'
    if image_repository != 'k8s.gcr.io':
        args += ' --pod-infra-container-image=%s/pause:3.1' % image_repository
    return 'KUBELET_KUBEADM_ARGS=%s\n' % args


def write_kubelet_files(cluster_dns, image_repository):
    host.write(KUBELET_DIR + '/config.yaml', kubelet_config(cluster_dns))
    host.write(KUBELET_DIR + '/kubeadm-flags.env', kubelet_flags(image_repository))


def _pod(name, component, image, command, port=None, host_paths=()):
    c = {'command': command, 'image': image, 'imagePullPolicy': 'IfNotPresent', 'name': name, 'resources': {}}
    if port:
        c['livenessProbe'] = {'failureThreshold': 8, 'httpGet': {'host': '127.0.0.1', 'path': '/healthz', 'port': port, 'scheme': 'HTTPS' if port == 6443 else 'HTTP'},
                              'initialDelaySeconds': 15, 'timeoutSeconds': 15}
    c['volumeMounts'] = [{'mountPath': p, 'name': n, 'readOnly': ro} for n, p, ro in host_paths]
    return k8s_yaml.dump({
        'apiVersion': 'v1', 'kind': 'Pod',
        'metadata': {'annotations': {'scheduler.alpha.kubernetes.io/critical-pod': ''}, 'creationTimestamp': None,
                     'labels': {'component': component, 'tier': 'control-plane'}, 'name': name, 'namespace': 'kube-system'},
        'spec': {'containers': [c], 'hostNetwork': True, 'priorityClassName': 'system-cluster-critical',
                 'volumes': [{'hostPath': {'path': p, 'type': 'DirectoryOrCreate'}, 'name': n} for n, p, _ in host_paths]},
        'status': {},
    })


def write_manifests(cfg):
    repo, ver, addr, port = cfg['imageRepository'], cfg['kubernetesVersion'], cfg['advertiseAddress'], cfg['bindPort']
    certs = [('k8s-certs', PKI, True), ('ca-certs', '/etc/ssl/certs', True)]
    apiserver = ['kube-apiserver', '--authorization-mode=Node,RBAC', '--advertise-address=%s' % addr, '--allow-privileged=true',
                 '--client-ca-file=%s/ca.crt' % PKI, '--enable-admission-plugins=NodeRestriction', '--enable-bootstrap-token-auth=true',
                 '--etcd-cafile=%s/etcd/ca.crt' % PKI, '--etcd-certfile=%s/apiserver-etcd-client.crt' % PKI,
                 '--etcd-keyfile=%s/apiserver-etcd-client.key' % PKI, '--etcd-servers=https://127.0.0.1:2379', '--insecure-port=0',
                 '--kubelet-client-certificate=%s/apiserver-kubelet-client.crt' % PKI, '--kubelet-client-key=%s/apiserver-kubelet-client.key' % PKI,
                 '--kubelet-preferred-address-types=InternalIP,ExternalIP,Hostname', '--secure-port=%d' % port,
                 '--service-account-key-file=%s/sa.pub' % PKI, '--service-cluster-ip-range=%s' % cfg['serviceSubnet'],
                 '--tls-cert-file=%s/apiserver.crt' % PKI, '--tls-private-key-file=%s/apiserver.key' % PKI]
    cm = ['kube-controller-manager', '--address=127.0.0.1', '--authentication-kubeconfig=%s/controller-manager.conf' % K8S,
          '--authorization-kubeconfig=%s/controller-manager.conf' % K8S, '--client-ca-file=%s/ca.crt' % PKI,
          '--cluster-signing-cert-file=%s/ca.crt' % PKI, '--cluster-signing-key-file=%s/ca.key' % PKI, '--controllers=*,bootstrapsigner,tokencleaner',
          '--kubeconfig=%s/controller-manager.conf' % K8S, '--leader-elect=true', '--root-ca-file=%s/ca.crt' % PKI,
          '--service-account-private-key-file=%s/sa.key' % PKI, '--use-service-account-credentials=true']
    if cfg.get('podSubnet'):
        cm[1:1] = ['--allocate-node-cidrs=true', '--cluster-cidr=%s' % cfg['podSubnet']]
    sched = ['kube-scheduler', '--address=127.0.0.1', '--kubeconfig=%s/scheduler.conf' % K8S, '--leader-elect=true']
    etcd = ['etcd', '--advertise-client-urls=https://%s:2379' % addr, '--cert-file=%s/etcd/server.crt' % PKI, '--client-cert-auth=true',
            '--data-dir=/var/lib/etcd', '--initial-advertise-peer-urls=https://%s:2380' % addr,
            '--initial-cluster=%s=https://%s:2380' % (cfg['nodeName'], addr), '--key-file=%s/etcd/server.key' % PKI,
            '--listen-client-urls=https://127.0.0.1:2379,https://%s:2379' % addr, '--listen-peer-urls=https://%s:2380' % addr,
            '--name=%s' % cfg['nodeName'], '--peer-cert-file=%s/etcd/peer.crt' % PKI, '--peer-client-cert-auth=true',
            '--peer-key-file=%s/etcd/peer.key' % PKI, '--peer-trusted-ca-file=%s/etcd/ca.crt' % PKI, '--snapshot-count=10000',
            '--trusted-ca-file=%s/etcd/ca.crt' % PKI]
    host.write(MANIFESTS + '/kube-apiserver.yaml', _pod('kube-apiserver', 'kube-apiserver', '%s/kube-apiserver:%s' % (repo, ver), apiserver, 6443, certs), 0o600)
    host.write(MANIFESTS + '/kube-controller-manager.yaml', _pod('kube-controller-manager', 'kube-controller-manager', '%s/kube-controller-manager:%s' % (repo, ver), cm, 10252,
                                                                 certs + [('kubeconfig', K8S + '/controller-manager.conf', True)]), 0o600)
    host.write(MANIFESTS + '/kube-scheduler.yaml', _pod('kube-scheduler', 'kube-scheduler', '%s/kube-scheduler:%s' % (repo, ver), sched, 10251,
                                                        [('kubeconfig', K8S + '/scheduler.conf', True)]), 0o600)
    host.write(MANIFESTS + '/etcd.yaml', _pod('etcd', 'etcd', '%s/etcd:3.2.24' % repo, etcd, None, [('etcd-data', '/var/lib/etcd', False), ('etcd-certs', PKI + '/etcd', False)]), 0o600)


def write_ca():
    """Creates pki/ca.crt and ca.key (a real 2048-bit RSA CA, 10 years); returns (key, cert PEM)."""
    key = pki.RSAKey()
    cert = pki.certificate(key, 'kubernetes', days=3650, ca=True, serial=0)
    host.write(PKI + '/ca.crt', cert)
    host.write(PKI + '/ca.key', key.private_pem(), 0o600)
    return key, cert


def write_kubeconfigs(ca_key, ca_cert, server, node):
    """admin.conf, kubelet.conf, controller-manager.conf, scheduler.conf with client certificates
    signed by the CA. To keep init quick in pure Python, the kubelet, controller manager and
    scheduler share one client key (each has its own certificate)."""
    admin_key = pki.RSAKey()
    shared = pki.RSAKey()
    entries = [('admin.conf', 'kubernetes-admin', 'system:masters', admin_key),
               ('kubelet.conf', 'system:node:%s' % node, 'system:nodes', shared),
               ('controller-manager.conf', 'system:kube-controller-manager', None, shared),
               ('scheduler.conf', 'system:kube-scheduler', None, shared)]
    for fname, user, org, key in entries:
        cert = pki.certificate(key, user, issuer_key=ca_key, issuer_cn='kubernetes', org=org, client=True)
        print('[kubeconfig] Writing "%s" kubeconfig file' % fname, flush=True)
        kubeconfig.write(os.path.join(K8S, fname), kubeconfig.render(server, ca_cert, user=user, client_cert=cert, client_key=key.private_pem()))


def bootstrap_kubelet_conf(server, ca_cert):
    """The kubelet.conf the TLS bootstrap leaves on a joined node (certificate files on disk)."""
    import base64
    return k8s_yaml.dump({
        'apiVersion': 'v1',
        'clusters': [{'cluster': {'certificate-authority-data': base64.b64encode(ca_cert.encode()).decode(), 'server': server}, 'name': 'default-cluster'}],
        'contexts': [{'context': {'cluster': 'default-cluster', 'namespace': 'default', 'user': 'default-auth'}, 'name': 'default-context'}],
        'current-context': 'default-context', 'kind': 'Config', 'preferences': {},
        'users': [{'name': 'default-auth', 'user': {'client-certificate': KUBELET_DIR + '/pki/kubelet-client-current.pem',
                                                    'client-key': KUBELET_DIR + '/pki/kubelet-client-current.pem'}}],
    })
